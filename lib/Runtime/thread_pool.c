/*===- thread_pool.c - the threads parallel kernels share -----------------===*
 *
 * One pool per library, started on the first parallel loop that can use
 * it. A loop is owned by one caller at a time: it publishes the loop by
 * advancing a generation counter, runs chunk 0 itself, and then it and the
 * workers claim the other chunks one at a time, so a worker the system has
 * not scheduled (other work on the cores) delays nothing: the caller runs
 * its chunk. A model is a few hundred short loops in a row, so a worker that
 * finished one spins for a while watching the counter (waking a sleeping
 * thread costs more than most loops) and only then sleeps on a condition
 * variable. Everything that cannot use the pool at once runs inline on the
 * calling thread instead of waiting, which keeps concurrent sessions and
 * nested loops free of deadlocks.
 *
 * Every chunk runs for the run that started the loop and is a point where
 * a failure on its thread resumes (run_failure.h): a failed chunk ends,
 * the loop's other chunks are skipped, and once all are done the loop's
 * caller resumes its own resume point.
 *
 *===----------------------------------------------------------------------===*/

#include "thread_pool.h"
#include "run_failure.h"
#include "xfc/Runtime/xfc_runtime.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

enum {
  MAX_THREADS = 1024,
  SPINS = 1 << 15, /* polls of the counter before a worker sleeps */
};

typedef void (*body_fn)(void *ctx, int64_t begin, int64_t end);

/* Starting, stopping and sleeping go through the lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int size;    /* threads a loop may use, the caller's included */
static int started; /* workers were started for this size */
static pthread_t *workers;
static int num_workers;
static int sleepers;
static unsigned first_generation; /* where new workers start watching */

/* The loop in flight. `owner` is taken by one caller at a time. A worker
 * enters a loop by counting itself `active` and then finding it `open`;
 * the owner closes a loop before it returns and writes the next one's
 * fields only when no worker is active, so a worker reads one loop's
 * fields whole. Chunks are claimed from `job_next`; `job_done` counts the
 * finished ones. */
static atomic_int owner;
static atomic_uint generation;
static atomic_int stopping;
static atomic_int job_open;
static atomic_int active;
static body_fn job_body;
static void *job_ctx;
static xfc__run *job_run;
static int64_t job_n;
static int job_chunks;
static atomic_int job_next;
static atomic_int job_done;

/* Whether this thread is running a body: its loops run inline. */
static _Thread_local int inside;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* XFC_NUM_THREADS when it is a whole number in [1, MAX_THREADS], else the
 * online cores. */
static int default_size(void) {
  const char *text = getenv("XFC_NUM_THREADS");
  if (text && *text) {
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (!errno && !*end && n >= 1 && n <= MAX_THREADS)
      return (int)n;
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
}

/* Runs the body for `run` (NULL outside runs), catching a failure. */
static void run_range(body_fn body, void *ctx, int64_t begin, int64_t end,
                      xfc__run *run) {
  if (xfc__run_failed(run))
    return;
  int was_inside = inside;
  xfc__run *outer_run = xfc__current_run;
  jmp_buf *outer_point = xfc__resume_point;
  jmp_buf chunk;
  inside = 1;
  xfc__current_run = run;
  if (setjmp(chunk) == 0) {
    xfc__resume_point = &chunk;
    body(ctx, begin, end);
  }
  xfc__resume_point = outer_point;
  xfc__current_run = outer_run;
  inside = was_inside;
}

/* Chunk `chunk` of the loop in flight: sizes q or q + 1, the first
 * n % chunks chunks the larger. */
static void run_chunk(int chunk) {
  int64_t q = job_n / job_chunks, r = job_n % job_chunks;
  int64_t begin = chunk * q + (chunk < r ? chunk : r);
  run_range(job_body, job_ctx, begin, begin + q + (chunk < r), job_run);
}

/* Runs unclaimed chunks of the loop in flight until none is left. */
static void claim_chunks(void) {
  int chunk;
  while ((chunk = atomic_fetch_add(&job_next, 1)) < job_chunks) {
    run_chunk(chunk);
    atomic_fetch_add_explicit(&job_done, 1, memory_order_release);
  }
}

static void *work(void *arg) {
  (void)arg;
  unsigned seen = first_generation;
  for (;;) {
    unsigned now;
    int spins = 0;
    while ((now = atomic_load_explicit(&generation, memory_order_acquire)) ==
               seen &&
           !atomic_load_explicit(&stopping, memory_order_acquire)) {
      if (++spins < SPINS) {
        cpu_relax();
        continue;
      }
      pthread_mutex_lock(&lock);
      ++sleepers;
      while (atomic_load_explicit(&generation, memory_order_acquire) == seen &&
             !atomic_load_explicit(&stopping, memory_order_acquire))
        pthread_cond_wait(&wake, &lock);
      --sleepers;
      pthread_mutex_unlock(&lock);
    }
    if (atomic_load_explicit(&stopping, memory_order_acquire))
      return NULL;
    seen = now;
    atomic_fetch_add(&active, 1);
    if (atomic_load(&job_open))
      claim_chunks();
    atomic_fetch_sub_explicit(&active, 1, memory_order_release);
  }
}

/* Wakes workers that gave up spinning. */
static void wake_sleepers(void) {
  pthread_mutex_lock(&lock);
  if (sleepers)
    pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
}

/* A forked child has none of the parent's workers: it starts its own. */
static void lock_for_fork(void) { pthread_mutex_lock(&lock); }
static void unlock_after_fork(void) { pthread_mutex_unlock(&lock); }
static void reset_in_child(void) {
  free(workers);
  workers = NULL;
  num_workers = started = sleepers = 0;
  atomic_store(&owner, 0);
  atomic_store(&stopping, 0);
  pthread_cond_init(&wake, NULL);
  pthread_mutex_unlock(&lock);
}
static void register_fork_handlers(void) {
  pthread_atfork(lock_for_fork, unlock_after_fork, reset_in_child);
}

/* Starts the workers if this size has none yet; with the lock held. Fewer
 * threads than asked for, when the system refuses some, still work. */
static void start(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  if (!size)
    size = default_size();
  if (started)
    return;
  started = 1;
  pthread_once(&once, register_fork_handlers);
  workers = calloc((size_t)size, sizeof *workers);
  if (!workers)
    return;
  first_generation = atomic_load(&generation);
  while (num_workers < size - 1 &&
         pthread_create(&workers[num_workers], NULL, work, NULL) == 0)
    ++num_workers;
}

/* Takes the pool from loops (they run inline meanwhile), joins the workers
 * and sets the size the next loop starts them with (0: the default). */
static void restart(int new_size) {
  int expected = 0;
  while (!atomic_compare_exchange_weak(&owner, &expected, 1)) {
    expected = 0;
    sched_yield();
  }
  pthread_mutex_lock(&lock);
  atomic_store(&stopping, 1);
  pthread_cond_broadcast(&wake);
  pthread_t *joining = workers;
  int count = num_workers;
  workers = NULL;
  num_workers = 0;
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < count; ++i)
    pthread_join(joining[i], NULL);
  free(joining);
  pthread_mutex_lock(&lock);
  atomic_store(&stopping, 0);
  started = 0;
  size = new_size;
  pthread_mutex_unlock(&lock);
  atomic_store(&owner, 0);
}

/* Before dlclose unmaps the library, its threads must be gone. */
__attribute__((destructor)) static void stop(void) { restart(size); }

/* The loop proper; returns once every chunk is done or skipped. */
static void parallel_for(int64_t n, body_fn body, void *ctx, xfc__run *run) {
  int expected = 0;
  if (n == 1 || inside ||
      !atomic_compare_exchange_strong(&owner, &expected, 1)) {
    run_range(body, ctx, 0, n, run);
    return;
  }
  pthread_mutex_lock(&lock);
  start();
  int threads = num_workers + 1;
  pthread_mutex_unlock(&lock);
  if (threads == 1) {
    atomic_store(&owner, 0);
    run_range(body, ctx, 0, n, run);
    return;
  }
  /* Workers still leaving the previous loop may read its fields. */
  while (atomic_load_explicit(&active, memory_order_acquire))
    cpu_relax();
  job_body = body;
  job_ctx = ctx;
  job_run = run;
  job_n = n;
  job_chunks = n < threads ? (int)n : threads;
  atomic_store_explicit(&job_next, 1, memory_order_relaxed);
  atomic_store_explicit(&job_done, 1, memory_order_relaxed);
  atomic_store(&job_open, 1);
  atomic_fetch_add_explicit(&generation, 1, memory_order_release);
  wake_sleepers();
  run_chunk(0);
  claim_chunks();
  while (atomic_load_explicit(&job_done, memory_order_acquire) < job_chunks)
    cpu_relax();
  atomic_store(&job_open, 0);
  atomic_store_explicit(&owner, 0, memory_order_release);
}

void xfc_parallel_for(int64_t n, body_fn body, void *ctx) {
  if (n <= 0)
    return;
  xfc__run *run = xfc__current_run;
  parallel_for(n, body, ctx, run);
  if (xfc__run_failed(run))
    xfc__run_unwind();
}

xfc_status xfc_set_num_threads(int32_t num_threads) {
  if (num_threads < 0 || num_threads > MAX_THREADS || inside)
    return XFC_INVALID_ARGUMENT;
  restart(num_threads);
  return XFC_OK;
}

int32_t xfc_num_threads(void) {
  pthread_mutex_lock(&lock);
  if (!size)
    size = default_size();
  int32_t n = size;
  pthread_mutex_unlock(&lock);
  return n;
}

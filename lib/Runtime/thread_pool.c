/*===- thread_pool.c - the threads parallel kernels share -----------------===*
 *
 * One pool per library, started on the first parallel loop that can use
 * it. A loop is owned by one caller at a time; chunks are handed out under
 * the pool's lock (there are at most as many as threads, so the lock is
 * taken a few times per loop, and a thread can never claim a chunk of a
 * loop other than the one it was woken for). Everything that cannot use
 * the pool at once runs inline on the calling thread instead of waiting,
 * which keeps concurrent sessions and nested loops free of deadlocks.
 *
 *===----------------------------------------------------------------------===*/

#include "thread_pool.h"
#include "xfc/Runtime/xfc_runtime.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

enum { MAX_THREADS = 1024 };

typedef void (*body_fn)(void *ctx, int64_t begin, int64_t end);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER; /* for workers */
static pthread_cond_t done = PTHREAD_COND_INITIALIZER; /* for callers */
static int size;     /* threads a loop may use, the caller's included */
static int started;  /* workers were started for this size */
static int stopping; /* workers must exit */
static pthread_t *workers;
static int num_workers;

/* The loop in flight: `busy` while a caller owns the pool. */
static int busy;
static body_fn job_body;
static void *job_ctx;
static int64_t job_n;
static int job_chunks, job_next, job_pending;

/* Whether this thread is running a body: its loops run inline. */
static _Thread_local int inside;

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

static void run_range(body_fn body, void *ctx, int64_t begin, int64_t end) {
  int was_inside = inside;
  inside = 1;
  body(ctx, begin, end);
  inside = was_inside;
}

/* Claims the next chunk of the loop in flight and runs it: called, and
 * returns, with the lock held. */
static void run_chunk(void) {
  int64_t chunk = job_next++, chunks = job_chunks, n = job_n;
  body_fn body = job_body;
  void *ctx = job_ctx;
  pthread_mutex_unlock(&lock);
  /* Sizes q or q + 1, the first n % chunks chunks the larger. */
  int64_t q = n / chunks, r = n % chunks;
  int64_t begin = chunk * q + (chunk < r ? chunk : r);
  run_range(body, ctx, begin, begin + q + (chunk < r));
  pthread_mutex_lock(&lock);
  if (--job_pending == 0)
    pthread_cond_broadcast(&done);
}

static void *work(void *unused) {
  pthread_mutex_lock(&lock);
  for (;;) {
    while (!stopping && !(busy && job_next < job_chunks))
      pthread_cond_wait(&wake, &lock);
    if (stopping)
      break;
    run_chunk();
  }
  pthread_mutex_unlock(&lock);
  return NULL;
}

/* A forked child has none of the parent's workers: it starts its own. */
static void lock_for_fork(void) { pthread_mutex_lock(&lock); }
static void unlock_after_fork(void) { pthread_mutex_unlock(&lock); }
static void reset_in_child(void) {
  free(workers);
  workers = NULL;
  num_workers = started = busy = stopping = 0;
  job_next = job_chunks = 0;
  pthread_cond_init(&wake, NULL);
  pthread_cond_init(&done, NULL);
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
  while (num_workers < size - 1 &&
         pthread_create(&workers[num_workers], NULL, work, NULL) == 0)
    ++num_workers;
}

/* Waits for the loop in flight, joins the workers and sets the size the
 * next loop starts them with (0: the default). */
static void restart(int new_size) {
  pthread_mutex_lock(&lock);
  while (busy)
    pthread_cond_wait(&done, &lock);
  busy = 1; /* loops run inline meanwhile */
  stopping = 1;
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
  stopping = started = busy = 0;
  size = new_size;
  pthread_cond_broadcast(&done);
  pthread_mutex_unlock(&lock);
}

/* Before dlclose unmaps the library, its threads must be gone. */
__attribute__((destructor)) static void stop(void) { restart(size); }

void xfc_parallel_for(int64_t n, body_fn body, void *ctx) {
  if (n <= 0)
    return;
  if (n == 1 || inside) {
    run_range(body, ctx, 0, n);
    return;
  }
  pthread_mutex_lock(&lock);
  start();
  if (busy || num_workers == 0) {
    pthread_mutex_unlock(&lock);
    run_range(body, ctx, 0, n);
    return;
  }
  busy = 1;
  job_body = body;
  job_ctx = ctx;
  job_n = n;
  job_chunks = n < num_workers + 1 ? (int)n : num_workers + 1;
  job_next = 0;
  job_pending = job_chunks;
  pthread_cond_broadcast(&wake);
  while (job_next < job_chunks)
    run_chunk();
  while (job_pending)
    pthread_cond_wait(&done, &lock);
  busy = 0;
  pthread_cond_broadcast(&done);
  pthread_mutex_unlock(&lock);
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

/*===- buffers.c - the memory generated code allocates ---------------------===*
 *
 * Generated code allocates its intermediate tensors through
 * _mlir_memref_to_llvm_alloc / _free (finalize-memref-to-llvm's generic
 * functions). With plain malloc, every run of a model mapped its large
 * buffers afresh and the kernel zeroed their pages: a third of a GPT-2
 * forward pass at sequence 128. Here freed buffers are kept per thread in
 * power-of-two size classes and reused by the next run on that thread; a
 * thread's cache is released when the thread exits and is bounded.
 *
 * A buffer allocated during a run is on the run's list of live buffers
 * until it is freed, so that a run that fails halfway (run_failure.h)
 * releases what it had; a failed allocation fails the run.
 *
 *===----------------------------------------------------------------------===*/

#include "run_failure.h"
#include "runtime_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

enum {
  kHeader = 64,  /* keeps the payload 64-byte aligned */
  kMinClass = 6, /* 64 bytes */
  kClasses = 40, /* up to 2^45 bytes */
};
static const size_t kCacheLimit = (size_t)1 << 31; /* bytes kept per thread */

/* The header before each payload. `next` and `prev` link the run's live
 * buffers, `next` alone a thread's cache. */
typedef struct xfc__block {
  struct xfc__block *next, *prev;
  xfc__run *run; /* whose live list holds it; NULL outside any */
  unsigned size_class;
} block;
_Static_assert(sizeof(block) <= kHeader, "the header fits before the payload");

typedef struct {
  block *free_lists[kClasses];
  size_t cached;
} thread_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void release_cache(void *p) {
  thread_cache *cache = p;
  for (unsigned c = 0; c < kClasses; ++c)
    while (cache->free_lists[c]) {
      block *b = cache->free_lists[c];
      cache->free_lists[c] = b->next;
      free(b);
    }
  free(cache);
}

static void make_key(void) { pthread_key_create(&cache_key, release_cache); }

static thread_cache *get_cache(void) {
  pthread_once(&cache_once, make_key);
  thread_cache *cache = pthread_getspecific(cache_key);
  if (!cache) {
    cache = calloc(1, sizeof(thread_cache));
    if (cache)
      pthread_setspecific(cache_key, cache);
  }
  return cache;
}

static unsigned size_class(size_t size) {
  unsigned c = kMinClass;
  while (c < kMinClass + kClasses && ((size_t)1 << c) < size)
    ++c;
  return c - kMinClass;
}

/* A block for `size` bytes from this thread's cache or the system; NULL
 * when there is none. */
static block *take_block(size_t size) {
  unsigned c = size_class(size);
  if (c >= kClasses)
    return NULL;
  thread_cache *cache = get_cache();
  block *b = cache ? cache->free_lists[c] : NULL;
  if (b) {
    cache->free_lists[c] = b->next;
    cache->cached -= (size_t)1 << (c + kMinClass);
  } else {
    b = aligned_alloc(kHeader, kHeader + ((size_t)1 << (c + kMinClass)));
    if (!b)
      return NULL;
    b->size_class = c;
  }
  return b;
}

static void link_live(block *b, xfc__run *run) {
  b->run = run;
  b->prev = NULL;
  if (!run)
    return;
  pthread_mutex_lock(&run->lock);
  b->next = run->live;
  if (run->live)
    run->live->prev = b;
  run->live = b;
  pthread_mutex_unlock(&run->lock);
}

static void unlink_live(block *b) {
  xfc__run *run = b->run;
  if (!run)
    return;
  pthread_mutex_lock(&run->lock);
  if (b->prev)
    b->prev->next = b->next;
  else
    run->live = b->next;
  if (b->next)
    b->next->prev = b->prev;
  pthread_mutex_unlock(&run->lock);
  b->run = NULL;
}

void *_mlir_memref_to_llvm_alloc(size_t size) {
  block *b = take_block(size);
  if (!b)
    xfc__run_fail(XFC_OUT_OF_MEMORY, "out of memory: cannot allocate %zu bytes",
                  size);
  link_live(b, xfc__current_run);
  return (char *)b + kHeader;
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  /* Payloads are 64-byte aligned; bufferization asks for at most that. */
  if (alignment > kHeader)
    xfc__run_fail(XFC_INTERNAL,
                  "the compiled code asked for memory aligned to %zu bytes; "
                  "the runtime gives %d",
                  alignment, (int)kHeader);
  return _mlir_memref_to_llvm_alloc(size);
}

void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  block *b = (block *)((char *)ptr - kHeader);
  unlink_live(b);
  size_t bytes = (size_t)1 << (b->size_class + kMinClass);
  thread_cache *cache = get_cache();
  if (!cache || cache->cached + bytes > kCacheLimit) {
    free(b);
    return;
  }
  b->next = cache->free_lists[b->size_class];
  cache->free_lists[b->size_class] = b;
  cache->cached += bytes;
}

void xfc__buffers_release_run(xfc__run *run) {
  while (run->live) {
    block *b = run->live;
    run->live = b->next;
    free(b); /* not cached: a failed run may have been a huge one */
  }
}

void xfc__buffers_keep_run(xfc__run *run) {
  for (block *b = run->live; b; b = b->next)
    b->run = NULL;
  run->live = NULL;
}

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
 *===----------------------------------------------------------------------===*/

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

typedef struct block {
  struct block *next;
  unsigned size_class;
} block;

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

void *_mlir_memref_to_llvm_alloc(size_t size) {
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
  return (char *)b + kHeader;
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  /* Payloads are 64-byte aligned; bufferization asks for at most that. */
  return alignment <= kHeader ? _mlir_memref_to_llvm_alloc(size) : NULL;
}

void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  block *b = (block *)((char *)ptr - kHeader);
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

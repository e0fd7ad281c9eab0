/*===- thread_pool.h - the parallel loop compiled kernels can call ---------===*
 *
 * Every library xfc writes links the runtime's thread pool (thread_pool.c),
 * so generated code may declare and call xfc_parallel_for. The pool belongs
 * to the library: its sessions share it, and it starts, with
 * xfc_num_threads() - 1 threads of its own, on the first call that can use
 * it.
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_LIB_RUNTIME_THREAD_POOL_H
#define XFC_LIB_RUNTIME_THREAD_POOL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runs body(ctx, begin, end) on contiguous, nonempty chunks that together
 * cover [0, n) once each, on the pool's threads and the calling thread at
 * once, and returns when all are done; what they wrote is then visible to
 * the caller. n <= 0 runs nothing. There are at most xfc_num_threads()
 * chunks, of sizes differing by at most one; which thread runs which is
 * unspecified. The body must return normally (no longjmp, no thread exit)
 * or fail the run it works for (run_failure.h): the loop then skips the
 * chunks not yet started and, once all are done, fails on the caller.
 *
 * Any thread may call it at any time. When the pool is busy with another
 * call (another session's run), or the caller is itself inside a body (a
 * nested loop), the caller runs body(ctx, 0, n) alone: slower, never a
 * deadlock, same result for a body that only depends on its range.
 *
 * Hidden: generated code calls its own library's pool, even when another
 * xfc library is loaded with RTLD_GLOBAL, and without a trip through the
 * procedure linkage table. The copy that upstream's JIT runner loads for
 * lit tests exports it. */
#ifdef XFC_JIT_RUNTIME
#define XFC_POOL_VISIBILITY __attribute__((visibility("default")))
#else
#define XFC_POOL_VISIBILITY __attribute__((visibility("hidden")))
#endif
XFC_POOL_VISIBILITY void
xfc_parallel_for(int64_t n, void (*body)(void *ctx, int64_t begin, int64_t end),
                 void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* XFC_LIB_RUNTIME_THREAD_POOL_H */

/*===- run_failure.h - ending a run from deep inside compiled code --------===*
 *
 * Compiled code has no way to return an error: when it finds an index out
 * of range (xfc__fail_run) or the allocator finds no memory, the runtime
 * records why in the run and jumps back to where the run started
 * (target_cpu.c, target_cuda.c), which releases what the run allocated and
 * returns the status. A parallel loop's chunk is a place to resume too
 * (thread_pool.c): a failure on a pool thread ends that chunk, and the
 * thread that started the loop resumes its own caller once every chunk is
 * done, so the pool is never left mid-loop.
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_LIB_RUNTIME_RUN_FAILURE_H
#define XFC_LIB_RUNTIME_RUN_FAILURE_H

#include "runtime_internal.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>

/* A run in progress; pool threads work for it during its loops' chunks. */
typedef struct xfc__run {
  pthread_mutex_t lock; /* guards status, error and live */
  atomic_int failed;
  xfc_status status; /* XFC_OK until the first failure */
  char *error;       /* the first failure's message */
  size_t error_size;
  struct xfc__block *live; /* host buffers allocated and not yet freed */
} xfc__run;

/* The run this thread works for (NULL outside runs) and where a failure
 * on this thread resumes: the innermost chunk, else the run's start. */
XFC_HIDDEN extern _Thread_local xfc__run *xfc__current_run;
XFC_HIDDEN extern _Thread_local jmp_buf *xfc__resume_point;

/* Makes `run` this thread's current run with an empty record; `error` is
 * where its message goes. xfc__run_end restores what was current before. */
XFC_HIDDEN void xfc__run_begin(xfc__run *run, xfc__run **saved_run,
                               jmp_buf **saved_point, char *error,
                               size_t error_size);
XFC_HIDDEN void xfc__run_end(xfc__run *run, xfc__run *saved_run,
                             jmp_buf *saved_point);

/* Resumes at this thread's resume point. Outside a run (upstream's JIT
 * runner, which has none) the message went to stderr, and the process
 * exits with status 1. */
XFC_HIDDEN __attribute__((noreturn)) void xfc__run_unwind(void);

/* Records the failure in the current run, if it is the run's first, and
 * resumes: what failing code calls. */
XFC_HIDDEN __attribute__((noreturn)) void xfc__run_fail(xfc_status status,
                                                        const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* After the run (buffers.c): frees the buffers it had not freed, or, when
 * it succeeded, takes them (its outputs) off its list. */
XFC_HIDDEN void xfc__buffers_release_run(xfc__run *run);
XFC_HIDDEN void xfc__buffers_keep_run(xfc__run *run);

static inline int xfc__run_failed(xfc__run *run) {
  return run && atomic_load_explicit(&run->failed, memory_order_acquire);
}

#endif /* XFC_LIB_RUNTIME_RUN_FAILURE_H */

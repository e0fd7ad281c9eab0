/*===- cuda_launch.h - the run the generated host code works for ----------===*
 *
 * The compiled host code allocates, copies and launches through functions
 * that take no session (MLIR's GPU runtime ABI, cuda_launch.c). xfc_run
 * points a thread-local at its run for its duration: the session's stream,
 * where all of it is ordered, and the slot for the run's first failure.
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_LIB_RUNTIME_CUDA_LAUNCH_H
#define XFC_LIB_RUNTIME_CUDA_LAUNCH_H

#include "cuda_driver.h"

typedef struct {
  CUstream stream;
  xfc_status status; /* XFC_OK until the first failure */
  char *error;       /* the session's message */
  size_t error_size;
  /* What the compiled code allocated and has not freed: released when it
   * fails halfway (run_failure.h). */
  void **live;
  size_t num_live, live_capacity;
} xfc__cuda_run;

/* The run in progress on this thread; NULL outside xfc_run. */
XFC_HIDDEN extern _Thread_local xfc__cuda_run *xfc__cuda_current;

/* Whether `result` is success; if not, and the run has not failed yet,
 * records "CALL (SUBJECT): NAME (description)" (SUBJECT may be NULL). */
XFC_HIDDEN int xfc__cuda_check(xfc__cuda_run *run, CUresult result,
                               const char *call, const char *subject);

/* Records a failure that is not a driver call's, if it is the first. */
XFC_HIDDEN void xfc__cuda_fail(xfc__cuda_run *run, xfc_status status,
                               const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Device memory ordered on the run's stream; at least one byte, so every
 * buffer has its own non-null address. NULL after recording a failure. */
XFC_HIDDEN void *xfc__cuda_alloc(xfc__cuda_run *run, size_t bytes);
XFC_HIDDEN void xfc__cuda_free(xfc__cuda_run *run, void *pointer);

/* After the compiled code: frees what it left allocated (when it failed
 * halfway), or forgets it (its outputs, when it returned); either way
 * releases the list. */
XFC_HIDDEN void xfc__cuda_release_generated(xfc__cuda_run *run);
XFC_HIDDEN void xfc__cuda_keep_generated(xfc__cuda_run *run);

#endif /* XFC_LIB_RUNTIME_CUDA_LAUNCH_H */

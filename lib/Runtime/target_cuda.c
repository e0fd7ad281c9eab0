/*===- target_cuda.c - sessions and runs of a model compiled for CUDA -----===*
 *
 * A session is a stream on the library's device. xfc_run copies the inputs
 * to the device, calls the compiled host code (which launches the kernels
 * on that stream), copies the outputs back into host memory the session
 * owns (what xfc_run promises), and frees the device buffers, all ordered
 * on the stream. xfc_run_on_device hands the compiled code the caller's
 * device inputs and keeps its output buffers as the session's, freed on
 * the stream after the next run. The calling thread is the one that makes
 * the context current: sessions may be used from any thread. Compiled code
 * that fails halfway (an index out of range: run_failure.h) resumes here,
 * and the device buffers it had allocated are freed.
 *
 *===----------------------------------------------------------------------===*/

#include "cuda_launch.h"
#include "cuda_weights.h"
#include "run_failure.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  CUstream stream;
  xfc_tensor *device_inputs; /* the inputs as the compiled code sees them */
  void **device_outputs;     /* the buffers xfc__invoke returns */
} cuda_session;

static xfc_status report(CUresult result, const char *call, const char *what,
                         char *error, size_t size) {
  char text[256];
  xfc__cuda_describe(result, call, text, sizeof text);
  snprintf(error, size, "%s (%s)", what, text);
  return XFC_DEVICE_ERROR;
}

xfc_status xfc__target_session_create(void **state, char *error,
                                      size_t error_size) {
  *state = NULL;
  xfc_status status = xfc__cuda_device_open(error, error_size);
  if (status != XFC_OK)
    return status;
  CUresult result = xfc__cu.CtxSetCurrent(xfc__cuda_context());
  if (result != CUDA_SUCCESS)
    return report(result, "cuCtxSetCurrent", "cannot use the CUDA device",
                  error, error_size);
  cuda_session *s = calloc(1, sizeof *s);
  if (s) {
    s->device_inputs =
        calloc(xfc__num_inputs ? xfc__num_inputs : 1, sizeof *s->device_inputs);
    s->device_outputs = calloc(xfc__num_outputs ? xfc__num_outputs : 1,
                               sizeof *s->device_outputs);
  }
  if (!s || !s->device_inputs || !s->device_outputs) {
    status = XFC_OUT_OF_MEMORY;
    snprintf(error, error_size, "out of memory");
  }
  if (status == XFC_OK)
    status = xfc__cuda_weights_acquire(error, error_size);
  if (status == XFC_OK) {
    result = xfc__cu.StreamCreate(&s->stream, CU_STREAM_NON_BLOCKING);
    if (result != CUDA_SUCCESS) {
      xfc__cuda_weights_release();
      status = report(result, "cuStreamCreate", "cannot create a CUDA stream",
                      error, error_size);
    }
  }
  if (status != XFC_OK) {
    if (s) {
      free(s->device_inputs);
      free(s->device_outputs);
    }
    free(s);
    return status;
  }
  *state = s;
  return XFC_OK;
}

/* Nothing can report a failure here: results are ignored. The stream's
 * last frees finish on their own after it is destroyed. */
void xfc__target_session_destroy(void *state) {
  cuda_session *s = state;
  if (!s)
    return;
  xfc__cu.CtxSetCurrent(xfc__cuda_context());
  xfc__cu.StreamDestroy(s->stream);
  xfc__cuda_weights_release();
  free(s->device_inputs);
  free(s->device_outputs);
  free(s);
}

/* The tensor's bytes, or SIZE_MAX for an unknown dtype or an overflow. */
static size_t tensor_bytes(const xfc_tensor *t) {
  size_t bytes = xfc__dtype_bytes(t->dtype);
  if (bytes == 0)
    return SIZE_MAX;
  for (int32_t d = 0; d < t->rank; ++d)
    if (t->shape[d] < 0 ||
        __builtin_mul_overflow(bytes, (uint64_t)t->shape[d], &bytes))
      return SIZE_MAX;
  return bytes;
}

/* Whether output buffer i is the run's to free or keep: once per buffer,
 * and neither an input nor a weight, which a model may return unchanged. */
static int owns_output(const cuda_session *s, size_t i) {
  void *p = s->device_outputs[i];
  /* (void *)0xdeadbeef: what MLIR puts in a global memref's descriptor. */
  if (!p || p == (void *)(uintptr_t)0xdeadbeef || xfc__cuda_is_weight(p))
    return 0;
  for (size_t j = 0; j < i; ++j)
    if (s->device_outputs[j] == p)
      return 0;
  for (size_t j = 0; j < xfc__num_inputs; ++j)
    if (s->device_inputs[j].data == p)
      return 0;
  return 1;
}

static void copy_inputs(xfc__cuda_run *run, cuda_session *s,
                        const xfc_tensor *inputs) {
  for (size_t i = 0; i < xfc__num_inputs; ++i) {
    size_t bytes = tensor_bytes(&inputs[i]);
    if (bytes == SIZE_MAX) {
      xfc__cuda_fail(run, XFC_INVALID_ARGUMENT,
                     "input '%s' is too large to copy to the device",
                     xfc__inputs[i].name);
      return;
    }
    s->device_inputs[i] = inputs[i];
    s->device_inputs[i].data = xfc__cuda_alloc(run, bytes);
    if (!s->device_inputs[i].data)
      return;
    if (bytes &&
        !xfc__cuda_check(run,
                         xfc__cu.MemcpyHtoDAsync(
                             (CUdeviceptr)(uintptr_t)s->device_inputs[i].data,
                             inputs[i].data, bytes, run->stream),
                         "cuMemcpyHtoDAsync_v2", xfc__inputs[i].name))
      return;
  }
}

/* xfc_run_on_device's inputs, used in place once each one that has
 * elements is known to be memory of the library's device: a host pointer
 * would fault in some kernel, far from its cause, and end the context. */
static void take_inputs(xfc__cuda_run *run, cuda_session *s,
                        const xfc_tensor *inputs) {
  for (size_t i = 0; i < xfc__num_inputs && run->status == XFC_OK; ++i) {
    const char *name = xfc__inputs[i].name;
    if (tensor_bytes(&inputs[i]) == 0)
      continue;
    CUdeviceptr pointer = (CUdeviceptr)(uintptr_t)inputs[i].data;
    unsigned type = 0;
    CUresult result = xfc__cu.PointerGetAttribute(
        &type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, pointer);
    if (result == CUDA_ERROR_INVALID_VALUE ||
        (result == CUDA_SUCCESS && type != CU_MEMORYTYPE_DEVICE)) {
      xfc__cuda_fail(
          run, XFC_INVALID_ARGUMENT,
          "input '%s' (%p) is not CUDA device memory (%s): "
          "xfc_run_on_device reads its inputs on the device, xfc_run from "
          "the host",
          name, inputs[i].data,
          result != CUDA_SUCCESS       ? "the driver does not know the address"
          : type == CU_MEMORYTYPE_HOST ? "it is page-locked host memory"
                                       : "of another memory type");
      return;
    }
    if (!xfc__cuda_check(run, result, "cuPointerGetAttribute", name))
      return;
    int ordinal = -1;
    if (xfc__cu.PointerGetAttribute(&ordinal,
                                    CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL,
                                    pointer) == CUDA_SUCCESS &&
        ordinal != xfc__cuda_device_ordinal())
      xfc__cuda_fail(run, XFC_INVALID_ARGUMENT,
                     "input '%s' is memory of CUDA device %d, but this "
                     "library runs on device %d (XFC_CUDA_DEVICE)",
                     name, ordinal, xfc__cuda_device_ordinal());
  }
  for (size_t i = 0; i < xfc__num_inputs; ++i)
    s->device_inputs[i] = inputs[i];
}

/* Into host memory the session owns: allocations[i] holds it. */
static void copy_outputs(xfc__cuda_run *run, xfc_tensor *outputs,
                         void **allocations) {
  for (size_t i = 0; i < xfc__num_outputs && run->status == XFC_OK; ++i) {
    size_t bytes = tensor_bytes(&outputs[i]);
    if (bytes == SIZE_MAX) {
      xfc__cuda_fail(run, XFC_INTERNAL,
                     "output '%s' has an unknown dtype or an impossible size",
                     xfc__outputs[i].name);
      return;
    }
    allocations[i] = malloc(bytes ? bytes : 1);
    if (!allocations[i]) {
      xfc__cuda_fail(run, XFC_OUT_OF_MEMORY,
                     "out of memory for output '%s' (%zu bytes)",
                     xfc__outputs[i].name, bytes);
      return;
    }
    if (bytes)
      xfc__cuda_check(
          run,
          xfc__cu.MemcpyDtoHAsync(allocations[i],
                                  (CUdeviceptr)(uintptr_t)outputs[i].data,
                                  bytes, run->stream),
          "cuMemcpyDtoHAsync_v2", xfc__outputs[i].name);
  }
  xfc__cuda_check(run, xfc__cu.StreamSynchronize(run->stream),
                  "cuStreamSynchronize", "copying the outputs to the host");
}

/* xfc_run_on_device's outputs: the buffers the run owns become the
 * session's; any other output (an input, a weight, a second view of one
 * buffer) is copied into a buffer of its own, which the caller may write
 * without touching the model's weights or the other tensors. */
static void keep_outputs(xfc__cuda_run *run, cuda_session *s,
                         xfc_tensor *outputs, void **allocations) {
  int copied = 0;
  for (size_t i = 0; i < xfc__num_outputs && run->status == XFC_OK; ++i) {
    if (owns_output(s, i)) {
      allocations[i] = s->device_outputs[i];
      continue;
    }
    size_t bytes = tensor_bytes(&outputs[i]);
    if (bytes == SIZE_MAX) {
      xfc__cuda_fail(run, XFC_INTERNAL,
                     "output '%s' has an unknown dtype or an impossible size",
                     xfc__outputs[i].name);
      return;
    }
    allocations[i] = xfc__cuda_alloc(run, bytes);
    if (!allocations[i])
      return;
    if (bytes && xfc__cuda_check(run,
                                 xfc__cu.MemcpyAsync(
                                     (CUdeviceptr)(uintptr_t)allocations[i],
                                     (CUdeviceptr)(uintptr_t)outputs[i].data,
                                     bytes, run->stream),
                                 "cuMemcpyAsync", xfc__outputs[i].name))
      copied = 1;
    outputs[i].data = allocations[i];
  }
  if (copied)
    xfc__cuda_check(run, xfc__cu.StreamSynchronize(run->stream),
                    "cuStreamSynchronize", "copying the outputs");
}

/* Calls the compiled code; whether it returned. When it failed halfway,
 * the run has its failure (unless an earlier one) and the device buffers
 * it had allocated are freed. */
static int invoke(xfc__cuda_run *run, cuda_session *s, xfc_tensor *outputs) {
  char message[512] = "";
  xfc__run failure;
  xfc__run *outer_run;
  jmp_buf *outer_point;
  jmp_buf start;
  xfc__run_begin(&failure, &outer_run, &outer_point, message, sizeof message);
  if (setjmp(start) == 0) {
    xfc__resume_point = &start;
    xfc__invoke(s->device_inputs, outputs, s->device_outputs);
  }
  int returned = failure.status == XFC_OK;
  xfc__run_end(&failure, outer_run, outer_point);
  if (returned) {
    xfc__cuda_keep_generated(run);
    return 1;
  }
  xfc__cuda_fail(run, failure.status, "%s", message);
  xfc__cuda_release_generated(run);
  for (size_t i = 0; i < xfc__num_outputs; ++i)
    s->device_outputs[i] = outputs[i].data = NULL;
  return 0;
}

xfc_status xfc__target_run(void *state, int on_device, const xfc_tensor *inputs,
                           xfc_tensor *outputs, void **allocations, char *error,
                           size_t error_size) {
  cuda_session *s = state;
  for (size_t i = 0; i < xfc__num_outputs; ++i)
    allocations[i] = s->device_outputs[i] = NULL;
  for (size_t i = 0; i < xfc__num_inputs; ++i)
    s->device_inputs[i].data = NULL;
  CUresult result = xfc__cu.CtxSetCurrent(xfc__cuda_context());
  if (result != CUDA_SUCCESS)
    return report(result, "cuCtxSetCurrent", "cannot use the CUDA device",
                  error, error_size);

  xfc__cuda_run run = {s->stream, XFC_OK, error, error_size, NULL, 0, 0};
  xfc__cuda_run *outer = xfc__cuda_current;
  xfc__cuda_current = &run;
  if (on_device)
    take_inputs(&run, s, inputs);
  else
    copy_inputs(&run, s, inputs);
  int invoked = run.status == XFC_OK;
  if (invoked && !invoke(&run, s, outputs))
    invoked = 0; /* it returned no outputs to free */
  if (invoked)
    /* Where a kernel's failure shows, named as such. */
    xfc__cuda_check(&run, xfc__cu.StreamSynchronize(s->stream),
                    "cuStreamSynchronize", "running the model's kernels");
  if (run.status == XFC_OK) {
    if (on_device)
      keep_outputs(&run, s, outputs, allocations);
    else
      copy_outputs(&run, outputs, allocations);
  }
  /* What the run made and does not leave to the session, and on failure,
   * what it would have left. */
  int kept = on_device && run.status == XFC_OK;
  if (invoked && !kept)
    for (size_t i = 0; i < xfc__num_outputs; ++i)
      if (owns_output(s, i))
        xfc__cuda_free(&run, s->device_outputs[i]);
  if (!on_device)
    for (size_t i = 0; i < xfc__num_inputs; ++i)
      xfc__cuda_free(&run, s->device_inputs[i].data);
  if (on_device && run.status != XFC_OK)
    for (size_t i = 0; i < xfc__num_outputs; ++i)
      if (allocations[i] != s->device_outputs[i])
        xfc__cuda_free(&run, allocations[i]);
  xfc__cuda_current = outer;

  for (size_t i = 0; i < xfc__num_outputs; ++i) {
    if (run.status != XFC_OK) {
      if (!on_device)
        free(allocations[i]);
      allocations[i] = NULL;
    }
    if (!on_device || run.status != XFC_OK)
      outputs[i].data = allocations[i];
  }
  return run.status;
}

/* Host memory, or a buffer of the session's device, freed in the order of
 * its stream (after the run that may have read it). Nothing can report a
 * failure here: a context that fails it fails the next run. */
void xfc__target_free_output(void *state, int on_device, void *allocation) {
  cuda_session *s = state;
  if (!on_device) {
    free(allocation);
    return;
  }
  xfc__cu.CtxSetCurrent(xfc__cuda_context());
  xfc__cu.MemFreeAsync((CUdeviceptr)(uintptr_t)allocation, s->stream);
}

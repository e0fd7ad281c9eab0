/*===- target_cuda.c - sessions and runs of a model compiled for CUDA -----===*
 *
 * A session is a stream on the library's device. A run copies the inputs
 * to the device, calls the compiled host code (which launches the kernels
 * on that stream), copies the outputs back into host memory the session
 * owns (what xfc_run promises), and frees the device buffers, all ordered
 * on the stream. The calling thread is the one that makes the context
 * current: sessions may be used from any thread.
 *
 *===----------------------------------------------------------------------===*/

#include "cuda_launch.h"
#include "cuda_weights.h"

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

/* Whether the run may free output buffer i: once per buffer, and neither
 * an input's copy nor a weight, which a model may return unchanged. */
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

xfc_status xfc__target_run(void *state, const xfc_tensor *inputs,
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

  xfc__cuda_run run = {s->stream, XFC_OK, error, error_size};
  xfc__cuda_run *outer = xfc__cuda_current;
  xfc__cuda_current = &run;
  copy_inputs(&run, s, inputs);
  int invoked = run.status == XFC_OK;
  if (invoked) {
    xfc__invoke(s->device_inputs, outputs, s->device_outputs);
    /* Where a kernel's failure shows, named as such. */
    xfc__cuda_check(&run, xfc__cu.StreamSynchronize(s->stream),
                    "cuStreamSynchronize", "running the model's kernels");
  }
  if (run.status == XFC_OK)
    copy_outputs(&run, outputs, allocations);
  if (invoked)
    for (size_t i = 0; i < xfc__num_outputs; ++i)
      if (owns_output(s, i))
        xfc__cuda_free(&run, s->device_outputs[i]);
  for (size_t i = 0; i < xfc__num_inputs; ++i)
    xfc__cuda_free(&run, s->device_inputs[i].data);
  xfc__cuda_current = outer;

  for (size_t i = 0; i < xfc__num_outputs; ++i) {
    if (run.status != XFC_OK) {
      free(allocations[i]);
      allocations[i] = NULL;
    }
    outputs[i].data = allocations[i];
  }
  return run.status;
}

void xfc__target_free_output(void *allocation) { free(allocation); }

/*===- target_cpu.c - running a model compiled for the CPU ----------------===*
 *
 * Tensors live in host memory: the compiled code reads the inputs where
 * they are, and outputs stay in the buffers it allocated (buffers.c) until
 * the session's next run or destruction, for xfc_run and xfc_run_on_device
 * alike. No state per session. A run that fails inside the compiled code
 * (an index out of range, no memory: run_failure.h) resumes here and frees
 * the buffers it had allocated.
 *
 *===----------------------------------------------------------------------===*/

#include "run_failure.h"
#include "runtime_internal.h"

#include <string.h>

xfc_status xfc__target_session_create(void **state, char *error,
                                      size_t error_size) {
  *state = NULL;
  return XFC_OK;
}

void xfc__target_session_destroy(void *state) {}

/* The device is the host: on_device changes nothing. */
xfc_status xfc__target_run(void *state, int on_device, const xfc_tensor *inputs,
                           xfc_tensor *outputs, void **allocations, char *error,
                           size_t error_size) {
  xfc__run run;
  xfc__run *outer_run;
  jmp_buf *outer_point;
  jmp_buf start;
  xfc__run_begin(&run, &outer_run, &outer_point, error, error_size);
  if (setjmp(start) == 0) {
    xfc__resume_point = &start;
    xfc__invoke(inputs, outputs, allocations);
  }
  xfc_status status = run.status;
  if (status == XFC_OK) {
    xfc__buffers_keep_run(&run);
  } else {
    xfc__buffers_release_run(&run);
    for (size_t i = 0; i < xfc__num_outputs; ++i)
      allocations[i] = outputs[i].data = NULL;
  }
  xfc__run_end(&run, outer_run, outer_point);
  return status;
}

void xfc__target_free_output(void *state, int on_device, void *allocation) {
  _mlir_memref_to_llvm_free(allocation);
}

/* Copies between strided buffers: the helper the compiled code calls for a
 * memref.copy whose layouts are not both contiguous. */
void memrefCopy(int64_t element_size, xfc__unranked *source,
                xfc__unranked *target) {
  int64_t rank = source->rank;
  char **src = source->descriptor, **dst = target->descriptor;
  int64_t *src_meta = (int64_t *)(src + 2), *dst_meta = (int64_t *)(dst + 2);
  char *from = src[1] + src_meta[0] * element_size;
  char *to = dst[1] + dst_meta[0] * element_size;
  const int64_t *sizes = src_meta + 1;
  const int64_t *src_strides = src_meta + 1 + rank;
  const int64_t *dst_strides = dst_meta + 1 + rank;
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d)
    count *= sizes[d];
  if (count == 0)
    return;
  int64_t index[XFC_MAX_RANK * 4] = {0};
  for (int64_t n = 0; n < count; ++n) {
    int64_t src_offset = 0, dst_offset = 0;
    for (int64_t d = 0; d < rank; ++d) {
      src_offset += index[d] * src_strides[d];
      dst_offset += index[d] * dst_strides[d];
    }
    memcpy(to + dst_offset * element_size, from + src_offset * element_size,
           (size_t)element_size);
    /* Next index, last dimension fastest. */
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
}

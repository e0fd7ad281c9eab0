/*===- FakeCpuGlue.c - a hand-written CPU model for the runtime's tests ---===*
 *
 * What xfc generates for a CPU library, written by hand: the glue tables
 * and xfc__invoke, allocating its outputs as compiled code does.
 *
 * The model: y = 2 * reverse(x) (x float32[n]); it reads x while writing
 * y, so it gives a wrong y where y's buffer is x's memory.
 *
 *===----------------------------------------------------------------------===*/

#include "xfc/Runtime/runtime_internal.h"

const xfc__io_info xfc__inputs[] = {
    {"x", XFC_FLOAT32, 1, {-1}, {"n"}},
};
const xfc__io_info xfc__outputs[] = {
    {"y", XFC_FLOAT32, 1, {-1}, {"n"}},
};
const size_t xfc__num_inputs = 1;
const size_t xfc__num_outputs = 1;

/* Embedded weights: no weights file. */
void *xfc__weights[1];
const uint64_t xfc__weight_sizes[1] = {0};
const size_t xfc__num_weights = 0;
const uint64_t xfc__weights_id = 0;

/* Read by the tests. */
int fake_cpu_invocations;

void xfc__invoke(const xfc_tensor *in, xfc_tensor *out, void **allocations) {
  ++fake_cpu_invocations;
  int64_t n = in[0].shape[0];
  const float *x = in[0].data;
  float *y = _mlir_memref_to_llvm_alloc((size_t)n * sizeof(float));
  for (int64_t i = 0; i < n; ++i)
    y[i] = 2 * x[n - 1 - i];
  out[0].dtype = XFC_FLOAT32;
  out[0].rank = 1;
  out[0].shape[0] = n;
  out[0].data = y;
  allocations[0] = y;
}

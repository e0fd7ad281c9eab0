/*===- FakeMatrixGlue.c - a hand-written CPU model with a matrix input ----===*
 *
 * What xfc generates for a CPU library, written by hand, for the input
 * checks of shapes of rank 2: m float32[rows, cols] in, its element count
 * (int64[1]) out.
 *
 *===----------------------------------------------------------------------===*/

#include "xfc/Runtime/runtime_internal.h"

const xfc__io_info xfc__inputs[] = {
    {"m", XFC_FLOAT32, 2, {-1, -1}, {"rows", "cols"}},
};
const xfc__io_info xfc__outputs[] = {
    {"count", XFC_INT64, 1, {1}, {""}},
};
const size_t xfc__num_inputs = 1;
const size_t xfc__num_outputs = 1;

#include "FakeLibraryDefaults.h"

/* Read by the tests. */
int fake_matrix_invocations;

void xfc__invoke(const xfc_tensor *in, xfc_tensor *out, void **allocations) {
  ++fake_matrix_invocations;
  int64_t *count = _mlir_memref_to_llvm_alloc(sizeof(int64_t));
  *count = in[0].shape[0] * in[0].shape[1];
  out[0].dtype = XFC_INT64;
  out[0].rank = 1;
  out[0].shape[0] = 1;
  out[0].data = count;
  allocations[0] = count;
}

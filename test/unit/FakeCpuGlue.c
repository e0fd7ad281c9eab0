/*===- FakeCpuGlue.c - a hand-written CPU model for the runtime's tests ---===*
 *
 * What xfc generates for a CPU library, written by hand: the glue tables
 * and xfc__invoke, allocating its outputs as compiled code does.
 *
 * The model: y = 2 * reverse(x) (x float32[n]); it reads x while writing
 * y, so it gives a wrong y where y's buffer is x's memory. The tests set
 * fake_cpu_failure to make it fail halfway, after allocating a buffer, as
 * compiled code does: an index out of range, or an allocation too large,
 * on the calling thread or in a parallel loop.
 *
 *===----------------------------------------------------------------------===*/

#include "xfc/Runtime/runtime_internal.h"
#include "xfc/Runtime/thread_pool.h"

const xfc__io_info xfc__inputs[] = {
    {"x", XFC_FLOAT32, 1, {-1}, {"n"}},
};
const xfc__io_info xfc__outputs[] = {
    {"y", XFC_FLOAT32, 1, {-1}, {"n"}},
};
const size_t xfc__num_inputs = 1;
const size_t xfc__num_outputs = 1;

#include "FakeLibraryDefaults.h"

#include "FakeCpuGlue.h"

/* Read and set by the tests. */
int fake_cpu_invocations;
int fake_cpu_failure;
const size_t fake_cpu_scratch_bytes = (size_t)64 << 20;

/* A scratch buffer, then the failure (if any). */
static void fail_halfway(int64_t index, int64_t size) {
  char *scratch = _mlir_memref_to_llvm_alloc(fake_cpu_scratch_bytes);
  scratch[0] = 1;
  if (fake_cpu_failure == FAKE_BAD_INDEX ||
      fake_cpu_failure == FAKE_BAD_INDEX_IN_LOOP)
    xfc__fail_run("node 'embed/Gather' (Gather): index %lld is out of range "
                  "for axis 0 of size %lld",
                  index, size);
  _mlir_memref_to_llvm_alloc((size_t)1 << 44);
  _mlir_memref_to_llvm_free(scratch);
}

typedef struct {
  const float *x;
  float *y;
  int64_t n;
} reverse_args;

/* y[i] = 2 * x[n - 1 - i] for i in [begin, end); the last element fails
 * when a failure in the loop is asked for. */
static void reverse(void *ctx, int64_t begin, int64_t end) {
  reverse_args *args = ctx;
  for (int64_t i = begin; i < end; ++i) {
    if (i == args->n - 1 && fake_cpu_failure >= FAKE_BAD_INDEX_IN_LOOP)
      fail_halfway(args->n, args->n);
    args->y[i] = 2 * args->x[args->n - 1 - i];
  }
}

void xfc__invoke(const xfc_tensor *in, xfc_tensor *out, void **allocations) {
  ++fake_cpu_invocations;
  int64_t n = in[0].shape[0];
  const float *x = in[0].data;
  float *y = _mlir_memref_to_llvm_alloc((size_t)n * sizeof(float));
  if (fake_cpu_failure == FAKE_BAD_INDEX ||
      fake_cpu_failure == FAKE_HUGE_ALLOCATION)
    fail_halfway(-n - 1, n);
  reverse_args args = {x, y, n};
  xfc_parallel_for(n, reverse, &args);
  out[0].dtype = XFC_FLOAT32;
  out[0].rank = 1;
  out[0].shape[0] = n;
  out[0].data = y;
  allocations[0] = y;
}

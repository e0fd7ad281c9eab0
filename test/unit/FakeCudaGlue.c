/*===- FakeCudaGlue.c - a hand-written CUDA model for the runtime's tests -===*
 *
 * What xfc generates for a CUDA library, written by hand: the glue tables
 * and xfc__invoke, host code that calls the runtime the way compiled code
 * does, and a GPU binary (PTX) registered from a global constructor.
 *
 * The model: y = x + w (w an embedded weight, x float32[4]); it also
 * returns x, w and its second input (float32[0]) unchanged, as a model may,
 * which the runtime must not free.
 *
 *===----------------------------------------------------------------------===*/

#include "xfc/Runtime/runtime_internal.h"

#include <stdbool.h>

/* MLIR's GPU runtime ABI, as compiled host code declares it. */
void *mgpuModuleLoad(void *data, size_t size);
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
void *mgpuStreamCreate(void);
void mgpuStreamSynchronize(void *stream);
void mgpuStreamDestroy(void *stream);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t paramsCount);
void *mgpuMemAlloc(uint64_t size, void *stream, bool isHostShared);
void mgpuMemFree(void *ptr, void *stream);
void mgpuMemcpy(void *dst, void *src, size_t size, void *stream);

const xfc__io_info xfc__inputs[] = {
    {"x", XFC_FLOAT32, 1, {4}, {""}},
    {"empty", XFC_FLOAT32, 1, {0}, {""}},
};
const xfc__io_info xfc__outputs[] = {
    {"y", XFC_FLOAT32, 1, {4}, {""}},
    {"x_again", XFC_FLOAT32, 1, {4}, {""}},
    {"w", XFC_FLOAT32, 1, {4}, {""}},
    {"empty_again", XFC_FLOAT32, 1, {0}, {""}},
};
const size_t xfc__num_inputs = 2;
const size_t xfc__num_outputs = 4;

#include "FakeLibraryDefaults.h"

static const float w[4] = {10, 20, 30, 40};
void *xfc__device_weights[2];
const xfc__device_weight xfc__device_weight_sources[2] = {
    {w, sizeof w, -1},
    {w, 0, -1}, /* a weight of no bytes still gets a pointer */
};
const size_t xfc__num_device_weights = 2;

/* out[i] = a[i] + w[i] for i < n: hand-written PTX, embedded without a
 * terminating NUL (the runtime must add one). */
static char ptx[] =
    ".version 7.0\n"
    ".target sm_70\n"
    ".address_size 64\n"
    ".visible .entry add_weight(.param .u64 a, .param .u64 w,\n"
    "                           .param .u64 out, .param .u32 n)\n"
    "{\n"
    "  .reg .pred p;\n"
    "  .reg .b32 r<5>;\n"
    "  .reg .b64 rd<8>;\n"
    "  .reg .f32 f<4>;\n"
    "  ld.param.u64 rd1, [a];\n"
    "  ld.param.u64 rd2, [w];\n"
    "  ld.param.u64 rd3, [out];\n"
    "  ld.param.u32 r1, [n];\n"
    "  mov.u32 r2, %ctaid.x;\n"
    "  mov.u32 r3, %ntid.x;\n"
    "  mov.u32 r4, %tid.x;\n"
    "  mad.lo.s32 r2, r2, r3, r4;\n"
    "  setp.ge.u32 p, r2, r1;\n"
    "  @p bra DONE;\n"
    "  cvta.to.global.u64 rd1, rd1;\n"
    "  cvta.to.global.u64 rd2, rd2;\n"
    "  cvta.to.global.u64 rd3, rd3;\n"
    "  mul.wide.u32 rd4, r2, 4;\n"
    "  add.s64 rd5, rd1, rd4;\n"
    "  add.s64 rd6, rd2, rd4;\n"
    "  add.s64 rd7, rd3, rd4;\n"
    "  ld.global.f32 f1, [rd5];\n"
    "  ld.global.f32 f2, [rd6];\n"
    "  add.f32 f3, f1, f2;\n"
    "  st.global.f32 [rd7], f3;\n"
    "DONE:\n"
    "  ret;\n"
    "}\n";

/* Read by the tests. */
void *fake_glue_module;
const char *fake_glue_kernel = "add_weight";
int fake_glue_invocations;
int fake_glue_fault;     /* make the kernel write where nothing is mapped */
int fake_glue_bad_index; /* fail as compiled code does for a bad index */

/* Like the constructor MLIR emits for a gpu.binary: at load time, before
 * any session, and on machines without a driver. */
__attribute__((constructor)) static void load(void) {
  fake_glue_module = mgpuModuleLoad(ptx, sizeof ptx - 1);
}

__attribute__((destructor)) static void unload(void) {
  mgpuModuleUnload(fake_glue_module);
}

static void set_output(xfc_tensor *out, int64_t size, void *data) {
  out->dtype = XFC_FLOAT32;
  out->rank = 1;
  out->shape[0] = size;
  out->data = data;
}

void xfc__invoke(const xfc_tensor *in, xfc_tensor *out, void **allocations) {
  __atomic_fetch_add(&fake_glue_invocations, 1, __ATOMIC_RELAXED);
  void *stream = mgpuStreamCreate();
  void *function = mgpuModuleGetFunction(fake_glue_module, fake_glue_kernel);
  /* A scratch copy of x through the gpu dialect's calls, y through the
   * memref allocator. */
  void *a = mgpuMemAlloc(16, stream, false);
  mgpuMemcpy(a, in[0].data, 16, stream);
  void *y = _mlir_memref_to_llvm_alloc(16);
  void *weight = xfc__device_weights[0];
  int32_t n = 4;
  void *target = fake_glue_fault ? (void *)(uintptr_t)8 : y;
  void *params[] = {&a, &weight, &target, &n};
  mgpuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, stream, params, NULL, 4);
  if (fake_glue_bad_index) /* with a and y allocated, for the run to free */
    xfc__fail_run("node 'embed/Gather' (Gather): index %lld is out of range "
                  "for axis 0 of size %lld",
                  4, 4);
  mgpuLaunchKernel(function, 0, 1, 1, 32, 1, 1, 0, stream, params, NULL, 4);
  mgpuMemFree(a, stream);
  mgpuStreamSynchronize(stream);
  mgpuStreamDestroy(stream);
  set_output(&out[0], 4, y);
  allocations[0] = y;
  set_output(&out[1], 4, in[0].data);
  allocations[1] = in[0].data;
  set_output(&out[2], 4, weight);
  allocations[2] = weight;
  set_output(&out[3], 0, in[1].data);
  allocations[3] = in[1].data;
}

/*===- runtime_internal.h - what xfc generates for each library ------------===*
 *
 * The runtime is the same for every model; each library adds a table of its
 * inputs and outputs and the function that calls its compiled code. xfc
 * writes both (see lib/Target/CPU/LibraryWriter.cpp).
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_LIB_RUNTIME_RUNTIME_INTERNAL_H
#define XFC_LIB_RUNTIME_RUNTIME_INTERNAL_H

#include "xfc/Runtime/xfc_runtime.h"

/* Symbols each library binds to its own copy, even when another xfc
 * library was loaded with RTLD_GLOBAL. */
#define XFC_HIDDEN __attribute__((visibility("hidden")))

typedef struct {
  const char *name;
  xfc_dtype dtype;
  int32_t rank;
  int64_t dims[XFC_MAX_RANK];          /* -1: symbolic */
  const char *dim_names[XFC_MAX_RANK]; /* "" when unnamed */
} xfc__io_info;

extern const xfc__io_info xfc__inputs[];
extern const xfc__io_info xfc__outputs[];
extern const size_t xfc__num_inputs;
extern const size_t xfc__num_outputs;

/* Calls the compiled model; fills each output's shape and data and, in
 * `allocations`, the buffer the output lives in (to free later). */
void xfc__invoke(const xfc_tensor *inputs, xfc_tensor *outputs,
                 void **allocations);

/* Symbols generated code calls that a library keeps to itself; the copy
 * of the runtime that upstream's JIT runner loads for lit tests exports
 * them. */
#ifdef XFC_JIT_RUNTIME
#define XFC_GENERATED_CALLS __attribute__((visibility("default")))
#else
#define XFC_GENERATED_CALLS XFC_HIDDEN
#endif

/* Called by compiled code when a fact the model needs is false at run time
 * (xf.run_check: an index out of range, a shape that does not fit its
 * data), from the thread that called xfc__invoke: never returns. The
 * running xfc_run fails with XFC_INVALID_ARGUMENT and `format` printed
 * with `a` and `b` (the compiler writes it: at most two %lld, naming the
 * ONNX node); what the run allocated is released (run_failure.h). */
XFC_GENERATED_CALLS __attribute__((noreturn)) void
xfc__fail_run(const char *format, int64_t a, int64_t b);

/* The allocator of generated code: host memory on the CPU (buffers.c),
 * device memory on CUDA (cuda_launch.c, hidden there). On the CPU it never
 * returns NULL: when memory runs out, the run fails (run_failure.h) with
 * XFC_OUT_OF_MEMORY. On CUDA, NULL records the failure, after which the
 * run launches nothing more. */
void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *ptr);

/* The unranked memref descriptor generated code passes to memrefCopy (the
 * copy between strided buffers): {rank, ranked descriptor}; a ranked
 * descriptor is {allocated, aligned, offset, sizes[rank], strides[rank]}. */
typedef struct {
  int64_t rank;
  void *descriptor;
} xfc__unranked;

/* Weights in NAME.weights (xfc --weights=external) or in the library's
 * XFC_WEIGHTS_SECTION (xfc__weights_in_library): compiled code reads weight
 * i through xfc__weights[i], which session creation points into the mapped
 * file after checking it holds xfc__num_weights blobs of these sizes and
 * this id. Hidden, so that each library fills and checks its own table
 * even when another xfc library was loaded with RTLD_GLOBAL. */
XFC_HIDDEN extern void *xfc__weights[];
XFC_HIDDEN extern const uint64_t xfc__weight_sizes[];
XFC_HIDDEN extern const size_t xfc__num_weights;
XFC_HIDDEN extern const uint64_t xfc__weights_id;
XFC_HIDDEN extern const int xfc__weights_in_library;

/* Maps and checks the weights file for a new session (once for all the
 * library's sessions); on failure writes a message naming the file. */
XFC_HIDDEN xfc_status xfc__weights_acquire(char *error, size_t error_size);
/* A session is gone: the last one unmaps the file. */
XFC_HIDDEN void xfc__weights_release(void);

/* CUDA libraries only: compiled code reads weight i through the device
 * pointer xfc__device_weights[i], which the first session fills by
 * uploading `host` (embedded in the library) or, when `host` is NULL,
 * xfc__weights[file_index] (the mapped weights file). */
typedef struct {
  const void *host;
  uint64_t bytes;
  int32_t file_index;
} xfc__device_weight;
XFC_HIDDEN extern void *xfc__device_weights[];
XFC_HIDDEN extern const xfc__device_weight xfc__device_weight_sources[];
XFC_HIDDEN extern const size_t xfc__num_device_weights;

/* The instruction set extensions the library's code may use (LLVM's
 * names, "avx512f") and where CPUID reports each: bit `bit` of register
 * `reg` (0-3: EAX, EBX, ECX, EDX) of leaf `leaf`, `subleaf`; `state` is
 * the register state (XCR0 bits) the OS must enable for it. `xfc__cpu_name`
 * is the --cpu the library was compiled for. */
typedef struct {
  const char *name;
  uint32_t leaf, subleaf;
  uint8_t reg, bit;
  uint64_t state;
} xfc__cpu_feature;
XFC_HIDDEN extern const xfc__cpu_feature xfc__cpu_features[];
XFC_HIDDEN extern const size_t xfc__num_cpu_features;
XFC_HIDDEN extern const char xfc__cpu_name[];

/* XFC_UNSUPPORTED_CPU, with a message naming the missing extensions, when
 * the running CPU lacks any (cpu_check.c). */
XFC_HIDDEN xfc_status xfc__check_cpu(char *error, size_t error_size);

/* Bytes per element; 0 for an unknown dtype. */
XFC_HIDDEN size_t xfc__dtype_bytes(xfc_dtype dtype);

/* What runtime.c leaves to the target (target_cpu.c, target_cuda.c). A
 * session's target state is created after the weights are acquired and
 * destroyed before they are released. xfc__target_run gets checked inputs,
 * in host memory or, when `on_device` is set (xfc_run_on_device), in the
 * device's; it calls xfc__invoke and leaves each output's data in
 * `outputs`, in the same memory as the inputs, and in `allocations` what to
 * hand to xfc__target_free_output with the same `on_device` (once per
 * distinct non-null pointer, after the next run or before the state's
 * destruction); on failure it writes a message, frees what it made and
 * leaves every allocation NULL. */
XFC_HIDDEN xfc_status xfc__target_session_create(void **state, char *error,
                                                 size_t error_size);
XFC_HIDDEN void xfc__target_session_destroy(void *state);
XFC_HIDDEN xfc_status xfc__target_run(void *state, int on_device,
                                      const xfc_tensor *inputs,
                                      xfc_tensor *outputs, void **allocations,
                                      char *error, size_t error_size);
XFC_HIDDEN void xfc__target_free_output(void *state, int on_device,
                                        void *allocation);

#endif /* XFC_LIB_RUNTIME_RUNTIME_INTERNAL_H */

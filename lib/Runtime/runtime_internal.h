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

/* The allocator of generated code (buffers.c); outputs are freed with it. */
void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *ptr);

#endif /* XFC_LIB_RUNTIME_RUNTIME_INTERNAL_H */

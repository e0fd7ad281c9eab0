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

/* Weights in NAME.weights (xfc --weights=external): compiled code reads
 * weight i through xfc__weights[i], which session creation points into the
 * mapped file after checking it holds xfc__num_weights blobs of these sizes
 * and this id. Libraries that embed their weights have none. Hidden, so
 * that each library fills and checks its own table even when another xfc
 * library was loaded with RTLD_GLOBAL. */
#define XFC_HIDDEN __attribute__((visibility("hidden")))
XFC_HIDDEN extern void *xfc__weights[];
XFC_HIDDEN extern const uint64_t xfc__weight_sizes[];
XFC_HIDDEN extern const size_t xfc__num_weights;
XFC_HIDDEN extern const uint64_t xfc__weights_id;

/* Maps and checks the weights file for a new session (once for all the
 * library's sessions); on failure writes a message naming the file. */
XFC_HIDDEN xfc_status xfc__weights_acquire(char *error, size_t error_size);
/* A session is gone: the last one unmaps the file. */
XFC_HIDDEN void xfc__weights_release(void);

#endif /* XFC_LIB_RUNTIME_RUNTIME_INTERNAL_H */

//===- FusedAttention.h - what the attention kernels share -----*- C++ -*-===//
//
// Both targets build attention as a kernel of their own (the CPU's loop
// nest, xf-cpu-attention; the CUDA kernel on buffers, xf-attention-to-
// buffers then xf-gpu-attention); the attention neither takes is
// decomposed by xf-convert-to-linalg.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_CODEGEN_COMMON_FUSEDATTENTION_H
#define XFC_CODEGEN_COMMON_FUSEDATTENTION_H

#include "mlir/IR/Value.h"
#include "xfc/Dialect/XF/IR/AttentionScale.h"

namespace mlir::xf {

/// Whether the kernels read `mask`: none, or an f32 (added) or i1
/// (selecting) mask of rank up to 4.
bool isFusedAttentionMask(Value mask);

} // namespace mlir::xf

#endif // XFC_CODEGEN_COMMON_FUSEDATTENTION_H

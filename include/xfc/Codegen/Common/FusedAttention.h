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

namespace mlir::xf {

class AttentionOp;

/// Whether the kernels read `mask`: none, or an f32 (added) or i1
/// (selecting) mask of rank up to 4.
bool isFusedAttentionMask(Value mask);

/// The op's scale: the attribute, or 1/sqrt of its (static) head size.
double getAttentionScale(AttentionOp op);

} // namespace mlir::xf

#endif // XFC_CODEGEN_COMMON_FUSEDATTENTION_H

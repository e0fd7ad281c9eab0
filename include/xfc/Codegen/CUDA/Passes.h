//===- Passes.h - the CUDA target's code generation -----------*- C++ -*-===//

#ifndef XFC_CODEGEN_CUDA_PASSES_H
#define XFC_CODEGEN_CUDA_PASSES_H

#include "xfc/Codegen/Common/Passes.h"

namespace mlir::xf {

/// The operands' precision in xf-tensor-core-matmul's products.
enum class TensorCorePrecision { BF16, TF32 };

#define GEN_PASS_DECL
#include "xfc/Codegen/CUDA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "xfc/Codegen/CUDA/Passes.h.inc"

} // namespace mlir::xf

#endif // XFC_CODEGEN_CUDA_PASSES_H

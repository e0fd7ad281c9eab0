//===- TensorCoreProducts.h - the products the tensor cores take -*- C++
//-*-===//
//
// Shared by the pass that configures the products' kernels and the one
// that builds them, so both see the same ops.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CODEGEN_CUDA_TENSORCOREPRODUCTS_H
#define XFC_LIB_CODEGEN_CUDA_TENSORCOREPRODUCTS_H

#include "mlir/IR/Operation.h"
#include <array>
#include <optional>

namespace mlir::xf {

/// The f32 operands (A, B, C) of a product xf-tensor-core-matmul builds a
/// kernel for, if `op` is one: `linalg.matmul` or (`batched`)
/// `linalg.batch_matmul` on buffers, operands not transposed.
std::optional<std::array<Value, 3>> matchTensorCoreProduct(Operation *op,
                                                           bool &batched);

} // namespace mlir::xf

#endif // XFC_LIB_CODEGEN_CUDA_TENSORCOREPRODUCTS_H

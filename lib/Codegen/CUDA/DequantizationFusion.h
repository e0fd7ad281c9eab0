//===- DequantizationFusion.h - computing B while staging it ----*- C++ -*-===//
//
// A tensor-core product's right operand that an element-wise op writes from
// constants (a dequantization: int4/int8 weights, scales, zero points) need
// not be written to a buffer: the kernel computes each element as it stages
// it, from the quantized constants.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CODEGEN_CUDA_DEQUANTIZATIONFUSION_H
#define XFC_LIB_CODEGEN_CUDA_DEQUANTIZATIONFUSION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::xf {

/// The op that writes `rhs` element-wise from globals and that nothing but
/// `product` reads after: a dequantization that the kernel can compute
/// while staging B instead of reading a buffer. Null if there is none.
linalg::GenericOp findFusableProducer(Value rhs, Operation *product);

/// The element of `producer`'s output at `indices`, computed as the
/// producer computes it: the loop indices follow from its output map (a
/// permutation), its inputs are read through their maps and its body is
/// cloned.
Value computeProducedElement(ImplicitLocOpBuilder &b,
                             linalg::GenericOp producer, ValueRange indices);

/// Erases `producer`, fused into the product that read its output, with
/// its buffer (the buffer's deallocation included).
void eraseFusedProducer(linalg::GenericOp producer);

} // namespace mlir::xf

#endif // XFC_LIB_CODEGEN_CUDA_DEQUANTIZATIONFUSION_H

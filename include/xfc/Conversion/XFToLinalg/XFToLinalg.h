//===- XFToLinalg.h - xf ops to linalg, by op family ------------*- C++ -*-===//

#ifndef XFC_CONVERSION_XFTOLINALG_XFTOLINALG_H
#define XFC_CONVERSION_XFTOLINALG_XFTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::xf {

/// Element-wise ops with ONNX broadcasting (arithmetic, comparisons, logic,
/// unary math, Where, Cast, Max/Min) as `linalg.generic`.
void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns);

/// MatMul and Gemm as `linalg.matmul` / `linalg.batch_matmul` where they fit,
/// a `linalg.generic` contraction otherwise.
void populateMatmulToLinalgPatterns(RewritePatternSet &patterns);

/// ReduceSum, ReduceMean and ReduceMax as linalg reductions.
void populateReductionToLinalgPatterns(RewritePatternSet &patterns);

/// Unsqueeze/Squeeze as expand/collapse_shape; Reshape and Flatten as a
/// collapse and an expansion to sizes computed by ONNX's rules.
void populateReshapeToTensorPatterns(RewritePatternSet &patterns);

/// Softmax, LogSoftmax, the normalizations and Linear written as the
/// reductions, products and element-wise xf ops they consist of.
void populateDecompositionPatterns(RewritePatternSet &patterns);

/// Gather, Split, Concat, Slice, Expand, Trilu, Shape, ConstantOfShape and
/// Range on tensors.
void populateIndexingToLinalgPatterns(RewritePatternSet &patterns);

/// DequantizeLinear (per tensor, per axis, blocked) on constant weights.
void populateQuantizationToLinalgPatterns(RewritePatternSet &patterns);

/// GatherElements and GatherND as generics; ScatterND and NonZero as
/// sequential loops; TopK by ranking.
void populateScatterToLinalgPatterns(RewritePatternSet &patterns);

/// Constants and data movement (Transpose).
void populateDataMovementToLinalgPatterns(RewritePatternSet &patterns);

} // namespace mlir::xf

#endif // XFC_CONVERSION_XFTOLINALG_XFTOLINALG_H

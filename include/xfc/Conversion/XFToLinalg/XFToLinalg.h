//===- XFToLinalg.h - xf ops to linalg, by op family ------------*- C++ -*-===//

#ifndef XFC_CONVERSION_XFTOLINALG_XFTOLINALG_H
#define XFC_CONVERSION_XFTOLINALG_XFTOLINALG_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::xf {

/// `type` with signless integer elements: unsigned and signed integers keep
/// their width, sub-byte ones (stored a value per byte) become i8. arith
/// computes on signless integers only, so each lowering takes signedness
/// from the xf op's own types.
RankedTensorType toSignless(RankedTensorType type);

/// Converts tensors as `toSignless` does; every other type is kept.
class SignlessTypeConverter : public TypeConverter {
public:
  SignlessTypeConverter();
};

/// Element-wise ops with ONNX broadcasting (arithmetic, comparisons, logic,
/// unary math, Where, Cast, Max/Min) as `linalg.generic`.
void populateElementwiseToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns);

/// MatMul and Gemm as `linalg.matmul` / `linalg.batch_matmul` where they fit,
/// a `linalg.generic` contraction otherwise.
void populateMatmulToLinalgPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns);

/// ReduceSum, ReduceMean and ReduceMax as linalg reductions.
void populateReductionToLinalgPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns);

/// Unsqueeze/Squeeze as expand/collapse_shape; Reshape and Flatten as a
/// collapse and an expansion to sizes computed by ONNX's rules.
void populateReshapeToTensorPatterns(const TypeConverter &converter,
                                     RewritePatternSet &patterns);

/// Each xf op that declares linalg::AggregatedOpInterface (Softmax, the
/// normalizations, Linear, GatedMlp, Rope, Attention) replaced by its
/// decomposition into simpler xf ops, where no direct lowering applies.
void populateDecompositionPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns);

/// Gather, Split, Concat, Slice, Expand, Trilu, Shape, ConstantOfShape and
/// Range on tensors.
void populateIndexingToLinalgPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns);

/// DequantizeLinear (per tensor, per axis, blocked) on constant weights.
void populateQuantizationToLinalgPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns);

/// GatherElements and GatherND as generics; ScatterND and NonZero as
/// sequential loops; TopK by ranking. With `copySlices`, gathers of whole
/// slices (GatherND, Gather along the first axis) copy each slice instead.
void populateScatterToLinalgPatterns(const TypeConverter &converter,
                                     RewritePatternSet &patterns,
                                     bool copySlices);

/// Constants and data movement (Transpose).
void populateDataMovementToLinalgPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns);

} // namespace mlir::xf

#endif // XFC_CONVERSION_XFTOLINALG_XFTOLINALG_H

//===- ShapeFunctions.h - shape inference shared by op families -*- C++ -*-===//
//
// Private to the dialect library: the generated op classes call these from
// the `inferResultTypes` bodies their TableGen base classes define.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_DIALECT_XF_IR_SHAPEFUNCTIONS_H
#define XFC_LIB_DIALECT_XF_IR_SHAPEFUNCTIONS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ValueRange.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFInterfaces.h"

namespace mlir::xf {

/// Broadcasts every operand's shape (ONNX multidirectional rules) into a
/// result of element type `elementType`.
LogicalResult inferBroadcastResultType(ValueRange operands, Type elementType,
                                       SmallVectorImpl<Type> &inferred,
                                       ErrorEmitter emitError);

/// The result of an ONNX Reduce* op with the axes as an attribute.
LogicalResult inferReduceResultType(RankedTensorType input,
                                    std::optional<ArrayRef<int64_t>> axes,
                                    bool keepDims, bool noopWithEmptyAxes,
                                    SmallVectorImpl<Type> &inferred,
                                    ErrorEmitter emitError);

/// Reports an axis outside [-rank, rank).
LogicalResult checkAxis(int64_t axis, int64_t rank, ErrorEmitter emitError);

/// Checks that a normalization's parameter (scale, bias) broadcasts to the
/// normalized trailing dimensions `input[axis:]`.
LogicalResult checkNormParameter(RankedTensorType input, int64_t axis,
                                 Value parameter, StringRef name,
                                 ErrorEmitter emitError);

} // namespace mlir::xf

#endif // XFC_LIB_DIALECT_XF_IR_SHAPEFUNCTIONS_H

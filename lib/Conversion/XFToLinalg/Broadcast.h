//===- Broadcast.h - ONNX broadcasting as linalg indexing maps --*- C++ -*-===//

#ifndef XFC_LIB_CONVERSION_XFTOLINALG_BROADCAST_H
#define XFC_LIB_CONVERSION_XFTOLINALG_BROADCAST_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::xf {

/// Computes one result element from the operands' elements.
using ScalarBuilder =
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// A `linalg.generic` that applies `body` to the elements of `operands`
/// broadcast (ONNX rules, aligned from the right) to `resultType`.
///
/// A size-1 dimension known statically is broadcast by its indexing map. A
/// dynamic dimension is assumed to have the result's size; unless it traces
/// to the same source as the dimension the result's size is read from, a
/// `cf.assert` checks that at run time. `original` are the operands before
/// conversion (xf values, for tracing).
Value buildBroadcastGeneric(OpBuilder &b, Location loc,
                            RankedTensorType resultType, ValueRange operands,
                            ValueRange original, ScalarBuilder body);

/// A zero of `type` (floating point or integer).
Value createZero(OpBuilder &b, Location loc, Type type);

} // namespace mlir::xf

#endif // XFC_LIB_CONVERSION_XFTOLINALG_BROADCAST_H

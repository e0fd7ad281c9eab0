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
/// A size-1 dimension known statically is broadcast by its indexing map, as
/// is a dynamic one that every operand having it provably shares (traced to
/// one source through `original`, the operands before conversion). Any
/// other dynamic dimension may be 1 at run time: that operand is read with
/// `tensor.extract` at index 0 or the result's index, decided at run time.
/// `resultSizes`, when given, are the result's dynamic sizes (Expand knows
/// them from its shape operand); every dynamic operand size may then stretch.
Value buildBroadcastGeneric(OpBuilder &b, Location loc,
                            RankedTensorType resultType, ValueRange operands,
                            ValueRange original, ScalarBuilder body,
                            ArrayRef<Value> resultSizes = {});

/// A zero of `type` (floating point or integer).
Value createZero(OpBuilder &b, Location loc, Type type);

/// `v` converted to scalar type `to` as ONNX Cast does: integers are
/// signed unless the flags say otherwise; i1 converts from any non-zero
/// value.
Value castScalar(OpBuilder &b, Location loc, Value v, Type to,
                 bool fromUnsigned, bool toUnsigned);

/// A constant `v` of floating-point `type`.
Value floatConstant(OpBuilder &b, Location loc, Type type, double v);

/// Whether the elements of xf value `v` are unsigned integers (the
/// conversion makes them signless; lowerings read signedness from here).
bool isUnsignedTensor(Value v);

} // namespace mlir::xf

#endif // XFC_LIB_CONVERSION_XFTOLINALG_BROADCAST_H

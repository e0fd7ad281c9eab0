//===- ShapeUtils.h - dynamic-aware shape arithmetic ------------*- C++ -*-===//
//
// The rules every xf verifier and shape function shares. A dynamic size
// (ShapedType::kDynamic) stands for a symbolic dimension: it is compatible
// with any size, and arithmetic on it stays dynamic.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECT_XF_IR_SHAPEUTILS_H
#define XFC_DIALECT_XF_IR_SHAPEUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace mlir::xf {

/// True when two sizes can be equal at run time.
bool areCompatibleDims(int64_t a, int64_t b);

/// The more static of two compatible sizes.
int64_t joinDims(int64_t a, int64_t b);

/// ONNX multidirectional broadcasting of any number of shapes, aligned from
/// the right. Fails when two static sizes differ and neither is 1.
std::optional<SmallVector<int64_t>>
broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes);

/// True when `from` broadcasts to `to` in one direction (ONNX
/// unidirectional broadcasting): no higher rank, each size 1 or compatible.
bool isUnidirectionalBroadcastable(ArrayRef<int64_t> from,
                                   ArrayRef<int64_t> to);

/// Maps an axis in [-rank, rank) to [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Normalizes every axis; nullopt when one is out of range or repeated.
std::optional<SmallVector<int64_t>> normalizeAxes(ArrayRef<int64_t> axes,
                                                  int64_t rank);

/// The product of sizes, or kDynamic when any is dynamic; INT64_MAX (more
/// than any tensor holds) when it overflows.
int64_t productOfDims(ArrayRef<int64_t> dims);

/// The largest tensor xfc accepts, in bytes (256 TiB): larger shapes are
/// mistakes or attacks, and their sizes would overflow the arithmetic of
/// generated code and of the runtime.
constexpr int64_t kMaxTensorBytes = int64_t(1) << 48;

/// Checks the static dimensions of a tensor of `element` (dynamic ones
/// skipped): none negative, and the tensor, counting a zero dimension as
/// one, within kMaxTensorBytes. Returns the problem, or an empty string.
std::string checkTensorShape(ArrayRef<int64_t> shape, Type element);

/// Prints a shape the way MLIR types do, `4x?x16`, for diagnostics.
std::string formatShape(ArrayRef<int64_t> shape);

/// The more static of two types of equal rank and element type, or null when
/// they contradict each other.
RankedTensorType joinTypes(RankedTensorType a, RankedTensorType b);

/// The values of a constant integer tensor (any integer element type), or
/// nullopt when `value` is not defined by a constant.
std::optional<SmallVector<int64_t>> getConstantIntValues(Value value);

/// The static length of a rank-1 tensor, or nullopt.
std::optional<int64_t> getStaticVectorLength(Value value);

} // namespace mlir::xf

#endif // XFC_DIALECT_XF_IR_SHAPEUTILS_H

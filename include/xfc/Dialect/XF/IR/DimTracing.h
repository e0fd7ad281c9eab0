//===- DimTracing.h - where a symbolic dimension comes from -----*- C++ -*-===//
//
// Exporters recompute the same symbolic sizes (batch, sequence) from many
// tensors: Shape(q) -> Gather(0), Shape(k) -> Gather(0), ... Tracing each
// dimension back through the ops that carry it unchanged finds the one
// tensor dimension it equals, so the copies become one computation (and a
// Reshape that copies dimensions needs no shape arithmetic at all).
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECT_XF_IR_DIMTRACING_H
#define XFC_DIALECT_XF_IR_DIMTRACING_H

#include "mlir/IR/Value.h"
#include <optional>

namespace mlir::xf {

/// A dimension of a tensor value.
struct DimRef {
  Value value;
  int64_t dim;
  bool operator==(const DimRef &other) const {
    return value == other.value && dim == other.dim;
  }
};

/// The earliest tensor dimension provably equal at run time to `ref`:
/// followed back through ops that pass the dimension on unchanged, stopping
/// where an op computes it or where broadcasting makes it ambiguous.
DimRef traceDim(DimRef ref);

/// What one element of a rank-1 shape vector is: a constant, or the size of
/// a traced tensor dimension (both, for a static dimension read by Shape).
/// Nullopt when it is computed some other way.
struct ShapeElement {
  std::optional<int64_t> constant;
  std::optional<DimRef> dim;
};
std::optional<ShapeElement> getShapeElement(Value vector, int64_t index);

} // namespace mlir::xf

#endif // XFC_DIALECT_XF_IR_DIMTRACING_H

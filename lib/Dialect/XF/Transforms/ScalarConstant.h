//===- ScalarConstant.h - constants the raise passes read -----------------===//

#ifndef XFC_LIB_DIALECT_XF_TRANSFORMS_SCALARCONSTANT_H
#define XFC_LIB_DIALECT_XF_TRANSFORMS_SCALARCONSTANT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include <optional>

namespace mlir::xf {

/// The value of a one-element f32 constant (a scale, an epsilon, an
/// exponent), whatever its rank.
inline std::optional<float> matchScalarF32(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat() ||
      !attr.getElementType().isF32() || attr.getNumElements() != 1)
    return std::nullopt;
  return attr.getSplatValue<float>();
}

/// Whether `v` is computed from constants alone: a weight, possibly
/// dequantized, transposed or reshaped on the way.
inline bool isComputedFromConstants(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (matchPattern(v, m_Constant()))
    return true;
  return def->getNumOperands() > 0 &&
         llvm::all_of(def->getOperands(), isComputedFromConstants);
}

} // namespace mlir::xf

#endif // XFC_LIB_DIALECT_XF_TRANSFORMS_SCALARCONSTANT_H

//===- Matching.h - what the raise patterns ask of values and their users -===//

#ifndef XFC_LIB_DIALECT_XF_TRANSFORMS_MATCHING_H
#define XFC_LIB_DIALECT_XF_TRANSFORMS_MATCHING_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
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

/// The operand of binary `op` that is not `known`, if `op` is one of
/// `known`'s users through that operand.
template <typename OpTy> Value otherOperand(OpTy op, Value known) {
  if (!op)
    return {};
  if (op.getLhs() == known)
    return op.getRhs();
  if (op.getRhs() == known)
    return op.getLhs();
  return {};
}

/// The single user of `v` of type OpTy (null when `v` has other users or
/// none); shape queries are collected into `shapes` instead when it is
/// given.
template <typename OpTy>
OpTy soleUser(Value v, SmallVectorImpl<ShapeOp> *shapes = nullptr) {
  OpTy found;
  for (Operation *user : v.getUsers()) {
    auto shape = dyn_cast<ShapeOp>(user);
    if (shape && shapes) {
      shapes->push_back(shape);
      continue;
    }
    if (found || !isa<OpTy>(user))
      return {};
    found = cast<OpTy>(user);
  }
  return found;
}

/// The ops a rewrite has built so far, erased again if it gives up (an op
/// whose shape function refuses its operands): a pattern that fails leaves
/// the IR as it found it.
class BuiltOps {
public:
  explicit BuiltOps(RewriterBase &rewriter) : rewriter(rewriter) {}
  /// `value`, its defining op recorded when there is one.
  FailureOr<Value> operator()(FailureOr<Value> value) {
    if (succeeded(value))
      ops.push_back(value->getDefiningOp());
    return value;
  }
  /// Erases what was built, users first.
  void discard() {
    for (Operation *op : llvm::reverse(ops))
      rewriter.eraseOp(op);
    ops.clear();
  }

private:
  RewriterBase &rewriter;
  SmallVector<Operation *> ops;
};

} // namespace mlir::xf

#endif // XFC_LIB_DIALECT_XF_TRANSFORMS_MATCHING_H

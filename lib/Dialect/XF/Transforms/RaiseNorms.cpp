//===- RaiseNorms.cpp - normalizations as transformer ops -----------------===//

#include "Matching.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_RAISENORMSPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

/// Matches the RMS normalization whose square of the input is `square`
/// and replaces it by xf.rms_norm.
static LogicalResult raiseRmsNorm(RewriterBase &rewriter, Operation *square,
                                  Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (!type.getElementType().isF32() || rank == 0)
    return failure();
  auto mean = soleUser<ReduceMeanOp>(square->getResult(0));
  if (!mean || !mean.getKeepdims() || !mean.getAxes() ||
      mean.getAxes()->size() != 1 ||
      *normalizeAxis((*mean.getAxes())[0], rank) != rank - 1)
    return failure();
  auto shifted = soleUser<AddOp>(mean.getResult());
  if (!shifted)
    return failure();
  std::optional<float> epsilon =
      matchScalarF32(otherOperand(shifted, mean.getResult()));
  auto root = soleUser<SqrtOp>(shifted.getResult());
  if (!epsilon || !root)
    return failure();
  // x / root, x * (1 / root) or x * reciprocal(root).
  SmallVector<ShapeOp> shapes;
  Value normalized;
  SmallVector<Operation *> interior = {square, mean, shifted, root};
  Operation *next = *root->user_begin();
  if (!root->hasOneUse())
    return failure();
  if (auto div = dyn_cast<DivOp>(next); div && div.getLhs() == x) {
    normalized = div.getResult();
  } else {
    Value inverse;
    if (auto one = dyn_cast<DivOp>(next);
        one && matchScalarF32(one.getLhs()) == 1.0f)
      inverse = one.getResult();
    else if (auto reciprocal = dyn_cast<ReciprocalOp>(next))
      inverse = reciprocal.getResult();
    if (!inverse)
      return failure();
    auto product = soleUser<MulOp>(inverse);
    if (!product || otherOperand(product, inverse) != x)
      return failure();
    interior.push_back(next);
    normalized = product.getResult();
  }
  auto scaled = soleUser<MulOp>(normalized, &shapes);
  if (!scaled)
    return failure();
  Value scale = otherOperand(scaled, normalized);
  auto scaleType = cast<RankedTensorType>(scale.getType());
  if (scaleType.getRank() != 1 ||
      scaleType.getDimSize(0) != type.getDimSize(rank - 1))
    return failure();
  interior.push_back(normalized.getDefiningOp());

  rewriter.setInsertionPoint(scaled);
  FailureOr<Value> norm = createInferred<RmsNormOp>(
      rewriter, scaled.getLoc(), {x, scale},
      {rewriter.getNamedAttr("axis", rewriter.getI64IntegerAttr(-1)),
       rewriter.getNamedAttr("epsilon", rewriter.getF32FloatAttr(*epsilon))});
  if (failed(norm) || norm->getType() != scaled.getType())
    return failure();
  // The normalized value has the input's shape.
  for (ShapeOp shape : shapes)
    rewriter.modifyOpInPlace(shape, [&] { shape.getDataMutable().assign(x); });
  rewriter.replaceOp(scaled, *norm);
  for (Operation *op : llvm::reverse(interior))
    rewriter.eraseOp(op);
  return success();
}

namespace {
struct RaiseNormsPass : xf::impl::RaiseNormsPassBase<RaiseNormsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> squares;
    getOperation().walk([&](Operation *op) {
      if (auto pow = dyn_cast<PowOp>(op);
          pow && matchScalarF32(pow.getRhs()) == 2.0f)
        squares.push_back(op);
      else if (auto mul = dyn_cast<MulOp>(op);
               mul && mul.getLhs() == mul.getRhs())
        squares.push_back(op);
    });
    for (Operation *square : squares)
      (void)raiseRmsNorm(rewriter, square, square->getOperand(0));
  }
};
} // namespace

//===- RaiseNorms.cpp - normalizations as transformer ops -----------------===//

#include "Matching.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"

namespace mlir::xf {
#define GEN_PASS_DEF_RAISENORMSPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// `w * (x * 1/sqrt(mean(x^2) + eps))` as xf.rms_norm, matched from the
/// square of the input (OpTy: Pow(x, 2) or x * x).
template <typename OpTy> struct RaiseRmsNorm : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy square,
                                PatternRewriter &rewriter) const override {
    if (!isSquare(square))
      return rewriter.notifyMatchFailure(square, "not the square of a value");
    Value x = square.getLhs();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    if (!type.getElementType().isF32() || rank == 0)
      return rewriter.notifyMatchFailure(square,
                                         "the input is not an f32 tensor");
    auto mean = soleUser<ReduceMeanOp>(square.getResult());
    if (!mean || !mean.getKeepdims() || !mean.getAxes() ||
        mean.getAxes()->size() != 1 ||
        *normalizeAxis((*mean.getAxes())[0], rank) != rank - 1)
      return rewriter.notifyMatchFailure(
          square, "the square's only reader is not a mean over the last axis "
                  "that keeps it");
    auto shifted = soleUser<AddOp>(mean.getResult());
    if (!shifted)
      return rewriter.notifyMatchFailure(
          square, "the mean's only reader is not an Add");
    std::optional<float> epsilon =
        matchScalarF32(otherOperand(shifted, mean.getResult()));
    auto root = soleUser<SqrtOp>(shifted.getResult());
    if (!epsilon || !root)
      return rewriter.notifyMatchFailure(
          square, "the mean is not shifted by a constant under a square root");
    if (!root->hasOneUse())
      return rewriter.notifyMatchFailure(square,
                                         "the square root has other uses");
    // x / root, x * (1 / root) or x * reciprocal(root).
    SmallVector<Operation *> interior = {square, mean, shifted, root};
    Operation *next = *root->user_begin();
    Value normalized;
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
        return rewriter.notifyMatchFailure(
            square, "the square root neither divides the input nor is "
                    "inverted");
      auto product = soleUser<MulOp>(inverse);
      if (!product || otherOperand(product, inverse) != x)
        return rewriter.notifyMatchFailure(
            square, "the inverse's only reader is not a product by the input");
      interior.push_back(next);
      normalized = product.getResult();
    }
    SmallVector<ShapeOp> shapes;
    auto scaled = soleUser<MulOp>(normalized, &shapes);
    if (!scaled)
      return rewriter.notifyMatchFailure(
          square, "the normalized value is not only scaled (and its shape "
                  "asked for)");
    Value scale = otherOperand(scaled, normalized);
    auto scaleType = cast<RankedTensorType>(scale.getType());
    if (scaleType.getRank() != 1 ||
        scaleType.getDimSize(0) != type.getDimSize(rank - 1))
      return rewriter.notifyMatchFailure(
          square, "the scale is not a vector over the last axis");
    interior.push_back(normalized.getDefiningOp());

    rewriter.setInsertionPoint(scaled);
    FailureOr<Value> norm = createInferred<RmsNormOp>(
        rewriter, scaled.getLoc(), {x, scale},
        {rewriter.getNamedAttr("axis", rewriter.getI64IntegerAttr(-1)),
         rewriter.getNamedAttr("epsilon", rewriter.getF32FloatAttr(*epsilon))});
    if (failed(norm) || norm->getType() != scaled.getType()) {
      if (succeeded(norm))
        rewriter.eraseOp(norm->getDefiningOp());
      return rewriter.notifyMatchFailure(
          square, "xf.rms_norm does not give the scaled value's type");
    }
    // The normalized value has the input's shape.
    for (ShapeOp shape : shapes)
      rewriter.modifyOpInPlace(shape,
                               [&] { shape.getDataMutable().assign(x); });
    rewriter.replaceOp(scaled, *norm);
    for (Operation *op : llvm::reverse(interior))
      rewriter.eraseOp(op);
    return success();
  }

private:
  static bool isSquare(PowOp pow) {
    return matchScalarF32(pow.getRhs()) == 2.0f;
  }
  static bool isSquare(MulOp mul) { return mul.getLhs() == mul.getRhs(); }
};
} // namespace

void xf::populateRaiseNormsPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRmsNorm<PowOp>, RaiseRmsNorm<MulOp>>(patterns.getContext());
}

namespace {
struct RaiseNormsPass : xf::impl::RaiseNormsPassBase<RaiseNormsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseNormsPatterns(patterns);
    applyRaisePatterns(getOperation(), std::move(patterns), getArgument());
  }
};
} // namespace

//===- LowerExpandShape.cpp - expand_shape as reinterpret_cast ------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "xfc/Codegen/Common/Passes.h"

#define DEBUG_TYPE "xf-lower-expand-shape"

namespace mlir::xf {
#define GEN_PASS_DEF_LOWEREXPANDSHAPEPASS
#include "xfc/Codegen/Common/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
/// A contiguous buffer seen with more dimensions: same base, offset 0,
/// row-major strides of the output sizes.
struct ExpandShapeToReinterpretCast : OpRewritePattern<memref::ExpandShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::ExpandShapeOp op,
                                PatternRewriter &rewriter) const override {
    MemRefType source = op.getSrcType(), result = op.getResultType();
    if (!source.getLayout().isIdentity() || !result.getLayout().isIdentity())
      return rewriter.notifyMatchFailure(op, "not a contiguous buffer");
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
    SmallVector<OpFoldResult> strides(sizes.size());
    OpFoldResult stride = rewriter.getIndexAttr(1);
    for (int64_t i = static_cast<int64_t>(sizes.size()) - 1; i >= 0; --i) {
      strides[i] = stride;
      std::optional<int64_t> s = getConstantIntValue(stride);
      std::optional<int64_t> n = getConstantIntValue(sizes[i]);
      if (s && n) {
        stride = rewriter.getIndexAttr(*s * *n);
        continue;
      }
      stride = arith::MulIOp::create(
                   rewriter, loc,
                   getValueOrCreateConstantIndexOp(rewriter, loc, stride),
                   getValueOrCreateConstantIndexOp(rewriter, loc, sizes[i]))
                   .getResult();
    }
    rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
        op, result, op.getSrc(), rewriter.getIndexAttr(0), sizes, strides);
    return success();
  }
};

struct LowerExpandShapePass
    : xf::impl::LowerExpandShapePassBase<LowerExpandShapePass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandShapeToReinterpretCast>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

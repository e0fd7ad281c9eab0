//===- FuseElementwise.cpp - element-wise chains as one loop nest ---------===//

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "xfc/Codegen/Common/Passes.h"

#define DEBUG_TYPE "xf-fuse-elementwise"

namespace mlir::xf {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "xfc/Codegen/Common/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

/// Whether the consumer of `operand` is element-wise too and reads each of
/// its elements once, and the producer has no other use. (Reductions keep
/// their accumulator in memory once lowered to loops; a producer fused into
/// one would lose its vector code. A producer with other uses would be
/// computed again in every consumer: along a residual stream, each layer
/// would recompute all the layers before it.)
static bool fusesWell(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  return consumer && operand->get().hasOneUse() &&
         consumer.getNumLoops() == consumer.getNumParallelLoops() &&
         consumer.getMatchingIndexingMap(operand).isPermutation();
}

namespace {
struct FuseElementwisePass
    : xf::impl::FuseElementwisePassBase<FuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    if (fuseTransposes) {
      // A transpose becomes a generic, which the fusion patterns take.
      SmallVector<linalg::TransposeOp> transposes;
      getOperation().walk([&](linalg::TransposeOp transpose) {
        Value input = transpose.getInput();
        if (input.hasOneUse() && input.getDefiningOp<linalg::GenericOp>())
          transposes.push_back(transpose);
      });
      IRRewriter rewriter(&getContext());
      for (linalg::TransposeOp transpose : transposes) {
        rewriter.setInsertionPoint(transpose);
        (void)linalg::generalizeNamedOp(rewriter, transpose);
      }
    }
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, fusesWell);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

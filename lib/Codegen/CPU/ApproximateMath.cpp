//===- ApproximateMath.cpp - math functions as vectorizable arithmetic ----===//

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "xfc/Codegen/CPU/Passes.h"

#define DEBUG_TYPE "xf-approximate-math"

namespace mlir::xf {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
struct ApproximateMathPass
    : xf::impl::ApproximateMathPassBase<ApproximateMathPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathAlgebraicSimplificationPatterns(patterns);
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return llvm::is_contained({"math.exp", "math.expm1", "math.tanh",
                                 "math.erf", "math.log", "math.log1p",
                                 "math.log2"},
                                name);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

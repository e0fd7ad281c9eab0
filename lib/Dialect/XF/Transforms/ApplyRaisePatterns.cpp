//===- ApplyRaisePatterns.cpp - the driver configuration of the raisings --===//

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"

using namespace mlir;

void mlir::xf::applyRaisePatterns(Operation *op, RewritePatternSet &&patterns) {
  // Bottom-up (the driver's default) visits a value's readers before its
  // producer: a GELU formula is raised before the product that feeds it is
  // matched as a linear, which then takes it in as its activation.
  //
  // One sweep, as a walk would make, with the worklist's follow-ups (the ops
  // a rewrite creates or changes are visited in it): a second sweep would
  // only retry the subgraphs that declined, and repeat the error of a shape
  // function that refused one. So the driver reports "not converged" whenever
  // something was raised; that is expected here.
  GreedyRewriteConfig config;
  config.setMaxIterations(1)
      .enableFolding(false)
      .enableConstantCSE(false)
      .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  (void)applyPatternsGreedily(op, std::move(patterns), config);
}

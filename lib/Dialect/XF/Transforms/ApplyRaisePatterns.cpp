//===- ApplyRaisePatterns.cpp - the driver configuration of the raisings --===//

#include "mlir/IR/Remarks.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"

using namespace mlir;

namespace {
/// Passes the reason a pattern gives for declining a subgraph on as a
/// "missed" remark (category: the pass), so that a release build shows it
/// too: --remarks-filter-missed='xf-raise.*' --remark-format=emitRemark.
struct MissedRaiseRemarks : RewriterBase::Listener {
  explicit MissedRaiseRemarks(StringRef pass) : pass(pass) {}

  void
  notifyMatchFailure(Location loc,
                     function_ref<void(Diagnostic &)> reasonCallback) override {
    // The reason is only built when someone asked for remarks.
    if (!loc->getContext()->getRemarkEngine())
      return;
    Diagnostic reason(loc, DiagnosticSeverity::Remark);
    reasonCallback(reason);
    remark::missed(loc, remark::RemarkOpts::name("NotRaised").category(pass))
        << reason.str();
  }

  StringRef pass;
};
} // namespace

void mlir::xf::applyRaisePatterns(Operation *op, RewritePatternSet &&patterns,
                                  StringRef pass) {
  // Bottom-up (the driver's default) visits a value's readers before its
  // producer: a GELU formula is raised before the product that feeds it is
  // matched as a linear, which then takes it in as its activation.
  //
  // One sweep, as a walk would make, with the worklist's follow-ups (the ops
  // a rewrite creates or changes are visited in it): a second sweep would
  // only retry the subgraphs that declined, and repeat the error of a shape
  // function that refused one. So the driver reports "not converged" whenever
  // something was raised; that is expected here.
  MissedRaiseRemarks remarks(pass);
  GreedyRewriteConfig config;
  config.setMaxIterations(1)
      .enableFolding(false)
      .enableConstantCSE(false)
      .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled)
      .setListener(&remarks);
  (void)applyPatternsGreedily(op, std::move(patterns), config);
}

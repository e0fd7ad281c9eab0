//===- CompileProgress.cpp - what a long compile is doing -----------------===//

#include "xfc/Support/CompileProgress.h"

#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/Format.h"

namespace mlir::xf {

/// Quiet for short compiles; then a line at most this often.
static constexpr std::chrono::seconds kQuietFor{3}, kInterval{3};

CompileProgress::CompileProgress(llvm::raw_ostream &os, bool enabled)
    : os(os), enabled(enabled), start(Clock::now()), lastReport(start) {}

void CompileProgress::phase(llvm::StringRef phase) {
  if (!enabled)
    return;
  Clock::time_point now = Clock::now();
  if (now - start < kQuietFor || now - lastReport < kInterval)
    return;
  lastReport = now;
  double seconds = std::chrono::duration<double>(now - start).count();
  os << "xfc: " << llvm::format("%6.1f", seconds) << " s: " << phase << "\n";
  os.flush();
}

namespace {
struct PassProgress : PassInstrumentation {
  explicit PassProgress(CompileProgress &progress) : progress(progress) {}
  void runBeforePass(Pass *pass, Operation *op) override {
    // Top-level passes only: nested ones run once per function.
    if (!op->getParentOp() && !pass->getArgument().empty())
      progress.phase(("running " + pass->getArgument()).str());
  }
  CompileProgress &progress;
};
} // namespace

void CompileProgress::track(PassManager &pm) {
  if (enabled)
    pm.addInstrumentation(std::make_unique<PassProgress>(*this));
}

} // namespace mlir::xf

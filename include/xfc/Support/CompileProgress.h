//===- CompileProgress.h - what a long compile is doing ---------*- C++ -*-===//
//
// A compile of a real model takes tens of seconds; silence looks like a
// hang. Once a compile has run a few seconds, each new phase (import, each
// top-level pass, LLVM, linking) is reported on stderr with the time so
// far, at most one line every few seconds.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_SUPPORT_COMPILEPROGRESS_H
#define XFC_SUPPORT_COMPILEPROGRESS_H

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <memory>

namespace mlir::xf {

class CompileProgress {
public:
  /// Reports to `os`; `enabled` false makes every call a no-op.
  CompileProgress(llvm::raw_ostream &os, bool enabled);

  /// The compile moved to `phase`.
  void phase(llvm::StringRef phase);

  /// Reports `pm`'s top-level passes as phases.
  void track(PassManager &pm);

private:
  using Clock = std::chrono::steady_clock;
  llvm::raw_ostream &os;
  bool enabled;
  Clock::time_point start, lastReport;
};

} // namespace mlir::xf

#endif // XFC_SUPPORT_COMPILEPROGRESS_H

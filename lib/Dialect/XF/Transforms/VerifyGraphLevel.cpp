//===- VerifyGraphLevel.cpp - the contract at the end of import -----------===//

#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"

#define DEBUG_TYPE "xf-verify-graph-level"

namespace mlir::xf {
#define GEN_PASS_DEF_VERIFYGRAPHLEVELPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

/// True for the types a graph-level function may take or return.
static bool isGraphValueType(Type type) { return isa<RankedTensorType>(type); }

namespace {
struct VerifyGraphLevelPass
    : xf::impl::VerifyGraphLevelPassBase<VerifyGraphLevelPass> {
  using Base::Base;

  void runOnOperation() override {
    bool valid = true;
    getOperation().walk([&](Operation *op) {
      if (auto func = dyn_cast<func::FuncOp>(op)) {
        if (!llvm::all_of(func.getFunctionType().getInputs(),
                          isGraphValueType) ||
            !llvm::all_of(func.getFunctionType().getResults(),
                          isGraphValueType)) {
          func.emitError() << "graph function '" << func.getSymName()
                           << "' must take and return ranked tensors only";
          valid = false;
        }
        return;
      }
      if (isa<ModuleOp, func::ReturnOp>(op) || isa<XFDialect>(op->getDialect()))
        return;
      op->emitError() << "'" << op->getName()
                      << "' is not allowed at the graph level";
      valid = false;
    });
    if (!valid)
      signalPassFailure();
  }
};
} // namespace

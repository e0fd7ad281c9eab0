//===- OutlineKernels.cpp - one function per top-level loop nest ----------===//

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Conversion/Passes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "xfc/Conversion/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
struct OutlineKernelsPass
    : xf::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(module.getContext());
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp function : functions) {
      if (function.isExternal())
        continue;
      SmallVector<scf::ForOp> nests;
      for (Block &block : function.getBody())
        llvm::append_range(nests, block.getOps<scf::ForOp>());
      for (auto [index, nest] : llvm::enumerate(nests)) {
        // The outliner takes a region: wrap the nest in one that yields
        // what the nest yields.
        rewriter.setInsertionPoint(nest);
        auto wrapper = scf::ExecuteRegionOp::create(rewriter, nest.getLoc(),
                                                    nest.getResultTypes());
        Block *body = rewriter.createBlock(&wrapper.getRegion());
        rewriter.replaceAllUsesWith(nest.getResults(), wrapper.getResults());
        rewriter.moveOpBefore(nest, body, body->end());
        rewriter.setInsertionPointToEnd(body);
        scf::YieldOp::create(rewriter, nest.getLoc(), nest.getResults());
        std::string name =
            (function.getSymName() + "_kernel" + Twine(index)).str();
        func::CallOp call;
        FailureOr<func::FuncOp> outlined = outlineSingleBlockRegion(
            rewriter, nest.getLoc(), wrapper.getRegion(), name, &call);
        if (failed(outlined)) {
          wrapper.emitError("xfc: could not outline this loop nest");
          return signalPassFailure();
        }
        outlined->setPrivate();
        // The wrapper now holds only the call; take the call out of it.
        rewriter.moveOpBefore(call, wrapper);
        rewriter.replaceOp(wrapper, call.getResults());
      }
    }
  }
};
} // namespace

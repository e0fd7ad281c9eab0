//===- DispatchMoE.cpp - xf.moe as routing, permutation and expert MLPs ---===//

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Support/ElementsBytes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_MOEDISPATCHPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
struct MoeDispatchPass : xf::impl::MoeDispatchPassBase<MoeDispatchPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<MoeOp> ops;
    getOperation().walk([&](MoeOp op) { ops.push_back(op); });
    if (ops.empty())
      return;
    // A module pass: it frees blobs that any function might refer to.
    ResourceReferences references(getOperation());
    IRRewriter rewriter(&getContext());
    for (MoeOp op : ops) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> results =
          dispatchMoe(rewriter, op, rowMultiple);
      if (failed(results))
        return signalPassFailure();
      SmallVector<Value> stacked = {op.getGate(), op.getUp(), op.getDown()};
      rewriter.replaceOp(op, *results);
      // Each expert has its own copy now: free the stacks.
      for (Value weight : stacked) {
        auto constant = weight.getDefiningOp<ConstantOp>();
        if (!constant || !constant->use_empty())
          continue;
        if (auto resource =
                dyn_cast<DenseResourceElementsAttr>(constant.getValueAttr()))
          references.drop(resource);
        rewriter.eraseOp(constant);
      }
    }
  }
};
} // namespace

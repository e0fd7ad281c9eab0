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
      // The weights and biases (operands after the input and logits).
      SmallVector<Operation *> stacks;
      for (Value operand : op->getOperands().drop_front(2))
        if (Operation *def = operand.getDefiningOp())
          stacks.push_back(def);
      rewriter.replaceOp(op, *results);
      // Each expert has its own copy now: free the stacks (and the packed
      // values and scales of quantized ones).
      DenseSet<Operation *> erased;
      while (!stacks.empty()) {
        Operation *def = stacks.pop_back_val();
        if (erased.contains(def) || !def->use_empty() ||
            !isa<ConstantOp, QuantizedWeightOp>(def))
          continue;
        if (auto constant = dyn_cast<ConstantOp>(def))
          if (auto resource =
                  dyn_cast<DenseResourceElementsAttr>(constant.getValueAttr()))
            references.drop(resource);
        for (Value operand : def->getOperands())
          if (Operation *producer = operand.getDefiningOp())
            stacks.push_back(producer);
        erased.insert(def);
        rewriter.eraseOp(def);
      }
    }
  }
};
} // namespace

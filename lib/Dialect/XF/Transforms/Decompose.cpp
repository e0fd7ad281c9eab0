//===- Decompose.cpp - composite xf ops as the xf ops they are made of ----===//

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"

#define DEBUG_TYPE "xf-decompose"

namespace mlir::xf {
#define GEN_PASS_DEF_DECOMPOSEPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
struct DecomposePass : xf::impl::DecomposePassBase<DecomposePass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    // A decomposition may build decomposable ops (attention's softmax):
    // sweep until a sweep finds none.
    while (true) {
      SmallVector<linalg::AggregatedOpInterface> ops;
      getOperation().walk([&](linalg::AggregatedOpInterface op) {
        if (isa<XFDialect>(op->getDialect()))
          ops.push_back(op);
      });
      if (ops.empty())
        return;
      for (linalg::AggregatedOpInterface op : ops) {
        rewriter.setInsertionPoint(op);
        FailureOr<SmallVector<Value>> results = op.decomposeOperation(rewriter);
        // The decomposition reported why at the op.
        if (failed(results))
          return signalPassFailure();
        rewriter.replaceOp(op, *results);
      }
    }
  }
};
} // namespace

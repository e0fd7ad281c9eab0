//===- InnermostContiguousLoop.cpp - contiguous innermost loops -----------===//

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Codegen/CPU/Passes.h"

#define DEBUG_TYPE "xf-innermost-contiguous-loop"

namespace mlir::xf {
#define GEN_PASS_DEF_INNERMOSTCONTIGUOUSLOOPPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
struct InnermostContiguousLoopPass
    : xf::impl::InnermostContiguousLoopPassBase<InnermostContiguousLoopPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> contractions;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (linalg::isaContractionOpInterface(op))
        contractions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : contractions) {
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> converted =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(converted))
          continue;
        generic = *converted;
      }
      // The loop that walks the output's last (contiguous) dimension.
      AffineMap output = generic.getIndexingMapsArray().back();
      if (output.getNumResults() == 0)
        continue;
      auto last = dyn_cast<AffineDimExpr>(output.getResults().back());
      unsigned loops = generic.getNumLoops();
      SmallVector<utils::IteratorType> iterators =
          generic.getIteratorTypesArray();
      if (!last || last.getPosition() == loops - 1 ||
          iterators[last.getPosition()] != utils::IteratorType::parallel)
        continue;
      SmallVector<unsigned> order;
      for (unsigned d = 0; d < loops; ++d)
        if (d != last.getPosition())
          order.push_back(d);
      order.push_back(last.getPosition());
      (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }
  }
};
} // namespace

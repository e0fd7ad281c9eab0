//===- InferShapes.cpp - refine xf result types, folding as it goes -------===//

#include "mlir/Transforms/FoldUtils.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"

#define DEBUG_TYPE "xf-infer-shapes"

namespace mlir::xf {
#define GEN_PASS_DEF_INFERSHAPESPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

/// Replaces each result type of `op` with the join of it and the inferred
/// type. Fails, with a diagnostic, when they contradict each other.
static LogicalResult refineResultTypes(ShapeInferenceOpInterface op) {
  SmallVector<Type> inferred;
  if (failed(op.inferResultTypes(inferred, [&] { return op->emitOpError(); })))
    return failure();
  for (auto [value, type] : llvm::zip_equal(op->getResults(), inferred)) {
    RankedTensorType joined = joinTypes(cast<RankedTensorType>(value.getType()),
                                        cast<RankedTensorType>(type));
    if (!joined)
      return op->emitOpError() << "result type " << value.getType()
                               << " contradicts the inferred type " << type;
    value.setType(joined);
  }
  return success();
}

namespace {
struct InferShapesPass : xf::impl::InferShapesPassBase<InferShapesPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    OperationFolder folder(&getContext());
    // Ops are visited in order, so each sees its operands already refined and
    // folded: a static shape found early reaches every op after it in one
    // sweep, and shape arithmetic collapses as it becomes constant.
    for (Block &block : func.getBody())
      for (Operation &op : llvm::make_early_inc_range(block)) {
        auto shaped = dyn_cast<ShapeInferenceOpInterface>(&op);
        if (!shaped)
          continue;
        if (failed(refineResultTypes(shaped)))
          return signalPassFailure();
        if (!isa<ConstantOp>(op))
          (void)folder.tryToFold(&op);
      }

    // The signature follows what the function now returns.
    func.walk([&](func::ReturnOp ret) {
      func.setFunctionType(FunctionType::get(
          func.getContext(), func.getArgumentTypes(), ret.getOperandTypes()));
    });
  }
};
} // namespace

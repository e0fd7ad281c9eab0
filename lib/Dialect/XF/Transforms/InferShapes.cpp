//===- InferShapes.cpp - refine xf result types from operands -------------===//

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

namespace {
struct InferShapesPass : xf::impl::InferShapesPassBase<InferShapesPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Operations are visited in order, so every op sees its operands' refined
    // types (graphs are acyclic and regions hold no xf ops).
    WalkResult result = func.walk([&](ShapeInferenceOpInterface op) {
      SmallVector<Type> inferred;
      if (failed(
              op.inferResultTypes(inferred, [&] { return op->emitOpError(); })))
        return WalkResult::interrupt();
      for (auto [value, type] : llvm::zip_equal(op->getResults(), inferred)) {
        RankedTensorType joined =
            joinTypes(cast<RankedTensorType>(value.getType()),
                      cast<RankedTensorType>(type));
        if (!joined) {
          op->emitOpError() << "result type " << value.getType()
                            << " contradicts the inferred type " << type;
          return WalkResult::interrupt();
        }
        value.setType(joined);
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();

    // The signature follows what the function now returns.
    func.walk([&](func::ReturnOp ret) {
      func.setFunctionType(FunctionType::get(
          func.getContext(), func.getArgumentTypes(), ret.getOperandTypes()));
    });
  }
};
} // namespace

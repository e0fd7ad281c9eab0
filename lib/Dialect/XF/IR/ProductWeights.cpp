//===- ProductWeights.cpp - the operands matrix products read as weights --===//

#include "xfc/Dialect/XF/IR/ProductWeights.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

void mlir::xf::forEachWeightOperand(
    Operation *op, function_ref<void(OpOperand &, bool kIsRows)> visit) {
  if (auto matmul = dyn_cast<MatMulOp>(op))
    visit(matmul.getRhsMutable(), true);
  else if (auto gemm = dyn_cast<GemmOp>(op))
    visit(gemm.getBMutable(), !gemm.getTransB());
  else if (auto linear = dyn_cast<LinearOp>(op))
    visit(linear.getWeightMutable(), !linear.getTransposeWeight());
  else if (auto mlp = dyn_cast<GatedMlpOp>(op))
    for (OpOperand *w :
         {&mlp.getGateMutable(), &mlp.getUpMutable(), &mlp.getDownMutable()})
      visit(*w, true);
}

/// Whether `use` is a product's weight operand.
static bool isWeightOperand(OpOperand &use) {
  bool found = false;
  forEachWeightOperand(use.getOwner(), [&](OpOperand &weight, bool) {
    found |= &weight == &use;
  });
  return found;
}

bool mlir::xf::isReadOnlyAsWeight(Value value) {
  return !value.use_empty() &&
         llvm::all_of(value.getUses(), [](OpOperand &use) {
           if (auto transpose = dyn_cast<TransposeOp>(use.getOwner()))
             return transpose.getType().getRank() == 2 &&
                    !transpose.getResult().use_empty() &&
                    llvm::all_of(transpose.getResult().getUses(),
                                 isWeightOperand);
           return isWeightOperand(use);
         });
}

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

/// Whether `use` is a product's weight operand; if so, whether the
/// weight's rows are K, in `kIsRows`.
static bool isWeightOperand(OpOperand &use, bool &kIsRows) {
  bool found = false;
  forEachWeightOperand(use.getOwner(), [&](OpOperand &weight, bool isRows) {
    if (&weight == &use && !found) {
      found = true;
      kIsRows = isRows;
    }
  });
  return found;
}

bool mlir::xf::isReadOnlyAsWeight(Value value, bool *kIsRows) {
  // The orientation of each use (a transpose's uses see the rows as columns).
  SmallVector<bool> rows;
  auto weightUse = [&](OpOperand &use, bool transposed) {
    bool isRows;
    if (!isWeightOperand(use, isRows))
      return false;
    rows.push_back(isRows != transposed);
    return true;
  };
  bool onlyWeights =
      !value.use_empty() && llvm::all_of(value.getUses(), [&](OpOperand &use) {
        if (auto transpose = dyn_cast<TransposeOp>(use.getOwner()))
          return transpose.getType().getRank() == 2 &&
                 !transpose.getResult().use_empty() &&
                 llvm::all_of(
                     transpose.getResult().getUses(),
                     [&](OpOperand &inner) { return weightUse(inner, true); });
        return weightUse(use, false);
      });
  if (onlyWeights && kIsRows)
    *kIsRows = rows.front();
  return onlyWeights;
}

bool mlir::xf::isTwoFourAlongK(ArrayRef<float> values, int64_t k, int64_t n,
                               bool kIsRows) {
  auto at = [&](int64_t kk, int64_t col) {
    return kIsRows ? values[kk * n + col] : values[col * k + kk];
  };
  for (int64_t k0 = 0; k0 < k; k0 += 4)
    for (int64_t col = 0; col < n; ++col) {
      int64_t nonzeros = 0;
      for (int64_t kk = k0; kk < std::min(k, k0 + 4); ++kk)
        nonzeros += at(kk, col) != 0.0f;
      if (nonzeros > 2)
        return false;
    }
  return true;
}

//===- SelectKernelConfigs.cpp - each CPU kernel's configuration ----------===//
//
// The one place that decides how the CPU target's kernels are tiled: the
// generators (xf-cpu-attention, xf-vectorize-contractions and, through the
// products' configurations, xf-pack-constant-weights) read the
// #xf.kernel_config attached here.
//
//===----------------------------------------------------------------------===//

#include "CPUKernels.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Dialect/XF/IR/ProductWeights.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ElementsBytes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_SELECTCPUKERNELCONFIGSPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// A product's register blocks: 8 rows of 32 columns (the 8x32 f32
/// accumulator is 16 of AVX-512's 32 vector registers, leaving room for
/// the broadcasts and a row of the right operand). The rows left over (a
/// single token's) go one at a time through 128-column blocks where 128
/// divides the columns, so that each reduction step reads a long
/// contiguous piece of a weight row; else through 32-column ones (wider
/// blocks would leave scalar columns).
KernelConfigAttr selectProductConfig(linalg::LinalgOp op) {
  int64_t columns =
      cast<RankedTensorType>(op.getDpsInits()[0].getType()).getShape().back();
  int64_t rest =
      !ShapedType::isDynamic(columns) && columns % 128 == 0 ? 128 : 32;
  return KernelConfigAttr::get(op->getContext(), KernelKind::Vector,
                               {8, 32, rest}, {}, /*threads=*/0,
                               /*stages=*/0);
}

/// Attention's blocks: 32 queries by 64 keys (a 32x64 f32 score block is
/// 8 KB, which stays in the L1 cache).
KernelConfigAttr selectAttentionConfig(MLIRContext *context) {
  return KernelConfigAttr::get(context, KernelKind::Vector, {32, 64}, {},
                               /*threads=*/0, /*stages=*/0);
}

/// A product by a quantized weight: tiles of 16 columns (two 8-lane
/// vectors; 32 with avx512's 16 lanes), whose unpacked weights serve 4 rows
/// at a time (4 x 2 accumulators, 4 weight vectors and a broadcast fill
/// AVX2's 16 registers).
KernelConfigAttr selectQuantizedConfig(MLIRContext *context, KernelKind kind) {
  int64_t columns = kind == KernelKind::Avx512 ? 32 : 16;
  return KernelConfigAttr::get(context, kind, {4, columns}, {},
                               /*threads=*/0, /*stages=*/0);
}

/// A sparse weight: tiles of 4 columns (four independent sums per row hide
/// the latency of the multiply-adds), 6 rows at a time (24 accumulators, 6
/// chunks of rows and one of weights fill 31 of AVX-512's 32 registers;
/// measured at 128 rows: 3-10% faster than 4 rows, 8 rows of 2 columns
/// 20-30% slower).
KernelConfigAttr selectSparseConfig(MLIRContext *context) {
  return KernelConfigAttr::get(context, KernelKind::Avx512, {6, 4}, {},
                               /*threads=*/0, /*stages=*/0);
}

/// An f32 matrix read only as products' weights (not by an xf.gemm left
/// unraised, which the kernel does not take), with at least
/// kSparseZeroFraction of zeros.
bool isSparseWeight(ConstantOp op) {
  RankedTensorType type = op.getType();
  if (type.getRank() != 2 || !type.hasStaticShape() ||
      !type.getElementType().isF32() || !isReadOnlyAsWeight(op.getResult()) ||
      llvm::any_of(op->getUsers(), llvm::IsaPred<GemmOp>))
    return false;
  std::optional<ArrayRef<float>> values = getF32Elements(op.getValue());
  if (!values)
    return false;
  int64_t zeros = llvm::count(*values, 0.0f);
  return zeros >= kSparseZeroFraction * type.getNumElements();
}

struct SelectCPUKernelConfigsPass
    : xf::impl::SelectCPUKernelConfigsPassBase<SelectCPUKernelConfigsPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<KernelKind> kind = symbolizeKernelKind(vectorISA);
    if (!kind || (*kind != KernelKind::Vector && *kind != KernelKind::Avx2 &&
                  *kind != KernelKind::Avx512)) {
      getOperation().emitError()
          << "xf-select-cpu-kernel-configs: isa is vector, avx2 or avx512, "
             "not '"
          << vectorISA << "'";
      return signalPassFailure();
    }
    getOperation().walk([&](Operation *op) {
      if (op->hasAttr(KernelConfigAttr::kName))
        return;
      if (auto constant = dyn_cast<ConstantOp>(op)) {
        if (*kind == KernelKind::Avx512 && isSparseWeight(constant))
          op->setAttr(KernelConfigAttr::kName,
                      selectSparseConfig(op->getContext()));
        return;
      }
      if (isa<QuantizedWeightOp>(op)) {
        op->setAttr(KernelConfigAttr::kName,
                    selectQuantizedConfig(op->getContext(), *kind));
        return;
      }
      if (auto attention = dyn_cast<AttentionOp>(op)) {
        if (isCPUAttention(attention))
          op->setAttr(KernelConfigAttr::kName,
                      selectAttentionConfig(op->getContext()));
      } else if (auto product = dyn_cast<linalg::LinalgOp>(op)) {
        if (isBlockableContraction(product))
          op->setAttr(KernelConfigAttr::kName, selectProductConfig(product));
      }
    });
  }
};
} // namespace

//===- SelectKernelConfigs.cpp - each CUDA kernel's configuration ---------===//
//
// The one place that decides how the CUDA target's kernels are tiled: the
// generators read the #xf.kernel_config attached here.
//
//===----------------------------------------------------------------------===//

#include "SparseTensorCoreWeights.h"
#include "TensorCoreProducts.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Dialect/XF/IR/ProductWeights.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ElementsBytes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_SELECTCUDAKERNELCONFIGSPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// The tensor-core product's configuration: 64x64 output tiles per block
/// of four warps (32x32 each), 32-deep reduction steps.
KernelConfigAttr selectProductConfig(MLIRContext *context) {
  return KernelConfigAttr::get(context, KernelKind::MmaSync, {64, 64, 32},
                               {32, 32}, /*threads=*/128, /*stages=*/1);
}

/// A product by a 2:4 weight on the sparse tensor cores: a decode GEMV
/// (at most 16 rows) as one warp per 8 rows by 16 columns, 512 deep a step,
/// so that many small blocks each keep 8 KB of weights in flight; else
/// 64x64 tiles of four 32x32 warp tiles, 64 deep.
KernelConfigAttr selectSparseProductConfig(MLIRContext *context, bool fewRows) {
  if (fewRows)
    return KernelConfigAttr::get(context, KernelKind::MmaSp, {8, 16, 512},
                                 {8, 16}, /*threads=*/32, /*stages=*/1);
  return KernelConfigAttr::get(context, KernelKind::MmaSp, {64, 64, 64},
                               {32, 32}, /*threads=*/128, /*stages=*/1);
}

/// Whether `rhs` reads a constant [K, N] weight that is 2:4 along K.
bool readsTwoFourWeight(Value rhs, SymbolTable &symbols) {
  memref::GlobalOp source = getConstantWeightSource(rhs, symbols);
  if (!source || source.getType().getRank() != 2)
    return false;
  auto value = dyn_cast_or_null<ElementsAttr>(source.getInitialValueAttr());
  std::optional<ArrayRef<float>> weight =
      value ? getF32Elements(value) : std::nullopt;
  ArrayRef<int64_t> shape = source.getType().getShape();
  return weight && isTwoFourAlongK(*weight, shape[0], shape[1]);
}

/// The attention kernel's configuration: 32 queries per block, 4 lanes
/// each (128 threads), 32 keys per step.
KernelConfigAttr selectAttentionConfig(MLIRContext *context) {
  return KernelConfigAttr::get(context, KernelKind::Simt, {32, 32}, {},
                               /*threads=*/128, /*stages=*/1);
}

struct SelectCUDAKernelConfigsPass
    : xf::impl::SelectCUDAKernelConfigsPassBase<SelectCUDAKernelConfigsPass> {
  using Base::Base;

  void runOnOperation() override {
    SymbolTable symbols(getOperation());
    getOperation().walk([&](Operation *op) {
      if (op->hasAttr(KernelConfigAttr::kName))
        return;
      bool batched;
      std::optional<std::array<Value, 3>> operands =
          matchTensorCoreProduct(op, batched);
      if (operands && sparse && !batched &&
          readsTwoFourWeight((*operands)[1], symbols)) {
        auto lhs = cast<MemRefType>((*operands)[0].getType());
        bool fewRows = !lhs.isDynamicDim(0) && lhs.getDimSize(0) <= 16;
        op->setAttr(KernelConfigAttr::kName,
                    selectSparseProductConfig(op->getContext(), fewRows));
      } else if (operands)
        op->setAttr(KernelConfigAttr::kName,
                    selectProductConfig(op->getContext()));
      else if (isa<AttentionBuffersOp>(op))
        op->setAttr(KernelConfigAttr::kName,
                    selectAttentionConfig(op->getContext()));
    });
  }
};
} // namespace

//===- SelectKernelConfigs.cpp - each CUDA kernel's configuration ---------===//
//
// The one place that decides how the CUDA target's kernels are tiled: the
// generators read the #xf.kernel_config attached here.
//
//===----------------------------------------------------------------------===//

#include "TensorCoreProducts.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

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

/// The attention kernel's configuration: 32 queries per block, 4 lanes
/// each (128 threads), 32 keys per step.
KernelConfigAttr selectAttentionConfig(MLIRContext *context) {
  return KernelConfigAttr::get(context, KernelKind::Simt, {32, 32}, {},
                               /*threads=*/128, /*stages=*/1);
}

struct SelectCUDAKernelConfigsPass
    : xf::impl::SelectCUDAKernelConfigsPassBase<SelectCUDAKernelConfigsPass> {
  void runOnOperation() override {
    getOperation().walk([&](Operation *op) {
      if (op->hasAttr(KernelConfigAttr::kName))
        return;
      bool batched;
      if (matchTensorCoreProduct(op, batched))
        op->setAttr(KernelConfigAttr::kName,
                    selectProductConfig(op->getContext()));
      else if (isa<AttentionBuffersOp>(op))
        op->setAttr(KernelConfigAttr::kName,
                    selectAttentionConfig(op->getContext()));
    });
  }
};
} // namespace

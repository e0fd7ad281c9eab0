//===- SelectKernelConfigs.cpp - each CUDA kernel's configuration ---------===//
//
// The one place that decides how the CUDA target's kernels are tiled: the
// generators read the #xf.kernel_config attached here.
//
//===----------------------------------------------------------------------===//

#include "TensorCoreProducts.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"

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

struct SelectCUDAKernelConfigsPass
    : xf::impl::SelectCUDAKernelConfigsPassBase<SelectCUDAKernelConfigsPass> {
  void runOnOperation() override {
    getOperation().walk([&](Operation *op) {
      bool batched;
      if (!matchTensorCoreProduct(op, batched) ||
          op->hasAttr(KernelConfigAttr::kName))
        return;
      op->setAttr(KernelConfigAttr::kName,
                  selectProductConfig(op->getContext()));
    });
  }
};
} // namespace

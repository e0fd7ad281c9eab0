//===- AlignWorkgroupBuffers.cpp - shared memory aligned for ldmatrix -----===//
//
// A kernel's workgroup (shared memory) buffers are aligned only to their
// element type when lowered, but ldmatrix and 16-byte copies need 16-byte
// aligned rows. `gpu.launch` cannot say so; its outlined `gpu.func` can.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "xfc/Codegen/CUDA/Passes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_ALIGNWORKGROUPBUFFERSPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
struct AlignWorkgroupBuffersPass
    : xf::impl::AlignWorkgroupBuffersPassBase<AlignWorkgroupBuffersPass> {
  void runOnOperation() override {
    getOperation()->walk([](gpu::GPUFuncOp function) {
      Builder b(function.getContext());
      for (unsigned i = 0; i < function.getNumWorkgroupAttributions(); ++i)
        function.setWorkgroupAttributionAttr(i, "llvm.align",
                                             b.getI64IntegerAttr(16));
    });
  }
};
} // namespace

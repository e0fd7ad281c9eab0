//===- DropUnusedGlobals.cpp - globals nothing reads any more -------------===//
//
// Kernels that read a weight's bf16 copy, or compute a dequantized weight
// from its quantized constants, leave device copies and host constants
// that nothing reads. Device copies are public declarations (the library
// binds them), so upstream symbol-dce keeps them: this pass drops those
// nothing uses, then the private globals nothing uses. A host global whose
// device copy stays is used by the copy's `xf.device_copy_of`.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "xfc/Codegen/CUDA/DeviceCopies.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::xf {
#define GEN_PASS_DEF_DROPUNUSEDGLOBALSPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
struct DropUnusedGlobalsPass
    : xf::impl::DropUnusedGlobalsPassBase<DropUnusedGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Device copies first: dropping one may leave its host global unused.
    for (bool deviceCopies : {true, false}) {
      std::optional<SymbolTable::UseRange> uses =
          SymbolTable::getSymbolUses(&module.getBodyRegion());
      // An op whose symbol uses are unknown may use any global.
      if (!uses)
        return;
      llvm::DenseSet<StringAttr> used;
      for (const SymbolTable::SymbolUse &use : *uses)
        used.insert(use.getSymbolRef().getRootReference());
      for (auto global :
           llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
        if (!used.contains(global.getSymNameAttr()) &&
            (deviceCopies ? bool(xf::getDeviceCopySource(global))
                          : global.isPrivate()))
          global.erase();
    }
  }
};
} // namespace

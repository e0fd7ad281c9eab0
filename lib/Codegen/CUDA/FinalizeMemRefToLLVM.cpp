//===- FinalizeMemRefToLLVM.cpp - memref to LLVM, globals' attributes kept ===//
//
// Upstream's lowering of a memref.global to an llvm.mlir.global drops the
// global's discardable attributes, among them `xf.device_copy_of`, by which
// the library writer binds device copies to the weights they hold. This
// pass runs that lowering and puts them back on the global each became
// (same symbol name).
//
//===----------------------------------------------------------------------===//

#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/PassManager.h"
#include "xfc/Codegen/CUDA/Passes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_FINALIZEMEMREFTOLLVMPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
struct FinalizeMemRefToLLVMPass
    : xf::impl::FinalizeMemRefToLLVMPassBase<FinalizeMemRefToLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::DenseMap<StringAttr, DictionaryAttr> attributes;
    for (auto global : module.getOps<memref::GlobalOp>())
      if (!global->getDiscardableAttrDictionary().empty())
        attributes[global.getSymNameAttr()] =
            global->getDiscardableAttrDictionary();
    // Generated code allocates through the runtime.
    FinalizeMemRefToLLVMConversionPassOptions options;
    options.useGenericFunctions = true;
    OpPassManager lowering(ModuleOp::getOperationName());
    lowering.addPass(createFinalizeMemRefToLLVMConversionPass(options));
    if (failed(runPipeline(lowering, module)))
      return signalPassFailure();
    for (auto global : module.getOps<LLVM::GlobalOp>())
      if (DictionaryAttr kept = attributes.lookup(global.getSymNameAttr()))
        for (NamedAttribute attribute : kept)
          global->setDiscardableAttr(attribute.getName(), attribute.getValue());
  }
};
} // namespace

//===- CPUTarget.cpp - LLVM IR and machine code for x86 CPUs --------------===//

#include "xfc/Target/CPU/CPUTarget.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

namespace mlir::xf {

/// A target machine for the host's triple and the requested CPU.
static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CPUTargetOptions &options, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = options.cpu;
  std::string features = options.features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features += (features.empty() ? "" : ",") +
                  std::string(feature.second ? "+" : "-") +
                  feature.first().str();
  }
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
}

/// The host triple's subtarget description, which knows the CPU names.
static std::unique_ptr<llvm::MCSubtargetInfo> getHostSubtargetInfo() {
  llvm::InitializeNativeTarget();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  return std::unique_ptr<llvm::MCSubtargetInfo>(
      target->createMCSubtargetInfo(triple, "", ""));
}

LogicalResult checkCPUName(StringRef cpu, std::string &error) {
  if (cpu == "native")
    return success();
  std::unique_ptr<llvm::MCSubtargetInfo> info = getHostSubtargetInfo();
  if (info && info->isCPUStringValid(cpu))
    return success();
  error = ("unknown CPU '" + cpu +
           "'; give native (the host, the default), a portable level "
           "(x86-64, x86-64-v2, x86-64-v3, x86-64-v4) or an LLVM CPU name "
           "such as znver4 or sapphirerapids (--cpu=help lists them)")
              .str();
  return failure();
}

std::string getCPUNames() {
  std::string names = "native";
  if (std::unique_ptr<llvm::MCSubtargetInfo> info = getHostSubtargetInfo())
    for (const llvm::SubtargetSubTypeKV &cpu :
         info->getAllProcessorDescriptions())
      names += std::string(", ") + cpu.Key;
  return names;
}

std::unique_ptr<llvm::Module>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                  const CPUTargetOptions &options) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);
  // xfc's own argument and result attributes (input names, symbolic
  // dimensions) have no LLVM meaning.
  module.walk([](FunctionOpInterface function) {
    for (unsigned i = 0; i < function.getNumArguments(); ++i)
      for (NamedAttribute attr : function.getArgAttrs(i))
        if (attr.getName().strref().starts_with("xf."))
          function.removeArgAttr(i, attr.getName());
    for (unsigned i = 0; i < function.getNumResults(); ++i)
      for (NamedAttribute attr : function.getResultAttrs(i))
        if (attr.getName().strref().starts_with("xf."))
          function.removeResultAttr(i, attr.getName());
  });
  // Private definitions are the kernels xf-outline-kernels made: kept apart,
  // LLVM optimizes each alone instead of one model-sized function.
  module.walk([](LLVM::LLVMFuncOp function) {
    if (!function.isExternal() && SymbolTable::getSymbolVisibility(function) ==
                                      SymbolTable::Visibility::Private)
      function.setNoInline(true);
  });
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule) {
    module.emitError() << "cannot translate the LLVM dialect to LLVM IR";
    return nullptr;
  }
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine) {
    module.emitError() << "no target machine for CPU '" << options.cpu
                       << "': " << error;
    return nullptr;
  }
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());
  if (llvm::Error err =
          makeOptimizingTransformer(3, 0, machine.get())(llvmModule.get())) {
    module.emitError() << "LLVM optimization failed: "
                       << llvm::toString(std::move(err));
    return nullptr;
  }
  return llvmModule;
}

FailureOr<SmallVector<StringRef>>
selectCPUFeatures(const CPUTargetOptions &options, ArrayRef<StringRef> features,
                  std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine) {
    error = "no target machine for CPU '" + options.cpu + "': " + error;
    return failure();
  }
  const llvm::MCSubtargetInfo *subtarget = machine->getMCSubtargetInfo();
  SmallVector<StringRef> selected;
  for (StringRef feature : features)
    if (subtarget->checkFeatures(("+" + feature).str()))
      selected.push_back(feature);
  return selected;
}

LogicalResult emitMachineCode(llvm::Module &module,
                              const CPUTargetOptions &options,
                              llvm::raw_pwrite_stream &os, bool assembly,
                              std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine) {
    error = "no target machine for CPU '" + options.cpu + "': " + error;
    return failure();
  }
  llvm::legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, os, nullptr,
                                   assembly
                                       ? llvm::CodeGenFileType::AssemblyFile
                                       : llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit this file type";
    return failure();
  }
  passes.run(module);
  return success();
}

} // namespace mlir::xf

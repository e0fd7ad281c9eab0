//===- CPUTarget.h - LLVM IR and machine code for x86 CPUs ------*- C++ -*-===//

#ifndef XFC_TARGET_CPU_CPUTARGET_H
#define XFC_TARGET_CPU_CPUTARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>
#include <string>

namespace mlir::xf {

struct CPUTargetOptions {
  /// LLVM's CPU name (`x86-64-v3`, `znver4`, ...); "native" is the host's.
  std::string cpu = "native";
  /// Extra target features (`+avx512f,...`), added to the CPU's.
  std::string features;
};

/// Translates a module in the LLVM dialect to LLVM IR for the target and
/// optimizes it (O3). Reports at the module's location on failure.
/// Whether LLVM generates code for CPU `cpu` ("native" included); if not,
/// `error` says so and names the portable choices.
LogicalResult checkCPUName(llvm::StringRef cpu, std::string &error);

/// Every CPU name `--cpu` takes, comma-separated.
std::string getCPUNames();

std::unique_ptr<llvm::Module>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                  const CPUTargetOptions &options);

/// Those of `features` (LLVM's names: "avx2", "amx-tile") that code
/// generated for `options` may use: the CPU's own and the extra features.
FailureOr<SmallVector<StringRef>>
selectCPUFeatures(const CPUTargetOptions &options, ArrayRef<StringRef> features,
                  std::string &error);

/// Writes `module` (as translateToLLVMIR made it) as an object file or, with
/// `assembly`, as assembly text; else says why in `error`.
LogicalResult emitMachineCode(llvm::Module &module,
                              const CPUTargetOptions &options,
                              llvm::raw_pwrite_stream &os, bool assembly,
                              std::string &error);

} // namespace mlir::xf

#endif // XFC_TARGET_CPU_CPUTARGET_H

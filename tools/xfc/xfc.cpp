//===- xfc.cpp - the compiler driver --------------------------------------===//
//
// The command line (DriverOptions.cpp checks it) into one compile of
// lib/Compiler: a library (the default), object code, PTX, or a stage's IR.
//
//===----------------------------------------------------------------------===//

#include "DriverOptions.h"

#include "xfc/InitAll.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Registered passes are what --mlir-print-ir-after=PASS names.
  mlir::xf::registerAllPasses();
  int exitCode;
  std::optional<xfc::DriverOptions> options =
      xfc::parseCommandLine(argc, argv, exitCode);
  if (!options)
    return exitCode;
  if (options->printSupportedOps) {
    mlir::xf::printSupportedOps(llvm::outs());
    return 0;
  }
  options->toolsDir = llvm::sys::path::parent_path(
                          llvm::sys::fs::getMainExecutable(
                              argv[0], reinterpret_cast<void *>(&main)))
                          .str();
  return mlir::succeeded(mlir::xf::compile(std::move(*options))) ? 0 : 1;
}

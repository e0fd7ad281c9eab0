//===- xfc.cpp - the compiler driver --------------------------------------===//
//
// The command line (lib/Compiler/CommandLine.cpp checks it) into one
// compile of lib/Compiler: a library (the default), object code, PTX, or a
// stage's IR.
//
//===----------------------------------------------------------------------===//

#include "xfc/Compiler/CommandLine.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::SmallVector<const char *> args(argv, argv + argc);
  mlir::FailureOr<mlir::xf::Invocation> invocation =
      mlir::xf::parseCommandLine(args, llvm::errs());
  if (mlir::failed(invocation))
    return 1;
  // The runtime a library links is found from the installation's bin/.
  invocation->options.toolsDir =
      llvm::sys::path::parent_path(
          llvm::sys::fs::getMainExecutable(argv[0],
                                           reinterpret_cast<void *>(&main)))
          .str();
  return mlir::succeeded(
             mlir::xf::runInvocation(std::move(*invocation), llvm::errs()))
             ? 0
             : 1;
}

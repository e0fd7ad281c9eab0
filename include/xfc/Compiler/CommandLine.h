//===- CommandLine.h - xfc's command line, checked -------------*- C++ -*-===//
//
// The xfc command line parsed into an Invocation, shared by the `xfc`
// binary and the compiler's C interface (xfc_compiler.h), so both accept
// exactly the same options. Everything a user can type is checked here,
// with the valid choices named, before any work starts.
//
// The options are LLVM command-line options of this process: a program
// links this library only if it has no options of the same names (xfc-opt
// does not link it).
//
//===----------------------------------------------------------------------===//

#ifndef XFC_COMPILER_COMMANDLINE_H
#define XFC_COMPILER_COMMANDLINE_H

#include "xfc/Compiler/Compiler.h"

namespace mlir::xf {

/// What a command line asks for.
struct Invocation {
  enum class Action {
    Compile,
    PrintSupportedOps, // the importer's ONNX operators (Markdown)
    PrintCPUNames,     // the choices of --cpu
  };
  Action action = Action::Compile;
  CompileOptions options;
};

/// Parses and checks `args` (args[0] is the program's name). Options a
/// previous call set are reset first, so a process may parse many command
/// lines (one at a time). Errors go to `errors`. `--help` and `--version`
/// are LLVM's: they print and exit the process.
FailureOr<Invocation> parseCommandLine(ArrayRef<const char *> args,
                                       llvm::raw_ostream &errors);

/// Carries out `invocation`: the compile (its messages on `messages`), or
/// the listing asked for, on stdout.
LogicalResult runInvocation(Invocation invocation, llvm::raw_ostream &messages);

} // namespace mlir::xf

#endif // XFC_COMPILER_COMMANDLINE_H

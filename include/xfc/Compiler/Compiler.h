//===- Compiler.h - xfc as a library: options to artifacts -----*- C++ -*-===//
//-*-===//
//
// One compile: a model (ONNX or xf IR) in, the artifact its options ask
// for out (a library with its header and weights, object code, PTX, or a
// stage's IR). `xfc` and the C interface (xfc_compiler.h) parse a command
// line into CompileOptions (CommandLine.h) and call compile(); the pass
// order itself is lib/Pipelines'.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_COMPILER_COMPILER_H
#define XFC_COMPILER_COMPILER_H

#include "xfc/Import/ONNX/ONNXImporter.h"
#include "xfc/Pipelines/Pipelines.h"
#include "xfc/Target/CPU/CPUTarget.h"
#include "xfc/Target/Library/LibraryWriter.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <string>

namespace mlir::xf {

/// What a compile writes.
enum class Artifact {
  Library, // NAME.so + NAME.h (+ NAME.weights)
  Object,  // the compiled model's object code
  PTX,     // CUDA: every kernel's PTX
  Stage,   // the IR (or LLVM IR, assembly) after a stage
};

struct CompileOptions {
  /// A .onnx model, or xf IR (.mlir; "-" is stdin).
  std::string input;
  /// The file to write; "-" is stdout.
  std::string output;
  Artifact artifact = Artifact::Library;
  /// For Artifact::Stage: where the pipeline stops.
  Stage stage = Stage::Asm;
  ONNXImportOptions import;
  TargetOptions target;
  CPUTargetOptions cpu;
  WeightStorage weights = WeightStorage::Embedded;
  /// The library's C functions are CPREFIX_run, ...
  std::string cPrefix = "xfc";
  /// A report printed (on stdout) before compiling; with `compile` false,
  /// only that.
  enum class Report { None, Fusion, Sparsity };
  Report report = Report::None;
  bool compile = true;
  /// Write the module after every pass into this directory.
  std::string dumpDir;
  bool timeReport = false;
  /// Progress lines on stderr after `progressEvery`, then at most that
  /// often, unless quiet.
  bool quiet = false;
  std::chrono::milliseconds progressEvery{3000};
  /// Where the xfc installation's bin/ is: the runtime a library links is
  /// found from it.
  std::string toolsDir;
};

/// Compiles as `options` say. Errors, as `xfc: ...` lines or diagnostics
/// naming the ONNX node, and the files written go to `messages`; progress
/// lines of a long compile go to stderr. Returns failure after an error.
LogicalResult compile(CompileOptions options,
                      llvm::raw_ostream &messages = llvm::errs());

} // namespace mlir::xf

#endif // XFC_COMPILER_COMPILER_H

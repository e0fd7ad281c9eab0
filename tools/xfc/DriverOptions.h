//===- DriverOptions.h - xfc's command line, checked ------------*- C++ -*-===//
//
// The command line parsed into plain values. Everything a user can type is
// checked here, with the valid choices named, before any work starts.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_TOOLS_XFC_DRIVEROPTIONS_H
#define XFC_TOOLS_XFC_DRIVEROPTIONS_H

#include "xfc/Import/ONNX/ONNXImporter.h"
#include "xfc/Pipelines/Pipelines.h"
#include "xfc/Target/CPU/CPUTarget.h"
#include "xfc/Target/CPU/LibraryWriter.h"
#include <chrono>
#include <optional>
#include <string>

namespace xfc {

/// What `--emit` asks for.
enum class Artifact {
  Library, // NAME.so + NAME.h (+ NAME.weights)
  Object,  // the compiled model's object code
  PTX,     // CUDA: every kernel's PTX
  Stage,   // the IR (or LLVM IR, assembly) after a stage
};

struct DriverOptions {
  std::string input;
  /// The file to write; "-" is stdout.
  std::string output;
  Artifact artifact = Artifact::Library;
  /// For Artifact::Stage: where the pipeline stops.
  mlir::xf::Stage stage = mlir::xf::Stage::Asm;
  mlir::xf::ONNXImportOptions import;
  mlir::xf::TargetOptions target;
  mlir::xf::CPUTargetOptions cpu;
  mlir::xf::WeightStorage weights = mlir::xf::WeightStorage::Embedded;
  bool fusionReport = false;
  /// Whether anything but the report was asked for (--emit or -o).
  bool compile = true;
  std::string dumpDir;
  /// The library's C functions are CPREFIX_run, ...
  std::string cPrefix = "xfc";
  bool printWeights = false;
  bool timeReport = false;
  bool quiet = false;
  /// Progress lines after this long, then at most this often.
  std::chrono::milliseconds progressEvery{3000};
  bool printSupportedOps = false;
};

/// Parses and checks the command line. Returns the options, or the exit
/// code when xfc should stop (--version, --print-supported-ops printed
/// elsewhere: they are in the options; an error: 1).
std::optional<DriverOptions> parseCommandLine(int argc, char **argv,
                                              int &exitCode);

} // namespace xfc

#endif // XFC_TOOLS_XFC_DRIVEROPTIONS_H

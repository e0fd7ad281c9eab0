//===- xfc.cpp - the compiler driver --------------------------------------===//
//
// Reads a model, runs the pipeline from lib/Pipelines up to the stage named
// by --emit and writes the result. Upstream's IR-printing, timing and
// elision flags apply to the pipeline as they do in xfc-opt.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "xfc/Import/ONNX/ONNXImporter.h"
#include "xfc/InitAll.h"
#include "xfc/Pipelines/Pipelines.h"
#include "xfc/Support/ModelDiagnostics.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

static std::string describeStages() {
  std::string text = "Stop after STAGE and print its IR. Stages, in order:";
  for (const xf::StageInfo &info : xf::getStages())
    text += "\n  " + info.name.str() + ": " + info.description.str();
  return text;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::opt<std::string> inputFile(
      cl::Positional, cl::desc("<model.onnx or model.mlir>"), cl::init("-"));
  cl::list<std::string> pinnedShapes(
      "shape", cl::desc("Pin an ONNX input's shape, e.g. input_ids=1x128"),
      cl::value_desc("NAME=DIMS"));
  cl::opt<bool> printSupportedOps(
      "print-supported-ops",
      cl::desc("Print the ONNX operators the importer supports (Markdown)"));
  cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                  cl::value_desc("file"), cl::init("-"));
  // cl::desc keeps a reference: the text must outlive the option.
  static const std::string emitHelp = describeStages();
  cl::opt<std::string> emit("emit", cl::desc(emitHelp), cl::value_desc("STAGE"),
                            cl::init(xf::getStages().back().name.str()));
  // Registered passes are what --mlir-print-ir-after=PASS names.
  xf::registerAllPasses();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "xfc: transformer graph compiler\n");

  if (printSupportedOps) {
    xf::printSupportedOps(llvm::outs());
    return 0;
  }
  std::optional<xf::Stage> stage = xf::parseStage(emit);
  if (!stage) {
    llvm::errs() << "xfc: unknown stage '" << emit << "'; see --help\n";
    return 1;
  }

  DialectRegistry registry;
  xf::registerAllDialects(registry);
  MLIRContext context(registry);

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  xf::ModelDiagnosticHandler modelDiagnostics(&context, llvm::errs());
  OwningOpRef<ModuleOp> module;
  std::string error;
  if (StringRef(inputFile).ends_with(".onnx")) {
    xf::ONNXImportOptions options;
    for (const std::string &text : pinnedShapes)
      if (failed(xf::parsePinnedShape(text, options, error))) {
        llvm::errs() << "xfc: " << error << "\n";
        return 1;
      }
    module = xf::importONNXModel(inputFile, &context, options);
  } else {
    std::unique_ptr<llvm::MemoryBuffer> input =
        openInputFile(inputFile, &error);
    if (!input) {
      llvm::errs() << "xfc: " << error << "\n";
      return 1;
    }
    sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  }
  if (!module)
    return 1;

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope timingScope = timing.getRootScope();
  pm.enableTiming(timingScope);
  xf::buildPipelineUpTo(pm, *stage);
  if (failed(pm.run(*module)))
    return 1;
  timingScope.stop();

  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "xfc: " << error << "\n";
    return 1;
  }
  module->print(output->os(), OpPrintingFlags());
  output->os() << "\n";
  output->keep();
  return 0;
}

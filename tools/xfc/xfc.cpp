//===- xfc.cpp - the compiler driver --------------------------------------===//
//
// Reads a model, runs the pipeline from lib/Pipelines up to the stage named
// by --emit and writes the result. Upstream's IR-printing, timing and
// elision flags apply to the pipeline as they do in xfc-opt.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "xfc/Dialect/XF/Transforms/RaiseAttention.h"
#include "xfc/Import/ONNX/ONNXImporter.h"
#include "xfc/InitAll.h"
#include "xfc/Pipelines/Pipelines.h"
#include "xfc/Support/IRDumper.h"
#include "xfc/Support/ModelDiagnostics.h"
#include "xfc/Target/CPU/CPUTarget.h"
#include "xfc/Target/CPU/LibraryWriter.h"
#include "xfc/Target/CPU/WeightFile.h"
#include "xfc/Target/CUDA/CUDATarget.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
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
  cl::opt<std::string> target(
      "target",
      cl::desc("What to compile for: cpu (the default), or cuda (an NVIDIA "
               "GPU, sm_90 unless named: cuda:sm_80)"),
      cl::init("cpu"));
  cl::opt<xf::TargetOptions::Precision> precision(
      "precision",
      cl::desc("CUDA: the operands' precision in matrix products (they "
               "accumulate in f32, softmax and norm statistics are f32)"),
      cl::values(clEnumValN(xf::TargetOptions::Precision::BF16, "bf16",
                            "bf16 on the tensor cores (the default)"),
                 clEnumValN(xf::TargetOptions::Precision::TF32, "tf32",
                            "tf32 on the tensor cores (f32 with a 10-bit "
                            "mantissa)"),
                 clEnumValN(xf::TargetOptions::Precision::FP32, "fp32",
                            "f32 throughout")),
      cl::init(xf::TargetOptions::Precision::BF16));
  cl::opt<std::string> embed(
      "embed",
      cl::desc("CUDA: what the library carries for its kernels: cubin (the "
               "default; needs the toolkit's ptxas) or ptx (the driver "
               "compiles it when the library loads)"),
      cl::init("cubin"));
  cl::opt<std::string> cpu(
      "cpu", cl::desc("LLVM CPU name to generate code for (default: the host)"),
      cl::init("native"));
  cl::opt<std::string> cPrefix(
      "c-prefix",
      cl::desc("A shared library's C functions are NAME_session_create, "
               "NAME_run, ... instead of xfc_* (a C identifier)"),
      cl::value_desc("NAME"), cl::init("xfc"));
  cl::opt<xf::WeightStorage> weightStorage(
      "weights", cl::desc("Where a shared library keeps the model's weights"),
      cl::values(clEnumValN(xf::WeightStorage::Embedded, "embedded",
                            "inside the library (the default)"),
                 clEnumValN(xf::WeightStorage::External, "external",
                            "in NAME.weights beside NAME.so, mapped when a "
                            "session is created")),
      cl::init(xf::WeightStorage::Embedded));
  cl::opt<std::string> dumpDir(
      "dump-ir-dir",
      cl::desc("Write the IR after every pass to numbered files in DIR"),
      cl::value_desc("DIR"));
  cl::opt<std::string> report(
      "report",
      cl::desc("Print a report on the model and stop (unless -o is given): "
               "'fusion' lists the transformer ops raising formed and each "
               "attention subgraph left unfused, with the reason"),
      cl::value_desc("fusion"));
  cl::opt<bool> printSupportedOps(
      "print-supported-ops",
      cl::desc("Print the ONNX operators the importer supports (Markdown)"));
  cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                  cl::value_desc("file"), cl::init("-"));
  // cl::desc keeps a reference: the text must outlive the option.
  static const std::string emitHelp =
      describeStages() + "\n  ptx: CUDA only, the PTX of every kernel";
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
  // --emit=ptx compiles the kernels to PTX and prints them.
  bool emitPTX = emit == "ptx";
  std::optional<xf::Stage> stage =
      emitPTX ? xf::Stage::LLVM : xf::parseStage(emit);
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

  xf::TargetOptions targetOptions;
  StringRef targetName(target);
  if (targetName == "cuda" || targetName.starts_with("cuda:")) {
    targetOptions.kind = xf::TargetOptions::Kind::CUDA;
    StringRef chip = targetName.drop_front(4).ltrim(':');
    if (!chip.empty())
      targetOptions.chip = chip.str();
    if (!StringRef(targetOptions.chip).starts_with("sm_")) {
      llvm::errs() << "xfc: unknown GPU '" << targetOptions.chip
                   << "'; name one as cuda:sm_80, cuda:sm_90, ...\n";
      return 1;
    }
  } else if (target != "cpu") {
    llvm::errs() << "xfc: unknown target '" << target
                 << "'; this xfc generates code for: cpu, cuda\n";
    return 1;
  }
  bool cuda = targetOptions.kind == xf::TargetOptions::Kind::CUDA;
  if (embed != "cubin" && embed != "ptx") {
    llvm::errs() << "xfc: unknown --embed=" << embed
                 << "; choose cubin or ptx\n";
    return 1;
  }
  if (!cuda && (embed != "cubin" || emitPTX)) {
    llvm::errs() << "xfc: --embed and --emit=ptx are for --target=cuda\n";
    return 1;
  }
  targetOptions.embedPTX = emitPTX || embed == "ptx";
  targetOptions.precision = precision;
  if (cuda) {
    FailureOr<std::string> toolkit = xf::findCUDAToolkit(error);
    if (succeeded(toolkit))
      targetOptions.toolkitPath = *toolkit;
    else if (!targetOptions.embedPTX) {
      llvm::errs() << "xfc: " << error << "\n";
      return 1;
    }
  }
  xf::CPUTargetOptions cpuOptions;
  cpuOptions.cpu = cpu;

  // A shared library: the model compiled to object code, with a C interface
  // that the runtime adapts to xfc's.
  bool library = StringRef(outputFile).ends_with(".so");
  if (weightStorage == xf::WeightStorage::External && !library) {
    llvm::errs() << "xfc: --weights=external needs a shared library output "
                    "(-o NAME.so)\n";
    return 1;
  }
  std::optional<xf::ModelSignature> signature;
  if (library) {
    auto main = module->lookupSymbol<func::FuncOp>("main");
    if (!main) {
      llvm::errs() << "xfc: the module has no function @main to compile\n";
      return 1;
    }
    FailureOr<xf::ModelSignature> found = xf::getModelSignature(main);
    if (failed(found))
      return 1;
    signature = *found;
    // A unique symbol (a library's `main` would meet the program's), with
    // the C interface the runtime calls.
    main.setSymName(xf::kModelSymbol);
    main->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));
    stage = xf::Stage::Asm;
    emitPTX = false;
  }

  if (report == "fusion") {
    OwningOpRef<ModuleOp> raised = module->clone();
    PassManager raisePm(&context);
    xf::buildPipelineUpTo(raisePm, xf::Stage::Transformer);
    if (failed(raisePm.run(*raised)))
      return 1;
    xf::printFusionReport(*raised, llvm::outs());
    if (outputFile == "-")
      return 0;
  } else if (!report.empty()) {
    llvm::errs() << "xfc: unknown report '" << report
                 << "'; this xfc reports: fusion\n";
    return 1;
  }

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope timingScope = timing.getRootScope();
  pm.enableTiming(timingScope);
  if (!dumpDir.empty() && failed(xf::enableIRDumps(pm, *module, dumpDir)))
    return 1;
  xf::buildPipelineUpTo(pm, *stage, targetOptions);
  if (failed(pm.run(*module)))
    return 1;
  timingScope.stop();

  if (emitPTX) {
    std::unique_ptr<llvm::ToolOutputFile> output =
        openOutputFile(outputFile, &error);
    if (!output) {
      llvm::errs() << "xfc: " << error << "\n";
      return 1;
    }
    xf::printPTX(*module, output->os());
    output->keep();
    return 0;
  }

  if (*stage < xf::Stage::LLVMIR) {
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

  // A library's weights go around LLVM, straight into the library or its
  // weights file.
  SmallVector<xf::WeightBlob> weights;
  xf::LibraryTarget libraryTarget;
  libraryTarget.cpu = cpuOptions;
  libraryTarget.cPrefix = cPrefix;
  SmallString<256> weightDir;
  if (library) {
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("xfc-weights", weightDir)) {
      llvm::errs() << "xfc: cannot create a temporary directory: "
                   << ec.message() << "\n";
      return 1;
    }
    FailureOr<SmallVector<xf::WeightBlob>> moved =
        xf::externalizeWeights(*module, weightDir, error);
    if (failed(moved)) {
      llvm::errs() << "xfc: " << error << "\n";
      return 1;
    }
    weights = std::move(*moved);
    if (weightStorage == xf::WeightStorage::External &&
        failed(xf::readWeightsThroughTable(*module, weights, error))) {
      llvm::errs() << "xfc: " << error << "\n";
      return 1;
    }
    if (cuda) {
      FailureOr<SmallVector<xf::DeviceWeight>> deviceWeights =
          xf::bindDeviceWeights(*module, weights, weightStorage, error);
      if (failed(deviceWeights)) {
        llvm::errs() << "xfc: " << error << "\n";
        return 1;
      }
      libraryTarget.cuda = true;
      libraryTarget.deviceWeights = std::move(*deviceWeights);
    }
  }
  llvm::scope_exit removeWeights([&] {
    if (!weightDir.empty())
      llvm::sys::fs::remove_directories(weightDir);
  });

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      xf::translateToLLVMIR(*module, llvmContext, cpuOptions);
  if (!llvmModule)
    return 1;
  if (!library) {
    std::unique_ptr<llvm::ToolOutputFile> output =
        openOutputFile(outputFile, &error);
    if (!output) {
      llvm::errs() << "xfc: " << error << "\n";
      return 1;
    }
    if (*stage == xf::Stage::LLVMIR)
      llvmModule->print(output->os(), nullptr);
    else if (failed(xf::emitMachineCode(*llvmModule, cpuOptions, output->os(),
                                        /*assembly=*/true)))
      return 1;
    output->keep();
    return 0;
  }

  SmallString<256> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("xfc-model", "o", objectPath)) {
    llvm::errs() << "xfc: cannot create a temporary file: " << ec.message()
                 << "\n";
    return 1;
  }
  llvm::FileRemover removeObject(objectPath);
  {
    std::error_code ec;
    llvm::raw_fd_ostream object(objectPath, ec);
    if (ec || failed(xf::emitMachineCode(*llvmModule, cpuOptions, object,
                                         /*assembly=*/false))) {
      llvm::errs() << "xfc: cannot write object code to " << objectPath << "\n";
      return 1;
    }
  }
  std::string toolsDir =
      llvm::sys::path::parent_path(
          llvm::sys::fs::getMainExecutable(argv[0], (void *)&main))
          .str();
  if (failed(xf::writeSharedLibrary(*signature, objectPath, weights,
                                    weightStorage, libraryTarget, outputFile,
                                    toolsDir, error))) {
    llvm::errs() << "xfc: " << error << "\n";
    return 1;
  }
  return 0;
}

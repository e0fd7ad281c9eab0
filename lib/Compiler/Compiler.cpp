//===- Compiler.cpp - one compile: model in, artifact out -----------------===//
//
// Import (or parse), the pipeline up to the stage the artifact needs, then
// the artifact: IR or PTX printed; else LLVM IR and machine code, and for
// a library the weights file and the link (lib/Target/CPU/LibraryWriter).
// A library's weights go around LLVM: they are moved out of the module
// before translation, so LLVM's time does not grow with the model's size.
//
//===----------------------------------------------------------------------===//

#include "xfc/Compiler/Compiler.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Codegen/CPU/SparsityReport.h"
#include "xfc/Dialect/XF/Transforms/FusionReport.h"
#include "xfc/InitAll.h"
#include "xfc/Support/CompileProgress.h"
#include "xfc/Support/IRDumper.h"
#include "xfc/Support/ModelDiagnostics.h"
#include "xfc/Target/CUDA/CUDATarget.h"
#include "xfc/Target/Library/WeightFile.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::xf {

namespace {

class Compilation {
public:
  Compilation(CompileOptions options, llvm::raw_ostream &messages)
      : options(std::move(options)), messages(messages),
        context(makeRegistry()), diagnostics(sourceMgr, &context, messages),
        modelDiagnostics(&context, messages),
        progress(llvm::errs(), !this->options.quiet,
                 this->options.progressEvery) {
    applyDefaultTimingManagerCLOptions(timing);
    if (this->options.timeReport)
      timing.setEnabled(true);
  }

  LogicalResult run();

private:
  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    registerAllDialects(registry);
    return registry;
  }
  /// xfc's error line; always failure.
  LogicalResult fail(const Twine &message) {
    messages << "xfc: " << message << "\n";
    return failure();
  }
  LogicalResult
  writeOutput(StringRef path,
              function_ref<LogicalResult(llvm::raw_pwrite_stream &)> write);
  bool producesCode() const {
    return options.artifact == Artifact::Library ||
           options.artifact == Artifact::Object;
  }

  OwningOpRef<ModuleOp> readModel();
  FailureOr<ModelSignature> prepareEntry(ModuleOp module);
  LogicalResult printFusionReport(ModuleOp module);
  LogicalResult printSparsityReport(ModuleOp module);
  LogicalResult runPipeline(ModuleOp module);
  FailureOr<SmallVector<WeightBlob>>
  moveWeights(ModuleOp module, StringRef directory, LibraryTarget &target);
  LogicalResult writeCode(ModuleOp module,
                          std::optional<ModelSignature> signature);
  LogicalResult link(const ModelSignature &signature, StringRef objectPath,
                     ArrayRef<WeightBlob> weights,
                     const LibraryTarget &libraryTarget);

  CompileOptions options;
  llvm::raw_ostream &messages;
  MLIRContext context;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics;
  ModelDiagnosticHandler modelDiagnostics;
  DefaultTimingManager timing;
  TimingScope rootTiming;
  CompileProgress progress;
};

/// Writes `path` ("-": stdout) with `write`.
LogicalResult Compilation::writeOutput(
    StringRef path,
    function_ref<LogicalResult(llvm::raw_pwrite_stream &)> write) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(path, &error);
  if (!output)
    return fail(error);
  if (failed(write(output->os())))
    return failure();
  output->keep();
  return success();
}

OwningOpRef<ModuleOp> Compilation::readModel() {
  if (StringRef(options.input).ends_with(".onnx"))
    return importONNXModel(options.input, &context, options.import);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(options.input, &error);
  if (!input) {
    (void)fail(error);
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

/// The model function under a unique symbol (a library's `main` would meet
/// the program's), with the C interface the runtime calls.
FailureOr<ModelSignature> Compilation::prepareEntry(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return fail("the module has no function @main to compile");
  FailureOr<ModelSignature> signature = getModelSignature(main);
  if (failed(signature))
    return failure();
  main.setSymName(kModelSymbol);
  main->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));
  return signature;
}

/// The fusion report of the model raised (a copy: the compile goes on from
/// the module as it was).
LogicalResult Compilation::printFusionReport(ModuleOp module) {
  OwningOpRef<ModuleOp> raised = module.clone();
  PassManager pm(&context);
  buildGraphCleanupPipeline(pm);
  buildRaisePipeline(pm);
  if (failed(pm.run(*raised)))
    return failure();
  xf::printFusionReport(*raised, llvm::outs());
  return success();
}

/// The sparsity report of the model pruned, raised and given its CPU
/// kernels' configurations (a copy, as for the fusion report).
LogicalResult Compilation::printSparsityReport(ModuleOp module) {
  OwningOpRef<ModuleOp> raised = module.clone();
  PassManager pm(&context);
  buildPipelineUpTo(pm, Stage::Transformer, options.target);
  bool cpu = options.target.kind == TargetOptions::Kind::CPU;
  if (cpu) {
    SelectCPUKernelConfigsPassOptions configs;
    configs.vectorISA = options.target.isa;
    pm.addNestedPass<func::FuncOp>(createSelectCPUKernelConfigsPass(configs));
  }
  if (failed(pm.run(*raised)))
    return failure();
  bool tensorCores = options.target.precision == TargetOptions::Precision::BF16;
  xf::printSparsityReport(
      *raised, cpu ? "cpu, " + options.target.isa : std::string("cuda"),
      cpu           ? xf::SparseKernels::CPU
      : tensorCores ? xf::SparseKernels::TensorCores
                    : xf::SparseKernels::None,
      llvm::outs());
  return success();
}

LogicalResult Compilation::runPipeline(ModuleOp module) {
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  TimingScope passTiming = rootTiming.nest("passes");
  pm.enableTiming(passTiming);
  if (!options.dumpDir.empty() &&
      failed(enableIRDumps(pm, module, options.dumpDir, OpPrintingFlags(),
                           messages)))
    return failure();
  progress.track(pm);
  buildPipelineUpTo(pm, options.stage, options.target);
  return pm.run(module);
}

/// The model's weights moved out of the module into blob files in
/// `directory`, read through the weights table (and, for CUDA, uploaded
/// from it).
FailureOr<SmallVector<WeightBlob>>
Compilation::moveWeights(ModuleOp module, StringRef directory,
                         LibraryTarget &libraryTarget) {
  std::string error;
  bool cuda = options.target.kind == TargetOptions::Kind::CUDA;
  SmallVector<DeviceCopy> deviceCopies;
  if (cuda)
    deviceCopies = takeDeviceCopies(module);
  FailureOr<SmallVector<WeightBlob>> weights =
      externalizeWeights(module, directory, error);
  if (failed(weights) ||
      failed(readWeightsThroughTable(module, *weights, error)))
    return fail(error);
  if (cuda) {
    FailureOr<SmallVector<DeviceWeight>> deviceWeights =
        bindDeviceWeights(module, deviceCopies, *weights, error);
    if (failed(deviceWeights))
      return fail(error);
    libraryTarget.cuda = true;
    libraryTarget.deviceWeights = std::move(*deviceWeights);
  }
  return weights;
}

LogicalResult Compilation::writeCode(ModuleOp module,
                                     std::optional<ModelSignature> signature) {
  bool library = options.artifact == Artifact::Library;
  SmallVector<WeightBlob> weights;
  LibraryTarget libraryTarget;
  libraryTarget.cpu = options.cpu;
  libraryTarget.cPrefix = options.cPrefix;
  SmallString<256> weightDir;
  llvm::scope_exit removeWeights([&] {
    if (!weightDir.empty())
      (void)llvm::sys::fs::remove_directories(weightDir);
  });
  if (library) {
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("xfc-weights", weightDir))
      return fail("cannot create a temporary directory: " + ec.message());
    FailureOr<SmallVector<WeightBlob>> moved =
        moveWeights(module, weightDir, libraryTarget);
    if (failed(moved))
      return failure();
    weights = std::move(*moved);
  }

  progress.phase("optimizing LLVM IR");
  TimingScope llvmTiming = rootTiming.nest("LLVM translation and optimization");
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateToLLVMIR(module, llvmContext, options.cpu);
  llvmTiming.stop();
  if (!llvmModule)
    return failure();
  progress.phase("generating machine code");
  TimingScope codegenTiming = rootTiming.nest("machine code");
  auto machineCode = [&](llvm::raw_pwrite_stream &os, bool assembly) {
    std::string error;
    if (failed(emitMachineCode(*llvmModule, options.cpu, os, assembly, error)))
      return fail(error);
    return success();
  };
  auto objectCode = [&](llvm::raw_pwrite_stream &os) {
    return machineCode(os, /*assembly=*/false);
  };
  if (options.artifact == Artifact::Stage)
    return writeOutput(options.output, [&](llvm::raw_pwrite_stream &os) {
      if (options.stage != Stage::LLVMIR)
        return machineCode(os, /*assembly=*/true);
      llvmModule->print(os, nullptr);
      return success();
    });
  if (!library) {
    if (failed(writeOutput(options.output, objectCode)))
      return failure();
    messages << "xfc: wrote " << options.output << "\n";
    return success();
  }

  SmallString<256> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("xfc-model", "o", objectPath))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeObject(objectPath);
  if (failed(writeOutput(objectPath, objectCode)))
    return failure();
  codegenTiming.stop();
  return link(*signature, objectPath, weights, libraryTarget);
}

LogicalResult Compilation::link(const ModelSignature &signature,
                                StringRef objectPath,
                                ArrayRef<WeightBlob> weights,
                                const LibraryTarget &libraryTarget) {
  progress.phase("linking the library");
  TimingScope linkTiming = rootTiming.nest("library (glue and link)");
  std::string error;
  if (failed(writeSharedLibrary(signature, objectPath, weights, options.weights,
                                libraryTarget, options.output, options.toolsDir,
                                error)))
    return fail(error);
  linkTiming.stop();
  SmallString<128> header(options.output), weightsFile(options.output);
  llvm::sys::path::replace_extension(header, "h");
  llvm::sys::path::replace_extension(weightsFile, "weights");
  messages << "xfc: wrote " << options.output << " and " << header;
  if (options.weights == WeightStorage::External)
    messages << " and " << weightsFile;
  messages << "\n";
  return success();
}

LogicalResult Compilation::run() {
  if (options.target.kind == TargetOptions::Kind::CUDA) {
    std::string error;
    FailureOr<std::string> toolkit = findCUDAToolkit(error);
    if (succeeded(toolkit))
      options.target.toolkitPath = *toolkit;
    else if (!options.target.embedPTX)
      return fail(error);
  }
  if (options.target.kind == TargetOptions::Kind::CPU) {
    // The integer kernels use vpmaddwd where the CPU has it.
    std::string error;
    FailureOr<SmallVector<StringRef>> features =
        selectCPUFeatures(options.cpu, {"avx2", "avx512bw"}, error);
    if (failed(features))
      return fail(error);
    options.target.isa = llvm::is_contained(*features, "avx512bw") ? "avx512"
                         : llvm::is_contained(*features, "avx2")   ? "avx2"
                                                                   : "vector";
  }
  rootTiming = timing.getRootScope();

  TimingScope importTiming = rootTiming.nest("import");
  OwningOpRef<ModuleOp> module = readModel();
  importTiming.stop();
  if (!module)
    return failure();

  std::optional<ModelSignature> signature;
  if (producesCode()) {
    FailureOr<ModelSignature> found = prepareEntry(*module);
    if (failed(found))
      return failure();
    signature = std::move(*found);
  }
  if (options.report == CompileOptions::Report::Fusion &&
      failed(printFusionReport(*module)))
    return failure();
  if (options.report == CompileOptions::Report::Sparsity &&
      failed(printSparsityReport(*module)))
    return failure();
  if (!options.compile)
    return success();
  if (failed(runPipeline(*module)))
    return failure();

  if (options.artifact == Artifact::PTX)
    return writeOutput(options.output, [&](llvm::raw_pwrite_stream &os) {
      printPTX(*module, os);
      return success();
    });
  if (options.artifact == Artifact::Stage && options.stage < Stage::LLVMIR)
    return writeOutput(options.output, [&](llvm::raw_pwrite_stream &os) {
      module->print(os, OpPrintingFlags());
      os << "\n";
      return success();
    });
  return writeCode(*module, signature);
}

} // namespace

LogicalResult compile(CompileOptions options, llvm::raw_ostream &messages) {
  return Compilation(std::move(options), messages).run();
}

} // namespace mlir::xf

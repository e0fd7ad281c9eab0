//===- xfc.cpp - the compiler driver --------------------------------------===//
//
// Reads a model, runs the pipeline from lib/Pipelines up to what --emit
// asks for and writes it: a library (the default), object code, PTX, or a
// stage's IR. DriverOptions.cpp checks the command line first.
//
//===----------------------------------------------------------------------===//

#include "DriverOptions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "xfc/Dialect/XF/Transforms/FusionReport.h"
#include "xfc/InitAll.h"
#include "xfc/Support/CompileProgress.h"
#include "xfc/Support/IRDumper.h"
#include "xfc/Support/ModelDiagnostics.h"
#include "xfc/Target/CPU/WeightFile.h"
#include "xfc/Target/CUDA/CUDATarget.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using xfc::Artifact;

/// Writes `path` ("-": stdout) with `write`; false after an error.
static bool
writeFile(StringRef path,
          llvm::function_ref<bool(llvm::raw_pwrite_stream &)> write) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(path, &error);
  if (!output) {
    llvm::errs() << "xfc: " << error << "\n";
    return false;
  }
  if (!write(output->os()))
    return false;
  output->keep();
  return true;
}

static OwningOpRef<ModuleOp> readModel(const xfc::DriverOptions &options,
                                       MLIRContext &context,
                                       llvm::SourceMgr &sourceMgr) {
  if (StringRef(options.input).ends_with(".onnx"))
    return xf::importONNXModel(options.input, &context, options.import);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(options.input, &error);
  if (!input) {
    llvm::errs() << "xfc: " << error << "\n";
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

/// The model's weights moved out of the module into blob files in
/// `directory`, and where the library will keep them.
static FailureOr<SmallVector<xf::WeightBlob>>
moveWeights(ModuleOp module, xfc::DriverOptions &options, StringRef directory,
            xf::LibraryTarget &libraryTarget) {
  std::string error;
  FailureOr<SmallVector<xf::WeightBlob>> weights =
      xf::externalizeWeights(module, directory, error);
  if (failed(weights)) {
    llvm::errs() << "xfc: " << error << "\n";
    return failure();
  }
  if (failed(xf::readWeightsThroughTable(module, *weights, error))) {
    llvm::errs() << "xfc: " << error << "\n";
    return failure();
  }
  if (options.target.kind == xf::TargetOptions::Kind::CUDA) {
    FailureOr<SmallVector<xf::DeviceWeight>> deviceWeights =
        xf::bindDeviceWeights(module, *weights, error);
    if (failed(deviceWeights)) {
      llvm::errs() << "xfc: " << error << "\n";
      return failure();
    }
    libraryTarget.cuda = true;
    libraryTarget.deviceWeights = std::move(*deviceWeights);
  }
  return weights;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  xf::registerAllPasses();
  int exitCode;
  std::optional<xfc::DriverOptions> parsed =
      xfc::parseCommandLine(argc, argv, exitCode);
  if (!parsed)
    return exitCode;
  xfc::DriverOptions &options = *parsed;
  if (options.printSupportedOps) {
    xf::printSupportedOps(llvm::outs());
    return 0;
  }
  bool library = options.artifact == Artifact::Library;
  bool cuda = options.target.kind == xf::TargetOptions::Kind::CUDA;
  std::string error;
  if (cuda) {
    FailureOr<std::string> toolkit = xf::findCUDAToolkit(error);
    if (succeeded(toolkit))
      options.target.toolkitPath = *toolkit;
    else if (!options.target.embedPTX) {
      llvm::errs() << "xfc: " << error << "\n";
      return 1;
    }
  }

  DialectRegistry registry;
  xf::registerAllDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  xf::ModelDiagnosticHandler modelDiagnostics(&context, llvm::errs());
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  if (options.timeReport)
    timing.setEnabled(true);
  TimingScope rootTiming = timing.getRootScope();
  xf::CompileProgress progress(llvm::errs(), !options.quiet,
                               options.progressEvery);

  TimingScope importTiming = rootTiming.nest("import");
  OwningOpRef<ModuleOp> module = readModel(options, context, sourceMgr);
  importTiming.stop();
  if (!module)
    return 1;

  std::optional<xf::ModelSignature> signature;
  if (library || options.artifact == Artifact::Object) {
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
  }

  if (options.fusionReport) {
    OwningOpRef<ModuleOp> raised = module->clone();
    PassManager raisePm(&context);
    xf::buildPipelineUpTo(raisePm, xf::Stage::Transformer);
    if (failed(raisePm.run(*raised)))
      return 1;
    xf::printFusionReport(*raised, llvm::outs());
    if (!options.compile)
      return 0;
  }

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  TimingScope passTiming = rootTiming.nest("passes");
  pm.enableTiming(passTiming);
  if (!options.dumpDir.empty() &&
      failed(
          xf::enableIRDumps(pm, *module, options.dumpDir, OpPrintingFlags())))
    return 1;
  progress.track(pm);
  xf::buildPipelineUpTo(pm, options.stage, options.target);
  if (failed(pm.run(*module)))
    return 1;
  passTiming.stop();

  if (options.artifact == Artifact::PTX)
    return writeFile(options.output,
                     [&](llvm::raw_pwrite_stream &os) {
                       xf::printPTX(*module, os);
                       return true;
                     })
               ? 0
               : 1;
  if (options.artifact == Artifact::Stage && options.stage < xf::Stage::LLVMIR)
    return writeFile(options.output,
                     [&](llvm::raw_pwrite_stream &os) {
                       module->print(os, OpPrintingFlags());
                       os << "\n";
                       return true;
                     })
               ? 0
               : 1;

  // A library's weights go around LLVM, straight into the library or its
  // weights file.
  SmallVector<xf::WeightBlob> weights;
  xf::LibraryTarget libraryTarget;
  libraryTarget.cpu = options.cpu;
  libraryTarget.cPrefix = options.cPrefix;
  SmallString<256> weightDir;
  llvm::scope_exit removeWeights([&] {
    if (!weightDir.empty())
      llvm::sys::fs::remove_directories(weightDir);
  });
  if (library) {
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("xfc-weights", weightDir)) {
      llvm::errs() << "xfc: cannot create a temporary directory: "
                   << ec.message() << "\n";
      return 1;
    }
    FailureOr<SmallVector<xf::WeightBlob>> moved =
        moveWeights(*module, options, weightDir, libraryTarget);
    if (failed(moved))
      return 1;
    weights = std::move(*moved);
  }

  progress.phase("optimizing LLVM IR");
  TimingScope llvmTiming = rootTiming.nest("LLVM translation and optimization");
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      xf::translateToLLVMIR(*module, llvmContext, options.cpu);
  llvmTiming.stop();
  if (!llvmModule)
    return 1;
  progress.phase("generating machine code");
  TimingScope codegenTiming = rootTiming.nest("machine code");
  if (options.artifact == Artifact::Stage)
    return writeFile(options.output,
                     [&](llvm::raw_pwrite_stream &os) {
                       if (options.stage == xf::Stage::LLVMIR) {
                         llvmModule->print(os, nullptr);
                         return true;
                       }
                       return succeeded(xf::emitMachineCode(
                           *llvmModule, options.cpu, os, /*assembly=*/true));
                     })
               ? 0
               : 1;
  if (options.artifact == Artifact::Object) {
    if (!writeFile(options.output, [&](llvm::raw_pwrite_stream &os) {
          return succeeded(xf::emitMachineCode(*llvmModule, options.cpu, os,
                                               /*assembly=*/false));
        }))
      return 1;
    llvm::errs() << "xfc: wrote " << options.output << "\n";
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
  if (!writeFile(objectPath, [&](llvm::raw_pwrite_stream &os) {
        return succeeded(xf::emitMachineCode(*llvmModule, options.cpu, os,
                                             /*assembly=*/false));
      }))
    return 1;
  codegenTiming.stop();
  progress.phase("linking the library");
  TimingScope linkTiming = rootTiming.nest("library (glue and link)");
  std::string toolsDir =
      llvm::sys::path::parent_path(
          llvm::sys::fs::getMainExecutable(argv[0], (void *)&main))
          .str();
  if (failed(xf::writeSharedLibrary(*signature, objectPath, weights,
                                    options.weights, libraryTarget,
                                    options.output, toolsDir, error))) {
    llvm::errs() << "xfc: " << error << "\n";
    return 1;
  }
  linkTiming.stop();
  SmallString<128> header(options.output), weightsFile(options.output);
  llvm::sys::path::replace_extension(header, "h");
  llvm::sys::path::replace_extension(weightsFile, "weights");
  llvm::errs() << "xfc: wrote " << options.output << " and " << header;
  if (options.weights == xf::WeightStorage::External)
    llvm::errs() << " and " << weightsFile;
  llvm::errs() << "\n";
  return 0;
}

//===- CommandLine.cpp - xfc's command line, checked ----------------------===//
//
// `--help` lists xfc's own options and the upstream IR-inspection flags
// that apply to its pipeline; LLVM's hundreds of others are hidden (and
// not offered as spelling suggestions) unless `--help-hidden` is given.
// Option values are strings checked here so that a wrong one is answered
// with the valid ones, never with LLVM's "Cannot find option named".
//
//===----------------------------------------------------------------------===//

#include "xfc/Compiler/CommandLine.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "xfc/Import/ONNX/ONNXImporter.h"
#include "xfc/InitAll.h"
#include "xfc/Version.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/TargetParser/Host.h"
#include <mutex>

using namespace mlir;
namespace cl = llvm::cl;

namespace mlir::xf {
namespace {

cl::OptionCategory xfcCategory("xfc options");
cl::OptionCategory
    inspectCategory("IR inspection (MLIR's flags, applied to xfc's pipeline)");

std::string describeEmit() {
  std::string text = "What to write (default: library). One of:\n"
                     "  library: NAME.so and its header NAME.h (and "
                     "NAME.weights with --weights=external)\n"
                     "  obj: the compiled model's object code\n"
                     "  ptx: CUDA only, the PTX of every kernel\n"
                     "or a stage, to stop after it and print its IR:";
  for (const StageInfo &info : getStages())
    text += "\n  " + info.name.str() + ": " + info.description.str();
  return text;
}

cl::opt<std::string> inputFile(cl::Positional,
                               cl::desc("<model.onnx | model.mlir | ->"),
                               cl::cat(xfcCategory));
cl::opt<std::string>
    outputFile("o",
               cl::desc("Output file (default: NAME.so for a library, "
                        "NAME.o for obj, stdout for IR)"),
               cl::value_desc("file"), cl::cat(xfcCategory));
// cl::desc keeps a reference: the text must outlive the option.
const std::string emitHelp = describeEmit();
cl::opt<std::string> emit("emit", cl::desc(emitHelp), cl::value_desc("what"),
                          cl::cat(xfcCategory));
cl::list<std::string>
    pinnedShapes("shape",
                 cl::desc("Pin an ONNX input's shape, e.g. input_ids=1x128"),
                 cl::value_desc("NAME=DIMS"), cl::cat(xfcCategory));
cl::opt<std::string>
    target("target",
           cl::desc("What to compile for: cpu (the default), or cuda (an "
                    "NVIDIA GPU, sm_90 unless named: cuda:sm_80)"),
           cl::value_desc("cpu|cuda[:sm_XX]"), cl::init("cpu"),
           cl::cat(xfcCategory));
cl::opt<std::string>
    cpu("cpu",
        cl::desc("CPU to generate code for: native (the host; the default "
                 "for --target=cpu), a portable level x86-64-v3 (AVX2; the "
                 "default for a CUDA library's host code, which runs on "
                 "the GPU machine) or x86-64-v4 (AVX-512), or an LLVM CPU "
                 "name; --cpu=help lists them"),
        cl::value_desc("name"), cl::init("native"), cl::cat(xfcCategory));
cl::opt<std::string> precision(
    "precision",
    cl::desc("CUDA: the operands' precision in matrix products: bf16 (the "
             "default), tf32 or fp32 (they accumulate in f32; softmax and "
             "norm statistics are f32)"),
    cl::value_desc("bf16|tf32|fp32"), cl::init("bf16"), cl::cat(xfcCategory));
cl::opt<std::string>
    embed("embed",
          cl::desc("CUDA: what the library carries for its kernels: cubin "
                   "(the default; needs the toolkit's ptxas) or ptx (the "
                   "driver compiles it when the library loads)"),
          cl::value_desc("cubin|ptx"), cl::init("cubin"), cl::cat(xfcCategory));
cl::opt<std::string> weights(
    "weights",
    cl::desc("Where a library keeps the weights, mapped when a session is "
             "created: embedded (in a section of the library, the default) "
             "or external (NAME.weights beside NAME.so)"),
    cl::value_desc("embedded|external"), cl::cat(xfcCategory));
cl::opt<std::string> quantize(
    "quantize",
    cl::desc("Quantize the weights of matrix products (xf-quantize): int4 "
             "or int8, rounded to nearest per group along K, with zero "
             "points unless --symmetric"),
    cl::value_desc("int4|int8"), cl::cat(xfcCategory));
cl::opt<std::string>
    sparsify("sparsify",
             cl::desc("Prune the weights of matrix products by magnitude "
                      "(xf-sparsify): 2:4 (the 2 largest of each 4 along K) or "
                      "unstructured:R (the fraction R of each weight with the "
                      "smallest magnitudes becomes 0); auto (the default) "
                      "prunes nothing. Either way, on AVX-512 CPUs weights "
                      "with at least 40% zeros get sparse kernels"),
             cl::value_desc("auto|2:4|unstructured:R"), cl::cat(xfcCategory));
cl::opt<unsigned> groupSize(
    "group-size",
    cl::desc("With --quantize: values per scale along K (default 128)"),
    cl::value_desc("N"), cl::init(128), cl::cat(xfcCategory));
cl::opt<bool>
    symmetric("symmetric",
              cl::desc("With --quantize: no zero points; each group's largest "
                       "magnitude sets its scale"),
              cl::cat(xfcCategory));
cl::opt<std::string>
    exclude("exclude",
            cl::desc("With --quantize: a regular expression; weights whose "
                     "initializer or ONNX node name matches it stay f32"),
            cl::value_desc("regex"), cl::cat(xfcCategory));
cl::opt<std::string> cPrefix(
    "c-prefix",
    cl::desc("Name the library's C functions NAME_run, NAME_session_create, "
             "... (default xfc), so several models link into one program"),
    cl::value_desc("NAME"), cl::init("xfc"), cl::cat(xfcCategory));
cl::opt<std::string>
    report("report",
           cl::desc("Print a report on the model: 'fusion' lists the "
                    "transformer ops raising formed and each subgraph left "
                    "unfused, with the reason; 'sparsity' lists each weight "
                    "matrix's pattern, fraction nonzero, bytes dense and as "
                    "its kernel stores them, and whether a sparse kernel "
                    "reads it (after --sparsify, for the target); stops "
                    "there unless --emit or -o is given"),
           cl::value_desc("fusion|sparsity"), cl::cat(xfcCategory));
cl::opt<std::string>
    dumpDir("dump-ir-dir",
            cl::desc("Write the module after every pass to DIR as "
                     "NNN-PASS.mlir (weights elided unless --print-weights)"),
            cl::value_desc("DIR"), cl::cat(xfcCategory));
cl::opt<bool> printWeights(
    "print-weights",
    cl::desc("Print weights in full in printed IR (elided by default: "
             "printed weights are most of a model's IR)"),
    cl::cat(xfcCategory));
cl::opt<bool> timeReport(
    "time-report",
    cl::desc("Print the time of each phase: import, every pass, LLVM "
             "optimization, machine code, linking"),
    cl::cat(xfcCategory));
cl::opt<bool> quiet("quiet",
                    cl::desc("No progress lines on stderr for long compiles"),
                    cl::cat(xfcCategory));
// Hidden: for tests, which cannot wait for a slow compile.
cl::opt<unsigned> progressEvery(
    "progress-every",
    cl::desc("Progress lines after this many milliseconds, then at most "
             "this often (default 3000)"),
    cl::value_desc("ms"), cl::init(3000), cl::Hidden, cl::cat(xfcCategory));
cl::alias quietShort("q", cl::aliasopt(quiet), cl::desc("Alias for --quiet"),
                     cl::cat(xfcCategory));
cl::opt<bool> listSupportedOps(
    "print-supported-ops",
    cl::desc("Print the ONNX operators the importer supports (Markdown)"),
    cl::cat(xfcCategory));

/// MLIR's flags that act on xfc's pipeline and printed IR.
const char *const kInspectionFlags[] = {
    "mlir-print-ir-after-all",
    "mlir-print-ir-before-all",
    "mlir-print-ir-after",
    "mlir-print-ir-before",
    "mlir-print-ir-after-change",
    "mlir-print-ir-after-failure",
    "mlir-print-ir-module-scope",
    "mlir-print-ir-tree-dir",
    "mlir-timing",
    "mlir-timing-display",
    "mlir-elide-elementsattrs-if-larger",
    "mlir-elide-resource-strings-if-larger",
    "mlir-print-debuginfo",
    "mlir-print-op-generic",
    "mlir-print-local-scope",
    "mlir-disable-threading",
    "mlir-pass-statistics",
};

void printVersion(llvm::raw_ostream &os) {
  os << "xfc version " << XFC_VERSION_STRING << "\n  built with LLVM/MLIR "
     << LLVM_VERSION_STRING << "\n  host: " << llvm::sys::getProcessTriple()
     << ", CPU " << llvm::sys::getHostCPUName() << "\n";
}

/// Shows only xfc's categories in --help; the rest stays out of sight and
/// out of spelling suggestions, unless --help-hidden asks for everything.
void organizeOptions(ArrayRef<const char *> args) {
  auto &options = cl::getRegisteredOptions();
  for (const char *name : kInspectionFlags)
    if (cl::Option *option = options.lookup(name))
      option->addCategory(inspectCategory);
  if (llvm::is_contained(args, StringRef("--help-hidden")))
    return;
  cl::HideUnrelatedOptions({&xfcCategory, &inspectCategory});
}

/// `value` when it is one of `choices`; else an error listing them.
bool checkChoice(StringRef option, StringRef value, ArrayRef<StringRef> choices,
                 llvm::raw_ostream &errors) {
  if (llvm::is_contained(choices, value))
    return true;
  errors << "xfc: --" << option << "=" << value
         << " is not a choice; valid: " << llvm::join(choices, ", ") << "\n";
  return false;
}

/// GPU architectures xfc's CUDA kernels are built and checked for: the
/// tensor-core products need sm_80's mma.sync.
const StringRef kChips[] = {"sm_80", "sm_86", "sm_87",
                            "sm_89", "sm_90", "sm_90a"};

bool parseTarget(CompileOptions &options, llvm::raw_ostream &errors) {
  StringRef name(target);
  if (name == "cpu")
    return true;
  if (name != "cuda" && !name.starts_with("cuda:")) {
    errors << "xfc: unknown target '" << name
           << "'; this xfc generates code for: cpu, cuda, "
              "cuda:sm_XX\n";
    return false;
  }
  options.target.kind = TargetOptions::Kind::CUDA;
  StringRef chip = name.drop_front(4).ltrim(':');
  if (chip.empty())
    return true;
  if (!llvm::is_contained(kChips, chip)) {
    errors << "xfc: unknown GPU '" << chip
           << "'; xfc's CUDA kernels need sm_80 or newer: "
           << llvm::join(ArrayRef<StringRef>(kChips), ", ") << "\n";
    return false;
  }
  options.target.chip = chip.str();
  return true;
}

/// The --emit value; false after an error.
bool parseEmit(CompileOptions &options, llvm::raw_ostream &errors) {
  StringRef value = emit.empty() ? StringRef("library") : StringRef(emit);
  if (value == "library" || value == "obj" || value == "ptx") {
    options.artifact = value == "library" ? Artifact::Library
                       : value == "obj"   ? Artifact::Object
                                          : Artifact::PTX;
    options.stage = value == "ptx" ? Stage::LLVM : Stage::Asm;
    return true;
  }
  if (std::optional<Stage> stage = parseStage(value)) {
    options.artifact = Artifact::Stage;
    options.stage = *stage;
    return true;
  }
  SmallVector<StringRef> choices = {"library", "obj", "ptx"};
  for (const StageInfo &info : getStages())
    choices.push_back(info.name);
  return checkChoice("emit", value, choices, errors);
}

/// The output file when -o is not given: beside nothing, in the working
/// directory, named after the input (model.onnx -> model.so).
std::string defaultOutput(const CompileOptions &options) {
  if (options.artifact != Artifact::Library &&
      options.artifact != Artifact::Object)
    return "-";
  SmallString<128> name(llvm::sys::path::filename(options.input));
  llvm::sys::path::replace_extension(
      name, options.artifact == Artifact::Library ? "so" : "o");
  return name.str().str();
}

} // namespace

FailureOr<Invocation> parseCommandLine(ArrayRef<const char *> commandLine,
                                       llvm::raw_ostream &errors) {
  static std::once_flag registered;
  std::call_once(registered, [] {
    // Registered passes are what --mlir-print-ir-after=PASS names.
    registerAllPasses();
    registerAsmPrinterCLOptions();
    registerMLIRContextCLOptions();
    registerPassManagerCLOptions();
    registerDefaultTimingManagerCLOptions();
    cl::SetVersionPrinter(printVersion);
  });
  cl::ResetAllOptionOccurrences();
  organizeOptions(commandLine);
  // Weights elided in all printed IR (--emit, --mlir-print-ir-*, dumps)
  // unless asked for: MLIR's own flags, so that a user's value wins.
  SmallVector<const char *> args(commandLine);
  auto given = [&](StringRef flag) {
    return llvm::any_of(
        args, [&](StringRef arg) { return arg.ltrim('-').starts_with(flag); });
  };
  if (!given("print-weights")) {
    if (!given("mlir-elide-elementsattrs-if-larger"))
      args.push_back("--mlir-elide-elementsattrs-if-larger=16");
    if (!given("mlir-elide-resource-strings-if-larger"))
      args.push_back("--mlir-elide-resource-strings-if-larger=64");
  }
  if (!cl::ParseCommandLineOptions(args.size(), args.data(),
                                   "xfc: compiles ONNX transformer models to "
                                   "shared libraries for CPUs and NVIDIA "
                                   "GPUs\n",
                                   &errors))
    return failure();

  Invocation invocation;
  CompileOptions &options = invocation.options;
  if (cpu == "help") {
    invocation.action = Invocation::Action::PrintCPUNames;
    return invocation;
  }
  if (listSupportedOps) {
    invocation.action = Invocation::Action::PrintSupportedOps;
    return invocation;
  }
  if (inputFile.empty()) {
    errors << "xfc: no input model\nusage: xfc [options] "
              "<model.onnx | model.mlir | ->\nRun 'xfc --help' for the "
              "options.\n";
    return failure();
  }
  options.input = inputFile;
  std::string error;
  for (const std::string &text : pinnedShapes)
    if (failed(parsePinnedShape(text, options.import, error))) {
      errors << "xfc: " << error << "\n";
      return failure();
    }
  if (!parseEmit(options, errors) || !parseTarget(options, errors) ||
      !checkChoice("precision", precision, {"bf16", "tf32", "fp32"}, errors) ||
      !checkChoice("embed", embed, {"cubin", "ptx"}, errors) ||
      (!weights.empty() &&
       !checkChoice("weights", weights, {"embedded", "external"}, errors)) ||
      (!report.empty() &&
       !checkChoice("report", report, {"fusion", "sparsity"}, errors)) ||
      (!quantize.empty() &&
       !checkChoice("quantize", quantize, {"int4", "int8"}, errors)))
    return failure();
  if (quantize.empty() &&
      (groupSize.getNumOccurrences() || symmetric.getNumOccurrences() ||
       exclude.getNumOccurrences())) {
    errors << "xfc: --group-size, --symmetric and --exclude are for "
              "--quantize\n";
    return failure();
  }
  if (groupSize < 2 || groupSize % 2 != 0) {
    errors << "xfc: --group-size must be an even number of at least 2, not "
           << groupSize << "\n";
    return failure();
  }
  options.target.quantizeBits = quantize.empty()     ? 0
                                : quantize == "int4" ? 4
                                                     : 8;
  if (!sparsify.empty() && sparsify != "2:4" && sparsify != "auto") {
    StringRef rest = sparsify;
    double fraction;
    if (!rest.consume_front("unstructured:") || rest.getAsDouble(fraction) ||
        fraction <= 0 || fraction >= 1) {
      errors << "xfc: --sparsify is auto, 2:4 or unstructured:R with 0 < R "
                "< 1, not '"
             << sparsify << "'\n";
      return failure();
    }
  }
  options.target.sparsify = sparsify == "auto" ? std::string() : sparsify;
  options.target.quantizeGroupSize = groupSize;
  options.target.quantizeSymmetric = symmetric;
  options.target.quantizeExclude = exclude;
  if (failed(checkCPUName(cpu, error))) {
    errors << "xfc: " << error << "\n";
    return failure();
  }
  bool cuda = options.target.kind == TargetOptions::Kind::CUDA;
  if (!cuda && (embed != "cubin" || options.artifact == Artifact::PTX)) {
    errors << "xfc: --embed and --emit=ptx are for --target=cuda\n";
    return failure();
  }
  options.target.embedPTX = options.artifact == Artifact::PTX || embed == "ptx";
  options.target.precision =
      precision == "bf16"   ? TargetOptions::Precision::BF16
      : precision == "tf32" ? TargetOptions::Precision::TF32
                            : TargetOptions::Precision::FP32;
  // A CUDA library runs where the GPU is, rarely where it was compiled; its
  // host code only sizes buffers and launches kernels.
  options.cpu.cpu =
      cuda && !cpu.getNumOccurrences() ? std::string("x86-64-v3") : cpu;
  options.weights =
      weights == "external" ? WeightStorage::External : WeightStorage::Embedded;
  if (options.weights == WeightStorage::External &&
      options.artifact != Artifact::Library) {
    errors << "xfc: --weights=external is for --emit=library\n";
    return failure();
  }
  options.report = report == "fusion"     ? CompileOptions::Report::Fusion
                   : report == "sparsity" ? CompileOptions::Report::Sparsity
                                          : CompileOptions::Report::None;
  options.compile = report.empty() || emit.getNumOccurrences() ||
                    outputFile.getNumOccurrences();
  options.output = outputFile.getNumOccurrences() ? std::string(outputFile)
                                                  : defaultOutput(options);
  if (options.output == "-" && (options.artifact == Artifact::Library ||
                                options.artifact == Artifact::Object)) {
    errors << "xfc: a " << (emit.empty() ? "library" : emit.getValue())
           << " is written to a file: give -o FILE\n";
    return failure();
  }
  options.dumpDir = dumpDir;
  options.cPrefix = cPrefix;
  options.timeReport = timeReport;
  options.quiet = quiet;
  options.progressEvery = std::chrono::milliseconds(progressEvery);
  return invocation;
}

LogicalResult runInvocation(Invocation invocation,
                            llvm::raw_ostream &messages) {
  switch (invocation.action) {
  case Invocation::Action::PrintSupportedOps:
    printSupportedOps(llvm::outs());
    return success();
  case Invocation::Action::PrintCPUNames:
    llvm::outs() << "CPUs for --cpu: " << getCPUNames() << "\n";
    return success();
  case Invocation::Action::Compile:
    break;
  }
  return compile(std::move(invocation.options), messages);
}

} // namespace mlir::xf

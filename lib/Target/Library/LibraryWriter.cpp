//===- LibraryWriter.cpp - model.so and model.h from compiled code --------===//
//
// The compiled model is one function taking and returning memref
// descriptors. This file writes the C that adapts it to xfc's runtime
// interface (a table of inputs and outputs and a call that packs
// descriptors), the header users include, and links them with the runtime
// into a shared library, using the system's clang.
//
//===----------------------------------------------------------------------===//

#include "xfc/Target/Library/LibraryWriter.h"
#include "xfc/Target/Library/WeightFile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "xfc/Support/DTypes.h"
#include "xfc/Support/ElementsBytes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include <regex>
#include <set>

namespace mlir::xf {

/// The entry of an element type the C interface carries, or null.
static const DType *getCarriedDType(Type type) {
  const DType *dtype = lookupDType(type);
  return dtype && !dtype->enumerator.empty() ? dtype : nullptr;
}

FailureOr<ModelSignature> getModelSignature(func::FuncOp function) {
  ModelSignature signature;
  auto describe = [&](Type type, DictionaryAttr attrs, StringRef fallback,
                      SmallVectorImpl<TensorSignature> &out) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    const DType *dtype =
        tensor ? getCarriedDType(tensor.getElementType()) : nullptr;
    if (!dtype || tensor.getRank() > 8)
      return function.emitError()
             << "'" << fallback << "' of type " << type
             << " has no C interface (numeric element types, rank up to 8)";
    TensorSignature t;
    auto name = attrs ? attrs.getAs<StringAttr>("xf.name") : StringAttr();
    t.name = name ? name.str() : fallback.str();
    t.dtype = dtype->code;
    // Booleans take a byte; the others their width.
    t.elementBytes =
        std::max(1u, tensor.getElementType().getIntOrFloatBitWidth() / 8);
    auto dimNames = attrs ? attrs.getAs<ArrayAttr>("xf.dims") : ArrayAttr();
    for (auto [i, dim] : llvm::enumerate(tensor.getShape())) {
      t.dims.push_back(ShapedType::isDynamic(dim) ? -1 : dim);
      t.dimNames.push_back(dimNames && i < dimNames.size()
                               ? cast<StringAttr>(dimNames[i]).str()
                               : "");
    }
    out.push_back(std::move(t));
    return success();
  };
  FunctionType type = function.getFunctionType();
  for (auto [i, input] : llvm::enumerate(type.getInputs()))
    if (failed(describe(input, function.getArgAttrDict(i),
                        "input" + std::to_string(i), signature.inputs)))
      return failure();
  for (auto [i, output] : llvm::enumerate(type.getResults()))
    if (failed(describe(output, function.getResultAttrDict(i),
                        "output" + std::to_string(i), signature.outputs)))
      return failure();
  return signature;
}

static std::string quoted(StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

static void writeTable(llvm::raw_ostream &os, StringRef name,
                       ArrayRef<TensorSignature> tensors) {
  os << "const xfc__io_info " << name << "[] = {\n";
  for (const TensorSignature &t : tensors) {
    os << "  {" << quoted(t.name) << ", " << lookupDType(t.dtype)->enumerator
       << ", " << t.dims.size() << ", {";
    llvm::interleaveComma(t.dims, os);
    os << "}, {";
    llvm::interleaveComma(t.dimNames, os,
                          [&](const std::string &n) { os << quoted(n); });
    os << "}},\n";
  }
  if (tensors.empty())
    os << "  {\"\", (xfc_dtype)0, 0, {0}, {\"\"}},\n";
  os << "};\n";
}

/// The table through which compiled code reads the weights, and what the
/// runtime checks the weights file (or the library's section) against.
static void writeWeightTable(llvm::raw_ostream &os,
                             ArrayRef<WeightBlob> weights, uint64_t id,
                             bool inLibrary) {
  size_t length = std::max<size_t>(weights.size(), 1); // C has no empty arrays
  os << "void *" << kWeightTableSymbol << "[" << length << "];\n"
     << "const uint64_t xfc__weight_sizes[" << length << "] = {";
  if (weights.empty())
    os << "0";
  llvm::interleaveComma(weights, os,
                        [&](const WeightBlob &w) { os << w.bytes << "ull"; });
  os << "};\n"
     << "const size_t xfc__num_weights = " << weights.size() << ";\n"
     << "const uint64_t xfc__weights_id = " << id << "ull;\n"
     << "const int xfc__weights_in_library = " << inLibrary << ";\n\n";
}

/// CUDA: the table through which kernels find their weights on the
/// device, and where the runtime uploads each from.
static void writeDeviceWeightTable(llvm::raw_ostream &os,
                                   ArrayRef<DeviceWeight> weights) {
  for (const DeviceWeight &w : weights)
    if (!w.hostSymbol.empty())
      os << "extern const char " << w.hostSymbol << "[];\n";
  size_t length = std::max<size_t>(weights.size(), 1);
  os << "void *xfc__device_weights[" << length << "];\n"
     << "const xfc__device_weight xfc__device_weight_sources[" << length
     << "] = {";
  if (weights.empty())
    os << "{0, 0, -1}";
  llvm::interleaveComma(weights, os, [&](const DeviceWeight &w) {
    os << "{" << (w.hostSymbol.empty() ? "0" : w.hostSymbol) << ", " << w.bytes
       << "ull, " << w.fileIndex << "}";
  });
  os << "};\n"
     << "const size_t xfc__num_device_weights = " << weights.size() << ";\n\n";
}

/// An x86 instruction set extension as CPUID reports it: bit `bit` of
/// register `reg` (0-3: EAX, EBX, ECX, EDX) of leaf `leaf`, `subleaf`,
/// usable when the OS enables the register `state` (XCR0 bits).
struct CPUIDFeature {
  llvm::StringLiteral name; // LLVM's
  uint32_t leaf, subleaf;
  uint8_t reg, bit;
  uint64_t state;
};

constexpr uint64_t kAVXState = 0x6;     // XMM, YMM
constexpr uint64_t kAVX512State = 0xe6; // and opmask, ZMM
constexpr uint64_t kAMXState = 0x60000; // tile configuration and data
enum : uint8_t { EAX, EBX, ECX, EDX };

/// The extensions compiled code may use and a CPU may lack (Intel's SDM,
/// CPUID leaves 1, 7 and 0x80000001).
static const CPUIDFeature kCPUIDFeatures[] = {
    {"sse4.1", 1, 0, ECX, 19, 0},
    {"sse4.2", 1, 0, ECX, 20, 0},
    {"popcnt", 1, 0, ECX, 23, 0},
    {"cx16", 1, 0, ECX, 13, 0},
    {"movbe", 1, 0, ECX, 22, 0},
    {"fma", 1, 0, ECX, 12, kAVXState},
    {"avx", 1, 0, ECX, 28, kAVXState},
    {"f16c", 1, 0, ECX, 29, kAVXState},
    {"bmi", 7, 0, EBX, 3, 0},
    {"avx2", 7, 0, EBX, 5, kAVXState},
    {"bmi2", 7, 0, EBX, 8, 0},
    {"adx", 7, 0, EBX, 19, 0},
    {"sha", 7, 0, EBX, 29, 0},
    {"avx512f", 7, 0, EBX, 16, kAVX512State},
    {"avx512dq", 7, 0, EBX, 17, kAVX512State},
    {"avx512ifma", 7, 0, EBX, 21, kAVX512State},
    {"avx512cd", 7, 0, EBX, 28, kAVX512State},
    {"avx512bw", 7, 0, EBX, 30, kAVX512State},
    {"avx512vl", 7, 0, EBX, 31, kAVX512State},
    {"avx512vbmi", 7, 0, ECX, 1, kAVX512State},
    {"avx512vbmi2", 7, 0, ECX, 6, kAVX512State},
    {"gfni", 7, 0, ECX, 8, 0},
    {"vaes", 7, 0, ECX, 9, kAVXState},
    {"vpclmulqdq", 7, 0, ECX, 10, kAVXState},
    {"avx512vnni", 7, 0, ECX, 11, kAVX512State},
    {"avx512bitalg", 7, 0, ECX, 12, kAVX512State},
    {"avx512vpopcntdq", 7, 0, ECX, 14, kAVX512State},
    {"avx512vp2intersect", 7, 0, EDX, 8, kAVX512State},
    {"amx-bf16", 7, 0, EDX, 22, kAMXState},
    {"avx512fp16", 7, 0, EDX, 23, kAVX512State},
    {"amx-tile", 7, 0, EDX, 24, kAMXState},
    {"amx-int8", 7, 0, EDX, 25, kAMXState},
    {"avxvnni", 7, 1, EAX, 4, kAVXState},
    {"avx512bf16", 7, 1, EAX, 5, kAVX512State},
    {"amx-fp16", 7, 1, EAX, 21, kAMXState},
    {"avxifma", 7, 1, EAX, 23, kAVXState},
    {"avxvnniint8", 7, 1, EDX, 4, kAVXState},
    {"avxneconvert", 7, 1, EDX, 5, kAVXState},
    {"amx-complex", 7, 1, EDX, 8, kAMXState},
    {"avxvnniint16", 7, 1, EDX, 10, kAVXState},
    {"lzcnt", 0x80000001, 0, ECX, 5, 0},
    {"sse4a", 0x80000001, 0, ECX, 6, 0},
    {"fma4", 0x80000001, 0, ECX, 16, kAVXState},
};

/// The table of the extensions the code for `cpu` may use, which sessions
/// check the running CPU for (lib/Runtime/cpu_check.c).
static LogicalResult writeCPUFeatureTable(llvm::raw_ostream &os,
                                          const CPUTargetOptions &cpu,
                                          std::string &error) {
  SmallVector<StringRef> names;
  for (const CPUIDFeature &f : kCPUIDFeatures)
    names.push_back(f.name);
  FailureOr<SmallVector<StringRef>> used = selectCPUFeatures(cpu, names, error);
  if (failed(used))
    return failure();
  os << "const xfc__cpu_feature xfc__cpu_features["
     << std::max<size_t>(used->size(), 1) << "] = {";
  if (used->empty())
    os << "{\"\", 0, 0, 0, 0, 0}";
  for (const CPUIDFeature &f : kCPUIDFeatures)
    if (llvm::is_contained(*used, f.name))
      os << "\n  {" << quoted(f.name) << ", " << f.leaf << "u, " << f.subleaf
         << "u, " << unsigned(f.reg) << ", " << unsigned(f.bit) << ", "
         << f.state << "ull},";
  std::string name = cpu.cpu == "native"
                         ? "native: " + llvm::sys::getHostCPUName().str()
                         : cpu.cpu;
  if (!cpu.features.empty())
    name += " " + cpu.features;
  os << "};\nconst size_t xfc__num_cpu_features = " << used->size() << ";\n"
     << "const char xfc__cpu_name[] = " << quoted(name) << ";\n\n";
  return success();
}

/// The C that packs the runtime's tensors into memref descriptors and calls
/// the compiled model's C interface.
static FailureOr<std::string> generateGlue(const ModelSignature &signature,
                                           ArrayRef<WeightBlob> weights,
                                           uint64_t weightsId, bool inLibrary,
                                           const LibraryTarget &target,
                                           std::string &error) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by xfc: the model's inputs and outputs and the call "
        "into its compiled code. */\n"
        "#include \"xfc/Runtime/runtime_internal.h\"\n\n";
  writeTable(os, "xfc__inputs", signature.inputs);
  writeTable(os, "xfc__outputs", signature.outputs);
  os << "const size_t xfc__num_inputs = " << signature.inputs.size() << ";\n"
     << "const size_t xfc__num_outputs = " << signature.outputs.size()
     << ";\n\n";
  writeWeightTable(os, weights, weightsId, inLibrary);
  if (failed(writeCPUFeatureTable(os, target.cpu, error)))
    return failure();
  if (target.cuda)
    writeDeviceWeightTable(os, target.deviceWeights);
  // One descriptor type per rank (MLIR's layout for memref arguments).
  std::set<size_t> ranks;
  for (const auto *list : {&signature.inputs, &signature.outputs})
    for (const TensorSignature &t : *list)
      ranks.insert(t.dims.size());
  for (size_t r : ranks) {
    os << "typedef struct { void *allocated; void *aligned; int64_t offset;";
    if (r)
      os << " int64_t sizes[" << r << "]; int64_t strides[" << r << "];";
    os << " } xfc__desc" << r << ";\n";
  }
  os << "typedef struct {";
  for (auto [i, t] : llvm::enumerate(signature.outputs))
    os << " xfc__desc" << t.dims.size() << " r" << i << ";";
  os << " } xfc__results;\n\n";
  os << "extern void _mlir_ciface_" << kModelSymbol << "("
     << (signature.outputs.size() == 1
             ? "xfc__desc" + std::to_string(signature.outputs[0].dims.size())
             : std::string("xfc__results"))
     << " *";
  for (const TensorSignature &t : signature.inputs)
    os << ", xfc__desc" << t.dims.size() << " *";
  os << ");\n\n";
  os << "void xfc__invoke(const xfc_tensor *in, xfc_tensor *out, void "
        "**allocations) {\n";
  for (auto [i, t] : llvm::enumerate(signature.inputs)) {
    size_t r = t.dims.size();
    os << llvm::formatv("  xfc__desc{0} a{1} = {{in[{1}].data, in[{1}].data, "
                        "0",
                        r, i);
    if (r) {
      os << ", {";
      for (size_t d = 0; d < r; ++d)
        os << (d ? ", " : "") << "in[" << i << "].shape[" << d << "]";
      os << "}, {0}";
    }
    os << "};\n";
    // Row-major strides.
    for (size_t d = r; d-- > 0;)
      os << llvm::formatv("  a{0}.strides[{1}] = {2};\n", i, d,
                          d + 1 == r ? std::string("1")
                                     : llvm::formatv("a{0}.strides[{1}] * "
                                                     "a{0}.sizes[{1}]",
                                                     i, d + 1)
                                           .str());
  }
  os << "  xfc__results res;\n";
  os << "  _mlir_ciface_" << kModelSymbol << "("
     << (signature.outputs.size() == 1 ? "&res.r0" : "&res");
  for (size_t i = 0; i < signature.inputs.size(); ++i)
    os << ", &a" << i;
  os << ");\n";
  for (auto [i, t] : llvm::enumerate(signature.outputs)) {
    os << llvm::formatv("  out[{0}].dtype = {1};\n"
                        "  out[{0}].rank = {2};\n",
                        i, lookupDType(t.dtype)->enumerator, t.dims.size());
    for (size_t d = 0; d < t.dims.size(); ++d)
      os << llvm::formatv("  out[{0}].shape[{1}] = res.r{0}.sizes[{1}];\n", i,
                          d);
    os << llvm::formatv("  out[{0}].data = (char *)res.r{0}.aligned + "
                        "res.r{0}.offset * {1};\n"
                        "  allocations[{0}] = res.r{0}.allocated;\n",
                        i, t.elementBytes);
  }
  os << "}\n";
  return text;
}

/// The C functions of the runtime's interface: the names xfc_runtime.h
/// declares, without their `xfc_`.
static SmallVector<std::string> interfaceFunctions(StringRef runtimeHeader) {
  SmallVector<std::string> names;
  std::regex declaration("\\bxfc_([a-z0-9_]+)\\(");
  for (std::cregex_iterator
           it(runtimeHeader.begin(), runtimeHeader.end(), declaration),
       end;
       it != end; ++it)
    if (!llvm::is_contained(names, (*it)[1].str()))
      names.push_back((*it)[1].str());
  return names;
}

/// Whether `name` is a C identifier.
static bool isCIdentifier(StringRef name) {
  return !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
         llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// The header users include: the runtime's interface, its functions named
/// with the library's prefix, and, in a comment, what this model takes and
/// returns.
static std::string generateHeader(const ModelSignature &signature,
                                  StringRef runtimeHeader,
                                  ArrayRef<std::string> functions,
                                  StringRef prefix) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by xfc. This library's model:\n";
  auto describe = [&](StringRef what, ArrayRef<TensorSignature> tensors) {
    for (const TensorSignature &t : tensors) {
      os << " *   " << what << " '" << t.name
         << "': " << lookupDType(t.dtype)->enumerator << ", shape [";
      for (auto [d, dim] : llvm::enumerate(t.dims)) {
        if (d)
          os << ", ";
        if (dim >= 0)
          os << dim;
        else
          os << (t.dimNames[d].empty() ? "?" : t.dimNames[d]);
      }
      os << "]\n";
    }
  };
  describe("input", signature.inputs);
  describe("output", signature.outputs);
  std::string body = runtimeHeader.str();
  if (prefix != "xfc") {
    os << " * Its C functions are named " << prefix << "_session_create, "
       << prefix << "_run, ... (--c-prefix=" << prefix << ").\n";
    // The functions' guard is this library's: the types' stays shared.
    body = std::regex_replace(body, std::regex("XFC_RUNTIME_XFC_RUNTIME_H"),
                              ("XFC_LIBRARY_" + prefix + "_H").str());
    for (const std::string &name : functions)
      body = std::regex_replace(body, std::regex("\\bxfc_" + name + "\\("),
                                (prefix + "_" + name + "(").str());
  }
  os << " */\n" << body;
  return text;
}

/// The linker script that exports the interface's functions only, under
/// the library's prefix: kernels and runtime internals stay inside, and
/// libraries of different prefixes link into one program.
static std::string generateVersionScript(ArrayRef<std::string> functions,
                                         StringRef prefix) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "{\n  global:\n";
  for (const std::string &name : functions)
    os << "    " << prefix << "_" << name << ";\n";
  os << "  local: *;\n};\n";
  return text;
}

static LogicalResult writeFile(StringRef path, StringRef contents,
                               std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  os << contents;
  return success();
}

FailureOr<SmallVector<WeightBlob>>
externalizeWeights(ModuleOp module, StringRef directory, std::string &error) {
  // Small constants stay in the IR, where LLVM may fold them.
  constexpr size_t kMinBytes = 4096;
  SmallVector<WeightBlob> blobs;
  ResourceReferences references(module);
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    auto value = dyn_cast_or_null<ElementsAttr>(global.getValueAttr());
    if (!value)
      continue;
    unsigned bits = value.getElementType().getIntOrFloatBitWidth();
    if (bits % 8 != 0)
      continue;
    ArrayRef<char> data = getElementsBytes(value).value_or(ArrayRef<char>());
    if (data.size() < kMinBytes ||
        data.size() != static_cast<size_t>(value.getNumElements()) * bits / 8)
      continue;
    SmallString<256> path(directory);
    llvm::sys::path::append(path, global.getSymName() + ".bin");
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec) {
      error = "cannot write '" + std::string(path) + "': " + ec.message();
      return failure();
    }
    os.write(data.data(), data.size());
    blobs.push_back(
        {global.getSymName().str(), std::string(path), data.size()});
    // Written out: a mapped blob leaves memory now, not at the end.
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
      references.drop(resource);
    global.removeValueAttr();
    global.setLinkage(LLVM::Linkage::External);
    global.setVisibility_(LLVM::Visibility::Hidden);
  }
  return blobs;
}

LogicalResult
writeSharedLibrary(const ModelSignature &signature, StringRef objectPath,
                   ArrayRef<WeightBlob> weights, WeightStorage storage,
                   const LibraryTarget &target, StringRef outputPath,
                   StringRef toolsDir, std::string &error) {
  SmallString<256> root(toolsDir);
  llvm::sys::path::remove_dots(root, /*remove_dot_dot=*/true);
  llvm::sys::path::remove_filename(root); // bin/.. (the build or install root)
  SmallString<256> include(root), runtime(root), runtimeHeader(root);
  llvm::sys::path::append(include, "include");
  llvm::sys::path::append(runtime, "lib",
                          target.cuda ? "libxfc_cuda_runtime.a"
                                      : "libxfc_runtime.a");
  llvm::sys::path::append(runtimeHeader, "include", "xfc", "Runtime",
                          "xfc_runtime.h");
  auto header = llvm::MemoryBuffer::getFile(runtimeHeader);
  if (!header || !llvm::sys::fs::exists(runtime)) {
    error = "the xfc runtime is not where xfc expects it (" +
            std::string(runtime) + ")";
    return failure();
  }

  if (!isCIdentifier(target.cPrefix)) {
    error = "--c-prefix='" + target.cPrefix +
            "' is not a C identifier (letters, digits and '_', not starting "
            "with a digit)";
    return failure();
  }
  SmallVector<std::string> functions =
      interfaceFunctions((*header)->getBuffer());

  // The weights file: beside the library, or written aside and appended
  // to it once it is linked.
  bool external = storage == WeightStorage::External;
  SmallString<256> weightsFile(outputPath);
  llvm::sys::path::replace_extension(weightsFile, "weights");
  if (!external) {
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "xfc-weights", "weights", weightsFile)) {
      error = "cannot create a temporary file: " + ec.message();
      return failure();
    }
  }
  llvm::FileRemover removeWeights(weightsFile, /*deleteIt=*/!external);
  FailureOr<uint64_t> weightsId = writeWeightFile(weights, weightsFile, error);
  if (failed(weightsId))
    return failure();

  SmallString<256> gluePath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("xfc-glue", "c", gluePath)) {
    error = "cannot create a temporary file: " + ec.message();
    return failure();
  }
  llvm::FileRemover removeGlue(gluePath);
  FailureOr<std::string> glue =
      generateGlue(signature, weights, *weightsId, !external, target, error);
  if (failed(glue) || failed(writeFile(gluePath, *glue, error)))
    return failure();

  SmallString<256> versionScriptPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "xfc-exports", "map", versionScriptPath)) {
    error = "cannot create a temporary file: " + ec.message();
    return failure();
  }
  llvm::FileRemover removeVersionScript(versionScriptPath);
  if (failed(writeFile(versionScriptPath,
                       generateVersionScript(functions, target.cPrefix),
                       error)))
    return failure();

  llvm::ErrorOr<std::string> clang = llvm::sys::findProgramByName("clang-22");
  if (!clang)
    clang = llvm::sys::findProgramByName("cc");
  if (!clang) {
    error = "no C compiler (clang-22 or cc) to link the library with";
    return failure();
  }
  std::string includeFlag = "-I" + std::string(include);
  std::string versionScriptFlag =
      "-Wl,--version-script=" + std::string(versionScriptPath);
  std::string sonameFlag =
      "-Wl,-soname," + llvm::sys::path::filename(outputPath).str();
  // Another prefix: each function is also defined under its new name.
  SmallVector<std::string> renames;
  if (target.cPrefix != "xfc")
    for (const std::string &name : functions)
      renames.push_back("-Wl,--defsym=" + target.cPrefix + "_" + name +
                        "=xfc_" + name);
  // The whole runtime: the library exports its functions whether or not
  // the compiled code calls any of them. It maps weights files with
  // dladdr's help and uses threads.
  SmallVector<StringRef> args = {*clang,      "-shared",
                                 "-fPIC",     "-O2",
                                 includeFlag, gluePath,
                                 objectPath,  "-Wl,--whole-archive",
                                 runtime,     "-Wl,--no-whole-archive",
                                 "-pthread",  "-ldl",
                                 "-lm",       versionScriptFlag,
                                 sonameFlag,  "-o",
                                 outputPath};
  for (const std::string &rename : renames)
    args.push_back(rename);
  std::string message;
  if (llvm::sys::ExecuteAndWait(*clang, args, std::nullopt, {}, 0, 0,
                                &message) != 0) {
    error = "linking '" + outputPath.str() + "' failed" +
            (message.empty() ? "" : ": " + message);
    return failure();
  }

  if (!external && !weights.empty() &&
      failed(appendWeightsSection(outputPath, weightsFile, error)))
    return failure();

  SmallString<256> headerPath(outputPath);
  llvm::sys::path::replace_extension(headerPath, "h");
  return writeFile(headerPath,
                   generateHeader(signature, (*header)->getBuffer(), functions,
                                  target.cPrefix),
                   error);
}

} // namespace mlir::xf

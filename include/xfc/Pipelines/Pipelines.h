//===- Pipelines.h - the one definition of xfc's pass order -----*- C++ -*-===//
//
// `xfc`, `xfc-opt` and the Python package all build their pass managers
// here. The pipeline is a sequence of stages; `xfc --emit=STAGE` stops after
// one of them and prints the IR.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_PIPELINES_PIPELINES_H
#define XFC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace mlir::xf {

/// The stages of compilation, in order.
enum class Stage {
  /// The graph as imported: one xf op per ONNX node.
  XFGraph,
  /// The graph after shape inference, folding and cleanup.
  XF,
  /// Subgraphs raised to transformer ops (xf.attention, ...).
  Transformer,
  /// Lowered to linalg, tensor, arith and math on tensors.
  Linalg,
  /// CPU kernels on tensors: matrix products register-blocked into vector
  /// code, math functions as arithmetic.
  Kernels,
  /// Bufferized and lowered to the LLVM dialect.
  LLVM,
  /// Translated to LLVM IR and optimized for the target CPU.
  LLVMIR,
  /// Target assembly.
  Asm,
};

struct StageInfo {
  Stage stage;
  llvm::StringRef name;
  llvm::StringRef description;
};

/// Every stage, in pipeline order, with its `--emit` name.
llvm::ArrayRef<StageInfo> getStages();

/// The stage named `name`, or nullopt.
std::optional<Stage> parseStage(llvm::StringRef name);

/// Graph cleanup: verify the import contract, infer shapes, fold shape
/// arithmetic, remove what became dead.
void buildGraphCleanupPipeline(OpPassManager &pm);

/// Raising: subgraphs recognized as transformer ops.
void buildRaisePipeline(OpPassManager &pm);

/// xf ops to linalg on tensors.
void buildXFToLinalgPipeline(OpPassManager &pm);

/// linalg on tensors to CPU kernels on tensors.
void buildLinalgToKernelsPipeline(OpPassManager &pm);

/// CPU kernels on tensors to the LLVM dialect: bufferization, parallel
/// loops on the runtime's threads, LLVM.
void buildKernelsToLLVMPipeline(OpPassManager &pm);

/// Both of the above.
void buildLinalgToLLVMPipeline(OpPassManager &pm);

/// What the pipeline compiles for.
struct TargetOptions {
  enum class Kind { CPU, CUDA };
  Kind kind = Kind::CPU;
  /// CUDA: the GPU architecture (sm_80, sm_90, ...), the PTX version's
  /// feature, and the toolkit whose ptxas and libdevice the compiler uses.
  std::string chip = "sm_90";
  /// xf-quantize after raising: bits per value (0: weights stay as the
  /// model has them), values per group along K, no zero points, and a
  /// regular expression of weights (initializer or node names) left f32.
  int64_t quantizeBits = 0;
  /// xf-sparsify right after import: its pattern (2:4 or unstructured:R),
  /// or empty for none.
  std::string sparsify;
  int64_t quantizeGroupSize = 128;
  bool quantizeSymmetric = false;
  std::string quantizeExclude;
  /// CPU: the x86 vector extension the integer kernels use (`vector`: none,
  /// portable code; `avx2`; `avx512`), from the target CPU's features.
  std::string isa = "vector";
  std::string ptxFeature = "+ptx80";
  std::string toolkitPath;
  /// CUDA: ship PTX for the driver to compile instead of a cubin.
  bool embedPTX = false;
  /// CUDA: the operands' precision in matrix products (accumulation is f32
  /// in every case): bf16 or tf32 on the tensor cores, or f32 throughout.
  enum class Precision { FP32, TF32, BF16 };
  Precision precision = Precision::BF16;
};

/// The CUDA target's kernels: linalg on tensors bufferized, its loop nests
/// mapped to `gpu.launch`es and outlined as `gpu.func` kernels.
void buildLinalgToGPUKernelsPipeline(OpPassManager &pm,
                                     const TargetOptions &target = {});

/// CUDA kernels to NVVM, PTX and cubins (or PTX) embedded in `gpu.binary`
/// ops; host code to the LLVM dialect with calls into the GPU runtime.
void buildGPUKernelsToLLVMPipeline(OpPassManager &pm,
                                   const TargetOptions &target);

/// Appends the passes that take a freshly imported module to `stop`.
void buildPipelineUpTo(OpPassManager &pm, Stage stop,
                       const TargetOptions &target = {});

/// The options of `xf-compile`, the pipeline xfc runs on an imported module
/// (`xfc-opt --pass-pipeline='builtin.module(xf-compile{...})'` prints what
/// `xfc --emit=STAGE` prints for the same options).
struct CompilePipelineOptions
    : public PassPipelineOptions<CompilePipelineOptions> {
  Option<TargetOptions::Kind> target{
      *this, "target", llvm::cl::desc("What to compile for"),
      llvm::cl::init(TargetOptions::Kind::CPU),
      llvm::cl::values(
          clEnumValN(TargetOptions::Kind::CPU, "cpu", "the host's CPU"),
          clEnumValN(TargetOptions::Kind::CUDA, "cuda", "an NVIDIA GPU"))};
  Option<std::string> isa{
      *this, "isa",
      llvm::cl::desc("CPU: the x86 extension integer kernels use (vector, "
                     "avx2, avx512)"),
      llvm::cl::init("vector")};
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("CUDA: the GPU architecture"),
                           llvm::cl::init("sm_90")};
  Option<TargetOptions::Precision> precision{
      *this, "precision",
      llvm::cl::desc("CUDA: the operands' precision in matrix products"),
      llvm::cl::init(TargetOptions::Precision::BF16),
      llvm::cl::values(
          clEnumValN(TargetOptions::Precision::BF16, "bf16", "bf16"),
          clEnumValN(TargetOptions::Precision::TF32, "tf32", "tf32"),
          clEnumValN(TargetOptions::Precision::FP32, "fp32", "f32"))};
  Option<bool> embedPTX{
      *this, "embed-ptx",
      llvm::cl::desc("CUDA: PTX in the kernel binaries instead of cubins"),
      llvm::cl::init(false)};
  Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA: the toolkit with ptxas (for cubins)")};
  Option<Stage> stop{
      *this, "stop", llvm::cl::desc("The last stage (as xfc's --emit)"),
      llvm::cl::init(Stage::LLVM),
      llvm::cl::values(
          clEnumValN(Stage::XFGraph, "xf-graph", "nothing"),
          clEnumValN(Stage::XF, "xf", "graph cleanup"),
          clEnumValN(Stage::Transformer, "xf-transformer", "raising"),
          clEnumValN(Stage::Linalg, "linalg", "to linalg on tensors"),
          clEnumValN(Stage::Kernels, "kernels", "to the target's kernels"),
          clEnumValN(Stage::LLVM, "llvm", "to the LLVM dialect"))};

  /// The target these options name.
  TargetOptions getTarget() const;
};

/// Registers the named pipelines with the pass registry (for xfc-opt).
void registerPipelines();

} // namespace mlir::xf

#endif // XFC_PIPELINES_PIPELINES_H

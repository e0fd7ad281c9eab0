//===- Pipelines.cpp - the one definition of xfc's pass order -------------===//

#include "xfc/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "xfc/Conversion/Passes.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::xf;

ArrayRef<StageInfo> mlir::xf::getStages() {
  static const StageInfo stages[] = {
      {Stage::XFGraph, "xf-graph",
       "the imported graph, one xf op per ONNX node"},
      {Stage::XF, "xf",
       "after shape inference and folding of shape arithmetic"},
      {Stage::Transformer, "xf-transformer",
       "subgraphs raised to transformer ops (xf.attention)"},
      {Stage::Linalg, "linalg", "lowered to linalg on tensors"},
      {Stage::Kernels, "kernels",
       "CPU kernels on tensors: register-blocked vector matrix products "
       "(CUDA: gpu.func kernels on buffers and the host code launching "
       "them)"},
      {Stage::LLVM, "llvm",
       "bufferized and lowered to the LLVM dialect (CUDA: kernels compiled "
       "into gpu.binary ops)"},
      {Stage::LLVMIR, "llvm-ir", "LLVM IR, optimized for the target CPU"},
      {Stage::Asm, "asm", "assembly for the target CPU"},
  };
  return stages;
}

std::optional<Stage> mlir::xf::parseStage(StringRef name) {
  for (const StageInfo &info : getStages())
    if (info.name == name)
      return info.stage;
  return std::nullopt;
}

void mlir::xf::buildGraphCleanupPipeline(OpPassManager &pm) {
  // The import contract is checked first, so later diagnostics can assume it.
  pm.addPass(createVerifyGraphLevelPass());
  // Shapes first: folders need static types to turn shape arithmetic into
  // constants; folding exposes new constant shapes, hence the second round.
  pm.addNestedPass<func::FuncOp>(createInferShapesPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createInferShapesPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::xf::buildRaisePipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createRaiseAttentionPass());
  pm.addNestedPass<func::FuncOp>(createRaiseNormsPass());
  pm.addNestedPass<func::FuncOp>(createRaiseMLPPass());
  pm.addNestedPass<func::FuncOp>(createRaiseRopePass());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}

/// xf to linalg, attention as the CPU's loop nest or (CUDA) on buffers.
static void addXFToLinalg(OpPassManager &pm, StringRef attention) {
  ConvertXFToLinalgPassOptions options;
  options.attention = attention.str();
  pm.addNestedPass<func::FuncOp>(createConvertXFToLinalgPass(options));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::xf::buildXFToLinalgPipeline(OpPassManager &pm) {
  addXFToLinalg(pm, "cpu-loops");
}

/// Tensors to buffers, with deallocations (the CPU and CUDA targets share
/// it; CUDA places host work before deallocations are added).
static constexpr llvm::StringLiteral kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map}";
static constexpr llvm::StringLiteral kDeallocate =
    "buffer-deallocation-pipeline,convert-bufferization-to-memref";

static void addPipeline(OpPassManager &pm, StringRef text) {
  if (failed(parsePassPipeline(text, pm)))
    llvm::report_fatal_error("xfc: a built-in pipeline does not parse: " +
                             text);
}

void mlir::xf::buildLinalgToKernelsPipeline(OpPassManager &pm) {
  // Element-wise chains become one loop nest each; xf-vectorize-contractions
  // writes matrix products as register-blocked vector code; what it leaves
  // to loops gets its contiguous loop innermost so that LLVM vectorizes it.
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass());
  pm.addNestedPass<func::FuncOp>(createApproximateMathPass());
  pm.addNestedPass<func::FuncOp>(createVectorizeContractionsPass());
  pm.addPass(createPackConstantWeightsPass());
  pm.addNestedPass<func::FuncOp>(createInnermostContiguousLoopPass());
}

void mlir::xf::buildKernelsToLLVMPipeline(OpPassManager &pm) {
  // Upstream's lowering, in the order docs/CPU.md records as working with
  // Debian's MLIR 22; math functions without an LLVM intrinsic become libm
  // calls. Vector transfers are unrolled to 1-D loads and stores (no
  // temporary buffers) and contractions become outer products, i.e.
  // broadcasts and FMAs, only when going to LLVM: the canonicalizer would
  // otherwise rebuild the accumulator element by element. Generated code
  // allocates through the runtime (use-generic-functions).
  // xf-lower-expand-shape steps around an upstream crash in
  // expand-strided-metadata (see its description); xf-outline-kernels
  // keeps LLVM from optimizing a whole model as one function and prepares
  // independent loop nests for the runtime's threads, which
  // xf-dispatch-parallel-kernels hands them to.
  static constexpr llvm::StringLiteral toLLVM =
      "convert-vector-to-scf{full-unroll=true},convert-scf-to-cf,"
      "expand-strided-metadata,lower-affine,"
      "convert-vector-to-llvm{vector-contract-lowering=outerproduct},"
      "finalize-memref-to-llvm{use-generic-functions=true},"
      "convert-math-to-funcs,convert-math-to-llvm,convert-math-to-libm,"
      "convert-arith-to-llvm,convert-ub-to-llvm,convert-index-to-llvm,"
      "convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts";
  addPipeline(pm, kBufferize);
  addPipeline(pm, kDeallocate);
  addPipeline(
      pm, "func.func(xf-copies-to-linalg),convert-linalg-to-parallel-loops");
  pm.addPass(createOutlineKernelsPass());
  pm.addPass(createMergeIdenticalKernelsPass());
  pm.addNestedPass<func::FuncOp>(createLowerExpandShapePass());
  pm.addPass(createLowerRunChecksPass());
  addPipeline(pm, toLLVM);
  pm.addPass(createDispatchParallelKernelsPass());
}

void mlir::xf::buildLinalgToGPUKernelsPipeline(OpPassManager &pm,
                                               const TargetOptions &target) {
  // Buffers the host reads become stack buffers before deallocations are
  // placed; products become tensor-core kernels after (the deallocation
  // pipeline does not know gpu ops), then every other loop nest on device
  // memory becomes a launch, and each launch a kernel.
  FuseElementwisePassOptions fusion;
  fusion.fuseTransposes = true;
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass(fusion));
  addPipeline(pm, kBufferize);
  addPipeline(pm, "func.func(xf-copies-to-linalg),xf-place-host-computations");
  addPipeline(pm, kDeallocate);
  pm.addNestedPass<func::FuncOp>(createGPUAttentionPass());
  if (target.precision != TargetOptions::Precision::FP32) {
    TensorCoreMatmulPassOptions options;
    options.precision =
        target.precision == TargetOptions::Precision::TF32 ? "tf32" : "bf16";
    pm.addPass(createTensorCoreMatmulPass(options));
  }
  addPipeline(pm, "convert-linalg-to-parallel-loops");
  pm.addNestedPass<func::FuncOp>(createMapLoopsToGPUPass());
  pm.addNestedPass<func::FuncOp>(createLowerExpandShapePass());
  pm.addPass(createCanonicalizerPass());
  addPipeline(pm, "gpu-kernel-outlining,xf-align-workgroup-buffers");
}

void mlir::xf::buildGPUKernelsToLLVMPipeline(OpPassManager &pm,
                                             const TargetOptions &target) {
  // Kernels go to NVVM first, then the host to LLVM the way the CPU target
  // lowers it (generic allocation functions, which the CUDA runtime
  // defines as device allocations), launches to calls into the runtime,
  // and each kernel module to a cubin (ptxas) or PTX.
  std::string text =
      "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
      "nvvm-attach-target{chip=" +
      target.chip + " features=" + target.ptxFeature +
      " O=3},"
      "gpu.module(convert-nvgpu-to-nvvm,convert-gpu-to-nvvm,canonicalize,cse,"
      "reconcile-unrealized-casts),"
      "finalize-memref-to-llvm{use-generic-functions=true},"
      "convert-math-to-llvm,convert-math-to-libm,convert-arith-to-llvm,"
      "convert-ub-to-llvm,convert-index-to-llvm,convert-cf-to-llvm,"
      "convert-func-to-llvm,gpu-to-llvm,reconcile-unrealized-casts,"
      "gpu-module-to-binary{format=" +
      (target.embedPTX ? "isa" : "fatbin") + " toolkit=" + target.toolkitPath +
      "}";
  pm.addPass(createLowerRunChecksPass());
  addPipeline(pm, text);
}

void mlir::xf::buildLinalgToLLVMPipeline(OpPassManager &pm) {
  buildLinalgToKernelsPipeline(pm);
  buildKernelsToLLVMPipeline(pm);
}

void mlir::xf::buildPipelineUpTo(OpPassManager &pm, Stage stop,
                                 const TargetOptions &target) {
  if (stop == Stage::XFGraph)
    return;
  buildGraphCleanupPipeline(pm);
  if (stop == Stage::XF)
    return;
  buildRaisePipeline(pm);
  if (stop == Stage::Transformer)
    return;
  bool cuda = target.kind == TargetOptions::Kind::CUDA;
  addXFToLinalg(pm, cuda ? "buffers" : "cpu-loops");
  if (stop == Stage::Linalg)
    return;
  if (cuda)
    buildLinalgToGPUKernelsPipeline(pm, target);
  else
    buildLinalgToKernelsPipeline(pm);
  if (stop == Stage::Kernels)
    return;
  if (cuda)
    buildGPUKernelsToLLVMPipeline(pm, target);
  else
    buildKernelsToLLVMPipeline(pm);
}

void mlir::xf::registerPipelines() {
  PassPipelineRegistration<>("xf-lower-to-linalg",
                             "Lower xf ops to linalg on tensors",
                             buildXFToLinalgPipeline);
  PassPipelineRegistration<>(
      "xf-lower-linalg-to-kernels",
      "Write linalg on tensors as CPU kernels (vector code) on tensors",
      buildLinalgToKernelsPipeline);
  PassPipelineRegistration<>(
      "xf-lower-kernels-to-llvm",
      "Bufferize CPU kernels on tensors and lower them to the LLVM dialect",
      buildKernelsToLLVMPipeline);
  PassPipelineRegistration<>(
      "xf-lower-linalg-to-llvm",
      "Both: linalg on tensors to kernels, then to the LLVM dialect",
      buildLinalgToLLVMPipeline);
  PassPipelineRegistration<>(
      "xf-lower-linalg-to-gpu-kernels",
      "CUDA: bufferize linalg on tensors, map its loop nests to launches and "
      "outline them as gpu.func kernels",
      [](OpPassManager &pm) { buildLinalgToGPUKernelsPipeline(pm); });
  PassPipelineRegistration<>("xf-raise", "Raise subgraphs to transformer ops",
                             buildRaisePipeline);
  PassPipelineRegistration<>(
      "xf-graph-cleanup",
      "Infer shapes and fold shape arithmetic on an imported xf graph",
      buildGraphCleanupPipeline);
}

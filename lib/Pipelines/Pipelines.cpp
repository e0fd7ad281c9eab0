//===- Pipelines.cpp - the one definition of xfc's pass order -------------===//

#include "xfc/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Codegen/CUDA/Passes.h"
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
  pm.addNestedPass<func::FuncOp>(createRaiseMoEPass());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}

/// xf to linalg, after the target has written the attention its kernel
/// takes: the CPU's loop nest (blocked as configured) or (CUDA) on buffers.
static void addXFToLinalg(OpPassManager &pm, const TargetOptions &target) {
  if (target.kind == TargetOptions::Kind::CUDA) {
    pm.addNestedPass<func::FuncOp>(createAttentionToBuffersPass());
  } else {
    SelectCPUKernelConfigsPassOptions configs;
    configs.vectorISA = target.isa;
    pm.addNestedPass<func::FuncOp>(createSelectCPUKernelConfigsPass(configs));
    pm.addNestedPass<func::FuncOp>(createCPUAttentionPass());
    pm.addNestedPass<func::FuncOp>(createCPUQuantizedMatmulPass());
    pm.addNestedPass<func::FuncOp>(createCPUSparseMatmulPass());
  }
  ConvertXFToLinalgPassOptions conversion;
  conversion.copySlices = target.kind != TargetOptions::Kind::CUDA;
  pm.addNestedPass<func::FuncOp>(createConvertXFToLinalgPass(conversion));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::xf::buildXFToLinalgPipeline(OpPassManager &pm) {
  addXFToLinalg(pm, TargetOptions());
}

/// Tensors to buffers, with function boundaries on identity layouts (the
/// CPU and CUDA targets share it).
static void addBufferize(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(options));
}

/// Deallocations for what bufferization allocated (CUDA places host work
/// before they are added).
static void addDeallocate(OpPassManager &pm) {
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
}

/// The upstream lowering of what the host code still holds (control flow,
/// strided metadata, affine maps, math, arith, functions) to the LLVM
/// dialect, after `middle` (the vector or GPU lowerings of the target);
/// generated code allocates through the runtime (use-generic-functions).
/// CUDA's memref lowering keeps the globals' `xf.device_copy_of`.
static void addHostToLLVM(OpPassManager &pm, bool cuda,
                          function_ref<void(OpPassManager &)> middle) {
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  middle(pm);
  if (cuda) {
    pm.addPass(createFinalizeMemRefToLLVMPass());
    return;
  }
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
}

/// The last of the lowering to the LLVM dialect: arith, ub, index, control
/// flow and functions (and, for CUDA, launches to runtime calls).
static void addScalarsAndFunctionsToLLVM(OpPassManager &pm,
                                         bool gpuToLLVM = false) {
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  if (gpuToLLVM)
    pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::xf::buildLinalgToKernelsPipeline(OpPassManager &pm) {
  // Element-wise chains become one loop nest each; xf-vectorize-contractions
  // writes matrix products as register-blocked vector code, blocked as
  // their configurations say; what it leaves to loops gets its contiguous
  // loop innermost so that LLVM vectorizes it.
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass());
  pm.addNestedPass<func::FuncOp>(createApproximateMathPass());
  pm.addNestedPass<func::FuncOp>(createSelectCPUKernelConfigsPass());
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
  addBufferize(pm);
  addDeallocate(pm);
  pm.addNestedPass<func::FuncOp>(createCopiesToLinalgPass());
  pm.addPass(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createOutlineKernelsPass());
  pm.addPass(createMergeIdenticalKernelsPass());
  pm.addNestedPass<func::FuncOp>(createLowerExpandShapePass());
  pm.addPass(createLowerRunChecksPass());
  pm.addPass(createLowerLaneOpsPass());
  VectorTransferToSCFOptions unrolled;
  unrolled.unroll = true;
  pm.addPass(createConvertVectorToSCFPass(unrolled));
  addHostToLLVM(pm, /*cuda=*/false, [](OpPassManager &pm) {
    ConvertVectorToLLVMPassOptions vectorOptions;
    vectorOptions.vectorContractLowering =
        vector::VectorContractLowering::OuterProduct;
    pm.addPass(createConvertVectorToLLVMPass(vectorOptions));
  });
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  addScalarsAndFunctionsToLLVM(pm);
  pm.addPass(createDispatchParallelKernelsPass());
}

void mlir::xf::buildLinalgToGPUKernelsPipeline(OpPassManager &pm,
                                               const TargetOptions &target) {
  // Buffers the host reads become stack buffers before deallocations are
  // placed; products become tensor-core kernels after (the deallocation
  // pipeline does not know gpu ops; bf16 ones read bf16 copies of constant
  // weights, and the globals nothing reads then go), then every other loop
  // nest on device memory becomes a launch, and each launch a kernel.
  FuseElementwisePassOptions fusion;
  fusion.fuseTransposes = true;
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass(fusion));
  addBufferize(pm);
  pm.addNestedPass<func::FuncOp>(createCopiesToLinalgPass());
  pm.addPass(createPlaceHostComputationsPass());
  addDeallocate(pm);
  SelectCUDAKernelConfigsPassOptions configs;
  configs.sparse = target.precision == TargetOptions::Precision::BF16;
  pm.addPass(createSelectCUDAKernelConfigsPass(configs));
  pm.addNestedPass<func::FuncOp>(createGPUAttentionPass());
  if (target.precision != TargetOptions::Precision::FP32) {
    bool tf32 = target.precision == TargetOptions::Precision::TF32;
    if (!tf32) {
      pm.addPass(createCUDASparseWeightsPass());
      pm.addPass(createSparseTensorCoreMatmulPass());
      pm.addPass(createCUDABF16WeightsPass());
    }
    TensorCoreMatmulPassOptions options;
    options.precision =
        tf32 ? TensorCorePrecision::TF32 : TensorCorePrecision::BF16;
    pm.addPass(createTensorCoreMatmulPass(options));
    pm.addPass(createDropUnusedGlobalsPass());
  }
  pm.addPass(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createMapLoopsToGPUPass());
  pm.addNestedPass<func::FuncOp>(createLowerExpandShapePass());
  pm.addPass(createCanonicalizerPass());
  // Constants move back into the kernels (canonicalization hoisted them):
  // kernel code folds them, and some instructions (mma.sp's sparsity
  // selector) take only immediates.
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createAlignWorkgroupBuffersPass());
}

void mlir::xf::buildGPUKernelsToLLVMPipeline(OpPassManager &pm,
                                             const TargetOptions &target) {
  // Kernels go to NVVM first, then the host to LLVM the way the CPU target
  // lowers it (generic allocation functions, which the CUDA runtime
  // defines as device allocations), launches to calls into the runtime,
  // and each kernel module to a cubin (ptxas) or PTX.
  pm.addPass(createLowerRunChecksPass());
  addHostToLLVM(pm, /*cuda=*/true, [&](OpPassManager &pm) {
    GpuNVVMAttachTargetOptions nvvm;
    nvvm.chip = target.chip;
    nvvm.features = target.ptxFeature;
    nvvm.optLevel = 3;
    pm.addPass(createGpuNVVMAttachTarget(nvvm));
    OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
    kernels.addPass(createConvertNVGPUToNVVMPass());
    kernels.addPass(createConvertGpuOpsToNVVMOps());
    kernels.addPass(createCanonicalizerPass());
    kernels.addPass(createCSEPass());
    kernels.addPass(createReconcileUnrealizedCastsPass());
  });
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  addScalarsAndFunctionsToLLVM(pm, /*gpuToLLVM=*/true);
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = target.embedPTX ? "isa" : "fatbin";
  binary.toolkitPath = target.toolkitPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
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
  // Pruning before raising fuses or stacks weights: each rule applies to
  // each ONNX weight as stored.
  if (!target.sparsify.empty()) {
    SparsifyWeightsPassOptions sparsify;
    sparsify.pattern = target.sparsify;
    pm.addNestedPass<func::FuncOp>(createSparsifyWeightsPass(sparsify));
  }
  buildRaisePipeline(pm);
  // Experts become gated MLPs of their own before quantization takes
  // their weights; on the CPU each expert's rows come in whole 8-row blocks
  // (xf-select-cpu-kernel-configs' product tiles).
  MoeDispatchPassOptions dispatch;
  dispatch.rowMultiple = target.kind == TargetOptions::Kind::CUDA ? 1 : 8;
  pm.addPass(createMoeDispatchPass(dispatch));
  if (target.quantizeBits) {
    QuantizeWeightsPassOptions quantize;
    quantize.bits = target.quantizeBits;
    quantize.groupSize = target.quantizeGroupSize;
    quantize.symmetric = target.quantizeSymmetric;
    quantize.exclude = target.quantizeExclude;
    pm.addNestedPass<func::FuncOp>(createQuantizeWeightsPass(quantize));
  }
  if (stop == Stage::Transformer)
    return;
  bool cuda = target.kind == TargetOptions::Kind::CUDA;
  addXFToLinalg(pm, target);
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

TargetOptions CompilePipelineOptions::getTarget() const {
  TargetOptions options;
  options.kind = target;
  options.isa = isa;
  options.chip = chip;
  options.precision = precision;
  options.embedPTX = embedPTX;
  options.toolkitPath = toolkit;
  return options;
}

void mlir::xf::registerPipelines() {
  PassPipelineRegistration<CompilePipelineOptions>(
      "xf-compile",
      "xfc's pipeline from an imported module to a stage (xfc --emit=STAGE)",
      [](OpPassManager &pm, const CompilePipelineOptions &options) {
        buildPipelineUpTo(pm, options.stop, options.getTarget());
      });
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

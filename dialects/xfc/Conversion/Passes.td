//===- Passes.td - lowerings out of the xf dialect -------------------------===//

#ifndef XFC_CONVERSION_PASSES_TD
#define XFC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertXFToLinalgPass : Pass<"xf-convert-to-linalg", "func::FuncOp"> {
  let summary = "Lower xf ops to linalg, tensor, arith and math";
  let description = [{
    Element-wise ops (with ONNX broadcasting) become `linalg.generic`; matrix
    products become `linalg.matmul` or `linalg.batch_matmul` where they fit
    (so tiling and vectorization apply to named ops), a `linalg.generic`
    contraction otherwise; constants become `arith.constant`; transposes
    `linalg.transpose`; Softmax, the normalizations, dense layers, gated
    MLPs and RoPE are decomposed into reductions, products and element-wise
    ops first. f32 `xf.attention` becomes a loop over batch x heads x 32-query
    blocks (marked `xf.parallel`) and in it one over 64-key blocks carrying
    an online softmax (running row maximum, sum and output), with causal
    key loops ending at the last visible key, key blocks a mask hides
    wholly skipped once every row has seen a visible key, grouped heads
    read in place and K transposed once; other attention is decomposed. A
    dynamic dimension that may be 1 at run time while others are not
    (broadcasting the exporter's types
    did not show) is handled at run time; one that provably equals the
    others (traced to one source) is not. An op without a lowering is
    reported at its location (the ONNX node) and the pass fails.
  }];
  let options = [
    Option<"attention", "attention", "mlir::xf::AttentionLowering",
           /*default=*/"mlir::xf::AttentionLowering::CPULoops",
           "How f32 attention lowers (any attention cpu-loops or buffers "
           "do not take is decomposed)",
           [{::llvm::cl::values(
             clEnumValN(mlir::xf::AttentionLowering::CPULoops, "cpu-loops",
                        "the fused CPU loop nest"),
             clEnumValN(mlir::xf::AttentionLowering::Buffers, "buffers",
                        "xf.attention_buffers, for the CUDA target's kernel"),
             clEnumValN(mlir::xf::AttentionLowering::Decompose, "decompose",
                        "products and a softmax"))}]>,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // XFC_CONVERSION_PASSES_TD

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
    ops first, and so is `xf.attention` (each target writes the attention
    its kernel takes before this pass: xf-cpu-attention,
    xf-attention-to-buffers). A dynamic dimension that may be 1 at run
    time while others are not (broadcasting the exporter's types did not
    show) is handled at run time; one that provably equals the others
    (traced to one source) is not. An op without a lowering is reported
    at its location (the ONNX node) and the pass fails.
  }];
  let options = [
    Option<"copySlices", "copy-slices", "bool", /*default=*/"false",
           "Gathers of whole slices (rows of a table, an expert's matrix per "
           "token) as a loop of contiguous slice copies (the CPU's choice: "
           "on a GPU each copy would be a transfer)">,
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

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
    `linalg.transpose`. A dynamic dimension that meets another dynamic one in
    a broadcast is assumed equal to it unless both trace to the same source;
    a `cf.assert` checks that at run time. An op without a lowering is
    reported at its location (the ONNX node) and the pass fails.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // XFC_CONVERSION_PASSES_TD

//===- Passes.td - passes over the xf dialect ------------------------------===//

#ifndef XFC_DIALECT_XF_TRANSFORMS_PASSES_TD
#define XFC_DIALECT_XF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferShapesPass : Pass<"xf-infer-shapes", "func::FuncOp"> {
  let summary = "Refine xf result types from their operands, folding as it goes";
  let description = [{
    Visits the function's xf ops in order and replaces each result type with
    the most static type that agrees with both the current type and the type
    the op infers from its operands (constant shape operands included), then
    folds the op if it can. One sweep thus carries static shapes through
    shape arithmetic that only folds once its inputs are static. The
    function's result types are updated to what it returns. Dynamic
    dimensions that nothing determines stay dynamic.
  }];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def VerifyGraphLevelPass : Pass<"xf-verify-graph-level", "ModuleOp"> {
  let summary = "Check that a module holds only what the graph level allows";
  let description = [{
    The contract at the end of import: only `func`, `builtin` and xf ops,
    every function argument and result a ranked tensor. Reports each
    offending op at its location (the ONNX node that produced it).
  }];
}

#endif // XFC_DIALECT_XF_TRANSFORMS_PASSES_TD

//===- XFInterfaces.td - interfaces shared by xf ops -----------------------===//

#ifndef XFC_DIALECT_XF_IR_XFINTERFACES_TD
#define XFC_DIALECT_XF_IR_XFINTERFACES_TD

include "mlir/IR/OpBase.td"

def XF_ShapeInferenceOpInterface : OpInterface<"ShapeInferenceOpInterface"> {
  let cppNamespace = "::mlir::xf";
  let description = [{
    Computes an op's result types from its operand types, its attributes and
    any constant operands. Inferred types may hold dynamic dimensions where
    the operands do not determine a size.

    The interface's verifier runs the inference on every op: operands that
    contradict the op's rules are reported there, and a result type that
    contradicts the inferred one (a different rank, element type or static
    size) is an error. A result type that is more or less static than the
    inferred one is accepted, so importers may write types before shape
    inference has run; `xf-infer-shapes` refines them.
  }];
  let methods = [
    InterfaceMethod<
      [{Appends one inferred type per result to `inferred`. On operands the op
        does not accept, reports through `emitError` and returns failure.}],
      "::llvm::LogicalResult", "inferResultTypes",
      (ins "::llvm::SmallVectorImpl<::mlir::Type> &":$inferred,
           "::mlir::xf::ErrorEmitter":$emitError)>
  ];
  let verify = [{ return ::mlir::xf::verifyInferredResultTypes($_op); }];
}

#endif // XFC_DIALECT_XF_IR_XFINTERFACES_TD

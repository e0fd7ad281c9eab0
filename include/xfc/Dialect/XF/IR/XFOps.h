//===- XFOps.h - the ops of the xf dialect ----------------------*- C++ -*-===//

#ifndef XFC_DIALECT_XF_IR_XFOPS_H
#define XFC_DIALECT_XF_IR_XFOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Dialect/XF/IR/XFInterfaces.h"

#define GET_OP_CLASSES
#include "xfc/Dialect/XF/IR/XFOps.h.inc"

namespace mlir::xf {

/// Creates an xf op whose result types are the ones it infers from its
/// operands and attributes. `elementType` gives the result element type
/// where the operands do not imply it (Cast, QuantizeLinear). When the
/// operands break the op's rules, reports through `emitError` (or at `loc`)
/// and creates nothing.
FailureOr<Operation *> createInferred(OpBuilder &b, Location loc,
                                      StringRef opName, ValueRange operands,
                                      ArrayRef<NamedAttribute> attributes = {},
                                      unsigned numResults = 1,
                                      Type elementType = {});

/// The same, for ops with one result.
template <typename OpTy>
FailureOr<Value> createInferred(OpBuilder &b, Location loc, ValueRange operands,
                                ArrayRef<NamedAttribute> attributes = {},
                                Type elementType = {}) {
  FailureOr<Operation *> op = createInferred(
      b, loc, OpTy::getOperationName(), operands, attributes, 1, elementType);
  if (failed(op))
    return failure();
  return (*op)->getResult(0);
}

/// `op` as routing, a counting sort of its assignments by expert, one gated
/// MLP per expert over its rows and a weighted combination (xf.moe's
/// decomposition), each expert's rows padded to a multiple of
/// `rowMultiple` (1: none) so that its products run whole row blocks.
FailureOr<SmallVector<Value>> dispatchMoe(OpBuilder &b, MoeOp op,
                                          int64_t rowMultiple);

} // namespace mlir::xf

#endif // XFC_DIALECT_XF_IR_XFOPS_H

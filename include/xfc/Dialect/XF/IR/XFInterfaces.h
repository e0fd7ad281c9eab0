//===- XFInterfaces.h - interfaces of xf ops --------------------*- C++ -*-===//

#ifndef XFC_DIALECT_XF_IR_XFINTERFACES_H
#define XFC_DIALECT_XF_IR_XFINTERFACES_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::xf {

/// Starts an error diagnostic on the op being inferred or verified.
using ErrorEmitter = llvm::function_ref<InFlightDiagnostic()>;

/// Verifies an op's result types against the types it infers: ranks, element
/// types and static sizes must agree; a dynamic size agrees with any size.
LogicalResult verifyInferredResultTypes(Operation *op);

} // namespace mlir::xf

#include "xfc/Dialect/XF/IR/XFInterfaces.h.inc"

#endif // XFC_DIALECT_XF_IR_XFINTERFACES_H

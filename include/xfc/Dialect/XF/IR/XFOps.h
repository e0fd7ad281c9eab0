//===- XFOps.h - the ops of the xf dialect ----------------------*- C++ -*-===//

#ifndef XFC_DIALECT_XF_IR_XFOPS_H
#define XFC_DIALECT_XF_IR_XFOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Dialect/XF/IR/XFInterfaces.h"

#define GET_OP_CLASSES
#include "xfc/Dialect/XF/IR/XFOps.h.inc"

#endif // XFC_DIALECT_XF_IR_XFOPS_H

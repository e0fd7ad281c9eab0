//===- XFDialect.h - the xf dialect and its attributes ----------*- C++ -*-===//

#ifndef XFC_DIALECT_XF_IR_XFDIALECT_H
#define XFC_DIALECT_XF_IR_XFDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "xfc/Dialect/XF/IR/XFDialect.h.inc"
#include "xfc/Dialect/XF/IR/XFEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "xfc/Dialect/XF/IR/XFAttrs.h.inc"

#endif // XFC_DIALECT_XF_IR_XFDIALECT_H

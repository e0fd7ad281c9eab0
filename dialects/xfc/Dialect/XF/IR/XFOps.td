//===- XFOps.td - all xf ops, for TableGen's op and doc generators --------===//

#ifndef XFC_DIALECT_XF_IR_XFOPS_TD
#define XFC_DIALECT_XF_IR_XFOPS_TD

include "xfc/Dialect/XF/IR/XFGraphOps.td"
include "xfc/Dialect/XF/IR/XFTransformerOps.td"

#endif // XFC_DIALECT_XF_IR_XFOPS_TD

//===- Passes.h - passes over the xf dialect --------------------*- C++ -*-===//

#ifndef XFC_DIALECT_XF_TRANSFORMS_PASSES_H
#define XFC_DIALECT_XF_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"

namespace mlir::xf {

#define GEN_PASS_DECL
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"

} // namespace mlir::xf

#endif // XFC_DIALECT_XF_TRANSFORMS_PASSES_H

//===- FusionReport.h - what raising formed and what it left ----*- C++ -*-===//

#ifndef XFC_DIALECT_XF_TRANSFORMS_FUSIONREPORT_H
#define XFC_DIALECT_XF_TRANSFORMS_FUSIONREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xf {

/// What raising formed in `module` (transformer ops by kind) and, for each
/// softmax that is not part of an xf.attention and each product by weights
/// outside an xf.linear, why: xfc --report=fusion.
void printFusionReport(ModuleOp module, llvm::raw_ostream &os);

} // namespace mlir::xf

#endif // XFC_DIALECT_XF_TRANSFORMS_FUSIONREPORT_H

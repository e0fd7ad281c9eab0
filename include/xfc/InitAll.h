//===- InitAll.h - register everything xfc's tools offer --------*- C++ -*-===//

#ifndef XFC_INITALL_H
#define XFC_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::xf {

/// The xf dialect and the upstream dialects (with their interface
/// extensions) that xfc's pipelines produce.
void registerAllDialects(DialectRegistry &registry);

/// Every xf pass and pipeline, and upstream's passes.
void registerAllPasses();

} // namespace mlir::xf

#endif // XFC_INITALL_H

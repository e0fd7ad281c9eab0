//===- ModelDiagnostics.h - diagnostics that name model nodes ---*- C++ -*-===//

#ifndef XFC_SUPPORT_MODELDIAGNOSTICS_H
#define XFC_SUPPORT_MODELDIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xf {

/// Prints diagnostics located in a model file (not in MLIR text) the way a
/// user can act on them:
///
///   model.onnx: node 'attn/MatMul' (MatMul): error: contraction dimensions ...
///
/// Importers locate ops at `NameLoc(node, NameLoc(opType, file:0:0))` and
/// tensors at `NameLoc(tensor, file:0:0)`. Diagnostics at other locations go
/// to the handlers registered before this one.
class ModelDiagnosticHandler : public ScopedDiagnosticHandler {
public:
  ModelDiagnosticHandler(MLIRContext *context, llvm::raw_ostream &os);
};

/// The location importers give to what comes from `node` of `opType`.
Location getModelNodeLoc(MLIRContext *context, StringRef file, StringRef node,
                         StringRef opType);

/// The location of a named tensor of the model (an initializer).
Location getModelTensorLoc(MLIRContext *context, StringRef file,
                           StringRef tensor);

/// The location of the model file itself.
Location getModelFileLoc(MLIRContext *context, StringRef file);

/// "file: node 'n' (Op)", "file: 'tensor'" or "file"; empty when `loc` is
/// not a model location.
std::string describeModelLocation(Location loc);

} // namespace mlir::xf

#endif // XFC_SUPPORT_MODELDIAGNOSTICS_H

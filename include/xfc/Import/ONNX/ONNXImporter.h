//===- ONNXImporter.h - ONNX models into the xf dialect ---------*- C++ -*-===//

#ifndef XFC_IMPORT_ONNX_ONNXIMPORTER_H
#define XFC_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xf {

struct ONNXImportOptions {
  /// Input shapes pinned by the user (`--shape input_ids=2x16`), replacing
  /// the model's symbolic dimensions.
  llvm::StringMap<SmallVector<int64_t>> pinnedShapes;
};

/// The first and last opset of the default ONNX domain xfc imports.
constexpr int64_t kMinONNXOpset = 13;
constexpr int64_t kMaxONNXOpset = 23;

/// Reads the ONNX model at `path` (external data resolved beside it) into a
/// module holding one function, `main`, of xf graph ops. Every problem is
/// reported as a diagnostic naming the node or tensor; returns null then.
OwningOpRef<ModuleOp> importONNXModel(StringRef path, MLIRContext *context,
                                      const ONNXImportOptions &options);

/// The same for a model already in memory (serialized protobuf): `name`
/// names it in diagnostics, external data is read from `externalDataDir`.
OwningOpRef<ModuleOp>
importONNXModelFromBytes(StringRef bytes, StringRef name,
                         StringRef externalDataDir, MLIRContext *context,
                         const ONNXImportOptions &options);

/// Parses `NAME=2x16` into `options`; a message on malformed input.
LogicalResult parsePinnedShape(StringRef text, ONNXImportOptions &options,
                               std::string &message);

/// Writes the importer's op table as a Markdown document.
void printSupportedOps(llvm::raw_ostream &os);

} // namespace mlir::xf

#endif // XFC_IMPORT_ONNX_ONNXIMPORTER_H

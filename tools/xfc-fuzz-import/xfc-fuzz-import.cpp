//===- xfc-fuzz-import.cpp - libFuzzer target for the ONNX importer -------===//
//
// Feeds arbitrary bytes to the ONNX importer as a serialized model. The
// importer may reject them (every diagnostic is swallowed) but must never
// crash, hang or leak. External data resolves in a folder that does not
// exist, so no input reads files from the machine.
//
//===----------------------------------------------------------------------===//

#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Import/ONNX/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: a crash then reproduces from its input alone.
  mlir::DialectRegistry registry;
  registry.insert<mlir::xf::XFDialect, mlir::func::FuncDialect>();
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::xf::ONNXImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::xf::importONNXModelFromBytes(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      "/nonexistent/xfc-fuzz-import", &context, options);
  return 0;
}

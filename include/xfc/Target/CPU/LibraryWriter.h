//===- LibraryWriter.h - model.so and model.h from compiled code -*- C++
//-*-===//

#ifndef XFC_TARGET_CPU_LIBRARYWRITER_H
#define XFC_TARGET_CPU_LIBRARYWRITER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include <string>

namespace mlir::xf {

/// One input or output as the library's C interface describes it.
struct TensorSignature {
  std::string name;
  int dtype; // ONNX data type code (xfc_dtype)
  unsigned elementBytes;
  SmallVector<int64_t> dims;         // -1: symbolic
  SmallVector<std::string> dimNames; // "" when unnamed
};

struct ModelSignature {
  SmallVector<TensorSignature> inputs, outputs;
};

/// The signature of a graph function (its xf.name and xf.dims attributes);
/// reports at the function when a type has no C interface.
FailureOr<ModelSignature> getModelSignature(func::FuncOp function);

/// The symbol the compiled model function has in a library.
constexpr llvm::StringLiteral kModelSymbol = "xfc_model";

/// Links `objectPath` (the compiled model, its entry `kModelSymbol` with a C
/// interface) with the generated tables and the runtime into the shared
/// library `outputPath`, and writes the C header beside it. `toolsDir` is
/// the directory of the xfc executable (the runtime is found from it).
LogicalResult writeSharedLibrary(const ModelSignature &signature,
                                 StringRef objectPath, StringRef outputPath,
                                 StringRef toolsDir, std::string &error);

} // namespace mlir::xf

#endif // XFC_TARGET_CPU_LIBRARYWRITER_H

//===- LibraryWriter.h - model.so and model.h from code ---------*- C++ -*-===//
//-*-===//

#ifndef XFC_TARGET_LIBRARY_LIBRARYWRITER_H
#define XFC_TARGET_LIBRARY_LIBRARYWRITER_H

#include "xfc/Target/CPU/CPUTarget.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
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

/// A weight moved out of the IR into a file, for the weights file.
struct WeightBlob {
  std::string symbol;
  std::string path;
  size_t bytes;
};

/// Moves the data of the module's large constant globals (LLVM dialect)
/// into files in `directory`, leaving external declarations: LLVM then
/// never sees the weights, which keeps compile time independent of model
/// size. The library's weights file gets them (see writeSharedLibrary).
FailureOr<SmallVector<WeightBlob>>
externalizeWeights(ModuleOp module, StringRef directory, std::string &error);

/// Where a library keeps its weights file, which a session maps when it is
/// created; either way the module reads the weights through the table
/// (readWeightsThroughTable).
enum class WeightStorage {
  /// Inside the library: a section appended to it after linking.
  Embedded,
  /// In NAME.weights beside NAME.so.
  External
};

/// A weight the device reads (CUDA): the runtime uploads it when the
/// library's first session is created, from entry `fileIndex` of the
/// weights file or, for a constant too small for it, from the library's
/// data (`hostSymbol`).
struct DeviceWeight {
  std::string hostSymbol;
  int fileIndex = -1;
  size_t bytes = 0;
};

/// What a library runs on: the CPU its code was compiled for (sessions
/// refuse a CPU without its instruction set extensions), and maybe CUDA
/// kernels whose weights are `deviceWeights`.
struct LibraryTarget {
  CPUTargetOptions cpu;
  bool cuda = false;
  SmallVector<DeviceWeight> deviceWeights;
  /// The prefix of the library's C functions (`xfc`: xfc_run, ...); a C
  /// identifier.
  std::string cPrefix = "xfc";
};

/// The symbol the compiled model function has in a library.
constexpr llvm::StringLiteral kModelSymbol = "xfc_model";

/// Links `objectPath` (the compiled model, its entry `kModelSymbol` with a C
/// interface) with the generated tables and the runtime into the shared
/// library `outputPath`, and writes the C header beside it and the weights
/// file where `storage` says. The library exports its C functions
/// only (under `target.cPrefix`), and its SONAME is its file name. `toolsDir`
/// is the directory of the xfc executable (the runtime is found from it); a
/// CUDA library links the CUDA runtime.
LogicalResult
writeSharedLibrary(const ModelSignature &signature, StringRef objectPath,
                   ArrayRef<WeightBlob> weights, WeightStorage storage,
                   const LibraryTarget &target, StringRef outputPath,
                   StringRef toolsDir, std::string &error);

} // namespace mlir::xf

#endif // XFC_TARGET_LIBRARY_LIBRARYWRITER_H

//===- WeightFile.h - weights kept in a file beside the library -*- C++ -*-===//

#ifndef XFC_TARGET_CPU_WEIGHTFILE_H
#define XFC_TARGET_CPU_WEIGHTFILE_H

#include "xfc/Target/CPU/LibraryWriter.h"

namespace mlir::xf {

/// The symbol of the table through which compiled code finds external
/// weights: an array of pointers, entry i for weights[i], that the runtime
/// fills when a session is created.
constexpr llvm::StringLiteral kWeightTableSymbol = "xfc__weights";

/// Makes the module read each of `weights` (the declarations
/// externalizeWeights left) through the table instead of by its symbol,
/// and removes the declarations. Fails if a weight's symbol is used other
/// than by taking its address.
LogicalResult readWeightsThroughTable(ModuleOp module,
                                      ArrayRef<WeightBlob> weights,
                                      std::string &error);

/// Writes `weights` to `path` in the format of xfc/Runtime/weights_file.h
/// and returns the file's id.
FailureOr<uint64_t> writeWeightFile(ArrayRef<WeightBlob> weights,
                                    StringRef path, std::string &error);

} // namespace mlir::xf

#endif // XFC_TARGET_CPU_WEIGHTFILE_H

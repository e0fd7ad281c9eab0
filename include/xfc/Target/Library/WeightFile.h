//===- WeightFile.h - the weights file of a library ---------*- C++ -*-===//

#ifndef XFC_TARGET_LIBRARY_WEIGHTFILE_H
#define XFC_TARGET_LIBRARY_WEIGHTFILE_H

#include "xfc/Target/Library/LibraryWriter.h"

namespace mlir::xf {

/// The symbol of the table through which compiled code finds external
/// weights: an array of pointers, entry i for weights[i], that the runtime
/// fills when a session is created.
constexpr llvm::StringLiteral kWeightTableSymbol = "xfc__weights";

/// Makes the module read each global of `symbols` through `table` (an
/// array of pointers, entry i for symbols[i], that the runtime fills)
/// instead of by its symbol, and removes the globals. Fails if one is used
/// other than by taking its address.
LogicalResult readThroughTable(ModuleOp module, ArrayRef<std::string> symbols,
                               StringRef table, std::string &error);

/// readThroughTable for the weights of the weights file.
LogicalResult readWeightsThroughTable(ModuleOp module,
                                      ArrayRef<WeightBlob> weights,
                                      std::string &error);

/// Writes `weights` to `path` in the format of xfc/Runtime/weights_file.h
/// and returns the file's id.
FailureOr<uint64_t> writeWeightFile(ArrayRef<WeightBlob> weights,
                                    StringRef path, std::string &error);

/// Appends the weights file `weightsFile` to the linked shared library
/// `library` as its section XFC_WEIGHTS_SECTION, which no program header
/// loads: the runtime maps it from the library's file.
LogicalResult appendWeightsSection(StringRef library, StringRef weightsFile,
                                   std::string &error);

} // namespace mlir::xf

#endif // XFC_TARGET_LIBRARY_WEIGHTFILE_H

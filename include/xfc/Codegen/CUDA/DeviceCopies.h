//===- DeviceCopies.h - how a global's device copy is named -----*- C++ -*-===//
//
// On the CUDA target, device code reads a constant global NAME through the
// declaration NAME__device, which the library's runtime fills by uploading
// NAME. The passes that make and read these declarations and the library
// writer that binds them share this one convention.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_CODEGEN_CUDA_DEVICECOPIES_H
#define XFC_CODEGEN_CUDA_DEVICECOPIES_H

#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace mlir::xf {

constexpr llvm::StringLiteral kDeviceCopySuffix = "__device";

/// The name of the device copy of global `name`.
inline std::string getDeviceCopyName(llvm::StringRef name) {
  return (name + kDeviceCopySuffix).str();
}

/// The global whose device copy `name` is, if it names one.
inline std::optional<llvm::StringRef>
getDeviceCopySource(llvm::StringRef name) {
  if (!name.ends_with(kDeviceCopySuffix))
    return std::nullopt;
  return name.drop_back(kDeviceCopySuffix.size());
}

} // namespace mlir::xf

#endif // XFC_CODEGEN_CUDA_DEVICECOPIES_H

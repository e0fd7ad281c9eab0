//===- DeviceCopies.h - which global a device copy holds --------*- C++ -*-===//
//
// On the CUDA target, device code reads a constant global through the
// declaration of its device copy, which the library's runtime fills by
// uploading the global. The declaration names the global it copies in
// `xf.device_copy_of`: the passes that make and read device copies and the
// library writer that binds them go by that attribute, never by a name.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_CODEGEN_CUDA_DEVICECOPIES_H
#define XFC_CODEGEN_CUDA_DEVICECOPIES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir {
class SymbolTable;
namespace memref {
class GlobalOp;
} // namespace memref

namespace xf {

/// The global whose device copy `declaration` is; null if it is none.
inline FlatSymbolRefAttr getDeviceCopySource(Operation *declaration) {
  return declaration->getAttrOfType<FlatSymbolRefAttr>(
      XFDialect::kDeviceCopyOfAttrName);
}

/// The device copies of a module's globals, made once each.
class DeviceCopies {
public:
  /// Knows the device copies `symbols`' module already declares.
  explicit DeviceCopies(SymbolTable &symbols);

  /// The declaration of `global`'s device copy: the one the module has,
  /// else a new one right after `global` (named after it, made unique).
  memref::GlobalOp getOrCreate(memref::GlobalOp global);

private:
  SymbolTable &symbols;
  llvm::DenseMap<StringAttr, Operation *> copyOf;
};

} // namespace xf
} // namespace mlir

#endif // XFC_CODEGEN_CUDA_DEVICECOPIES_H

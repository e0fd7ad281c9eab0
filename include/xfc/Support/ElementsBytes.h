//===- ElementsBytes.h - the raw bytes behind constants, read and made ----===//

#ifndef XFC_SUPPORT_ELEMENTSBYTES_H
#define XFC_SUPPORT_ELEMENTSBYTES_H

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "xfc/Support/WeightBlobs.h"
#include "llvm/ADT/StringMap.h"
#include <optional>

namespace mlir::xf {

/// The bytes of a dense constant (not a splat) or of a resource blob, laid
/// out row-major; nullopt for anything else or a blob that was released.
inline std::optional<ArrayRef<char>> getElementsBytes(Attribute value) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.isSplat() ? std::nullopt
                           : std::optional<ArrayRef<char>>(dense.getRawData());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

/// A resource constant of `type` named `derived` (a suffix) after the
/// constant `from` it is computed from, its bytes written by `fill`.
inline DenseResourceElementsAttr
deriveResource(Attribute from, ShapedType type, StringRef derived,
               function_ref<void(char *)> fill) {
  std::string name = "weight";
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(from))
    name = resource.getRawHandle().getKey().str();
  size_t bytes = type.getNumElements() * type.getElementTypeBitWidth() / 8;
  return DenseResourceElementsAttr::get(
      type, name + derived.str(),
      allocateBlob(bytes, alignof(std::max_align_t), fill));
}

/// Who refers to which resource blob under an op, so that a pass replacing
/// weights by derived copies (packed, transposed) frees each original as
/// soon as the last reference goes: a model's weights are not held twice.
class ResourceReferences {
public:
  /// Counts the references to every resource under `root`.
  explicit ResourceReferences(Operation *root);

  /// One reference to `resource` is gone (its op was erased): when it was
  /// the last, the blob's bytes are freed (it stays registered, empty).
  void drop(DenseResourceElementsAttr resource);

private:
  llvm::StringMap<unsigned> counts;
};

} // namespace mlir::xf

#endif // XFC_SUPPORT_ELEMENTSBYTES_H

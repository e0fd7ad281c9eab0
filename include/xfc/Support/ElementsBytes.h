//===- ElementsBytes.h - the raw bytes behind constants, read and made ----===//

#ifndef XFC_SUPPORT_ELEMENTSBYTES_H
#define XFC_SUPPORT_ELEMENTSBYTES_H

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
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
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocate(bytes, alignof(std::max_align_t));
  fill(blob.getMutableData().data());
  return DenseResourceElementsAttr::get(type, name + derived.str(),
                                        std::move(blob));
}

/// Frees the bytes of those of `resources` that no attribute under `root`
/// refers to any more (weights a pass replaced by derived copies: packed,
/// transposed), so a model's weights are not held twice until the compile
/// ends. Their blobs stay registered, empty.
void releaseUnusedResources(Operation *root,
                            ArrayRef<DenseResourceElementsAttr> resources);

} // namespace mlir::xf

#endif // XFC_SUPPORT_ELEMENTSBYTES_H

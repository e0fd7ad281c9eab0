//===- ElementsBytes.h - the raw bytes behind a constant ------------------===//

#ifndef XFC_SUPPORT_ELEMENTSBYTES_H
#define XFC_SUPPORT_ELEMENTSBYTES_H

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

} // namespace mlir::xf

#endif // XFC_SUPPORT_ELEMENTSBYTES_H

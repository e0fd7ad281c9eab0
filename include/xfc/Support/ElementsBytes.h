//===- ElementsBytes.h - the raw bytes behind constants, read and made ----===//

#ifndef XFC_SUPPORT_ELEMENTSBYTES_H
#define XFC_SUPPORT_ELEMENTSBYTES_H

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "xfc/Support/WeightBlobs.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include <cstring>
#include <optional>
#include <vector>

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

/// The values of an f32 constant (not a splat) or resource blob, in place;
/// nullopt for anything else.
inline std::optional<ArrayRef<float>> getF32Elements(ElementsAttr attr) {
  if (!attr.getElementType().isF32())
    return std::nullopt;
  std::optional<ArrayRef<char>> bytes = getElementsBytes(attr);
  if (!bytes)
    return std::nullopt;
  return ArrayRef<float>(reinterpret_cast<const float *>(bytes->data()),
                         attr.getNumElements());
}

/// The float values of a constant of f32, f16 or bf16 elements.
inline std::optional<std::vector<float>> getFloats(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  Type element = type.getElementType();
  if (!isa<Float32Type, Float16Type, BFloat16Type>(element))
    return std::nullopt;
  std::vector<float> values;
  values.reserve(type.getNumElements());
  auto toFloat = [](APFloat v) {
    bool lost;
    v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    return v.convertToFloat();
  };
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (APFloat v : dense.getValues<APFloat>())
      values.push_back(toFloat(v));
    return values;
  }
  std::optional<ArrayRef<char>> bytes = getElementsBytes(attr);
  if (!bytes)
    return std::nullopt;
  unsigned width = element.getIntOrFloatBitWidth();
  const auto &semantics = cast<FloatType>(element).getFloatSemantics();
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    uint32_t raw = 0;
    std::memcpy(&raw, bytes->data() + i * width / 8, width / 8);
    values.push_back(toFloat(APFloat(semantics, APInt(width, raw))));
  }
  return values;
}

/// The integer values of a constant of at most 8-bit elements, as written
/// (signed or not per the xf type).
inline std::optional<std::vector<int32_t>> getSmallIntegers(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  auto element = dyn_cast<IntegerType>(type.getElementType());
  if (!element || element.getWidth() > 8)
    return std::nullopt;
  std::vector<int32_t> values(type.getNumElements());
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (dense && dense.isSplat()) {
    APInt v = dense.getSplatValue<APInt>();
    llvm::fill(values,
               element.isUnsigned() ? v.getZExtValue() : v.getSExtValue());
    return values;
  }
  std::optional<ArrayRef<char>> bytes = getElementsBytes(attr);
  if (!bytes || static_cast<int64_t>(bytes->size()) != type.getNumElements())
    return std::nullopt;
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = element.isUnsigned() ? static_cast<uint8_t>((*bytes)[i])
                                     : static_cast<int8_t>((*bytes)[i]);
  return values;
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

//===- ShapeUtils.cpp - dynamic-aware shape arithmetic --------------------===//

#include "xfc/Dialect/XF/IR/ShapeUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::xf {

bool areCompatibleDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

int64_t joinDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? b : a;
}

std::optional<SmallVector<int64_t>>
broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // A static size other than 1 decides the dimension; otherwise any
    // dynamic size leaves it unknown (it may be 1 or the broadcast size).
    int64_t decided = 1;
    bool anyDynamic = false;
    for (ArrayRef<int64_t> shape : shapes) {
      if (i >= shape.size())
        continue;
      int64_t dim = shape[shape.size() - 1 - i];
      if (ShapedType::isDynamic(dim)) {
        anyDynamic = true;
      } else if (dim != 1) {
        if (decided != 1 && decided != dim)
          return std::nullopt;
        decided = dim;
      }
    }
    result[rank - 1 - i] =
        decided == 1 && anyDynamic ? ShapedType::kDynamic : decided;
  }
  return result;
}

bool isUnidirectionalBroadcastable(ArrayRef<int64_t> from,
                                   ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t offset = to.size() - from.size();
  for (auto [i, dim] : llvm::enumerate(from))
    if (dim != 1 && !areCompatibleDims(dim, to[offset + i]))
      return false;
  return true;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

std::optional<SmallVector<int64_t>> normalizeAxes(ArrayRef<int64_t> axes,
                                                  int64_t rank) {
  SmallVector<int64_t> result;
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t axis : axes) {
    std::optional<int64_t> normalized = normalizeAxis(axis, rank);
    if (!normalized || !seen.insert(*normalized).second)
      return std::nullopt;
    result.push_back(*normalized);
  }
  return result;
}

int64_t productOfDims(ArrayRef<int64_t> dims) {
  int64_t product = 1;
  bool overflowed = false;
  for (int64_t dim : dims) {
    if (ShapedType::isDynamic(dim))
      return ShapedType::kDynamic;
    overflowed |= llvm::MulOverflow(product, dim, product);
  }
  return overflowed ? std::numeric_limits<int64_t>::max() : product;
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape, os,
      [&](int64_t dim) {
        if (ShapedType::isDynamic(dim))
          os << '?';
        else
          os << dim;
      },
      "x");
  return text;
}

std::string checkTensorShape(ArrayRef<int64_t> shape, Type element) {
  int64_t elementBytes =
      element.isIntOrFloat()
          ? std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8)
          : 8;
  // Counted in bytes so that no product can overflow before the limit.
  int64_t bytes = elementBytes;
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (ShapedType::isDynamic(dim))
      continue;
    if (dim < 0)
      return "has dimension " + std::to_string(i) + " of negative size " +
             std::to_string(dim);
    if (llvm::MulOverflow(bytes, std::max<int64_t>(dim, 1), bytes) ||
        bytes > kMaxTensorBytes)
      return "has shape " + formatShape(shape) + " of " +
             std::to_string(elementBytes) + "-byte elements, more than the " +
             std::to_string(kMaxTensorBytes) + " bytes xfc allows";
  }
  return "";
}

RankedTensorType joinTypes(RankedTensorType a, RankedTensorType b) {
  if (a.getRank() != b.getRank() || a.getElementType() != b.getElementType())
    return {};
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip_equal(a.getShape(), b.getShape())) {
    if (!areCompatibleDims(x, y))
      return {};
    shape.push_back(joinDims(x, y));
  }
  return RankedTensorType::get(shape, a.getElementType(), a.getEncoding());
}

std::optional<SmallVector<int64_t>> getConstantIntValues(Value value) {
  DenseIntElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const APInt &element : attr.getValues<APInt>())
    values.push_back(element.getBitWidth() == 1 ? element.getZExtValue()
                                                : element.getSExtValue());
  return values;
}

std::optional<int64_t> getStaticVectorLength(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() != 1 || type.isDynamicDim(0))
    return std::nullopt;
  return type.getDimSize(0);
}

} // namespace mlir::xf

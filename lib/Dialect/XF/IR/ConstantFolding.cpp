//===- ConstantFolding.cpp - evaluating xf ops on small constants ---------===//

#include "ConstantFolding.h"

#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir::xf {

DenseElementsAttr getFoldableConstant(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || dense.getNumElements() > kMaxFoldedElements)
    return {};
  return dense;
}

bool isFoldableResultType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() &&
         tensor.getNumElements() <= kMaxFoldedElements;
}

SmallVector<int64_t> computeStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

SmallVector<int64_t> delinearize(int64_t position, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> index(shape.size());
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    index[i] = position % shape[i];
    position /= shape[i];
  }
  return index;
}

Attribute foldElementwise(ArrayRef<Attribute> operands, Type resultType,
                          ElementFn fn) {
  if (!isFoldableResultType(resultType))
    return {};
  auto result = cast<RankedTensorType>(resultType);
  SmallVector<DenseElementsAttr> inputs;
  SmallVector<SmallVector<Attribute>> values;
  SmallVector<SmallVector<int64_t>> strides;
  for (Attribute operand : operands) {
    DenseElementsAttr dense = getFoldableConstant(operand);
    if (!dense || !dense.getType().hasStaticShape())
      return {};
    inputs.push_back(dense);
    values.emplace_back(dense.getValues<Attribute>());
    strides.push_back(computeStrides(dense.getType().getShape()));
  }
  SmallVector<Attribute> elements;
  SmallVector<Attribute> args(inputs.size());
  for (int64_t position = 0; position < result.getNumElements(); ++position) {
    SmallVector<int64_t> index = delinearize(position, result.getShape());
    for (auto [k, input] : llvm::enumerate(inputs)) {
      ArrayRef<int64_t> shape = input.getType().getShape();
      // Broadcasting aligns shapes from the right; size-1 dims repeat.
      int64_t offset = index.size() - shape.size(), linear = 0;
      for (auto [d, size] : llvm::enumerate(shape))
        linear += (size == 1 ? 0 : index[offset + d]) * strides[k][d];
      args[k] = values[k][linear];
    }
    Attribute element = fn(args, result.getElementType());
    if (!element)
      return {};
    elements.push_back(element);
  }
  return DenseElementsAttr::get(result, elements);
}

Attribute foldReshape(Attribute input, Type resultType) {
  // A weight blob keeps its bytes: the same handle under the new shape, at
  // any size (a reshape does not move row-major data).
  auto result = dyn_cast<RankedTensorType>(resultType);
  if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(input)) {
    if (!result || !result.hasStaticShape() ||
        result.getNumElements() != resource.getType().getNumElements() ||
        result.getElementType() != resource.getType().getElementType())
      return {};
    return DenseResourceElementsAttr::get(result, resource.getRawHandle());
  }
  DenseElementsAttr dense = getFoldableConstant(input);
  if (!dense || !isFoldableResultType(resultType))
    return {};
  if (result.getNumElements() != dense.getNumElements() ||
      result.getElementType() != dense.getElementType())
    return {};
  return dense.reshape(result);
}

} // namespace mlir::xf

//===- GeneratorOps.cpp - constants, ranges, Trilu and NonZero ------------===//

#include "ConstantFolding.h"
#include "ShapeFunctions.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

LogicalResult ConstantOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                           ErrorEmitter) {
  inferred.push_back(getValue().getType());
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult
ConstantOfShapeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                    ErrorEmitter emitError) {
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getNumElements() != 1)
    return emitError() << "value must have exactly one element";
  std::optional<int64_t> rank = getStaticVectorLength(getShape());
  if (!rank)
    return emitError() << "shape must be a rank-1 tensor of static length";
  SmallVector<int64_t> shape(*rank, ShapedType::kDynamic);
  if (std::optional<SmallVector<int64_t>> values =
          getConstantIntValues(getShape())) {
    if (llvm::any_of(*values, [](int64_t v) { return v < 0; }))
      return emitError() << "shape has a negative entry";
    shape = *values;
  }
  inferred.push_back(RankedTensorType::get(shape, valueType.getElementType()));
  return success();
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  auto value = dyn_cast<DenseElementsAttr>(getValue());
  if (!value || !getType().hasStaticShape())
    return {};
  return DenseElementsAttr::get(getType(), value.getValues<Attribute>()[0]);
}

LogicalResult RangeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                        ErrorEmitter emitError) {
  Type element = getStart().getType().getElementType();
  for (Value operand : getOperands()) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getRank() != 0 || type.getElementType() != element)
      return emitError() << "start, limit and delta must be scalars of one "
                            "element type";
  }
  int64_t count = ShapedType::kDynamic;
  std::optional<SmallVector<int64_t>> start = getConstantIntValues(getStart());
  std::optional<SmallVector<int64_t>> limit = getConstantIntValues(getLimit());
  std::optional<SmallVector<int64_t>> delta = getConstantIntValues(getDelta());
  if (start && limit && delta) {
    int64_t s = (*start)[0], l = (*limit)[0], d = (*delta)[0];
    if (d == 0)
      return emitError() << "delta must not be 0";
    // ceil((limit - start) / delta), at least 0.
    int64_t span = l - s;
    count = span / d + ((span % d != 0) && ((span > 0) == (d > 0)) ? 1 : 0);
    count = std::max<int64_t>(count, 0);
  }
  inferred.push_back(RankedTensorType::get({count}, element));
  return success();
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  if (!isFoldableResultType(getType()))
    return {};
  auto start = dyn_cast_or_null<DenseElementsAttr>(adaptor.getStart());
  auto delta = dyn_cast_or_null<DenseElementsAttr>(adaptor.getDelta());
  if (!start || !delta)
    return {};
  SmallVector<Attribute> elements;
  Type element = getType().getElementType();
  if (auto intType = dyn_cast<IntegerType>(element)) {
    APInt value = start.getValues<APInt>()[0],
          step = delta.getValues<APInt>()[0];
    for (int64_t i = 0; i < getType().getNumElements(); ++i, value += step)
      elements.push_back(IntegerAttr::get(element, value));
  } else {
    APFloat base = start.getValues<APFloat>()[0],
            step = delta.getValues<APFloat>()[0];
    for (int64_t i = 0; i < getType().getNumElements(); ++i) {
      // start + i * delta, as ONNX defines it (no accumulated rounding).
      APFloat index(base.getSemantics(), i);
      index.multiply(step, APFloat::rmNearestTiesToEven);
      index.add(base, APFloat::rmNearestTiesToEven);
      elements.push_back(FloatAttr::get(element, index));
    }
  }
  return DenseElementsAttr::get(getType(), elements);
}

LogicalResult TriluOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                        ErrorEmitter emitError) {
  if (getInput().getType().getRank() < 2)
    return emitError() << "input must have rank 2 or more";
  if (Value k = getK()) {
    auto type = cast<RankedTensorType>(k.getType());
    if (type.getRank() > 1 || (type.getRank() == 1 && type.getDimSize(0) != 1))
      return emitError() << "k must be a scalar";
  }
  inferred.push_back(getInput().getType());
  return success();
}

LogicalResult NonZeroOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                          ErrorEmitter) {
  inferred.push_back(RankedTensorType::get(
      {getInput().getType().getRank(), ShapedType::kDynamic},
      IntegerType::get(getContext(), 64)));
  return success();
}

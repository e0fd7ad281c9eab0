//===- IndexingOps.cpp - Gather, GatherElements, GatherND, ScatterND ------===//

#include "ConstantFolding.h"
#include "ShapeFunctions.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

LogicalResult GatherOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                         ErrorEmitter emitError) {
  RankedTensorType data = getData().getType();
  if (failed(checkAxis(getAxis(), data.getRank(), emitError)))
    return failure();
  int64_t axis = *normalizeAxis(getAxis(), data.getRank());
  // Constant indices past the axis are the model's error, found now.
  int64_t extent = data.getDimSize(axis);
  if (!ShapedType::isDynamic(extent))
    if (std::optional<SmallVector<int64_t>> indices =
            getConstantIntValues(getIndices()))
      for (int64_t index : *indices)
        if (index < -extent || index >= extent)
          return emitError()
                 << "index " << index << " is out of range for axis " << axis
                 << " of size " << extent;
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, getIndices().getType().getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  inferred.push_back(data.clone(shape));
  return success();
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  std::optional<SmallVector<int64_t>> indices =
      getConstantIntValues(getIndices());
  if (!indices || !isFoldableResultType(getType()))
    return {};
  RankedTensorType dataType = getData().getType();
  int64_t axis = *normalizeAxis(getAxis(), dataType.getRank());
  int64_t extent = dataType.getDimSize(axis);
  if (ShapedType::isDynamic(extent) || llvm::any_of(*indices, [&](int64_t i) {
        return i < -extent || i >= extent;
      }))
    return {};

  // Gathering from the shape of a tensor needs only that tensor's static
  // dimensions, even where others are symbolic.
  if (auto shapeOp = getData().getDefiningOp<ShapeOp>()) {
    if (dataType.getRank() != 1)
      return {};
    int64_t first = shapeOp.getDimRange().first;
    ArrayRef<int64_t> source = shapeOp.getData().getType().getShape();
    SmallVector<int64_t> dims;
    for (int64_t i : *indices) {
      int64_t dim = source[first + (i < 0 ? i + extent : i)];
      if (ShapedType::isDynamic(dim))
        return {};
      dims.push_back(dim);
    }
    return DenseElementsAttr::get(getType(), ArrayRef<int64_t>(dims));
  }

  DenseElementsAttr data = getFoldableConstant(adaptor.getData());
  if (!data)
    return {};
  SmallVector<Attribute> values(data.getValues<Attribute>());
  ArrayRef<int64_t> dataShape = dataType.getShape();
  int64_t outer = productOfDims(dataShape.take_front(axis));
  int64_t inner = productOfDims(dataShape.drop_front(axis + 1));
  SmallVector<Attribute> elements;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t index : *indices) {
      int64_t row = index < 0 ? index + extent : index;
      llvm::append_range(
          elements, ArrayRef(values).slice((o * extent + row) * inner, inner));
    }
  return DenseElementsAttr::get(getType(), elements);
}

LogicalResult
GatherElementsOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                   ErrorEmitter emitError) {
  RankedTensorType data = getData().getType();
  RankedTensorType indices = getIndices().getType();
  if (failed(checkAxis(getAxis(), data.getRank(), emitError)))
    return failure();
  if (indices.getRank() != data.getRank())
    return emitError() << "indices must have the rank of data";
  inferred.push_back(data.clone(indices.getShape()));
  return success();
}

/// The static length of the index tuples, checked against `data`.
static FailureOr<int64_t> getIndexTupleLength(RankedTensorType data,
                                              RankedTensorType indices,
                                              int64_t batchDims,
                                              ErrorEmitter emitError) {
  if (indices.getRank() < 1)
    return emitError() << "indices must have rank 1 or more";
  if (batchDims < 0 || batchDims >= std::min(data.getRank(), indices.getRank()))
    return emitError() << "batch_dims must be less than both ranks";
  int64_t tuple = indices.getShape().back();
  if (ShapedType::isDynamic(tuple))
    return emitError() << "the last dimension of indices must be static";
  if (tuple < 1 || tuple > data.getRank() - batchDims)
    return emitError() << "index tuples of length " << tuple
                       << " do not fit data of rank " << data.getRank();
  for (int64_t i = 0; i < batchDims; ++i)
    if (!areCompatibleDims(data.getDimSize(i), indices.getDimSize(i)))
      return emitError() << "batch dimension " << i
                         << " differs: " << data.getDimSize(i) << " and "
                         << indices.getDimSize(i);
  return tuple;
}

LogicalResult GatherNDOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                           ErrorEmitter emitError) {
  RankedTensorType data = getData().getType();
  RankedTensorType indices = getIndices().getType();
  FailureOr<int64_t> tuple =
      getIndexTupleLength(data, indices, getBatchDims(), emitError);
  if (failed(tuple))
    return failure();
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  llvm::append_range(shape,
                     data.getShape().drop_front(getBatchDims() + *tuple));
  inferred.push_back(data.clone(shape));
  return success();
}

LogicalResult ScatterNDOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                            ErrorEmitter emitError) {
  RankedTensorType data = getData().getType();
  RankedTensorType indices = getIndices().getType();
  RankedTensorType updates = getUpdates().getType();
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, getReduction()))
    return emitError() << "reduction must be none, add, mul, max or min";
  if (updates.getElementType() != data.getElementType())
    return emitError() << "updates must have the element type of data";
  FailureOr<int64_t> tuple = getIndexTupleLength(data, indices, 0, emitError);
  if (failed(tuple))
    return failure();
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, data.getShape().drop_front(*tuple));
  RankedTensorType expectedType = updates.clone(expected);
  if (!joinTypes(updates, expectedType))
    return emitError() << "updates of shape ["
                       << formatShape(updates.getShape())
                       << "] should have shape [" << formatShape(expected)
                       << "]";
  inferred.push_back(data);
  return success();
}

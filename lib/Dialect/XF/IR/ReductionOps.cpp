//===- ReductionOps.cpp - reductions, scans, TopK and normalization -------===//

#include "ShapeFunctions.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

LogicalResult mlir::xf::checkAxis(int64_t axis, int64_t rank,
                                  ErrorEmitter emitError) {
  if (normalizeAxis(axis, rank))
    return success();
  return emitError() << "axis " << axis << " is out of range for rank " << rank;
}

LogicalResult mlir::xf::checkNormParameter(RankedTensorType input, int64_t axis,
                                           Value parameter, StringRef name,
                                           ErrorEmitter emitError) {
  if (!parameter)
    return success();
  ArrayRef<int64_t> normalized =
      input.getShape().drop_front(*normalizeAxis(axis, input.getRank()));
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(parameter.getType()).getShape();
  if (isUnidirectionalBroadcastable(shape, normalized))
    return success();
  return emitError() << name << " of shape [" << formatShape(shape)
                     << "] does not broadcast to the normalized shape ["
                     << formatShape(normalized) << "]";
}

LogicalResult mlir::xf::inferReduceResultType(
    RankedTensorType input, std::optional<ArrayRef<int64_t>> axes,
    bool keepDims, bool noopWithEmptyAxes, SmallVectorImpl<Type> &inferred,
    ErrorEmitter emitError) {
  int64_t rank = input.getRank();
  SmallVector<int64_t> reduced;
  if (!axes || axes->empty()) {
    if (noopWithEmptyAxes) {
      inferred.push_back(input);
      return success();
    }
    reduced = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  } else {
    std::optional<SmallVector<int64_t>> normalized = normalizeAxes(*axes, rank);
    if (!normalized)
      return emitError() << "axes must be distinct and in range for rank "
                         << rank;
    reduced = *normalized;
  }
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(input.getShape())) {
    if (!llvm::is_contained(reduced, static_cast<int64_t>(i)))
      shape.push_back(dim);
    else if (keepDims)
      shape.push_back(1);
  }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult CumSumOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                         ErrorEmitter emitError) {
  if (failed(checkAxis(getAxis(), getInput().getType().getRank(), emitError)))
    return failure();
  inferred.push_back(getInput().getType());
  return success();
}

LogicalResult TopKOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                       ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType();
  if (failed(checkAxis(getAxis(), input.getRank(), emitError)))
    return failure();
  int64_t axis = *normalizeAxis(getAxis(), input.getRank());
  int64_t extent = input.getDimSize(axis);
  if (getK() < 0 || (!ShapedType::isDynamic(extent) && getK() > extent))
    return emitError() << "k = " << getK() << " is not in [0, " << extent
                       << "]";
  SmallVector<int64_t> shape(input.getShape());
  shape[axis] = getK();
  inferred.push_back(input.clone(shape));
  inferred.push_back(
      RankedTensorType::get(shape, IntegerType::get(getContext(), 64)));
  return success();
}

//===- QuantizationOps.cpp - quantize, dequantize, integer products -------===//

#include "ShapeFunctions.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

/// Checks scale and zero point against the quantized tensor's shape for the
/// per-tensor, per-axis and blocked forms.
static LogicalResult checkQuantParams(RankedTensorType data, Value scale,
                                      Value zeroPoint, int64_t axis,
                                      int64_t blockSize,
                                      ErrorEmitter emitError) {
  auto scaleType = cast<RankedTensorType>(scale.getType());
  if (zeroPoint) {
    auto zpType = cast<RankedTensorType>(zeroPoint.getType());
    if (!joinTypes(zpType, zpType.clone(scaleType.getShape())))
      return emitError() << "zero_point must have the shape of scale";
  }
  if (blockSize < 0)
    return emitError() << "block_size must not be negative";
  bool perTensor = scaleType.getRank() == 0 ||
                   (scaleType.getRank() == 1 && scaleType.getDimSize(0) == 1 &&
                    blockSize == 0);
  if (perTensor)
    return success();
  if (failed(checkAxis(axis, data.getRank(), emitError)))
    return failure();
  int64_t a = *normalizeAxis(axis, data.getRank());
  int64_t extent = data.getDimSize(a);
  if (blockSize == 0) {
    if (scaleType.getRank() != 1 ||
        !areCompatibleDims(scaleType.getDimSize(0), extent))
      return emitError() << "a per-axis scale must have shape [" << extent
                         << "]";
    return success();
  }
  SmallVector<int64_t> expected(data.getShape());
  expected[a] = ShapedType::isDynamic(extent)
                    ? ShapedType::kDynamic
                    : (extent + blockSize - 1) / blockSize;
  if (!joinTypes(scaleType, scaleType.clone(expected)))
    return emitError() << "a blocked scale must have shape ["
                       << formatShape(expected) << "], not ["
                       << formatShape(scaleType.getShape()) << "]";
  return success();
}

LogicalResult
DequantizeLinearOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                     ErrorEmitter emitError) {
  if (getZeroPoint() && getZeroPoint().getType().getElementType() !=
                            getInput().getType().getElementType())
    return emitError() << "zero_point must have the input's element type";
  if (failed(checkQuantParams(getInput().getType(), getScale(), getZeroPoint(),
                              getAxis(), getBlockSize(), emitError)))
    return failure();
  inferred.push_back(
      getInput().getType().clone(getScale().getType().getElementType()));
  return success();
}

LogicalResult
QuantizeLinearOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                   ErrorEmitter emitError) {
  if (failed(checkQuantParams(getInput().getType(), getScale(), getZeroPoint(),
                              getAxis(), getBlockSize(), emitError)))
    return failure();
  Type element = getZeroPoint() ? getZeroPoint().getType().getElementType()
                                : getType().getElementType();
  inferred.push_back(getInput().getType().clone(element));
  return success();
}

LogicalResult
DynamicQuantizeLinearOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                          ErrorEmitter) {
  Builder b(getContext());
  Type ui8 = IntegerType::get(getContext(), 8, IntegerType::Unsigned);
  inferred.push_back(getInput().getType().clone(ui8));
  inferred.push_back(RankedTensorType::get({}, b.getF32Type()));
  inferred.push_back(RankedTensorType::get({}, ui8));
  return success();
}

LogicalResult MatMulIntegerOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                                ErrorEmitter emitError) {
  RankedTensorType lhs = getLhs().getType(), rhs = getRhs().getType();
  if (getLhsZeroPoint().getType().getElementType() != lhs.getElementType() ||
      getRhsZeroPoint().getType().getElementType() != rhs.getElementType())
    return emitError() << "zero points must have their operand's element type";
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitError() << "operands must have rank 2 or more";
  int64_t k = lhs.getShape().back(), kB = rhs.getDimSize(rhs.getRank() - 2);
  if (!areCompatibleDims(k, kB))
    return emitError() << "contraction dimensions differ: " << k << " and "
                       << kB;
  std::optional<SmallVector<int64_t>> batch = broadcastShapes(
      {lhs.getShape().drop_back(2), rhs.getShape().drop_back(2)});
  if (!batch)
    return emitError() << "batch dimensions do not broadcast";
  SmallVector<int64_t> shape = *batch;
  shape.push_back(lhs.getDimSize(lhs.getRank() - 2));
  shape.push_back(rhs.getShape().back());
  inferred.push_back(
      RankedTensorType::get(shape, IntegerType::get(getContext(), 32)));
  return success();
}

LogicalResult
QuantizedWeightOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                    ErrorEmitter emitError) {
  int64_t bits = getBits(), group = getGroupSize(), k = getK();
  if (bits != 4 && bits != 8)
    return emitError() << "packs 4- or 8-bit values, not " << bits;
  if (k <= 0 || group <= 0)
    return emitError() << "needs a positive k and group_size";
  RankedTensorType packed = getPacked().getType(),
                   scales = getScales().getType();
  // Leading dimensions, when there are any, stack matrices (MoE experts).
  int64_t rank = packed.getRank();
  if (rank < 2 || scales.getRank() != rank)
    return emitError() << "packed and scales must be matrices, or stacks of "
                          "them of one rank";
  SmallVector<int64_t> stack(packed.getShape().drop_back(2));
  int64_t n = packed.getDimSize(rank - 2),
          rowBytes = packed.getDimSize(rank - 1);
  if (!ShapedType::isDynamic(rowBytes) && rowBytes * 8 / bits < k)
    return emitError() << "rows of " << rowBytes << " bytes hold fewer than "
                       << k << " " << bits << "-bit values";
  int64_t groups = (k + group - 1) / group;
  SmallVector<int64_t> scalesShape = stack;
  scalesShape.append({n, groups});
  if (!joinTypes(scales, scales.clone(scalesShape)))
    return emitError() << "scales must have shape [" << formatShape(scalesShape)
                       << "], not [" << formatShape(scales.getShape()) << "]";
  if (Value zp = getZeroPoints()) {
    auto zpType = cast<RankedTensorType>(zp.getType());
    if (zpType.getElementTypeBitWidth() > 8 ||
        !joinTypes(zpType, zpType.clone(scales.getShape())))
      return emitError() << "zero_points must be integers of at most 8 bits "
                            "with the shape of scales";
  }
  SmallVector<int64_t> shape = stack;
  shape.append({k, n});
  inferred.push_back(RankedTensorType::get(shape, scales.getElementType()));
  return success();
}

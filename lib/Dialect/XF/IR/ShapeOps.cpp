//===- ShapeOps.cpp - reshaping, slicing and the shape of a tensor --------===//
//
// These ops carry most of the shape arithmetic that exporters write, so
// their folders matter: with static shapes the whole Shape → Gather →
// Concat → Reshape chain folds to constants.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "ShapeFunctions.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

/// Fails unless `value` is a rank-1 tensor of static length; returns it.
static FailureOr<int64_t> getShapeOperandLength(Value value, StringRef name,
                                                ErrorEmitter emitError) {
  if (std::optional<int64_t> length = getStaticVectorLength(value))
    return *length;
  return emitError() << name << " must be a rank-1 tensor of static length";
}

/// True when two types of equal rank describe the same run-time shape: they
/// agree and at most one dimension is dynamic (the element count fixes it).
static bool isSameShapeReshape(RankedTensorType from, RankedTensorType to) {
  return from == to &&
         llvm::count_if(from.getShape(), ShapedType::isDynamic) <= 1;
}

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                          ErrorEmitter emitError) {
  RankedTensorType input = getData().getType();
  FailureOr<int64_t> rank =
      getShapeOperandLength(getShape(), "shape", emitError);
  if (failed(rank))
    return failure();
  std::optional<SmallVector<int64_t>> values = getConstantIntValues(getShape());
  if (!values) {
    inferred.push_back(
        input.clone(SmallVector<int64_t>(*rank, ShapedType::kDynamic)));
    return success();
  }
  SmallVector<int64_t> shape;
  std::optional<size_t> inferredIndex;
  SmallVector<bool> copied(input.getRank(), false);
  for (auto [i, value] : llvm::enumerate(*values)) {
    if (value == -1) {
      if (inferredIndex)
        return emitError() << "shape has more than one -1";
      inferredIndex = i;
      shape.push_back(ShapedType::kDynamic);
    } else if (value == 0 && !getAllowzero()) {
      if (static_cast<int64_t>(i) >= input.getRank())
        return emitError() << "shape entry " << i
                           << " is 0 (copy) but the input has rank "
                           << input.getRank();
      shape.push_back(input.getDimSize(i));
      copied[i] = true;
    } else if (value < 0) {
      return emitError() << "shape entry " << i << " is " << value;
    } else {
      shape.push_back(value);
    }
  }
  int64_t count = productOfDims(input.getShape());
  if (inferredIndex) {
    // Dimensions copied with 0 cancel out of the element count, so -1 is
    // known even when those are symbolic: [?, 16, 288] to [0, 0, 3, -1].
    SmallVector<int64_t> rest, others;
    for (auto [i, dim] : llvm::enumerate(input.getShape()))
      if (!copied[i])
        rest.push_back(dim);
    for (auto [i, dim] : llvm::enumerate(shape))
      if (i != *inferredIndex && !(i < copied.size() && copied[i]))
        others.push_back(dim);
    count = productOfDims(rest);
    int64_t known = productOfDims(others);
    if (!ShapedType::isDynamic(count) && !ShapedType::isDynamic(known)) {
      if (known == 0 || count % known != 0)
        return emitError() << "cannot reshape " << count << " elements into ["
                           << formatShape(shape) << "] with -1 inferred";
      shape[*inferredIndex] = count / known;
    }
  } else {
    int64_t product = productOfDims(shape);
    if (!ShapedType::isDynamic(count) && !ShapedType::isDynamic(product) &&
        count != product)
      return emitError() << "cannot reshape " << count << " elements into ["
                         << formatShape(shape) << "]";
  }
  inferred.push_back(input.clone(shape));
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (isSameShapeReshape(getData().getType(), getType()))
    return getData();
  return foldReshape(adaptor.getData(), getType());
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

/// The permutation, `perm` or the reversal of the dimensions.
static SmallVector<int64_t> getPermutation(TransposeOp op) {
  if (std::optional<ArrayRef<int64_t>> perm = op.getPerm())
    return SmallVector<int64_t>(*perm);
  return llvm::to_vector(
      llvm::reverse(llvm::seq<int64_t>(0, op.getData().getType().getRank())));
}

LogicalResult TransposeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                            ErrorEmitter emitError) {
  RankedTensorType input = getData().getType();
  SmallVector<int64_t> perm = getPermutation(*this);
  SmallVector<bool> used(input.getRank(), false);
  if (static_cast<int64_t>(perm.size()) != input.getRank())
    return emitError() << "perm has " << perm.size() << " entries for rank "
                       << input.getRank();
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank() || used[p])
      return emitError() << "perm is not a permutation of [0, "
                         << input.getRank() << ")";
    used[p] = true;
    shape.push_back(input.getDimSize(p));
  }
  inferred.push_back(input.clone(shape));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  SmallVector<int64_t> perm = getPermutation(*this);
  // A transpose of a transpose reads the inner one's input directly:
  // dimension i is the input's inner[perm[i]].
  bool merged = false;
  if (auto inner = getData().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> innerPerm = getPermutation(inner);
    for (int64_t &p : perm)
      p = innerPerm[p];
    getDataMutable().assign(inner.getData());
    setPermAttr(DenseI64ArrayAttr::get(getContext(), perm));
    merged = true;
  }
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())) &&
      getData().getType() == getType())
    return getData();
  return merged ? getResult() : OpFoldResult();
}

//===----------------------------------------------------------------------===//
// Concat and Split
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                         ErrorEmitter emitError) {
  if (getInputs().empty())
    return emitError() << "needs at least one operand";
  auto first = cast<RankedTensorType>(getInputs().front().getType());
  if (failed(checkAxis(getAxis(), first.getRank(), emitError)))
    return failure();
  int64_t axis = *normalizeAxis(getAxis(), first.getRank());
  SmallVector<int64_t> shape(first.getShape());
  for (Value input : getInputs().drop_front()) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() != first.getRank() ||
        type.getElementType() != first.getElementType())
      return emitError() << "operands must have the same rank and element type";
    for (auto [i, dim] : llvm::enumerate(type.getShape())) {
      if (static_cast<int64_t>(i) == axis) {
        shape[i] = ShapedType::isDynamic(shape[i]) || ShapedType::isDynamic(dim)
                       ? ShapedType::kDynamic
                       : shape[i] + dim;
      } else if (!areCompatibleDims(shape[i], dim)) {
        return emitError() << "operands differ in dimension " << i << ": "
                           << shape[i] << " and " << dim;
      } else {
        shape[i] = joinDims(shape[i], dim);
      }
    }
  }
  inferred.push_back(first.clone(shape));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  if (!isFoldableResultType(getType()))
    return {};
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute operand : adaptor.getInputs()) {
    DenseElementsAttr dense = getFoldableConstant(operand);
    if (!dense)
      return {};
    inputs.push_back(dense);
  }
  // Row-major: the result is, for each index of the leading dimensions, the
  // inputs' blocks of `axis` and later dimensions one after another.
  int64_t axis = *normalizeAxis(getAxis(), getType().getRank());
  int64_t outer = productOfDims(getType().getShape().take_front(axis));
  SmallVector<Attribute> elements;
  SmallVector<SmallVector<Attribute>> values;
  for (DenseElementsAttr input : inputs)
    values.emplace_back(input.getValues<Attribute>());
  for (int64_t o = 0; o < outer; ++o)
    for (auto [input, vals] : llvm::zip_equal(inputs, values)) {
      int64_t block =
          productOfDims(input.getType().getShape().drop_front(axis));
      llvm::append_range(elements, ArrayRef(vals).slice(o * block, block));
    }
  return DenseElementsAttr::get(getType(), elements);
}

LogicalResult SplitOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                        ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType();
  if (failed(checkAxis(getAxis(), input.getRank(), emitError)))
    return failure();
  int64_t axis = *normalizeAxis(getAxis(), input.getRank());
  int64_t extent = input.getDimSize(axis);
  int64_t parts = getNumResults();
  if (parts == 0)
    return emitError() << "needs at least one result";
  SmallVector<int64_t> sizes;
  if (std::optional<ArrayRef<int64_t>> split = getSplit()) {
    if (static_cast<int64_t>(split->size()) != parts)
      return emitError() << "split has " << split->size() << " sizes for "
                         << parts << " results";
    if (llvm::any_of(*split, [](int64_t s) { return s < 0; }))
      return emitError() << "split sizes must not be negative";
    int64_t total = std::accumulate(split->begin(), split->end(), int64_t(0));
    if (!ShapedType::isDynamic(extent) && total != extent)
      return emitError() << "split sizes add up to " << total
                         << " but the dimension is " << extent;
    sizes.assign(split->begin(), split->end());
  } else if (ShapedType::isDynamic(extent)) {
    sizes.assign(parts, ShapedType::kDynamic);
  } else {
    // Equal parts, rounded up; the last takes what remains.
    int64_t part = (extent + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(part, extent - i * part)));
  }
  for (int64_t size : sizes) {
    SmallVector<int64_t> shape(input.getShape());
    shape[axis] = size;
    inferred.push_back(input.clone(shape));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

namespace {
/// One sliced axis: first index, step and element count.
struct AxisSlice {
  int64_t start, step, count;
};
} // namespace

/// ONNX Slice's clamping for one axis of static size `dim`.
static AxisSlice resolveSlice(int64_t start, int64_t end, int64_t step,
                              int64_t dim) {
  auto clamp = [](int64_t v, int64_t lo, int64_t hi) {
    return std::min(std::max(v, lo), hi);
  };
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = clamp(start, 0, dim);
    end = clamp(end, 0, dim);
  } else {
    start = clamp(start, 0, dim - 1);
    end = clamp(end, -1, dim - 1);
  }
  int64_t count = step > 0 ? (end - start + step - 1) / step
                           : (start - end + (-step) - 1) / (-step);
  return {start, step, std::max<int64_t>(count, 0)};
}

namespace {
/// Slice parameters normalized against the input's rank.
struct SliceParams {
  SmallVector<int64_t> axes, steps;
};
} // namespace

static FailureOr<SliceParams> getSliceParams(SliceOp op,
                                             ErrorEmitter emitError) {
  int64_t rank = op.getData().getType().getRank();
  FailureOr<int64_t> count =
      getShapeOperandLength(op.getStarts(), "starts", emitError);
  if (failed(count))
    return failure();
  FailureOr<int64_t> endCount =
      getShapeOperandLength(op.getEnds(), "ends", emitError);
  if (failed(endCount))
    return failure();
  if (*count != *endCount)
    return emitError() << "starts and ends have " << *count << " and "
                       << *endCount << " entries";
  SliceParams params;
  SmallVector<int64_t> axes =
      op.getAxes() ? SmallVector<int64_t>(*op.getAxes())
                   : llvm::to_vector(llvm::seq<int64_t>(0, *count));
  std::optional<SmallVector<int64_t>> normalized = normalizeAxes(axes, rank);
  if (!normalized || static_cast<int64_t>(normalized->size()) != *count)
    return emitError() << "axes must be " << *count
                       << " distinct axes in range for rank " << rank;
  params.axes = *normalized;
  params.steps = op.getSteps() ? SmallVector<int64_t>(*op.getSteps())
                               : SmallVector<int64_t>(*count, 1);
  if (static_cast<int64_t>(params.steps.size()) != *count)
    return emitError() << "steps has " << params.steps.size() << " entries for "
                       << *count << " axes";
  if (llvm::is_contained(params.steps, 0))
    return emitError() << "steps must not be 0";
  return params;
}

/// Per input dimension, the slice taken, when the bounds are constant and the
/// sliced dimensions static; unsliced dimensions take everything.
static std::optional<SmallVector<AxisSlice>>
resolveSlices(SliceOp op, const SliceParams &params) {
  std::optional<SmallVector<int64_t>> starts =
      getConstantIntValues(op.getStarts());
  std::optional<SmallVector<int64_t>> ends = getConstantIntValues(op.getEnds());
  if (!starts || !ends)
    return std::nullopt;
  ArrayRef<int64_t> shape = op.getData().getType().getShape();
  SmallVector<AxisSlice> slices;
  for (int64_t dim : shape)
    slices.push_back({0, 1, dim});
  for (auto [i, axis] : llvm::enumerate(params.axes)) {
    if (ShapedType::isDynamic(shape[axis]))
      return std::nullopt;
    slices[axis] =
        resolveSlice((*starts)[i], (*ends)[i], params.steps[i], shape[axis]);
  }
  return slices;
}

LogicalResult SliceOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                        ErrorEmitter emitError) {
  FailureOr<SliceParams> params = getSliceParams(*this, emitError);
  if (failed(params))
    return failure();
  RankedTensorType input = getData().getType();
  SmallVector<int64_t> shape(input.getShape());
  if (std::optional<SmallVector<AxisSlice>> slices =
          resolveSlices(*this, *params)) {
    for (auto [i, slice] : llvm::enumerate(*slices))
      shape[i] = slice.count;
  } else {
    for (int64_t axis : params->axes)
      shape[axis] = ShapedType::kDynamic;
  }
  inferred.push_back(input.clone(shape));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr data = getFoldableConstant(adaptor.getData());
  if (!data || !isFoldableResultType(getType()))
    return {};
  FailureOr<SliceParams> params =
      getSliceParams(*this, [&] { return emitOpError(); });
  if (failed(params))
    return {};
  std::optional<SmallVector<AxisSlice>> slices = resolveSlices(*this, *params);
  if (!slices)
    return {};
  SmallVector<Attribute> values(data.getValues<Attribute>());
  SmallVector<int64_t> strides = computeStrides(data.getType().getShape());
  SmallVector<Attribute> elements;
  for (int64_t position = 0; position < getType().getNumElements();
       ++position) {
    SmallVector<int64_t> index = delinearize(position, getType().getShape());
    int64_t linear = 0;
    for (auto [d, slice] : llvm::enumerate(*slices))
      linear += (slice.start + index[d] * slice.step) * strides[d];
    elements.push_back(values[linear]);
  }
  return DenseElementsAttr::get(getType(), elements);
}

//===----------------------------------------------------------------------===//
// Expand, Unsqueeze, Squeeze, Flatten
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                         ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType();
  FailureOr<int64_t> length =
      getShapeOperandLength(getShape(), "shape", emitError);
  if (failed(length))
    return failure();
  SmallVector<int64_t> target(*length, ShapedType::kDynamic);
  if (std::optional<SmallVector<int64_t>> values =
          getConstantIntValues(getShape()))
    target = *values;
  else
    // An unknown target size is 1 or agrees with the input's; an input size
    // other than 1 therefore decides the result.
    for (size_t i = 0; i < std::min<size_t>(target.size(), input.getRank());
         ++i)
      if (int64_t dim = input.getDimSize(input.getRank() - 1 - i); dim != 1)
        target[target.size() - 1 - i] = dim;
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes({input.getShape(), target});
  if (!shape)
    return emitError() << "input of shape [" << formatShape(input.getShape())
                       << "] does not broadcast to [" << formatShape(target)
                       << "]";
  inferred.push_back(input.clone(*shape));
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return splat.resizeSplat(getType());
  return {};
}

LogicalResult UnsqueezeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                            ErrorEmitter emitError) {
  RankedTensorType input = getData().getType();
  int64_t rank = input.getRank() + getAxes().size();
  std::optional<SmallVector<int64_t>> axes = normalizeAxes(getAxes(), rank);
  if (!axes)
    return emitError() << "axes must be distinct and in range for the result "
                          "rank "
                       << rank;
  SmallVector<int64_t> shape;
  const int64_t *next = input.getShape().begin();
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(llvm::is_contained(*axes, i) ? 1 : *next++);
  inferred.push_back(input.clone(shape));
  return success();
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshape(adaptor.getData(), getType());
}

LogicalResult SqueezeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                          ErrorEmitter emitError) {
  RankedTensorType input = getData().getType();
  SmallVector<int64_t> removed;
  if (std::optional<ArrayRef<int64_t>> axes = getAxes()) {
    std::optional<SmallVector<int64_t>> normalized =
        normalizeAxes(*axes, input.getRank());
    if (!normalized)
      return emitError() << "axes must be distinct and in range for rank "
                         << input.getRank();
    for (int64_t axis : *normalized)
      if (!areCompatibleDims(input.getDimSize(axis), 1))
        return emitError() << "cannot squeeze dimension " << axis << " of size "
                           << input.getDimSize(axis);
    removed = *normalized;
  } else {
    // Which dynamic dimensions are 1 is known only at run time, so the
    // result rank would be too.
    for (auto [i, dim] : llvm::enumerate(input.getShape())) {
      if (ShapedType::isDynamic(dim))
        return emitError() << "without axes, dimension " << i
                           << " must be static";
      if (dim == 1)
        removed.push_back(i);
    }
  }
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(input.getShape()))
    if (!llvm::is_contained(removed, static_cast<int64_t>(i)))
      shape.push_back(dim);
  inferred.push_back(input.clone(shape));
  return success();
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  if (getData().getType() == getType())
    return getData();
  return foldReshape(adaptor.getData(), getType());
}

LogicalResult FlattenOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                          ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType();
  int64_t rank = input.getRank();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  if (axis < 0 || axis > rank)
    return emitError() << "axis " << getAxis() << " is out of range for rank "
                       << rank;
  inferred.push_back(
      input.clone({productOfDims(input.getShape().take_front(axis)),
                   productOfDims(input.getShape().drop_front(axis))}));
  return success();
}

OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  if (isSameShapeReshape(getInput().getType(), getType()))
    return getInput();
  return foldReshape(adaptor.getInput(), getType());
}

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

std::pair<int64_t, int64_t> ShapeOp::getDimRange() {
  int64_t rank = getData().getType().getRank();
  auto clamp = [rank](int64_t v) {
    if (v < 0)
      v += rank;
    return std::min(std::max<int64_t>(v, 0), rank);
  };
  int64_t start = clamp(getStart());
  int64_t end = getEnd() ? clamp(*getEnd()) : rank;
  return {start, std::max(start, end)};
}

LogicalResult ShapeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                        ErrorEmitter) {
  auto [start, end] = getDimRange();
  inferred.push_back(
      RankedTensorType::get({end - start}, IntegerType::get(getContext(), 64)));
  return success();
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto [start, end] = getDimRange();
  ArrayRef<int64_t> dims =
      getData().getType().getShape().slice(start, end - start);
  if (llvm::any_of(dims, ShapedType::isDynamic) || !getType().hasStaticShape())
    return {};
  return DenseElementsAttr::get(getType(), dims);
}

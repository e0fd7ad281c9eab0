//===- Indexing.cpp - gathers, slices, splits, concatenations, generators -===//

#include "Broadcast.h"
#include "RunChecks.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

static Value index(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Element `i` of a rank-1 integer tensor as an i64.
static Value extractI64(OpBuilder &b, Location loc, Value vector, int64_t i) {
  Value v = tensor::ExtractOp::create(b, loc, vector, index(b, loc, i));
  if (v.getType().getIntOrFloatBitWidth() < 64)
    v = arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
  return v;
}

static Value toIndex(OpBuilder &b, Location loc, Value i64) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), i64);
}

static Value clamp(OpBuilder &b, Location loc, Value v, Value lo, Value hi) {
  return arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, v, lo),
                                hi);
}

/// `value` as `type`, which may know sizes the value's type leaves dynamic.
static Value castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

/// The dynamic sizes of `type` taken from `sizes` (index values).
static SmallVector<Value> dynamicOf(RankedTensorType type,
                                    ArrayRef<Value> sizes) {
  SmallVector<Value> dynamic;
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(dim))
      dynamic.push_back(sizes[i]);
  return dynamic;
}

namespace {
/// Gather along an axis: a generic over the result that reads the data at
/// the (normalized) index. Indices not known at compile time are checked
/// first (checkIndexRange); the clamp keeps every read inside the data
/// whatever runs.
struct GatherToLinalg : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType resultType = toSignless(op.getType());
    int64_t dataRank = op.getData().getType().getRank();
    int64_t indicesRank = op.getIndices().getType().getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), dataRank);
    int64_t rank = resultType.getRank();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (d < axis)
        sizes.push_back(tensor::DimOp::create(rewriter, loc, data, d));
      else if (d < axis + indicesRank)
        sizes.push_back(
            tensor::DimOp::create(rewriter, loc, indices, d - axis));
      else
        sizes.push_back(
            tensor::DimOp::create(rewriter, loc, data, d - indicesRank + 1));
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType,
                                         dynamicOf(resultType, sizes));
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = axis; d < axis + indicesRank; ++d)
      indexExprs.push_back(rewriter.getAffineDimExpr(d));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, indexExprs, rewriter.getContext()),
        rewriter.getMultiDimIdentityMap(rank)};
    Value extent = tensor::DimOp::create(rewriter, loc, data, axis);
    if (!matchPattern(op.getIndices(), m_Constant()) &&
        !matchPattern(indices, m_Constant()))
      checkIndexRange(rewriter, loc, op, indices, extent, axis);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{indices},
        ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value i = toIndex(b, l, args[0]);
          Value wrapped = arith::AddIOp::create(b, l, i, extent);
          Value isNegative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, i, index(b, l, 0));
          i = arith::SelectOp::create(b, l, isNegative, wrapped, i);
          i = clamp(b, l, i, index(b, l, 0),
                    arith::SubIOp::create(b, l, extent, index(b, l, 1)));
          SmallVector<Value> at;
          for (int64_t d = 0; d < axis; ++d)
            at.push_back(linalg::IndexOp::create(b, l, d));
          at.push_back(i);
          for (int64_t d = axis + indicesRank; d < rank; ++d)
            at.push_back(linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, at).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Split into tensor.extract_slice pieces.
struct SplitToSlices : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = op.getInput().getType().getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    int64_t parts = op.getNumResults();
    Value extent = tensor::DimOp::create(rewriter, loc, input, axis);
    // Equal parts, rounded up, the last taking what remains (opset 18).
    Value part = arith::CeilDivSIOp::create(rewriter, loc, extent,
                                            index(rewriter, loc, parts));
    std::optional<ArrayRef<int64_t>> split = op.getSplit();
    if (split && op.getInput().getType().isDynamicDim(axis)) {
      // Sizes fixed when the model was exported (a traced loop over the
      // experts a router chose) must still cover the axis: slices past its
      // end would read outside the input.
      int64_t total = 0;
      for (int64_t size : *split)
        total += size;
      Value sum = index(rewriter, loc, total);
      emitRunCheck(rewriter, loc,
                   arith::CmpIOp::create(rewriter, loc,
                                         arith::CmpIPredicate::eq, sum, extent),
                   describeForRun(op) +
                       ": the split sizes add up to %lld, "
                       "but axis " +
                       Twine(axis) + " has %lld elements",
                   sum, extent);
    }
    Value offset = index(rewriter, loc, 0);
    SmallVector<Value> results;
    for (int64_t p = 0; p < parts; ++p) {
      Value size;
      if (split) {
        size = index(rewriter, loc, (*split)[p]);
      } else {
        Value left = arith::SubIOp::create(rewriter, loc, extent, offset);
        size = clamp(rewriter, loc, left, index(rewriter, loc, 0), part);
      }
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d = 0; d < rank; ++d)
        sizes.push_back(d == axis
                            ? OpFoldResult(size)
                            : tensor::getMixedSize(rewriter, loc, input, d));
      offsets[axis] = offset;
      results.push_back(castTo(
          rewriter, loc,
          tensor::ExtractSliceOp::create(rewriter, loc, input, offsets, sizes,
                                         strides),
          toSignless(cast<RankedTensorType>(op.getResult(p).getType()))));
      offset = arith::AddIOp::create(rewriter, loc, offset, size);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Concat as insertions into one result tensor.
struct ConcatToInserts : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = toSignless(op.getType());
    int64_t rank = resultType.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    ValueRange inputs = adaptor.getInputs();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(tensor::DimOp::create(rewriter, loc, inputs.front(), d));
    for (Value input : inputs.drop_front())
      sizes[axis] = arith::AddIOp::create(
          rewriter, loc, sizes[axis],
          tensor::DimOp::create(rewriter, loc, input, axis));
    Value result = tensor::EmptyOp::create(rewriter, loc, resultType,
                                           dynamicOf(resultType, sizes));
    Value offset = index(rewriter, loc, 0);
    for (Value input : inputs) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = offset;
      SmallVector<OpFoldResult> inputSizes,
          strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d = 0; d < rank; ++d)
        inputSizes.push_back(tensor::getMixedSize(rewriter, loc, input, d));
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, inputSizes, strides);
      offset = arith::AddIOp::create(
          rewriter, loc, offset,
          tensor::DimOp::create(rewriter, loc, input, axis));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Slice with positive steps as tensor.extract_slice; bounds are clamped at
/// run time as ONNX specifies.
struct SliceToExtractSlice : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    int64_t rank = op.getData().getType().getRank();
    std::optional<int64_t> count = getStaticVectorLength(op.getStarts());
    SmallVector<int64_t> axes =
        op.getAxes() ? *normalizeAxes(*op.getAxes(), rank)
                     : llvm::to_vector(llvm::seq<int64_t>(0, *count));
    SmallVector<int64_t> steps = op.getSteps()
                                     ? SmallVector<int64_t>(*op.getSteps())
                                     : SmallVector<int64_t>(*count, 1);
    if (llvm::any_of(steps, [](int64_t s) { return s < 0; }))
      return rewriter.notifyMatchFailure(op, "negative steps");
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
        strides(rank, rewriter.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(tensor::getMixedSize(rewriter, loc, data, d));
    Type i64 = rewriter.getI64Type();
    Value zero = arith::ConstantIntOp::create(rewriter, loc, i64, 0);
    for (auto [i, axis] : llvm::enumerate(axes)) {
      Value dim = arith::IndexCastOp::create(
          rewriter, loc, i64, tensor::DimOp::create(rewriter, loc, data, axis));
      auto bound = [&](Value v) {
        Value isNegative = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::slt, v, zero);
        v = arith::SelectOp::create(
            rewriter, loc, isNegative,
            arith::AddIOp::create(rewriter, loc, v, dim), v);
        return clamp(rewriter, loc, v, zero, dim);
      };
      Value start = bound(extractI64(rewriter, loc, adaptor.getStarts(), i));
      Value end = bound(extractI64(rewriter, loc, adaptor.getEnds(), i));
      Value step = arith::ConstantIntOp::create(rewriter, loc, i64, steps[i]);
      Value span = arith::MaxSIOp::create(
          rewriter, loc, arith::SubIOp::create(rewriter, loc, end, start),
          zero);
      Value n = arith::CeilDivSIOp::create(rewriter, loc, span, step);
      offsets[axis] = toIndex(rewriter, loc, start);
      sizes[axis] = toIndex(rewriter, loc, n);
      strides[axis] = rewriter.getIndexAttr(steps[i]);
    }
    rewriter.replaceOp(
        op, castTo(rewriter, loc,
                   tensor::ExtractSliceOp::create(rewriter, loc, data, offsets,
                                                  sizes, strides),
                   toSignless(op.getType())));
    return success();
  }
};

struct ShapeToFromElements : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto [first, end] = op.getDimRange();
    SmallVector<Value> dims;
    for (int64_t d = first; d < end; ++d)
      dims.push_back(arith::IndexCastOp::create(
          rewriter, op.getLoc(), rewriter.getI64Type(),
          tensor::DimOp::create(rewriter, op.getLoc(), adaptor.getData(), d)));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(), dims);
    return success();
  }
};

struct ConstantOfShapeToFill : OpConversionPattern<ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOfShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = toSignless(op.getType());
    auto value = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "value not dense");
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(toIndex(
          rewriter, loc, extractI64(rewriter, loc, adaptor.getShape(), d)));
    Value init =
        tensor::EmptyOp::create(rewriter, loc, type, dynamicOf(type, sizes));
    auto first = cast<TypedAttr>(value.getValues<Attribute>()[0]);
    if (auto integer = dyn_cast<IntegerAttr>(first))
      first =
          rewriter.getIntegerAttr(type.getElementType(), integer.getValue());
    Value fill = arith::ConstantOp::create(rewriter, loc, first);
    rewriter.replaceOp(
        op, linalg::FillOp::create(rewriter, loc, fill, init).getResult(0));
    return success();
  }
};

/// start + i * delta for i < max(ceil((limit - start) / delta), 0).
struct RangeToGeneric : OpConversionPattern<RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    if (element.isUnsignedInteger())
      return rewriter.notifyMatchFailure(op, "unsigned range");
    auto scalar = [&](Value t) {
      return tensor::ExtractOp::create(rewriter, loc, t, ValueRange{})
          .getResult();
    };
    Value start = scalar(adaptor.getStart()),
          delta = scalar(adaptor.getDelta());
    Value limit = scalar(adaptor.getLimit());
    Value count;
    bool isFloat = isa<FloatType>(element);
    // A delta of 0 (or NaN) would count without end: ONNX Runtime refuses
    // it too.
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(element));
    Value moves =
        isFloat ? arith::CmpFOp::create(rewriter, loc,
                                        arith::CmpFPredicate::ONE, delta, zero)
                      .getResult()
                : arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                                        delta, zero)
                      .getResult();
    Value none = arith::ConstantIntOp::create(rewriter, loc, 0, 64);
    emitRunCheck(rewriter, loc, moves,
                 describeForRun(op) + ": the delta is 0 (or NaN)", none, none);
    if (!isFloat)
      delta = arith::SelectOp::create(
          rewriter, loc, moves, delta,
          arith::ConstantOp::create(rewriter, loc,
                                    rewriter.getIntegerAttr(element, 1)));
    if (isFloat) {
      Value n = math::CeilOp::create(
          rewriter, loc,
          arith::DivFOp::create(
              rewriter, loc, arith::SubFOp::create(rewriter, loc, limit, start),
              delta));
      count = arith::FPToSIOp::create(rewriter, loc, rewriter.getI64Type(), n);
    } else {
      Value n = arith::CeilDivSIOp::create(
          rewriter, loc, arith::SubIOp::create(rewriter, loc, limit, start),
          delta);
      count =
          n.getType().getIntOrFloatBitWidth() < 64
              ? arith::ExtSIOp::create(rewriter, loc, rewriter.getI64Type(), n)
                    .getResult()
              : n;
    }
    count = arith::MaxSIOp::create(
        rewriter, loc, count,
        arith::ConstantIntOp::create(rewriter, loc, rewriter.getI64Type(), 0));
    SmallVector<Value> dynamic;
    if (type.isDynamicDim(0))
      dynamic.push_back(toIndex(rewriter, loc, count));
    Value init = tensor::EmptyOp::create(rewriter, loc, type, dynamic);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(1)},
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange) {
          Value i = linalg::IndexOp::create(b, l, 0);
          Value iv =
              isFloat
                  ? arith::UIToFPOp::create(
                        b, l, element,
                        arith::IndexCastUIOp::create(b, l, b.getI64Type(), i))
                        .getResult()
                  : arith::IndexCastOp::create(b, l, element, i).getResult();
          Value v =
              isFloat ? arith::AddFOp::create(
                            b, l, start, arith::MulFOp::create(b, l, iv, delta))
                            .getResult()
                      : arith::AddIOp::create(
                            b, l, start, arith::MulIOp::create(b, l, iv, delta))
                            .getResult();
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Expand: broadcast the input to the shape operand's sizes.
struct ExpandToGeneric : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = toSignless(op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank(), offset = rank - inputType.getRank();
    // Result size: the shape's entry, unless it is 1 (then the input's).
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      Value entry = toIndex(rewriter, loc,
                            extractI64(rewriter, loc, adaptor.getShape(), d));
      if (d < offset) {
        sizes.push_back(entry);
        continue;
      }
      Value dim = tensor::DimOp::create(rewriter, loc, input, d - offset);
      Value isOne =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, entry,
                                index(rewriter, loc, 1));
      sizes.push_back(
          arith::SelectOp::create(rewriter, loc, isOne, dim, entry));
    }
    Value result = buildBroadcastGeneric(
        rewriter, loc, type, {input}, {},
        [](OpBuilder &, Location, ValueRange args) { return args[0]; },
        dynamicOf(type, sizes));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Trilu: keep element (i, j) of the last two dimensions when j - i >= k
/// (upper) or j - i <= k (lower); zero it otherwise.
struct TriluToGeneric : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = toSignless(op.getType());
    int64_t rank = type.getRank();
    Value k = index(rewriter, loc, 0);
    if (Value kTensor = adaptor.getK()) {
      auto kType = cast<RankedTensorType>(kTensor.getType());
      Value kv = tensor::ExtractOp::create(
          rewriter, loc, kTensor,
          kType.getRank() ? ValueRange{index(rewriter, loc, 0)} : ValueRange{});
      k = toIndex(rewriter, loc, kv);
    }
    bool upper = op.getUpper();
    Value result = buildBroadcastGeneric(
        rewriter, loc, type, {adaptor.getInput()}, {op.getInput()},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value i = linalg::IndexOp::create(b, l, rank - 2);
          Value j = linalg::IndexOp::create(b, l, rank - 1);
          Value diagonal = arith::SubIOp::create(b, l, j, i);
          Value keep = arith::CmpIOp::create(b, l,
                                             upper ? arith::CmpIPredicate::sge
                                                   : arith::CmpIPredicate::sle,
                                             diagonal, k);
          return arith::SelectOp::create(b, l, keep, args[0],
                                         createZero(b, l, args[0].getType()));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void populateIndexingToLinalgPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<GatherToLinalg, SplitToSlices, ConcatToInserts,
               SliceToExtractSlice, ShapeToFromElements, ConstantOfShapeToFill,
               RangeToGeneric, ExpandToGeneric, TriluToGeneric>(
      converter, patterns.getContext());
}

} // namespace mlir::xf

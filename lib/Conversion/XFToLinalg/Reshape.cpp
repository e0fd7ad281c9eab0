//===- Reshape.cpp - Reshape, Flatten, Unsqueeze and Squeeze --------------===//
//
// Unsqueeze and Squeeze only add or drop unit dimensions: tensor.expand_shape
// and tensor.collapse_shape, which later passes see through. Reshape and
// Flatten may regroup anything: a collapse to one dimension and an expansion
// to sizes computed at run time from ONNX's rules (0 copies a dimension, -1
// takes what remains).
//
//===----------------------------------------------------------------------===//

#include "RunChecks.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

/// Groups the dimensions of a rank-`bigRank` shape around the dimensions it
/// shares with a shape that lacks the unit dimensions `unitDims`: each unit
/// dimension joins the group of the next kept one (or the last group).
static SmallVector<ReassociationIndices>
getUnitDimGroups(int64_t bigRank, ArrayRef<int64_t> unitDims) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t d = 0; d < bigRank; ++d) {
    pending.push_back(d);
    if (!llvm::is_contained(unitDims, d)) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  if (!pending.empty() && !groups.empty())
    llvm::append_range(groups.back(), pending);
  return groups;
}

/// Mixed sizes of `type`, dynamic ones from `sizes` (index values).
static SmallVector<OpFoldResult> mixedSizes(OpBuilder &b, RankedTensorType type,
                                            ArrayRef<Value> sizes) {
  SmallVector<OpFoldResult> mixed;
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    mixed.push_back(ShapedType::isDynamic(dim) ? OpFoldResult(sizes[i])
                                               : b.getIndexAttr(dim));
  return mixed;
}

/// `input` regrouped to `sizes` (index values, one per result dimension):
/// collapsed to one dimension, then expanded. Unlike tensor.reshape, both
/// steps keep strided layouts, which bufferization and LLVM lowering handle
/// without copying.
static Value reshapeTo(OpBuilder &b, Location loc, Value input,
                       RankedTensorType resultType, ArrayRef<Value> sizes) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t inputRank = inputType.getRank(), rank = resultType.getRank();
  if (inputRank == 0 || rank == 0) {
    // Only unit dimensions come or go.
    if (rank == 0)
      return tensor::CollapseShapeOp::create(b, loc, resultType, input,
                                             ArrayRef<ReassociationIndices>{});
    return tensor::ExpandShapeOp::create(b, loc, resultType, input,
                                         ArrayRef<ReassociationIndices>{},
                                         mixedSizes(b, resultType, sizes));
  }
  Value flat = input;
  if (inputRank > 1)
    flat = tensor::CollapseShapeOp::create(
        b, loc, input,
        SmallVector<ReassociationIndices>{
            llvm::to_vector(llvm::seq<int64_t>(0, inputRank))});
  // expand_shape wants the collapsed size static exactly when all the
  // expanded sizes are.
  auto flatType = RankedTensorType::get({productOfDims(resultType.getShape())},
                                        resultType.getElementType());
  if (flat.getType() != flatType)
    flat = tensor::CastOp::create(b, loc, flatType, flat);
  if (rank == 1)
    return flat;
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, flat,
      SmallVector<ReassociationIndices>{
          llvm::to_vector(llvm::seq<int64_t>(0, rank))},
      mixedSizes(b, resultType, sizes));
}

static Value product(OpBuilder &b, Location loc, Value input, int64_t from,
                     int64_t to) {
  Value result = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d = from; d < to; ++d)
    result = arith::MulIOp::create(b, loc, result,
                                   tensor::DimOp::create(b, loc, input, d));
  return result;
}

namespace {
struct UnsqueezeToExpandShape : OpConversionPattern<UnsqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnsqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = toSignless(op.getType());
    SmallVector<int64_t> axes =
        *normalizeAxes(op.getAxes(), resultType.getRank());
    SmallVector<Value> sizes;
    for (int64_t d = 0, i = 0; d < resultType.getRank(); ++d)
      sizes.push_back(llvm::is_contained(axes, d)
                          ? Value()
                          : tensor::DimOp::create(rewriter, op.getLoc(),
                                                  adaptor.getData(), i++)
                                .getResult());
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, adaptor.getData(),
        getUnitDimGroups(resultType.getRank(), axes),
        mixedSizes(rewriter, resultType, sizes));
    return success();
  }
};

struct SqueezeToCollapseShape : OpConversionPattern<SqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = op.getData().getType();
    SmallVector<int64_t> axes;
    if (op.getAxes())
      axes = *normalizeAxes(*op.getAxes(), inputType.getRank());
    else
      for (auto [d, size] : llvm::enumerate(inputType.getShape()))
        if (size == 1)
          axes.push_back(d);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, toSignless(op.getType()), adaptor.getData(),
        getUnitDimGroups(inputType.getRank(), axes));
    return success();
  }
};

struct ReshapeToTensorReshape : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getData(), shape = adaptor.getShape();
    int64_t inputRank = op.getData().getType().getRank();
    int64_t rank = op.getType().getRank();
    OpBuilder &b = rewriter;
    Type i64 = b.getI64Type();
    auto toIndex = [&](Value v) {
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), v)
          .getResult();
    };
    Value zero = arith::ConstantIntOp::create(b, loc, i64, 0);
    Value minusOne = arith::ConstantIntOp::create(b, loc, i64, -1);
    Value one = arith::ConstantIntOp::create(b, loc, i64, 1);
    auto cmp = [&](arith::CmpIPredicate predicate, Value x, Value y) {
      return arith::CmpIOp::create(b, loc, predicate, x, y).getResult();
    };
    std::string node = describeForRun(op);
    // Entries as given, with copies (0) resolved; then -1 from the rest.
    SmallVector<Value> entries, resolved;
    Value known = one, inferredCount = zero;
    for (int64_t e = 0; e < rank; ++e) {
      Value index = arith::ConstantIndexOp::create(b, loc, e);
      Value entry = tensor::ExtractOp::create(b, loc, shape, index);
      if (!op.getAllowzero() && e < inputRank) {
        Value dim = arith::IndexCastOp::create(
            b, loc, i64, tensor::DimOp::create(b, loc, input, e));
        Value isCopy = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             entry, zero);
        entry = arith::SelectOp::create(b, loc, isCopy, dim, entry);
      }
      emitRunCheck(b, loc, cmp(arith::CmpIPredicate::sge, entry, minusOne),
                   node + ": the shape's entry for dimension " + Twine(e) +
                       " is %lld; only -1 (inferred) may be negative",
                   entry, entry);
      Value isInferred = cmp(arith::CmpIPredicate::eq, entry, minusOne);
      known = arith::MulIOp::create(
          b, loc, known,
          arith::SelectOp::create(b, loc, isInferred, one, entry));
      inferredCount = arith::AddIOp::create(
          b, loc, inferredCount,
          arith::ExtUIOp::create(b, loc, i64, isInferred));
      entries.push_back(entry);
    }
    Value total = arith::IndexCastOp::create(
        b, loc, i64, product(b, loc, input, 0, inputRank));
    // The shape must fit the data: ONNX Runtime refuses the same shapes.
    Value hasInferred = cmp(arith::CmpIPredicate::sgt, inferredCount, zero);
    emitRunCheck(b, loc, cmp(arith::CmpIPredicate::sle, inferredCount, one),
                 node + ": the shape has %lld entries of -1; at most one may "
                        "be inferred",
                 inferredCount, inferredCount);
    Value knownIsZero = cmp(arith::CmpIPredicate::eq, known, zero);
    Value divisor = arith::SelectOp::create(b, loc, knownIsZero, one, known);
    Value divides = cmp(arith::CmpIPredicate::eq,
                        arith::RemSIOp::create(b, loc, total, divisor), zero);
    Value inferable = arith::AndIOp::create(
        b, loc, divides,
        arith::XOrIOp::create(
            b, loc, knownIsZero,
            arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1)));
    emitRunCheck(
        b, loc,
        arith::OrIOp::create(
            b, loc, inferable,
            cmp(arith::CmpIPredicate::eq, inferredCount, zero)),
        node + ": cannot infer the -1 entry: the input's %lld elements are "
               "not a whole multiple of the other entries' product %lld",
        total, known);
    emitRunCheck(
        b, loc,
        arith::OrIOp::create(b, loc, hasInferred,
                             cmp(arith::CmpIPredicate::eq, known, total)),
        node + ": the shape holds %lld elements, the input %lld", known, total);
    Value inferred = arith::DivSIOp::create(b, loc, total, divisor);
    for (Value entry : entries) {
      Value isInferred = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                               entry, minusOne);
      resolved.push_back(toIndex(
          arith::SelectOp::create(b, loc, isInferred, inferred, entry)));
    }
    rewriter.replaceOp(
        op, reshapeTo(b, loc, input, toSignless(op.getType()), resolved));
    return success();
  }
};

struct FlattenToTensorReshape : OpConversionPattern<FlattenOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = op.getInput().getType().getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    rewriter.replaceOp(op,
                       reshapeTo(rewriter, loc, input, toSignless(op.getType()),
                                 {product(rewriter, loc, input, 0, axis),
                                  product(rewriter, loc, input, axis, rank)}));
    return success();
  }
};
} // namespace

void populateReshapeToTensorPatterns(const TypeConverter &converter,
                                     RewritePatternSet &patterns) {
  patterns.add<UnsqueezeToExpandShape, SqueezeToCollapseShape,
               ReshapeToTensorReshape, FlattenToTensorReshape>(
      converter, patterns.getContext());
}

} // namespace mlir::xf

//===- Scatter.cpp - data-dependent indexing ops and the running sum -----===//
//
// GatherElements, GatherND, ScatterND, TopK, NonZero and CumSum. Gathers
// are generics that read through tensor.extract; ScatterND, NonZero and
// CumSum are sequential (later updates see earlier ones; NonZero's size and
// CumSum's sums are running totals) and become scf.for loops; TopK ranks
// every element of a row against the others, which suits the short rows it
// meets in mixture-of-experts routing.
//
//===----------------------------------------------------------------------===//

#include "Broadcast.h"
#include "RunChecks.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

static Value cIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// An index read from an integer tensor element: negative values count from
/// `extent`. Indices not known at compile time are checked before the run
/// reads them (checkIndexRange); the clamp into [0, extent) keeps every
/// access inside the tensor whatever runs.
static Value normalizedIndex(OpBuilder &b, Location loc, Value element,
                             Value extent) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), element);
  Value isNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i,
                                           cIndex(b, loc, 0));
  i = arith::SelectOp::create(b, loc, isNegative,
                              arith::AddIOp::create(b, loc, i, extent), i);
  Value last = arith::SubIOp::create(b, loc, extent, cIndex(b, loc, 1));
  return arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, i, cIndex(b, loc, 0)), last);
}

/// The data coordinates the index tuple at `prefix` of `indices` names:
/// its components, each normalized against the data's dimension `first + t`.
static SmallVector<Value> tupleCoordinates(OpBuilder &b, Location loc,
                                           Value indices,
                                           ArrayRef<Value> prefix, Value data,
                                           int64_t first, int64_t tuple) {
  SmallVector<Value> coordinates;
  for (int64_t t = 0; t < tuple; ++t) {
    SmallVector<Value> where(prefix);
    where.push_back(cIndex(b, loc, t));
    coordinates.push_back(normalizedIndex(
        b, loc, tensor::ExtractOp::create(b, loc, indices, where),
        tensor::DimOp::create(b, loc, data, first + t)));
  }
  return coordinates;
}

/// Checks the index tuples of `indices` ([..., tuple]) when they are not
/// constants: component t against the data's dimension `first + t`.
static void checkTuples(OpBuilder &b, Location loc, Operation *op,
                        Value original, Value indices, Value data,
                        int64_t first, int64_t tuple) {
  if (matchPattern(original, m_Constant()))
    return;
  int64_t rank = cast<RankedTensorType>(indices.getType()).getRank();
  for (int64_t t = 0; t < tuple; ++t) {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
        strides(rank, b.getIndexAttr(1)), sizes;
    for (int64_t d = 0; d + 1 < rank; ++d)
      sizes.push_back(tensor::getMixedSize(b, loc, indices, d));
    offsets.back() = b.getIndexAttr(t);
    sizes.push_back(b.getIndexAttr(1));
    Value component = tensor::ExtractSliceOp::create(b, loc, indices, offsets,
                                                     sizes, strides);
    checkIndexRange(b, loc, op, component,
                    tensor::DimOp::create(b, loc, data, first + t), first + t);
  }
}

static SmallVector<Value> dynamicSizesOf(RankedTensorType type,
                                         function_ref<Value(int64_t)> size) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(size(d));
  return sizes;
}

namespace {
struct GatherElementsToGeneric : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType type = toSignless(op.getType());
    int64_t rank = type.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    Value init = tensor::EmptyOp::create(
        rewriter, loc, type, dynamicSizesOf(type, [&](int64_t d) {
          return tensor::DimOp::create(rewriter, loc, indices, d).getResult();
        }));
    Value extent = tensor::DimOp::create(rewriter, loc, data, axis);
    if (!matchPattern(op.getIndices(), m_Constant()))
      checkIndexRange(rewriter, loc, op, indices, extent, axis);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices}, ValueRange{init},
        SmallVector<AffineMap>(2, rewriter.getMultiDimIdentityMap(rank)),
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> at;
          for (int64_t d = 0; d < rank; ++d)
            at.push_back(d == axis
                             ? normalizedIndex(b, l, args[0], extent)
                             : linalg::IndexOp::create(b, l, d).getResult());
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, at).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// result[i..., j...] = data[batch(i)..., indices[i..., 0..q-1], j...].
struct GatherNDToGeneric : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType type = toSignless(op.getType());
    int64_t rank = type.getRank();
    int64_t indicesRank = op.getIndices().getType().getRank();
    int64_t tuple = op.getIndices().getType().getShape().back();
    int64_t batch = op.getBatchDims(), outer = indicesRank - 1;
    Value init = tensor::EmptyOp::create(
        rewriter, loc, type, dynamicSizesOf(type, [&](int64_t d) {
          return d < outer ? tensor::DimOp::create(rewriter, loc, indices, d)
                                 .getResult()
                           : tensor::DimOp::create(rewriter, loc, data,
                                                   d - outer + batch + tuple)
                                 .getResult();
        }));
    checkTuples(rewriter, loc, op, op.getIndices(), indices, data, batch,
                tuple);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> prefix, at;
          for (int64_t d = 0; d < outer; ++d)
            prefix.push_back(linalg::IndexOp::create(b, l, d));
          for (int64_t d = 0; d < batch; ++d)
            at.push_back(prefix[d]);
          llvm::append_range(
              at, tupleCoordinates(b, l, indices, prefix, data, batch, tuple));
          for (int64_t d = outer; d < rank; ++d)
            at.push_back(linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, at).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Loops `body` over the product of `extents` (outermost first), threading
/// `values` through; returns their final values.
using LoopBody = function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                 ArrayRef<Value>, ValueRange)>;
static SmallVector<Value> loopNest(OpBuilder &b, Location loc,
                                   ArrayRef<Value> extents, ValueRange values,
                                   LoopBody body, SmallVector<Value> ivs = {}) {
  if (ivs.size() == extents.size())
    return body(b, loc, ivs, values);
  auto loop = scf::ForOp::create(
      b, loc, cIndex(b, loc, 0), extents[ivs.size()], cIndex(b, loc, 1), values,
      [&](OpBuilder &nb, Location nl, Value iv, ValueRange iterArgs) {
        SmallVector<Value> inner(ivs);
        inner.push_back(iv);
        scf::YieldOp::create(nb, nl,
                             loopNest(nb, nl, extents, iterArgs, body, inner));
      });
  return SmallVector<Value>(loop.getResults());
}

/// The static slice shape of a gather's result past its first `outer`
/// dimensions when it holds at least a vector's worth of elements: whole
/// slices are then worth copying one at a time.
static std::optional<SmallVector<int64_t>> copiedSlice(RankedTensorType type,
                                                       int64_t outer) {
  ArrayRef<int64_t> slice = type.getShape().drop_front(outer);
  int64_t elements = 1;
  for (int64_t size : slice)
    elements = ShapedType::isDynamic(size) ? 0 : elements * size;
  if (elements < 16)
    return std::nullopt;
  return llvm::to_vector(slice);
}

/// A gather of whole slices as a loop over the result's first dimensions
/// (`extents`, sized by the indices) that copies, for each, the slice of
/// `data` starting at `leading(ivs)` (its first coordinates; the slice spans
/// the rest) into the result: contiguous copies, instead of a gather of
/// every element that reads and normalizes its index again.
static Value
copySlices(OpBuilder &b, Location loc, RankedTensorType type, Value indices,
           Value data, ArrayRef<int64_t> slice,
           function_ref<SmallVector<OpFoldResult>(OpBuilder &, Location,
                                                  ArrayRef<Value>)>
               leading) {
  int64_t outer = type.getRank() - static_cast<int64_t>(slice.size());
  int64_t dataRank = cast<RankedTensorType>(data.getType()).getRank();
  SmallVector<Value> extents;
  for (int64_t d = 0; d < outer; ++d)
    extents.push_back(tensor::DimOp::create(b, loc, indices, d));
  Value init = tensor::EmptyOp::create(
      b, loc, type,
      dynamicSizesOf(type, [&](int64_t d) { return extents[d]; }));
  auto sliceType = RankedTensorType::get(slice, type.getElementType());
  return loopNest(
      b, loc, extents, ValueRange{init},
      [&](OpBuilder &nb, Location l, ArrayRef<Value> ivs,
          ValueRange state) -> SmallVector<Value> {
        SmallVector<OpFoldResult> from = leading(nb, l, ivs);
        SmallVector<OpFoldResult> sizes(from.size(), nb.getIndexAttr(1));
        SmallVector<OpFoldResult> to(ivs.begin(), ivs.end()),
            toSizes(outer, nb.getIndexAttr(1));
        for (int64_t size : slice) {
          from.push_back(nb.getIndexAttr(0));
          sizes.push_back(nb.getIndexAttr(size));
          to.push_back(nb.getIndexAttr(0));
          toSizes.push_back(nb.getIndexAttr(size));
        }
        Value piece = tensor::ExtractSliceOp::create(
            nb, l, sliceType, data, from, sizes,
            SmallVector<OpFoldResult>(dataRank, nb.getIndexAttr(1)));
        return {
            tensor::InsertSliceOp::create(
                nb, l, piece, state[0], to, toSizes,
                SmallVector<OpFoldResult>(type.getRank(), nb.getIndexAttr(1)))
                .getResult()};
      })[0];
}

/// GatherND of whole slices (an expert's weight matrix per token in the
/// batched MoE exports).
struct GatherNDSlices : OpConversionPattern<GatherNDOp> {
  GatherNDSlices(const TypeConverter &converter, MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType type = toSignless(op.getType());
    int64_t tuple = op.getIndices().getType().getShape().back();
    int64_t batch = op.getBatchDims();
    int64_t outer = op.getIndices().getType().getRank() - 1;
    std::optional<SmallVector<int64_t>> slice = copiedSlice(type, outer);
    if (ShapedType::isDynamic(tuple) || !slice)
      return rewriter.notifyMatchFailure(op, "no whole slices to copy");
    checkTuples(rewriter, loc, op, op.getIndices(), indices, data, batch,
                tuple);
    rewriter.replaceOp(
        op, copySlices(rewriter, loc, type, indices, data, *slice,
                       [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) {
                         SmallVector<OpFoldResult> from(ivs.take_front(batch));
                         llvm::append_range(
                             from, tupleCoordinates(b, l, indices, ivs, data,
                                                    batch, tuple));
                         return from;
                       }));
    return success();
  }
};

/// Gather along the first axis of whole slices (rows of a table: the
/// batched MoE exports' expert matrices, embeddings).
struct GatherSlices : OpConversionPattern<GatherOp> {
  GatherSlices(const TypeConverter &converter, MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType type = toSignless(op.getType());
    int64_t outer = op.getIndices().getType().getRank();
    std::optional<SmallVector<int64_t>> slice = copiedSlice(type, outer);
    int64_t axis =
        *normalizeAxis(op.getAxis(), op.getData().getType().getRank());
    if (axis != 0 || outer == 0 || !slice)
      return rewriter.notifyMatchFailure(op, "no whole rows to copy");
    Value extent = tensor::DimOp::create(rewriter, loc, data, 0);
    if (!matchPattern(op.getIndices(), m_Constant()))
      checkIndexRange(rewriter, loc, op, indices, extent, 0);
    rewriter.replaceOp(
        op,
        copySlices(rewriter, loc, type, indices, data, *slice,
                   [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) {
                     return SmallVector<OpFoldResult>{normalizedIndex(
                         b, l, tensor::ExtractOp::create(b, l, indices, ivs),
                         extent)};
                   }));
    return success();
  }
};

/// ScatterND: the data, then each update written (or combined) in order.
struct ScatterNDToLoops : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    Type element = toSignless(op.getType()).getElementType();
    StringRef reduction = op.getReduction();
    if (op.getType().getElementType().isUnsignedInteger() &&
        (reduction == "max" || reduction == "min"))
      return rewriter.notifyMatchFailure(op, "unsigned max/min reduction");
    int64_t indicesRank = op.getIndices().getType().getRank();
    int64_t tuple = op.getIndices().getType().getShape().back();
    int64_t dataRank = op.getType().getRank();
    SmallVector<Value> extents;
    for (int64_t d = 0; d + 1 < indicesRank; ++d)
      extents.push_back(tensor::DimOp::create(rewriter, loc, indices, d));
    for (int64_t d = tuple; d < dataRank; ++d)
      extents.push_back(tensor::DimOp::create(rewriter, loc, data, d));
    int64_t outer = indicesRank - 1;
    checkTuples(rewriter, loc, op, op.getIndices(), indices, data, 0, tuple);
    Value result = loopNest(
        rewriter, loc, extents, ValueRange{data},
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs,
            ValueRange state) -> SmallVector<Value> {
          Value acc = state[0];
          SmallVector<Value> target = tupleCoordinates(
              b, l, indices, ivs.take_front(outer), acc, 0, tuple);
          llvm::append_range(target, ivs.drop_front(outer));
          Value update = tensor::ExtractOp::create(b, l, updates, ivs);
          Value old = tensor::ExtractOp::create(b, l, acc, target);
          bool isFloat = isa<FloatType>(element);
          Value v = update;
          if (reduction == "add")
            v = isFloat ? arith::AddFOp::create(b, l, old, update).getResult()
                        : arith::AddIOp::create(b, l, old, update).getResult();
          else if (reduction == "mul")
            v = isFloat ? arith::MulFOp::create(b, l, old, update).getResult()
                        : arith::MulIOp::create(b, l, old, update).getResult();
          else if (reduction == "max")
            v = isFloat
                    ? arith::MaximumFOp::create(b, l, old, update).getResult()
                    : arith::MaxSIOp::create(b, l, old, update).getResult();
          else if (reduction == "min")
            v = isFloat
                    ? arith::MinimumFOp::create(b, l, old, update).getResult()
                    : arith::MinSIOp::create(b, l, old, update).getResult();
          return {tensor::InsertOp::create(b, l, v, acc, target).getResult()};
        })[0];
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// NonZero: count, then write each non-zero element's coordinates in order.
struct NonZeroToLoops : OpConversionPattern<NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(NonZeroOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type element = inputType.getElementType();
    int64_t rank = inputType.getRank();
    SmallVector<Value> extents;
    for (int64_t d = 0; d < rank; ++d)
      extents.push_back(tensor::DimOp::create(rewriter, loc, input, d));
    auto isNonZero = [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) {
      Value v = tensor::ExtractOp::create(b, l, input, ivs);
      Value zero = createZero(b, l, element);
      return isa<FloatType>(element)
                 ? arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNE, v,
                                         zero)
                       .getResult()
                 : arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, v,
                                         zero)
                       .getResult();
    };
    Value count =
        loopNest(rewriter, loc, extents, ValueRange{cIndex(rewriter, loc, 0)},
                 [&](OpBuilder &b, Location l, ArrayRef<Value> ivs,
                     ValueRange state) -> SmallVector<Value> {
                   return {arith::AddIOp::create(b, l, state[0],
                                                 arith::IndexCastUIOp::create(
                                                     b, l, b.getIndexType(),
                                                     isNonZero(b, l, ivs)))
                               .getResult()};
                 })[0];
    RankedTensorType type = op.getType();
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, type, ValueRange{count});
    // Each non-zero element's coordinates go to the next free column.
    Value result = loopNest(
        rewriter, loc, extents, ValueRange{empty, cIndex(rewriter, loc, 0)},
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs,
            ValueRange state) -> SmallVector<Value> {
          auto branch = scf::IfOp::create(
              b, l, isNonZero(b, l, ivs),
              [&](OpBuilder &tb, Location tl) {
                Value acc = state[0];
                for (int64_t d = 0; d < rank; ++d)
                  acc = tensor::InsertOp::create(
                      tb, tl,
                      arith::IndexCastOp::create(tb, tl, tb.getI64Type(),
                                                 ivs[d]),
                      acc, ValueRange{cIndex(tb, tl, d), state[1]});
                Value next =
                    arith::AddIOp::create(tb, tl, state[1], cIndex(tb, tl, 1));
                scf::YieldOp::create(tb, tl, ValueRange{acc, next});
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, state);
              });
          return SmallVector<Value>(branch.getResults());
        })[0];
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// TopK along an axis by ranking: element i of a row ranks by how many
/// elements come before it (larger, or equal with a smaller index, for
/// `largest`); output p is the element of rank p. Quadratic in the row
/// length: meant for routing over a handful of experts.
struct TopKByRank : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type element = inputType.getElementType();
    if (op.getInput().getType().getElementType().isUnsignedInteger())
      return rewriter.notifyMatchFailure(op, "unsigned data");
    int64_t rank = inputType.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    bool largest = op.getLargest();
    MLIRContext *ctx = getContext();

    // ranks[.., i, ..] = #{ j : x_j before x_i }, over an extra loop j.
    auto rankType = inputType.clone(rewriter.getI64Type());
    SmallVector<Value> inputSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (inputType.isDynamicDim(d))
        inputSizes.push_back(tensor::DimOp::create(rewriter, loc, input, d));
    Value zeros =
        linalg::FillOp::create(
            rewriter, loc, createZero(rewriter, loc, rewriter.getI64Type()),
            tensor::EmptyOp::create(rewriter, loc, rankType, inputSizes)
                .getResult())
            .getResult(0);
    SmallVector<AffineExpr> mine, other;
    for (int64_t d = 0; d < rank; ++d) {
      mine.push_back(getAffineDimExpr(d, ctx));
      other.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    }
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value ranks =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rankType}, ValueRange{input, input},
            ValueRange{zeros},
            SmallVector<AffineMap>{AffineMap::get(rank + 1, 0, mine, ctx),
                                   AffineMap::get(rank + 1, 0, other, ctx),
                                   AffineMap::get(rank + 1, 0, mine, ctx)},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value xi = args[0], xj = args[1];
              Value i = linalg::IndexOp::create(b, l, axis);
              Value j = linalg::IndexOp::create(b, l, rank);
              bool isFloat = isa<FloatType>(element);
              auto cmp = [&](arith::CmpFPredicate f, arith::CmpIPredicate s) {
                return isFloat
                           ? arith::CmpFOp::create(b, l, f, xj, xi).getResult()
                           : arith::CmpIOp::create(b, l, s, xj, xi).getResult();
              };
              Value better = largest ? cmp(arith::CmpFPredicate::OGT,
                                           arith::CmpIPredicate::sgt)
                                     : cmp(arith::CmpFPredicate::OLT,
                                           arith::CmpIPredicate::slt);
              Value tie = arith::AndIOp::create(
                  b, l,
                  cmp(arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq),
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, j, i));
              Value before = arith::OrIOp::create(b, l, better, tie);
              Value inc = arith::ExtUIOp::create(b, l, b.getI64Type(), before);
              linalg::YieldOp::create(
                  b, l, arith::AddIOp::create(b, l, args[2], inc).getResult());
            })
            .getResult(0);

    // Output p: the value and index of the element whose rank is p.
    auto valuesType = cast<RankedTensorType>(op.getValues().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    SmallVector<Value> outSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (valuesType.isDynamicDim(d))
        outSizes.push_back(tensor::DimOp::create(rewriter, loc, input, d));
    auto filled = [&](RankedTensorType type) {
      return linalg::FillOp::create(
                 rewriter, loc,
                 createZero(rewriter, loc, type.getElementType()),
                 tensor::EmptyOp::create(rewriter, loc, type, outSizes)
                     .getResult())
          .getResult(0);
    };
    auto pick = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valuesType, indicesType},
        ValueRange{input, ranks},
        ValueRange{filled(valuesType), filled(indicesType)},
        SmallVector<AffineMap>{AffineMap::get(rank + 1, 0, other, ctx),
                               AffineMap::get(rank + 1, 0, other, ctx),
                               AffineMap::get(rank + 1, 0, mine, ctx),
                               AffineMap::get(rank + 1, 0, mine, ctx)},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value p = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value j = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, rank));
          Value match =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, args[1], p);
          Value value = arith::SelectOp::create(b, l, match, args[0], args[2]);
          Value index = arith::SelectOp::create(b, l, match, j, args[3]);
          linalg::YieldOp::create(b, l, ValueRange{value, index});
        });
    rewriter.replaceOp(op, pick.getResults());
    return success();
  }
};

/// CumSum: a loop along the axis, innermost, carrying the running sum; it
/// restarts at the axis' first element.
struct CumSumToLoops : OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    int64_t rank = type.getRank();
    if (rank == 0)
      return rewriter.notifyMatchFailure(op, "a scalar has no axis");
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    auto dim = [&](int64_t d) {
      return tensor::DimOp::create(rewriter, loc, input, d).getResult();
    };
    SmallVector<Value> extents;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        extents.push_back(dim(d));
    Value length = dim(axis);
    extents.push_back(length);
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         element, dynamicSizesOf(type, dim));
    bool isFloat = isa<FloatType>(element);
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    Value result = loopNest(
        rewriter, loc, extents,
        ValueRange{init, createZero(rewriter, loc, element)},
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs,
            ValueRange state) -> SmallVector<Value> {
          Value step = ivs.back();
          Value zero = createZero(b, l, element);
          Value first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              step, cIndex(b, l, 0));
          Value before = arith::SelectOp::create(b, l, first, zero, state[1]);
          Value position =
              reverse
                  ? arith::SubIOp::create(
                        b, l,
                        arith::SubIOp::create(b, l, length, cIndex(b, l, 1)),
                        step)
                        .getResult()
                  : step;
          SmallVector<Value> at(ivs.drop_back());
          at.insert(at.begin() + axis, position);
          Value v = tensor::ExtractOp::create(b, l, input, at);
          Value after =
              isFloat ? arith::AddFOp::create(b, l, before, v).getResult()
                      : arith::AddIOp::create(b, l, before, v).getResult();
          Value written = tensor::InsertOp::create(
              b, l, exclusive ? before : after, state[0], at);
          return {written, after};
        })[0];
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void populateScatterToLinalgPatterns(const TypeConverter &converter,
                                     RewritePatternSet &patterns,
                                     bool copySlices) {
  patterns.add<GatherElementsToGeneric, GatherNDToGeneric, ScatterNDToLoops,
               NonZeroToLoops, TopKByRank, CumSumToLoops>(
      converter, patterns.getContext());
  if (copySlices)
    patterns.add<GatherNDSlices, GatherSlices>(converter,
                                               patterns.getContext());
}

} // namespace mlir::xf

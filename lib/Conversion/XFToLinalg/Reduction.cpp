//===- Reduction.cpp - ReduceSum/Mean/Max as linalg reductions ------------===//

#include "Broadcast.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

namespace {
enum class ReduceKind { Sum, Mean, Max };

/// The value a reduction starts from.
static Value reductionIdentity(OpBuilder &b, Location loc, Type type,
                               ReduceKind kind) {
  if (kind != ReduceKind::Max)
    return createZero(b, loc, type);
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, type,
        b.getFloatAttr(type, APFloat::getInf(f.getFloatSemantics(), true)));
  return arith::ConstantOp::create(
      b, loc, type,
      b.getIntegerAttr(type,
                       APInt::getSignedMinValue(type.getIntOrFloatBitWidth())));
}

template <typename OpTy, ReduceKind kind>
struct ReduceToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getData();
    auto inputType = cast<RankedTensorType>(input.getType());
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    if (element.isUnsignedInteger())
      return rewriter.notifyMatchFailure(op, "unsigned integer data");
    if (kind == ReduceKind::Mean && !isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "integer mean");
    int64_t rank = inputType.getRank();
    std::optional<ArrayRef<int64_t>> axesAttr = op.getAxes();
    if ((!axesAttr || axesAttr->empty()) && op.getNoopWithEmptyAxes()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    SmallVector<int64_t> axes =
        axesAttr && !axesAttr->empty()
            ? *normalizeAxes(*axesAttr, rank)
            : llvm::to_vector(llvm::seq<int64_t>(0, rank));

    SmallVector<AffineExpr> outExprs;
    SmallVector<Value> dynamicSizes;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      bool reduced = llvm::is_contained(axes, d);
      iterators.push_back(reduced ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
      if (reduced) {
        if (op.getKeepdims())
          outExprs.push_back(rewriter.getAffineConstantExpr(0));
        continue;
      }
      outExprs.push_back(rewriter.getAffineDimExpr(d));
      if (inputType.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, input, d));
    }
    Value init =
        tensor::EmptyOp::create(rewriter, loc, resultType, dynamicSizes);
    init = linalg::FillOp::create(
               rewriter, loc, reductionIdentity(rewriter, loc, element, kind),
               init)
               .getResult(0);
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0, outExprs, rewriter.getContext())};
    Value reduced =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{resultType}, ValueRange{input},
            ValueRange{init}, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value v;
              bool isFloat = isa<FloatType>(element);
              if (kind == ReduceKind::Max)
                v = isFloat ? arith::MaximumFOp::create(b, l, args[0], args[1])
                                  .getResult()
                            : arith::MaxSIOp::create(b, l, args[0], args[1])
                                  .getResult();
              else
                v = isFloat ? arith::AddFOp::create(b, l, args[0], args[1])
                                  .getResult()
                            : arith::AddIOp::create(b, l, args[0], args[1])
                                  .getResult();
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    if (kind == ReduceKind::Mean) {
      // Divide by the number of reduced elements, known at run time.
      Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
      for (int64_t d : axes)
        count = arith::MulIOp::create(
            rewriter, loc, count,
            tensor::DimOp::create(rewriter, loc, input, d));
      Value countF = arith::UIToFPOp::create(
          rewriter, loc, element,
          arith::IndexCastUIOp::create(rewriter, loc, rewriter.getI64Type(),
                                       count));
      reduced = buildBroadcastGeneric(
          rewriter, loc, resultType, {reduced}, {},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::DivFOp::create(b, l, args[0], countF);
          });
    }
    rewriter.replaceOp(op, reduced);
    return success();
  }
};
} // namespace

void populateReductionToLinalgPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<ReduceToLinalg<ReduceSumOp, ReduceKind::Sum>,
               ReduceToLinalg<ReduceMeanOp, ReduceKind::Mean>,
               ReduceToLinalg<ReduceMaxOp, ReduceKind::Max>>(
      converter, patterns.getContext());
}

} // namespace mlir::xf

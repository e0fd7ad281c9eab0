//===- Quantization.cpp - DequantizeLinear as a linalg.generic ------------===//
//
// Quantized weights are constants of narrow (often unsigned) integers. arith
// computes on signless integers, so a constant's bytes are read as i8 (the
// importer stores 4-bit values one to a byte, already sign- or
// zero-extended) and the scale and zero point are indexed per tensor, per
// axis or per block of the quantized axis.
//
//===----------------------------------------------------------------------===//

#include "Broadcast.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

/// The integers of an xf constant as a signless tensor, 8 bits wide for
/// narrower types; null if `value` is not such a constant.
static Value signlessConstant(OpBuilder &b, Location loc, Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return {};
  RankedTensorType type = constant.getType();
  unsigned width = std::max(8u, type.getElementType().getIntOrFloatBitWidth());
  auto signless = type.clone(b.getIntegerType(width));
  Attribute attr;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
    attr = DenseElementsAttr::getFromRawBuffer(signless, dense.getRawData());
  else if (auto resource =
               dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
    attr = DenseResourceElementsAttr::get(signless, resource.getRawHandle());
  if (!attr)
    return {};
  return arith::ConstantOp::create(b, loc, signless, cast<TypedAttr>(attr));
}

/// An integer tensor as arith can use it: signless as is, or a constant's
/// bytes reread; null when neither (a computed unsigned tensor).
static Value usableIntegers(OpBuilder &b, Location loc, Value converted,
                            Value original) {
  auto type = cast<RankedTensorType>(original.getType());
  if (type.getElementType().isSignlessInteger() &&
      type.getElementType().getIntOrFloatBitWidth() >= 8)
    return converted;
  return signlessConstant(b, loc, original);
}

namespace {
struct DequantizeLinearToGeneric : OpConversionPattern<DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    Value input =
        usableIntegers(rewriter, loc, adaptor.getInput(), op.getInput());
    if (!input)
      return rewriter.notifyMatchFailure(op, "computed unsigned input");
    Value zeroPoint;
    if (op.getZeroPoint()) {
      zeroPoint = usableIntegers(rewriter, loc, adaptor.getZeroPoint(),
                                 op.getZeroPoint());
      if (!zeroPoint)
        return rewriter.notifyMatchFailure(op, "computed unsigned zero point");
    }
    // 8-bit unsigned data was reread as i8: convert it as unsigned.
    auto isUnsigned8 = [](Value original) {
      Type t = cast<RankedTensorType>(original.getType()).getElementType();
      return t.isUnsignedInteger(8);
    };

    // How the scale (and zero point) is indexed.
    auto scaleType = op.getScale().getType();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    SmallVector<AffineExpr> scaleExprs;
    bool perTensor = scaleType.getRank() == 0 ||
                     (scaleType.getRank() == 1 &&
                      scaleType.getDimSize(0) == 1 && op.getBlockSize() == 0);
    if (perTensor) {
      for (int64_t i = 0; i < scaleType.getRank(); ++i)
        scaleExprs.push_back(rewriter.getAffineConstantExpr(0));
    } else if (op.getBlockSize() == 0) {
      scaleExprs.push_back(rewriter.getAffineDimExpr(axis));
    } else {
      for (int64_t d = 0; d < rank; ++d)
        scaleExprs.push_back(
            d == axis ? rewriter.getAffineDimExpr(d).floorDiv(op.getBlockSize())
                      : rewriter.getAffineDimExpr(d));
    }
    AffineMap scaleMap = AffineMap::get(rank, 0, scaleExprs, getContext());
    SmallVector<Value> inputs = {input, adaptor.getScale()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   scaleMap};
    if (zeroPoint) {
      inputs.push_back(zeroPoint);
      maps.push_back(scaleMap);
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (resultType.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, input, d));
    Value init =
        tensor::EmptyOp::create(rewriter, loc, resultType, dynamicSizes);
    Type element = resultType.getElementType();
    bool inputUnsigned = isUnsigned8(op.getInput());
    bool zpUnsigned = op.getZeroPoint() && isUnsigned8(op.getZeroPoint());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto toFloat = [&](Value v, bool isUnsigned) -> Value {
            if (isUnsigned)
              return arith::UIToFPOp::create(b, l, element, v);
            return arith::SIToFPOp::create(b, l, element, v);
          };
          Value x = toFloat(args[0], inputUnsigned);
          if (zeroPoint)
            x = arith::SubFOp::create(b, l, x, toFloat(args[2], zpUnsigned));
          linalg::YieldOp::create(
              b, l, arith::MulFOp::create(b, l, x, args[1]).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Unsigned or sub-byte constants are only read by the quantization
/// lowerings, which take their bytes directly; they keep their type here
/// through a bitcast of the signless constant, and fold away once unused.
struct UnsignedConstantToArith : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type element = op.getType().getElementType();
    if (!isa<IntegerType>(element) ||
        (element.isSignlessInteger() && element.getIntOrFloatBitWidth() >= 8))
      return rewriter.notifyMatchFailure(op, "an ordinary constant");
    auto signlessType = op.getType().clone(
        rewriter.getIntegerType(element.getIntOrFloatBitWidth()));
    Attribute attr;
    if (auto dense = dyn_cast<DenseElementsAttr>(op.getValue()))
      attr =
          DenseElementsAttr::getFromRawBuffer(signlessType, dense.getRawData());
    else if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue()))
      attr =
          DenseResourceElementsAttr::get(signlessType, resource.getRawHandle());
    if (!attr)
      return rewriter.notifyMatchFailure(op, "unknown constant storage");
    Value signless = arith::ConstantOp::create(
        rewriter, op.getLoc(), signlessType, cast<TypedAttr>(attr));
    rewriter.replaceOpWithNewOp<tensor::BitcastOp>(op, op.getType(), signless);
    return success();
  }
};
} // namespace

void populateQuantizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<DequantizeLinearToGeneric, UnsignedConstantToArith>(
      patterns.getContext());
}

} // namespace mlir::xf

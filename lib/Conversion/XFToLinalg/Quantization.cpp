//===- Quantization.cpp - quantize, dequantize, integer matrix products ---===//
//
// The conversion has made integer tensors signless, so each lowering takes
// signedness from the xf op's own types. Scales and zero points are indexed
// per tensor, per axis or per block of the quantized axis. Rounding is half
// to even and results saturate, as ONNX specifies.
//
//===----------------------------------------------------------------------===//

#include "Broadcast.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include <limits>

namespace mlir::xf {

/// The range of an integer element type of the xf level.
static std::pair<double, double> integerRange(Type type) {
  unsigned width = type.getIntOrFloatBitWidth();
  if (type.isUnsignedInteger())
    return {0.0, std::ldexp(1.0, width) - 1};
  return {-std::ldexp(1.0, width - 1), std::ldexp(1.0, width - 1) - 1};
}

/// saturate(round_half_even(x / scale) + zeroPoint) as an integer of type
/// `to` (signless) whose xf type has the range [lo, hi].
static Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale,
                            Value zeroPoint, Type to, double lo, double hi,
                            bool isUnsigned) {
  Type f = x.getType();
  Value q = math::RoundEvenOp::create(b, loc,
                                      arith::DivFOp::create(b, loc, x, scale));
  if (zeroPoint)
    q = arith::AddFOp::create(b, loc, q, zeroPoint);
  q = arith::MinimumFOp::create(
      b, loc,
      arith::MaximumFOp::create(b, loc, q, floatConstant(b, loc, f, lo))
          .getResult(),
      floatConstant(b, loc, f, hi));
  return castScalar(b, loc, q, to, false, isUnsigned);
}

/// How a (De)QuantizeLinear op of rank `rank` reads its scale and zero
/// point: per tensor, along `axis`, or per block of `blockSize` along it.
static AffineMap scaleMap(OpBuilder &b, RankedTensorType scaleType,
                          int64_t rank, int64_t axis, int64_t blockSize) {
  SmallVector<AffineExpr> exprs;
  bool perTensor = scaleType.getRank() == 0 ||
                   (scaleType.getRank() == 1 && scaleType.getDimSize(0) == 1 &&
                    blockSize == 0);
  if (perTensor) {
    for (int64_t i = 0; i < scaleType.getRank(); ++i)
      exprs.push_back(b.getAffineConstantExpr(0));
  } else if (blockSize == 0) {
    exprs.push_back(b.getAffineDimExpr(axis));
  } else {
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(d == axis ? b.getAffineDimExpr(d).floorDiv(blockSize)
                                : b.getAffineDimExpr(d));
  }
  return AffineMap::get(rank, 0, exprs, b.getContext());
}

/// A parallel generic over `like`'s shape, producing `resultType`, that
/// reads `inputs` through `maps` (the result's identity map is added).
static Value elementwiseGeneric(OpBuilder &b, Location loc, Value like,
                                RankedTensorType resultType, ValueRange inputs,
                                SmallVector<AffineMap> maps,
                                ScalarBuilder body) {
  int64_t rank = resultType.getRank();
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < rank; ++d)
    if (resultType.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, like, d));
  Value init = tensor::EmptyOp::create(b, loc, resultType, dynamicSizes);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, body(nb, l, args));
      });
  return generic.getResult(0);
}

/// The generic of a QuantizeLinear or DequantizeLinear op producing
/// `resultType`: `body` gets the input element, its scale and, when the op
/// has one, its zero point.
template <typename OpTy, typename Adaptor>
static Value linearQuantizationGeneric(OpBuilder &b, OpTy op, Adaptor adaptor,
                                       RankedTensorType resultType,
                                       ScalarBuilder body) {
  int64_t rank = resultType.getRank();
  int64_t axis = *normalizeAxis(op.getAxis(), rank);
  AffineMap indexing =
      scaleMap(b, op.getScale().getType(), rank, axis, op.getBlockSize());
  SmallVector<Value> inputs = {adaptor.getInput(), adaptor.getScale()};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank), indexing};
  if (Value zeroPoint = adaptor.getZeroPoint()) {
    inputs.push_back(zeroPoint);
    maps.push_back(indexing);
  }
  return elementwiseGeneric(b, op.getLoc(), adaptor.getInput(), resultType,
                            inputs, maps, body);
}

namespace {
struct DequantizeLinearToGeneric : OpConversionPattern<DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getType();
    bool zeroPoint = op.getZeroPoint() != nullptr;
    Type element = resultType.getElementType();
    bool inputUnsigned = isUnsignedTensor(op.getInput());
    bool zpUnsigned = zeroPoint && isUnsignedTensor(op.getZeroPoint());
    rewriter.replaceOp(
        op, linearQuantizationGeneric(
                rewriter, op, adaptor, resultType,
                [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                  Value x =
                      castScalar(b, l, args[0], element, inputUnsigned, false);
                  if (zeroPoint)
                    x = arith::SubFOp::create(
                        b, l, x,
                        castScalar(b, l, args[2], element, zpUnsigned, false));
                  return arith::MulFOp::create(b, l, x, args[1]);
                }));
    return success();
  }
};

/// The packed weight element-wise: each result element extracts its field
/// from its byte (`linalg.index` gives K) and dequantizes it. Kernels that
/// read packed weights replace the products it feeds before this runs; the
/// CUDA back end computes the generic while staging the weight.
struct QuantizedWeightToGeneric : OpConversionPattern<QuantizedWeightOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizedWeightOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    int64_t bits = op.getBits(), group = op.getGroupSize();
    int64_t perByte = 8 / bits;
    bool isSigned = op.getIsSigned();
    MLIRContext *context = rewriter.getContext();
    // Loops (stack..., k, n): a stack of matrices shares its leading dims.
    int64_t rank = resultType.getRank(), stack = rank - 2;
    AffineExpr k = getAffineDimExpr(stack, context),
               n = getAffineDimExpr(stack + 1, context);
    SmallVector<AffineExpr> leading;
    for (int64_t d = 0; d < stack; ++d)
      leading.push_back(getAffineDimExpr(d, context));
    auto map = [&](AffineExpr row, AffineExpr column) {
      SmallVector<AffineExpr> exprs = leading;
      exprs.append({row, column});
      return AffineMap::get(rank, 0, exprs, context);
    };
    // 8-bit rows index their bytes by K itself: rows padded past K are cut
    // to K, or the generic's loop over K would be read from their length.
    Value packed = adaptor.getPacked();
    auto packedType = cast<RankedTensorType>(packed.getType());
    if (perByte == 1 && packedType.getDimSize(rank - 1) != op.getK()) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)),
          sizes = tensor::getMixedSizes(rewriter, loc, packed),
          strides(rank, rewriter.getIndexAttr(1));
      sizes.back() = rewriter.getIndexAttr(op.getK());
      packed = tensor::ExtractSliceOp::create(rewriter, loc, packed, offsets,
                                              sizes, strides);
    }
    SmallVector<Value> inputs = {packed, adaptor.getScales()};
    SmallVector<AffineMap> maps = {map(n, k.floorDiv(perByte)),
                                   map(n, k.floorDiv(group))};
    Value zeroPoint = adaptor.getZeroPoints();
    if (zeroPoint) {
      inputs.push_back(zeroPoint);
      maps.push_back(maps.back());
    }
    bool zpUnsigned = zeroPoint && isUnsignedTensor(op.getZeroPoints());
    Value result = elementwiseGeneric(
        rewriter, loc, Value(), resultType, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Type i32 = b.getI32Type();
          auto i32Constant = [&](int64_t v) {
            return arith::ConstantIntOp::create(b, l, i32, v);
          };
          Value field =
              isSigned ? arith::ExtSIOp::create(b, l, i32, args[0]).getResult()
                       : arith::ExtUIOp::create(b, l, i32, args[0]).getResult();
          if (bits == 4) {
            // The field at k % 2, sign-extended from its 4 bits if signed.
            Value index = arith::IndexCastOp::create(
                b, l, i32, linalg::IndexOp::create(b, l, stack));
            Value shift = arith::MulIOp::create(
                b, l, arith::RemUIOp::create(b, l, index, i32Constant(2)),
                i32Constant(4));
            field = arith::AndIOp::create(
                b, l, arith::ShRUIOp::create(b, l, field, shift),
                i32Constant(15));
            if (isSigned)
              field = arith::SubIOp::create(
                  b, l, arith::XOrIOp::create(b, l, field, i32Constant(8)),
                  i32Constant(8));
          }
          Value x = arith::SIToFPOp::create(b, l, element, field);
          if (zeroPoint)
            x = arith::SubFOp::create(
                b, l, x, castScalar(b, l, args[2], element, zpUnsigned, false));
          return arith::MulFOp::create(b, l, x, args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct QuantizeLinearToGeneric : OpConversionPattern<QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = toSignless(op.getType());
    bool zeroPoint = op.getZeroPoint() != nullptr;
    Type xfElement = op.getType().getElementType();
    bool isUnsigned = xfElement.isUnsignedInteger();
    std::pair<double, double> range = integerRange(xfElement);
    double lo = range.first, hi = range.second;
    rewriter.replaceOp(
        op, linearQuantizationGeneric(
                rewriter, op, adaptor, resultType,
                [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                  Value zp;
                  if (zeroPoint)
                    zp = castScalar(b, l, args[2], args[0].getType(),
                                    isUnsigned, false);
                  return quantizeScalar(b, l, args[0], args[1], zp,
                                        resultType.getElementType(), lo, hi,
                                        isUnsigned);
                }));
    return success();
  }
};

/// min(0, min x) and max(0, max x) in one reduction into 0-d tensors (from
/// 0, which the range always holds); scale = (max - min) / 255 (1 when the
/// range is empty, as ONNX Runtime does), zero point = round(clamp(-min /
/// scale, 0, 255)) in a generic of one iteration; then x quantized with
/// them. Tensors and loops throughout (no scalar computed on the host), so
/// a device computes it.
struct DynamicQuantizeLinearToLinalg
    : OpConversionPattern<DynamicQuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DynamicQuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    Type f32 = rewriter.getF32Type(), i8 = rewriter.getI8Type();
    auto scalarType = [](Type element) {
      return RankedTensorType::get({}, element);
    };
    auto zeroFilled = [&](ArrayRef<int64_t> shape, ValueRange sizes) {
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, RankedTensorType::get(shape, f32), sizes);
      return linalg::FillOp::create(
                 rewriter, loc, floatConstant(rewriter, loc, f32, 0.0), empty)
          .getResult(0);
    };
    auto minMax = [](OpBuilder &b, Location l, ValueRange args) {
      linalg::YieldOp::create(
          b, l,
          ValueRange{arith::MinimumFOp::create(b, l, args[0], args[1]),
                     arith::MaximumFOp::create(b, l, args[0], args[2])});
    };
    // The range in two steps: over the rows into one min and max per
    // column (parallel over columns: vector lanes, or a device's threads),
    // then over those. The data as [rows, columns] for it.
    Value matrix = input;
    if (rank < 2)
      matrix = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({1, rank ? inputType.getDimSize(0) : 1}, f32),
          input,
          rank ? SmallVector<ReassociationIndices>{{0, 1}}
               : SmallVector<ReassociationIndices>{});
    else if (rank > 2)
      matrix = tensor::CollapseShapeOp::create(
          rewriter, loc, input,
          SmallVector<ReassociationIndices>{
              llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)), {rank - 1}});
    Value columns = tensor::DimOp::create(rewriter, loc, matrix, 1);
    int64_t width = cast<RankedTensorType>(matrix.getType()).getDimSize(1);
    SmallVector<Value> dynamicWidth;
    if (ShapedType::isDynamic(width))
      dynamicWidth.push_back(columns);
    auto rowsToColumn =
        AffineMap::get(2, 0, {rewriter.getAffineDimExpr(1)}, context);
    auto perColumn = linalg::GenericOp::create(
        rewriter, loc,
        TypeRange{RankedTensorType::get({width}, f32),
                  RankedTensorType::get({width}, f32)},
        ValueRange{matrix},
        ValueRange{zeroFilled({width}, dynamicWidth),
                   zeroFilled({width}, dynamicWidth)},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(2), rowsToColumn,
                               rowsToColumn},
        SmallVector<utils::IteratorType>{utils::IteratorType::reduction,
                                         utils::IteratorType::parallel},
        minMax);
    auto toScalar = AffineMap::get(1, 0, {}, context);
    auto range = linalg::GenericOp::create(
        rewriter, loc, TypeRange{scalarType(f32), scalarType(f32)},
        perColumn.getResults(),
        ValueRange{zeroFilled({}, {}), zeroFilled({}, {})},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(1),
                               rewriter.getMultiDimIdentityMap(1), toScalar,
                               toScalar},
        SmallVector<utils::IteratorType>{utils::IteratorType::reduction},
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::MinimumFOp::create(b, l, args[0], args[2]),
                         arith::MaximumFOp::create(b, l, args[1], args[3])});
        });
    // One iteration, not a 0-d generic: a loop is what a device runs.
    auto one = [](Type element) { return RankedTensorType::get({1}, element); };
    auto fromScalar = AffineMap::get(1, 0, {}, context);
    auto toOne = rewriter.getMultiDimIdentityMap(1);
    Value zeroPointInit =
        tensor::EmptyOp::create(rewriter, loc, one(i8), ValueRange{});
    auto parameters = linalg::GenericOp::create(
        rewriter, loc, TypeRange{one(f32), one(f32), one(i8)},
        range.getResults(),
        ValueRange{zeroFilled({1}, {}), zeroFilled({1}, {}), zeroPointInit},
        SmallVector<AffineMap>{fromScalar, fromScalar, toOne, toOne, toOne},
        utils::IteratorType::parallel,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value min = args[0], max = args[1];
          Value zero = floatConstant(b, l, f32, 0.0),
                top = floatConstant(b, l, f32, 255.0);
          Value span = arith::SubFOp::create(b, l, max, min);
          Value empty = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                              span, zero);
          Value scale = arith::SelectOp::create(
              b, l, empty, floatConstant(b, l, f32, 1.0),
              arith::DivFOp::create(b, l, span, top));
          Value zeroPoint = math::RoundEvenOp::create(
              b, l,
              arith::MinimumFOp::create(
                  b, l,
                  arith::MaximumFOp::create(
                      b, l,
                      arith::DivFOp::create(
                          b, l, arith::NegFOp::create(b, l, min), scale),
                      zero),
                  top));
          linalg::YieldOp::create(
              b, l,
              ValueRange{scale, zeroPoint,
                         castScalar(b, l, zeroPoint, i8, false, true)});
        });
    SmallVector<Value, 3> scalars;
    for (Value v : parameters.getResults())
      scalars.push_back(tensor::CollapseShapeOp::create(
          rewriter, loc, v, ArrayRef<ReassociationIndices>{}));
    Value scale = scalars[0], zeroPointF = scalars[1];
    Value y = elementwiseGeneric(
        rewriter, loc, input, toSignless(op.getY().getType()),
        {input, scale, zeroPointF},
        {rewriter.getMultiDimIdentityMap(rank),
         AffineMap::get(rank, 0, {}, context),
         AffineMap::get(rank, 0, {}, context)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return quantizeScalar(b, l, args[0], args[1], args[2], i8, 0.0, 255.0,
                                /*isUnsigned=*/true);
        });
    rewriter.replaceOp(op, {y, scale, scalars[2]});
    return success();
  }
};

/// (lhs - lhs_zero_point) and (rhs - rhs_zero_point) widened to i32, then
/// their xf.matmul, which lowers as any matrix product does.
struct MatMulIntegerToMatMul : OpConversionPattern<MatMulIntegerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type i32 = rewriter.getI32Type();
    // A zero point per row of lhs (its dimension rank-2) or per column of
    // rhs (rank-1), or one for all.
    auto widen = [&](Value original, Value value, Value originalZp,
                     Value zeroPoint, int64_t fromEnd) -> Value {
      auto type = cast<RankedTensorType>(value.getType());
      auto zpType = cast<RankedTensorType>(zeroPoint.getType());
      int64_t rank = type.getRank();
      SmallVector<AffineExpr> zpExprs;
      if (zpType.getNumElements() != 1) {
        if (rank < fromEnd)
          return {};
        zpExprs.push_back(rewriter.getAffineDimExpr(rank - fromEnd));
      } else {
        zpExprs.assign(zpType.getRank(), rewriter.getAffineConstantExpr(0));
      }
      bool isUnsigned = isUnsignedTensor(original),
           zpUnsigned = isUnsignedTensor(originalZp);
      return elementwiseGeneric(
          rewriter, loc, value, type.clone(i32), {value, zeroPoint},
          {rewriter.getMultiDimIdentityMap(rank),
           AffineMap::get(rank, 0, zpExprs, getContext())},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::SubIOp::create(
                b, l, castScalar(b, l, args[0], i32, isUnsigned, false),
                castScalar(b, l, args[1], i32, zpUnsigned, false));
          });
    };
    Value lhs = widen(op.getLhs(), adaptor.getLhs(), op.getLhsZeroPoint(),
                      adaptor.getLhsZeroPoint(), 2);
    Value rhs = widen(op.getRhs(), adaptor.getRhs(), op.getRhsZeroPoint(),
                      adaptor.getRhsZeroPoint(), 1);
    if (!lhs || !rhs)
      return rewriter.notifyMatchFailure(op, "zero point of a vector operand");
    FailureOr<Value> product =
        createInferred<MatMulOp>(rewriter, loc, {lhs, rhs});
    if (failed(product))
      return rewriter.notifyMatchFailure(op, "operand shapes do not multiply");
    Value result = *product;
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void populateQuantizationToLinalgPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<DequantizeLinearToGeneric, QuantizeLinearToGeneric,
               QuantizedWeightToGeneric, DynamicQuantizeLinearToLinalg,
               MatMulIntegerToMatMul>(converter, patterns.getContext());
}

} // namespace mlir::xf

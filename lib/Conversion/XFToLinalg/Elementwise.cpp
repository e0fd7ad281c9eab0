//===- Elementwise.cpp - element-wise xf ops as linalg.generic ------------===//

#include "Broadcast.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::xf {

/// Scalar arithmetic on floats or integers, which are signed unless
/// `isUnsigned`.
template <typename FloatOp, typename SignedOp, typename UnsignedOp = SignedOp>
static Value arith2(OpBuilder &b, Location loc, ValueRange args,
                    bool isUnsigned = false) {
  if (isa<FloatType>(args[0].getType()))
    return FloatOp::create(b, loc, args[0], args[1]);
  if (isUnsigned)
    return UnsignedOp::create(b, loc, args[0], args[1]);
  return SignedOp::create(b, loc, args[0], args[1]);
}

static Value compare(OpBuilder &b, Location loc, ValueRange args,
                     arith::CmpFPredicate fp, arith::CmpIPredicate si,
                     arith::CmpIPredicate ui, bool isUnsigned) {
  if (isa<FloatType>(args[0].getType()))
    return arith::CmpFOp::create(b, loc, fp, args[0], args[1]);
  return arith::CmpIOp::create(b, loc, isUnsigned ? ui : si, args[0], args[1]);
}

/// 0.5 x (1 + erf(x / sqrt 2)), or the tanh approximation.
static Value gelu(OpBuilder &b, Location loc, Value x, bool useTanh) {
  Type t = x.getType();
  Value half = floatConstant(b, loc, t, 0.5), one = floatConstant(b, loc, t, 1);
  Value inner;
  if (useTanh) {
    Value cube = arith::MulFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, x, x).getResult());
    Value poly = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, cube, floatConstant(b, loc, t, 0.044715))
            .getResult());
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(
            b, loc, poly,
            floatConstant(b, loc, t, std::sqrt(2.0 / llvm::numbers::pi))));
  } else {
    inner = math::ErfOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, x,
                              floatConstant(b, loc, t, 1.0 / std::sqrt(2.0))));
  }
  Value scale = arith::AddFOp::create(b, loc, one, inner);
  return arith::MulFOp::create(
      b, loc, arith::MulFOp::create(b, loc, x, half).getResult(), scale);
}

/// The scalar computation of an element-wise xf op whose result elements
/// have type `resultType`; integers are unsigned where the op's are.
static Value emitScalar(Operation *op, OpBuilder &b, Location loc,
                        ValueRange args, Type resultType) {
  // Where's data operands follow its condition.
  Value data = op->getOperand(isa<WhereOp>(op) ? 1 : 0);
  bool isUnsigned = isUnsignedTensor(data);
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) {
        return arith2<arith::AddFOp, arith::AddIOp>(b, loc, args);
      })
      .Case([&](SubOp) {
        return arith2<arith::SubFOp, arith::SubIOp>(b, loc, args);
      })
      .Case([&](MulOp) {
        return arith2<arith::MulFOp, arith::MulIOp>(b, loc, args);
      })
      .Case([&](DivOp) {
        return arith2<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(
            b, loc, args, isUnsigned);
      })
      .Case([&](PowOp) -> Value {
        Value exponent =
            castScalar(b, loc, args[1], args[0].getType(),
                       isUnsignedTensor(op->getOperand(1)), isUnsigned);
        if (isa<FloatType>(args[0].getType()))
          return math::PowFOp::create(b, loc, args[0], exponent);
        return math::IPowIOp::create(b, loc, args[0], exponent);
      })
      .Case([&](MaxOp) {
        Value acc = args[0];
        for (Value v : args.drop_front())
          acc = arith2<arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(
              b, loc, {acc, v}, isUnsigned);
        return acc;
      })
      .Case([&](MinOp) {
        Value acc = args[0];
        for (Value v : args.drop_front())
          acc = arith2<arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>(
              b, loc, {acc, v}, isUnsigned);
        return acc;
      })
      .Case([&](EqualOp) {
        return compare(b, loc, args, FP::OEQ, IP::eq, IP::eq, isUnsigned);
      })
      .Case([&](LessOp) {
        return compare(b, loc, args, FP::OLT, IP::slt, IP::ult, isUnsigned);
      })
      .Case([&](LessOrEqualOp) {
        return compare(b, loc, args, FP::OLE, IP::sle, IP::ule, isUnsigned);
      })
      .Case([&](GreaterOp) {
        return compare(b, loc, args, FP::OGT, IP::sgt, IP::ugt, isUnsigned);
      })
      .Case([&](GreaterOrEqualOp) {
        return compare(b, loc, args, FP::OGE, IP::sge, IP::uge, isUnsigned);
      })
      .Case([&](AndOp) {
        return arith::AndIOp::create(b, loc, args[0], args[1]);
      })
      .Case(
          [&](OrOp) { return arith::OrIOp::create(b, loc, args[0], args[1]); })
      .Case([&](NotOp) {
        return arith::XOrIOp::create(
            b, loc, args[0],
            arith::ConstantOp::create(b, loc, b.getI1Type(),
                                      b.getBoolAttr(true)));
      })
      .Case([&](WhereOp) {
        return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
      })
      .Case([&](SqrtOp) { return math::SqrtOp::create(b, loc, args[0]); })
      .Case([&](ReciprocalOp) {
        return arith::DivFOp::create(
            b, loc, floatConstant(b, loc, args[0].getType(), 1.0), args[0]);
      })
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, args[0]); })
      .Case([&](LogOp) { return math::LogOp::create(b, loc, args[0]); })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, args[0]); })
      .Case([&](ErfOp) { return math::ErfOp::create(b, loc, args[0]); })
      .Case([&](CosOp) { return math::CosOp::create(b, loc, args[0]); })
      .Case([&](SinOp) { return math::SinOp::create(b, loc, args[0]); })
      .Case([&](SigmoidOp) {
        Type t = args[0].getType();
        Value e = math::ExpOp::create(
            b, loc, arith::NegFOp::create(b, loc, args[0]).getResult());
        return arith::DivFOp::create(
            b, loc, floatConstant(b, loc, t, 1.0),
            arith::AddFOp::create(b, loc, floatConstant(b, loc, t, 1.0), e)
                .getResult());
      })
      .Case([&](NegOp) -> Value {
        if (isa<FloatType>(args[0].getType()))
          return arith::NegFOp::create(b, loc, args[0]);
        return arith::SubIOp::create(
            b, loc, createZero(b, loc, args[0].getType()), args[0]);
      })
      .Case([&](AbsOp) -> Value {
        if (isa<FloatType>(args[0].getType()))
          return math::AbsFOp::create(b, loc, args[0]);
        if (isUnsigned)
          return args[0];
        return math::AbsIOp::create(b, loc, args[0]);
      })
      .Case([&](ReluOp) {
        return arith2<arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(
            b, loc, {args[0], createZero(b, loc, args[0].getType())},
            isUnsigned);
      })
      .Case([&](GeluOp g) {
        return gelu(b, loc, args[0], g.getApproximate() == "tanh");
      })
      .Case([&](CastOp c) {
        return castScalar(b, loc, args[0], resultType, isUnsigned,
                          isUnsignedTensor(c.getResult()));
      })
      .Default([](Operation *) { return Value(); });
}

namespace {
/// Any element-wise xf op: its scalar body over its broadcast operands.
template <typename OpTy>
struct ElementwiseToGeneric : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        toSignless(cast<RankedTensorType>(op->getResult(0).getType()));
    Value result = buildBroadcastGeneric(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        op->getOperands(), [&](OpBuilder &b, Location loc, ValueRange args) {
          return emitScalar(op, b, loc, args, resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct IdentityToOperand : OpConversionPattern<IdentityOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IdentityOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};
} // namespace

void populateElementwiseToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns
      .add<ElementwiseToGeneric<AddOp>, ElementwiseToGeneric<SubOp>,
           ElementwiseToGeneric<MulOp>, ElementwiseToGeneric<DivOp>,
           ElementwiseToGeneric<PowOp>, ElementwiseToGeneric<MaxOp>,
           ElementwiseToGeneric<MinOp>, ElementwiseToGeneric<EqualOp>,
           ElementwiseToGeneric<LessOp>, ElementwiseToGeneric<LessOrEqualOp>,
           ElementwiseToGeneric<GreaterOp>,
           ElementwiseToGeneric<GreaterOrEqualOp>, ElementwiseToGeneric<AndOp>,
           ElementwiseToGeneric<OrOp>, ElementwiseToGeneric<NotOp>,
           ElementwiseToGeneric<WhereOp>, ElementwiseToGeneric<SqrtOp>,
           ElementwiseToGeneric<ReciprocalOp>, ElementwiseToGeneric<ExpOp>,
           ElementwiseToGeneric<LogOp>, ElementwiseToGeneric<TanhOp>,
           ElementwiseToGeneric<ErfOp>, ElementwiseToGeneric<CosOp>,
           ElementwiseToGeneric<SinOp>, ElementwiseToGeneric<SigmoidOp>,
           ElementwiseToGeneric<NegOp>, ElementwiseToGeneric<AbsOp>,
           ElementwiseToGeneric<ReluOp>, ElementwiseToGeneric<GeluOp>,
           ElementwiseToGeneric<CastOp>, IdentityToOperand>(
          converter, patterns.getContext());
}

} // namespace mlir::xf

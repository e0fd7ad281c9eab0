//===- Decompose.cpp - composite xf ops as simpler xf ops -----------------===//
//
// Softmax, the normalizations and attention are written as the reductions,
// products and element-wise ops they are made of; the conversion then
// lowers those. (The
// fused kernels of the back ends replace these decompositions for speed;
// this is the portable definition.)
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include <cmath>
#include <limits>

namespace mlir::xf {

namespace {
/// Builds xf ops with inferred types; after the first failure it builds
/// nothing and `failed()` says so.
class XFBuilder {
public:
  XFBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  template <typename OpTy>
  Value op(ValueRange operands, ArrayRef<NamedAttribute> attrs = {},
           Type elementType = {}) {
    if (hasFailed || llvm::is_contained(operands, Value()))
      return fail();
    FailureOr<Value> v =
        createInferred<OpTy>(b, loc, operands, attrs, elementType);
    return succeeded(v) ? *v : fail();
  }

  /// A scalar constant of `type`.
  Value scalar(Type type, double value) {
    auto tensorType = RankedTensorType::get({}, type);
    auto attr = cast<ElementsAttr>(DenseElementsAttr::get(
        tensorType, isa<FloatType>(type)
                        ? Attribute(b.getFloatAttr(type, value))
                        : b.getIntegerAttr(type, value)));
    return ConstantOp::create(b, loc, tensorType, attr);
  }

  /// A constant i64 vector (shapes, slice bounds).
  Value i64s(ArrayRef<int64_t> values) {
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      b.getI64Type());
    return ConstantOp::create(
        b, loc, type, cast<ElementsAttr>(DenseElementsAttr::get(type, values)));
  }

  NamedAttribute axis(int64_t axis) {
    return b.getNamedAttr("axis", b.getI64IntegerAttr(axis));
  }

  NamedAttribute axes(ArrayRef<int64_t> axes) {
    return b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes));
  }

  bool failed() const { return hasFailed; }

private:
  Value fail() {
    hasFailed = true;
    return {};
  }
  OpBuilder &b;
  Location loc;
  bool hasFailed = false;
};

/// Replaces `op` by `value`, cast to the op's type where inference found a
/// more static one.
static void replaceWith(ConversionPatternRewriter &rewriter, Operation *op,
                        Value value) {
  Type type = op->getResult(0).getType();
  if (value.getType() != type)
    value = tensor::CastOp::create(rewriter, op->getLoc(), type, value);
  rewriter.replaceOp(op, value);
}

/// Replaces `op` by the decomposition `result`, unless building it failed.
static LogicalResult finish(ConversionPatternRewriter &rewriter, Operation *op,
                            const XFBuilder &x, Value result) {
  if (x.failed())
    return rewriter.notifyMatchFailure(op, "could not build the decomposition");
  replaceWith(rewriter, op, result);
  return success();
}

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

/// Softmax and LogSoftmax along one axis, stabilized by the maximum.
template <typename OpTy, bool isLog>
struct DecomposeSoftmax : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    Value in = adaptor.getInput();
    int64_t axis = *normalizeAxis(op.getAxis(), op.getType().getRank());
    Value max = x.op<ReduceMaxOp>({in}, {x.axes({axis})});
    Value shifted = x.op<SubOp>({in, max});
    Value exp = x.op<ExpOp>({shifted});
    Value sum = x.op<ReduceSumOp>({exp}, {x.axes({axis})});
    Value result = isLog ? x.op<SubOp>({shifted, x.op<LogOp>({sum})})
                         : x.op<DivOp>({exp, sum});
    return finish(rewriter, op, x, result);
  }
};

/// (x - mean) / sqrt(variance + epsilon) * scale + bias over axis..rank-1,
/// or x / sqrt(mean(x^2) + epsilon) * scale when `centered` is false.
static Value normalize(XFBuilder &x, Value in, Value scale, Value bias,
                       int64_t axis, float epsilon, bool centered) {
  int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(axis, rank));
  Value centeredIn =
      centered ? x.op<SubOp>({in, x.op<ReduceMeanOp>({in}, {x.axes(axes)})})
               : in;
  Value variance = x.op<ReduceMeanOp>({x.op<MulOp>({centeredIn, centeredIn})},
                                      {x.axes(axes)});
  Value inverse = x.op<ReciprocalOp>({x.op<SqrtOp>(
      {x.op<AddOp>({variance, x.scalar(elementTypeOf(in), epsilon)})})});
  Value result = x.op<MulOp>({x.op<MulOp>({centeredIn, inverse}), scale});
  return bias ? x.op<AddOp>({result, bias}) : result;
}

template <typename OpTy, bool centered>
struct DecomposeNorm : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    Value bias;
    if constexpr (centered)
      bias = adaptor.getBias();
    int64_t axis = *normalizeAxis(op.getAxis(), op.getType().getRank());
    Value result = normalize(x, adaptor.getInput(), adaptor.getScale(), bias,
                             axis, op.getEpsilon().convertToFloat(), centered);
    return finish(rewriter, op, x, result);
  }
};

/// `activation(value)` as xf ops.
static Value applyActivation(XFBuilder &x, OpBuilder &b, Value value,
                             Activation activation) {
  switch (activation) {
  case Activation::none:
    return value;
  case Activation::relu:
    return x.op<ReluOp>({value});
  case Activation::gelu:
  case Activation::gelu_tanh:
    return x.op<GeluOp>(
        {value}, {b.getNamedAttr("approximate",
                                 b.getStringAttr(activation == Activation::gelu
                                                     ? "none"
                                                     : "tanh"))});
  case Activation::silu:
    return x.op<MulOp>({value, x.op<SigmoidOp>({value})});
  }
  llvm_unreachable("unknown activation");
}

/// activation(input * weight + bias).
struct DecomposeLinear : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    Value weight = adaptor.getWeight();
    if (op.getTransposeWeight())
      weight = x.op<TransposeOp>({weight});
    Value result = x.op<MatMulOp>({adaptor.getInput(), weight});
    if (Value bias = adaptor.getBias())
      result = x.op<AddOp>({result, bias});
    result = applyActivation(x, rewriter, result, op.getActivation());
    return finish(rewriter, op, x, result);
  }
};

/// (activation(input * gate) * (input * up)) * down.
struct DecomposeGatedMlp : OpConversionPattern<GatedMlpOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GatedMlpOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    Value in = adaptor.getInput();
    Value gate =
        applyActivation(x, rewriter, x.op<MatMulOp>({in, adaptor.getGate()}),
                        op.getActivation());
    Value hidden = x.op<MulOp>({gate, x.op<MatMulOp>({in, adaptor.getUp()})});
    Value result = x.op<MatMulOp>({hidden, adaptor.getDown()});
    return finish(rewriter, op, x, result);
  }
};

/// Rotary embedding as slices, products and a concatenation: the first R
/// channels of each head rotate by the tables' angles, the rest pass.
struct DecomposeRope : OpConversionPattern<RopeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RopeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    RankedTensorType type = op.getInput().getType();
    int64_t half = op.getCos().getType().getDimSize(2);
    int64_t channels = type.getDimSize(3);
    if (ShapedType::isDynamic(half) || ShapedType::isDynamic(channels) ||
        2 * half > channels)
      return rewriter.notifyMatchFailure(
          op, "rotary and head sizes must be static, rotary <= head");
    Value in = adaptor.getInput();
    // Channels [begin, end) (with a step) of the last axis.
    auto channelsOf = [&](int64_t begin, int64_t end, int64_t step = 1) {
      return x.op<SliceOp>(
          {in, x.i64s({begin}), x.i64s({end})},
          {x.axes({3}), rewriter.getNamedAttr(
                            "steps", rewriter.getDenseI64ArrayAttr({step}))});
    };
    // [B, S, R/2] -> [B, 1, S, R/2]: the same angles for every head.
    Value cos = x.op<UnsqueezeOp>({adaptor.getCos()}, {x.axes({1})});
    Value sin = x.op<UnsqueezeOp>({adaptor.getSin()}, {x.axes({1})});
    bool interleaved = op.getInterleaved();
    Value first =
        interleaved ? channelsOf(0, 2 * half, 2) : channelsOf(0, half);
    Value second =
        interleaved ? channelsOf(1, 2 * half, 2) : channelsOf(half, 2 * half);
    Value rotatedFirst =
        x.op<SubOp>({x.op<MulOp>({first, cos}), x.op<MulOp>({second, sin})});
    Value rotatedSecond =
        x.op<AddOp>({x.op<MulOp>({second, cos}), x.op<MulOp>({first, sin})});
    Value rotated;
    if (interleaved) {
      // Pairs (2i, 2i+1) back side by side: [..., R/2, 2] -> [..., R].
      Value pairs =
          x.op<ConcatOp>({x.op<UnsqueezeOp>({rotatedFirst}, {x.axes({4})}),
                          x.op<UnsqueezeOp>({rotatedSecond}, {x.axes({4})})},
                         {x.axis(4)});
      rotated = x.op<ReshapeOp>({pairs, x.i64s({0, 0, 0, 2 * half})});
    } else {
      rotated = x.op<ConcatOp>({rotatedFirst, rotatedSecond}, {x.axis(3)});
    }
    Value result =
        2 * half == channels
            ? rotated
            : x.op<ConcatOp>({rotated, channelsOf(2 * half, channels)},
                             {x.axis(3)});
    return finish(rewriter, op, x, result);
  }
};

/// Scaled dot-product attention as products, a mask and a softmax. Key and
/// value heads are repeated for grouped-query attention; a row whose every
/// score is masked gives zeros (not NaN), as xf.attention specifies.
struct DecomposeAttention : OpConversionPattern<AttentionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    Value q = adaptor.getQuery(), k = adaptor.getKey(), v = adaptor.getValue();
    RankedTensorType qType = op.getQuery().getType(),
                     kType = op.getKey().getType();
    int64_t heads = qType.getDimSize(1), kvHeads = kType.getDimSize(1);
    // One key/value head, as many as the queries, or a count known only at
    // run time (which can then only be one of those two, or the products
    // would not broadcast): the products' broadcasting repeats the heads.
    bool broadcastHeads = kvHeads == 1 || kvHeads == heads ||
                          ShapedType::isDynamic(kvHeads) ||
                          ShapedType::isDynamic(heads);
    Type element = qType.getElementType();
    // [B, Hkv, S, D] -> [B, Hkv, g, S, D] -> [B, Hq, S, D].
    auto repeatHeads = [&](Value t, int64_t headSize) -> Value {
      if (broadcastHeads)
        return t;
      int64_t group = heads / kvHeads;
      Value unsqueezed = x.op<UnsqueezeOp>({t}, {x.axes({2})});
      Value expanded =
          x.op<ExpandOp>({unsqueezed, x.i64s({1, 1, group, 1, 1})});
      return x.op<ReshapeOp>({expanded, x.i64s({0, heads, -1, headSize})});
    };
    int64_t keySize = kType.getDimSize(3);
    int64_t valueSize = op.getValue().getType().getDimSize(3);
    if (!broadcastHeads &&
        (ShapedType::isDynamic(keySize) || ShapedType::isDynamic(valueSize)))
      return rewriter.notifyMatchFailure(op, "grouped heads of dynamic size");
    k = repeatHeads(k, keySize);
    v = repeatHeads(v, valueSize);
    double scale = op.getScale()
                       ? op.getScale()->convertToDouble()
                       : 1.0 / std::sqrt(static_cast<double>(
                                   qType.getDimSize(3) == ShapedType::kDynamic
                                       ? 1
                                       : qType.getDimSize(3)));
    if (ShapedType::isDynamic(qType.getDimSize(3)) && !op.getScale())
      return rewriter.notifyMatchFailure(op, "dynamic head size, no scale");
    Value kT = x.op<TransposeOp>(
        {k}, {rewriter.getNamedAttr(
                 "perm", rewriter.getDenseI64ArrayAttr({0, 1, 3, 2}))});
    Value scores =
        x.op<MulOp>({x.op<MatMulOp>({q, kT}), x.scalar(element, scale)});
    Value minusInf =
        x.scalar(element, -std::numeric_limits<double>::infinity());
    if (Value mask = adaptor.getMask()) {
      auto maskType = cast<RankedTensorType>(op.getMask().getType());
      scores = maskType.getElementType().isInteger(1)
                   ? x.op<WhereOp>({mask, scores, minusInf})
                   : x.op<AddOp>({scores, mask});
    }
    if (op.getCausal()) {
      // Key j is visible from query i when j <= i + (Sk - Sq).
      Type i64 = rewriter.getI64Type();
      auto length = [&](Value t) {
        Value dim = x.op<ShapeOp>(
            {t}, {rewriter.getNamedAttr("start", rewriter.getI64IntegerAttr(2)),
                  rewriter.getNamedAttr("end", rewriter.getI64IntegerAttr(3))});
        return x.op<ReshapeOp>({dim, x.i64s({})});
      };
      Value sq = length(q), sk = length(k);
      Value rows = x.op<RangeOp>({x.scalar(i64, 0), sq, x.scalar(i64, 1)});
      Value cols = x.op<RangeOp>({x.scalar(i64, 0), sk, x.scalar(i64, 1)});
      Value shifted = x.op<AddOp>({rows, x.op<SubOp>({sk, sq})});
      Value column = x.op<UnsqueezeOp>({shifted}, {x.axes({1})});
      Value visible = x.op<LessOrEqualOp>({cols, column});
      scores = x.op<WhereOp>({visible, scores, minusInf});
    }
    Value probs = x.op<SoftmaxOp>({scores});
    // All-masked rows: softmax of -inf everywhere is NaN; make them zero.
    Value rowMax = x.op<ReduceMaxOp>({scores}, {x.axes({3})});
    Value dead = x.op<EqualOp>({rowMax, minusInf});
    probs = x.op<WhereOp>({dead, x.scalar(element, 0.0), probs});
    Value result = x.op<MatMulOp>({probs, v});
    return finish(rewriter, op, x, result);
  }
};
} // namespace

void populateDecompositionPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns.add<
      DecomposeSoftmax<SoftmaxOp, false>, DecomposeSoftmax<LogSoftmaxOp, true>,
      DecomposeNorm<LayerNormOp, true>, DecomposeNorm<RmsNormOp, false>,
      DecomposeLinear, DecomposeGatedMlp, DecomposeRope, DecomposeAttention>(
      converter, patterns.getContext());
}

} // namespace mlir::xf

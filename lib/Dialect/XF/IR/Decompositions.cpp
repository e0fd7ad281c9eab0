//===- Decompositions.cpp - composite xf ops as simpler xf ops ------------===//
//
// Softmax, the normalizations, dense layers, gated MLPs, rotary embeddings
// and attention written as the reductions, products and element-wise xf ops
// they are made of (linalg::AggregatedOpInterface). This is the portable
// definition of each op: a lowering without a kernel of its own for one
// replaces it with its decomposition and lowers the simpler ops.
//
// A decomposition builds on the op's current operands and is inserted at the
// builder's insertion point. It fails, with an error at the op's location,
// when the op's types leave a size it needs unknown.
//
//===----------------------------------------------------------------------===//

#include "XFBuilder.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/AttentionScale.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::xf;

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

/// Softmax and LogSoftmax along one axis, stabilized by the maximum.
template <typename OpTy>
static FailureOr<SmallVector<Value>> decomposeSoftmax(OpTy op, OpBuilder &b,
                                                      bool isLog) {
  XFBuilder x(b, op.getLoc());
  Value in = op.getInput();
  int64_t axis = *normalizeAxis(op.getAxis(), op.getType().getRank());
  Value max = x.op<ReduceMaxOp>({in}, {x.axes({axis})});
  Value shifted = x.op<SubOp>({in, max});
  Value exp = x.op<ExpOp>({shifted});
  Value sum = x.op<ReduceSumOp>({exp}, {x.axes({axis})});
  Value result = isLog ? x.op<SubOp>({shifted, x.op<LogOp>({sum})})
                       : x.op<DivOp>({exp, sum});
  return x.finish(op, result);
}

FailureOr<SmallVector<Value>> SoftmaxOp::decomposeOperation(OpBuilder &b) {
  return decomposeSoftmax(*this, b, /*isLog=*/false);
}

FailureOr<SmallVector<Value>> LogSoftmaxOp::decomposeOperation(OpBuilder &b) {
  return decomposeSoftmax(*this, b, /*isLog=*/true);
}

/// (x - mean) / sqrt(variance + epsilon) * scale over axis..rank-1, or
/// x / sqrt(mean(x^2) + epsilon) * scale when not `centered`; plus `bias`
/// where there is one.
template <typename OpTy>
static FailureOr<SmallVector<Value>> normalize(OpTy op, OpBuilder &b,
                                               Value bias, bool centered) {
  XFBuilder x(b, op.getLoc());
  Value in = op.getInput();
  int64_t rank = op.getType().getRank();
  int64_t axis = *normalizeAxis(op.getAxis(), rank);
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(axis, rank));
  Value centeredIn =
      centered ? x.op<SubOp>({in, x.op<ReduceMeanOp>({in}, {x.axes(axes)})})
               : in;
  Value variance = x.op<ReduceMeanOp>({x.op<MulOp>({centeredIn, centeredIn})},
                                      {x.axes(axes)});
  Value epsilon = x.scalar(elementTypeOf(in), op.getEpsilon().convertToFloat());
  Value inverse =
      x.op<ReciprocalOp>({x.op<SqrtOp>({x.op<AddOp>({variance, epsilon})})});
  Value result =
      x.op<MulOp>({x.op<MulOp>({centeredIn, inverse}), op.getScale()});
  if (bias)
    result = x.op<AddOp>({result, bias});
  return x.finish(op, result);
}

FailureOr<SmallVector<Value>> LayerNormOp::decomposeOperation(OpBuilder &b) {
  return normalize(*this, b, getBias(), /*centered=*/true);
}

FailureOr<SmallVector<Value>> RmsNormOp::decomposeOperation(OpBuilder &b) {
  return normalize(*this, b, /*bias=*/Value(), /*centered=*/false);
}

Value mlir::xf::applyActivation(XFBuilder &x, Value value,
                                Activation activation) {
  switch (activation) {
  case Activation::none:
    return value;
  case Activation::relu:
    return x.op<ReluOp>({value});
  case Activation::gelu:
  case Activation::gelu_tanh: {
    OpBuilder &b = x.builder();
    return x.op<GeluOp>(
        {value}, {b.getNamedAttr("approximate",
                                 b.getStringAttr(activation == Activation::gelu
                                                     ? "none"
                                                     : "tanh"))});
  }
  case Activation::silu:
    return x.op<MulOp>({value, x.op<SigmoidOp>({value})});
  }
  llvm_unreachable("unknown activation");
}

/// activation(input * weight + bias).
FailureOr<SmallVector<Value>> LinearOp::decomposeOperation(OpBuilder &b) {
  XFBuilder x(b, getLoc());
  Value weight = getWeight();
  if (getTransposeWeight())
    weight = x.op<TransposeOp>({weight});
  Value result = x.op<MatMulOp>({getInput(), weight});
  if (Attribute full = (*this)->getAttr(XFDialect::kFullPrecisionAttrName);
      full && result)
    result.getDefiningOp()->setAttr(XFDialect::kFullPrecisionAttrName, full);
  if (Value bias = getBias())
    result = x.op<AddOp>({result, bias});
  return x.finish(*this, applyActivation(x, result, getActivation()));
}

/// (activation(input * gate) * (input * up)) * down.
FailureOr<SmallVector<Value>> GatedMlpOp::decomposeOperation(OpBuilder &b) {
  XFBuilder x(b, getLoc());
  Value in = getInput();
  Value gate =
      applyActivation(x, x.op<MatMulOp>({in, getGate()}), getActivation());
  Value hidden = x.op<MulOp>({gate, x.op<MatMulOp>({in, getUp()})});
  return x.finish(*this, x.op<MatMulOp>({hidden, getDown()}));
}

/// Rotary embedding as slices, products and a concatenation: the first R
/// channels of each head rotate by the tables' angles, the rest pass.
FailureOr<SmallVector<Value>> RopeOp::decomposeOperation(OpBuilder &b) {
  int64_t half = getCos().getType().getDimSize(2);
  int64_t channels = getInput().getType().getDimSize(3);
  // The slice bounds are constants.
  if (ShapedType::isDynamic(half) || ShapedType::isDynamic(channels))
    return emitOpError("decomposes only with static rotary and head sizes");
  XFBuilder x(b, getLoc());
  Value in = getInput();
  // Channels [begin, end) (with a step) of the last axis.
  auto channelsOf = [&](int64_t begin, int64_t end, int64_t step = 1) {
    return x.op<SliceOp>({in, x.i64s({begin}), x.i64s({end})},
                         {x.axes({3}), x.i64Array("steps", {step})});
  };
  // [B, S, R/2] -> [B, 1, S, R/2]: the same angles for every head.
  Value cos = x.op<UnsqueezeOp>({getCos()}, {x.axes({1})});
  Value sin = x.op<UnsqueezeOp>({getSin()}, {x.axes({1})});
  bool interleaved = getInterleaved();
  Value first = interleaved ? channelsOf(0, 2 * half, 2) : channelsOf(0, half);
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
  Value result = 2 * half == channels
                     ? rotated
                     : x.op<ConcatOp>({rotated, channelsOf(2 * half, channels)},
                                      {x.axis(3)});
  return x.finish(*this, result);
}

/// Scaled dot-product attention as products, a mask and a softmax. Key and
/// value heads are repeated for grouped-query attention; a row whose every
/// score is masked gives zeros (not NaN), as xf.attention specifies.
FailureOr<SmallVector<Value>> AttentionOp::decomposeOperation(OpBuilder &b) {
  RankedTensorType qType = getQuery().getType(), kType = getKey().getType();
  int64_t heads = qType.getDimSize(1), kvHeads = kType.getDimSize(1);
  int64_t headSize = qType.getDimSize(3), keySize = kType.getDimSize(3);
  int64_t valueSize = getValue().getType().getDimSize(3);
  // One key/value head, as many as the queries, or a count known only at
  // run time (which can then only be one of those two, or the products
  // would not broadcast): the products' broadcasting repeats the heads.
  bool broadcastHeads = kvHeads == 1 || kvHeads == heads ||
                        ShapedType::isDynamic(kvHeads) ||
                        ShapedType::isDynamic(heads);
  // Repeating grouped heads reshapes to constant head sizes.
  if (!broadcastHeads &&
      (ShapedType::isDynamic(keySize) || ShapedType::isDynamic(valueSize)))
    return emitOpError("decomposes grouped heads only with static head sizes");
  if (ShapedType::isDynamic(headSize) && !getScale())
    return emitOpError("decomposes a dynamic head size only with a scale");
  XFBuilder x(b, getLoc());
  Value q = getQuery(), k = getKey(), v = getValue();
  Type element = qType.getElementType();
  // [B, Hkv, S, D] -> [B, Hkv, g, S, D] -> [B, Hq, S, D].
  auto repeatHeads = [&](Value t, int64_t size) -> Value {
    if (broadcastHeads)
      return t;
    int64_t group = heads / kvHeads;
    Value unsqueezed = x.op<UnsqueezeOp>({t}, {x.axes({2})});
    Value expanded = x.op<ExpandOp>({unsqueezed, x.i64s({1, 1, group, 1, 1})});
    return x.op<ReshapeOp>({expanded, x.i64s({0, heads, -1, size})});
  };
  k = repeatHeads(k, keySize);
  v = repeatHeads(v, valueSize);
  double scale = getAttentionScale(*this);
  Value kT = x.op<TransposeOp>({k}, {x.i64Array("perm", {0, 1, 3, 2})});
  Value scores =
      x.op<MulOp>({x.op<MatMulOp>({q, kT}), x.scalar(element, scale)});
  Value minusInf = x.scalar(element, -std::numeric_limits<double>::infinity());
  if (Value mask = getMask())
    scores = elementTypeOf(mask).isInteger(1)
                 ? x.op<WhereOp>({mask, scores, minusInf})
                 : x.op<AddOp>({scores, mask});
  if (getCausal()) {
    // Key j is visible from query i when j <= i + (Sk - Sq).
    Type i64 = b.getI64Type();
    auto length = [&](Value t) {
      Value dim =
          x.op<ShapeOp>({t}, {x.i64Attr("start", 2), x.i64Attr("end", 3)});
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
  return x.finish(*this, x.op<MatMulOp>({probs, v}));
}

//===- MoeDispatch.cpp - xf.moe as routing, permutation and grouped MLPs --===//
//
// The decomposition of xf.moe runs each expert on its own tokens only:
//
//   route    softmax, top-k (and renormalization) of the router logits;
//   sort     a counting sort of the T*k (token, choice) assignments by
//            expert: per-expert counts, their exclusive prefix sums (where
//            each expert's rows start) and each assignment's rank among its
//            expert's, hence its row in expert-contiguous order;
//   permute  the input rows gathered into that order;
//   experts  one MLP per expert over its contiguous rows (a slice
//            sized at run time: an expert no token chose reads no weights),
//            the outputs concatenated back into [T*k, D];
//   combine  each token's k rows gathered back and summed, weighted.
//
// Every step is an ordinary xf op, so each target lowers it with the
// kernels it has; the experts' products get the dense product kernels with
// constant (packable, quantizable) weights: a constant stacked weight is
// cut into one constant per expert here.
//
//===----------------------------------------------------------------------===//

#include "XFBuilder.h"
#include "mlir/IR/Matchers.h"
#include "xfc/Support/ElementsBytes.h"
#include <cstring>

using namespace mlir;
using namespace mlir::xf;

/// Expert `e`'s slice of the stacked `[E, ...]` operand: a constant of its
/// own when the stack is one, a quantized weight of the expert's packed
/// values and scales for a quantized stack, else gathered at run time.
static Value expertWeight(XFBuilder &x, Value stacked, int64_t e) {
  if (auto quantized = stacked.getDefiningOp<QuantizedWeightOp>()) {
    SmallVector<Value> parts;
    for (Value part : quantized->getOperands())
      parts.push_back(expertWeight(x, part, e));
    return x.op<QuantizedWeightOp>(parts, quantized->getAttrs());
  }
  auto type = cast<RankedTensorType>(stacked.getType());
  auto constant = stacked.getDefiningOp<ConstantOp>();
  auto sliceType = RankedTensorType::get(type.getShape().drop_front(),
                                         type.getElementType());
  // A splat (QMoE's default zero points) is the same splat for each expert.
  if (auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                            : DenseElementsAttr();
      dense && dense.isSplat() && sliceType.hasStaticShape())
    return ConstantOp::create(x.builder(), x.location(), sliceType,
                              cast<ElementsAttr>(dense.resizeSplat(sliceType)));
  std::optional<ArrayRef<char>> bytes =
      constant && type.hasStaticShape() && type.getElementType().isIntOrFloat()
          ? getElementsBytes(constant.getValueAttr())
          : std::nullopt;
  if (!bytes)
    return x.op<GatherOp>(
        {stacked, x.scalar(x.builder().getI64Type(), static_cast<double>(e))});
  size_t sliceBytes = sliceType.getNumElements() *
                      type.getElementType().getIntOrFloatBitWidth() / 8;
  auto attr = deriveResource(constant.getValueAttr(), sliceType,
                             (".expert" + Twine(e)).str(), [&](char *out) {
                               std::memcpy(out, bytes->data() + e * sliceBytes,
                                           sliceBytes);
                             });
  return ConstantOp::create(x.builder(), x.location(), sliceType,
                            cast<ElementsAttr>(attr));
}

/// Expert `e`'s MLP on `rows`, by the op's formula: one xf.gated_mlp for
/// plain gated experts, else dense layers and the clamped activation.
static Value expertMlp(XFBuilder &x, MoeOp op, Value rows, int64_t e) {
  MLIRContext *context = op.getContext();
  auto activationAttr = [&](Activation activation) {
    return x.builder().getNamedAttr("activation",
                                    ActivationAttr::get(context, activation));
  };
  auto weight = [&](Value stacked) {
    return stacked ? expertWeight(x, stacked, e) : Value();
  };
  if (op.hasPlainGatedExperts())
    return x.op<GatedMlpOp>(
        {rows, weight(op.getGate()), weight(op.getUp()), weight(op.getDown())},
        {activationAttr(op.getActivation())});
  // `rows * w (+ b)`, with `activation` fused.
  auto linear = [&](Value in, Value stacked, Value bias,
                    Activation activation = Activation::none) {
    SmallVector<Value> operands = {in, weight(stacked)};
    if (bias)
      operands.push_back(weight(bias));
    return x.op<LinearOp>(operands, {activationAttr(activation)});
  };
  Type element = op.getInput().getType().getElementType();
  Activation activation = op.getActivation();
  std::optional<APFloat> limit = op.getLimit();
  double alpha = op.getAlpha().convertToDouble();
  // The activation fuses into the gate's layer unless clamping or a scaled
  // sigmoid comes first.
  bool fused = !limit && alpha == 1.0;
  Value g = linear(rows, op.getGate(), op.getGateBias(),
                   fused ? activation : Activation::none);
  Value a = g;
  if (!fused) {
    if (limit)
      g = x.op<MinOp>({g, x.scalar(element, limit->convertToDouble())});
    a = activation == Activation::silu
            ? x.op<MulOp>({g, x.op<SigmoidOp>({x.op<MulOp>(
                                  {g, x.scalar(element, alpha)})})})
            : applyActivation(x, g, activation);
  }
  Value hidden = a;
  if (op.getUp()) {
    Value u = linear(rows, op.getUp(), op.getUpBias());
    if (limit) {
      double bound = limit->convertToDouble();
      u = x.op<MinOp>({x.op<MaxOp>({u, x.scalar(element, -bound)}),
                       x.scalar(element, bound)});
    }
    if (!op.getBeta().isZero())
      u = x.op<AddOp>({u, x.scalar(element, op.getBeta().convertToDouble())});
    hidden = x.op<MulOp>({a, u});
  }
  return linear(hidden, op.getDown(), op.getDownBias());
}

/// Marks the product that computes the router's `logits` (through
/// reshapes) for f32: bf16 logits would flip near-tied top-k choices, and
/// that error is a whole expert's output, not a rounding.
static void markRouter(Value logits) {
  Operation *def = logits.getDefiningOp();
  while (isa_and_nonnull<ReshapeOp, SqueezeOp, UnsqueezeOp>(def))
    def = def->getOperand(0).getDefiningOp();
  if (isa_and_nonnull<LinearOp, MatMulOp>(def))
    def->setAttr(XFDialect::kFullPrecisionAttrName,
                 UnitAttr::get(def->getContext()));
}

FailureOr<SmallVector<Value>> MoeOp::decomposeOperation(OpBuilder &b) {
  return dispatchMoe(b, *this, /*rowMultiple=*/1);
}

FailureOr<SmallVector<Value>> mlir::xf::dispatchMoe(OpBuilder &b, MoeOp op,
                                                    int64_t rowMultiple) {
  int64_t experts = op.getGate().getType().getDimSize(0);
  int64_t features = op.getInput().getType().getShape().back();
  if (ShapedType::isDynamic(experts) || ShapedType::isDynamic(features))
    return op.emitOpError(
        "decomposes only with static expert and feature counts");
  if (rowMultiple < 1)
    return op.emitOpError("rows padded to a multiple of ")
           << rowMultiple << ": it must be 1 or more";
  XFBuilder x(b, op.getLoc());
  Type i64 = b.getI64Type();
  int64_t k = op.getTopK();

  // Route, from logits computed in f32 on any target.
  markRouter(op.getLogits());
  SmallVector<Value> chosen = x.ops<TopKOp>({x.op<SoftmaxOp>({op.getLogits()})},
                                            2, {x.i64Attr("k", k)});
  Value weights = chosen[0], expertOf = chosen[1];
  if (op.getNormalize())
    weights =
        x.op<DivOp>({weights, x.op<ReduceSumOp>({weights}, {x.axes({1})})});

  // Sort the assignments (token t's j-th choice is assignment t*k + j).
  Value assigned = x.op<ReshapeOp>({expertOf, x.i64s({-1})});
  Value oneHot = x.op<CastOp>(
      {x.op<EqualOp>(
          {x.op<UnsqueezeOp>({assigned}, {x.axes({1})}),
           x.i64s(llvm::to_vector(llvm::seq<int64_t>(0, experts)))})},
      {}, i64);
  auto keep = x.boolAttr("keepdims", false);
  Value counts = x.op<ReduceSumOp>({oneHot}, {x.axes({0}), keep});
  // Each expert's rows padded to the multiple (with token 0's row, whose
  // results nobody reads), so that the products run whole row blocks; a
  // single row (a token's, in decoding) stays alone: its product streams
  // the weights once either way, faster one row wide.
  Value padded = counts;
  if (rowMultiple > 1) {
    Value multiple = x.scalar(i64, static_cast<double>(rowMultiple));
    Value rounded = x.op<MulOp>(
        {x.op<DivOp>(
             {x.op<AddOp>({counts, x.scalar(i64, static_cast<double>(
                                                     rowMultiple - 1))}),
              multiple}),
         multiple});
    padded = x.op<WhereOp>(
        {x.op<GreaterOp>({counts, x.scalar(i64, 1)}), rounded, counts});
  }
  auto exclusive = x.boolAttr("exclusive", true);
  Value starts = x.op<CumSumOp>({padded}, {x.i64Attr("axis", 0), exclusive});
  Value earlier = x.op<CumSumOp>({oneHot}, {x.i64Attr("axis", 0), exclusive});
  Value rank =
      x.op<ReduceSumOp>({x.op<MulOp>({earlier, oneHot})}, {x.axes({1}), keep});
  Value row = x.op<AddOp>({x.op<GatherOp>({starts, assigned}), rank});

  // Permute: the token of each expert-ordered row (padding rows: token 0).
  Value count = x.op<ReshapeOp>({x.op<ShapeOp>({assigned}), x.i64s({})});
  Value assignment = x.op<RangeOp>({x.scalar(i64, 0), count, x.scalar(i64, 1)});
  Value slots = assignment;
  if (rowMultiple > 1) {
    Value total = x.op<ReduceSumOp>(
        {padded}, {x.axes({0}), x.boolAttr("keepdims", true)});
    slots = x.op<ConstantOfShapeOp>(
        {total},
        {b.getNamedAttr("value", DenseElementsAttr::get(
                                     RankedTensorType::get({1}, i64),
                                     b.getI64IntegerAttr(0).getValue()))});
  }
  Value tokenOfRow = x.op<ScatterNDOp>(
      {slots, x.op<UnsqueezeOp>({row}, {x.axes({1})}),
       x.op<DivOp>({assignment, x.scalar(i64, static_cast<double>(k))})});
  // Tokens are the input's rows, its leading dimensions flattened.
  Value input = op.getInput();
  if (op.getInput().getType().getRank() != 2)
    input = x.op<ReshapeOp>({input, x.i64s({-1, features})});
  Value rows = x.op<GatherOp>({input, tokenOfRow});

  // Experts, each over its rows.
  SmallVector<Value> outputs;
  for (int64_t e = 0; e < experts; ++e) {
    Value start = x.op<SliceOp>({starts, x.i64s({e}), x.i64s({e + 1})});
    Value end = x.op<AddOp>(
        {start, x.op<SliceOp>({padded, x.i64s({e}), x.i64s({e + 1})})});
    Value mine = x.op<SliceOp>({rows, start, end}, {x.axes({0})});
    outputs.push_back(expertMlp(x, op, mine, e));
  }
  Value expertRows = x.op<ConcatOp>(outputs, {x.i64Attr("axis", 0)});

  // Combine: [T, k, D] rows back in token order, weighted and summed.
  Value back =
      x.op<GatherOp>({expertRows, x.op<ReshapeOp>({row, x.i64s({-1, k})})});
  Value weighted =
      x.op<MulOp>({back, x.op<UnsqueezeOp>({weights}, {x.axes({2})})});
  Value result = x.op<ReduceSumOp>({weighted}, {x.axes({1}), keep});
  if (op.getInput().getType().getRank() != 2)
    result = x.op<ReshapeOp>({result, x.op<ShapeOp>({op.getInput()})});
  return x.finish(op, result);
}

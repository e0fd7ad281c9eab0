//===- RaiseMLP.cpp - activations, dense layers and gated MLPs ------------===//
//
// Exporters write GELU as its formula (erf or tanh form), SiLU as
// x * sigmoid(x), a dense layer as MatMul + Add, and a SwiGLU MLP as three
// of those around a product. This pass forms, in order: xf.gelu from the
// formulas; products by xf.quantized_weight from 8-bit weights dequantized
// or multiplied as integers (RaiseQuantizedProducts.cpp); xf.linear from
// products (MatMul, Gemm) with a constant weight,
// taking in the bias and the activation that follow them when nothing else
// reads the intermediate values; xf.gated_mlp from gate, up and down
// linears. Bottom-up, as applyRaisePatterns drives them, a GELU is formed
// before the product that feeds it is visited, and the linear takes it in.
//
//===----------------------------------------------------------------------===//

#include "Matching.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"
#include "xfc/Support/ElementsBytes.h"
#include <cmath>

namespace mlir::xf {
#define GEN_PASS_DEF_RAISEMLPPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

/// Whether `v` is a one-element f32 constant within 1e-4 (relative) of
/// `expected`: exporters round sqrt(2) and sqrt(2 / pi) differently.
static bool isScalar(Value v, double expected) {
  std::optional<float> value = matchScalarF32(v);
  return value && std::abs(*value - expected) <= 1e-4 * std::abs(expected);
}

/// `v` when it is x * c (either order) with c the scalar `factor`.
static Value scaledBy(Value v, double factor) {
  auto mul = v.getDefiningOp<MulOp>();
  if (!mul)
    return {};
  if (isScalar(mul.getRhs(), factor))
    return mul.getLhs();
  if (isScalar(mul.getLhs(), factor))
    return mul.getRhs();
  return {};
}

/// The op computing 0.5 * x * (1 + f) from `f` (the erf or tanh), in any
/// association of the three factors, or null.
static Operation *halfTimesOnePlus(Value f, Value x) {
  auto onePlus = soleUser<AddOp>(f);
  if (!onePlus || !isScalar(otherOperand(onePlus, f), 1.0))
    return nullptr;
  Value u = onePlus.getResult();
  auto first = soleUser<MulOp>(u);
  Value other = otherOperand(first, u);
  if (!other)
    return nullptr;
  // (x * 0.5) * u or (0.5 * x) * u.
  if (scaledBy(other, 0.5) == x && other.hasOneUse())
    return first;
  // (x * u) * 0.5 or (0.5 * u) * x.
  auto second = soleUser<MulOp>(first.getResult());
  Value last = otherOperand(second, first.getResult());
  if ((other == x && isScalar(last, 0.5)) ||
      (isScalar(other, 0.5) && last == x))
    return second;
  return nullptr;
}

/// x for x * x * x written as Pow(x, 3) or two products.
static Value cubed(Value v) {
  if (auto pow = v.getDefiningOp<PowOp>(); pow && isScalar(pow.getRhs(), 3.0))
    return pow.getLhs();
  auto outer = v.getDefiningOp<MulOp>();
  if (!outer)
    return {};
  for (auto [square, x] : {std::pair(outer.getLhs(), outer.getRhs()),
                           std::pair(outer.getRhs(), outer.getLhs())})
    if (auto inner = square.getDefiningOp<MulOp>();
        inner && inner.getLhs() == x && inner.getRhs() == x)
      return x;
  return {};
}

/// Replaces `root` by xf.gelu of `x`; the ops that computed it die.
static LogicalResult replaceByGelu(PatternRewriter &rewriter, Operation *anchor,
                                   Operation *root, Value x,
                                   StringRef approximate) {
  rewriter.setInsertionPoint(root);
  FailureOr<Value> gelu = createInferred<GeluOp>(
      rewriter, root->getLoc(), {x},
      {rewriter.getNamedAttr("approximate",
                             rewriter.getStringAttr(approximate))});
  if (failed(gelu) || gelu->getType() != root->getResult(0).getType()) {
    if (succeeded(gelu))
      rewriter.eraseOp(gelu->getDefiningOp());
    return rewriter.notifyMatchFailure(
        anchor, "xf.gelu does not give the formula's type");
  }
  rewriter.replaceOp(root, *gelu);
  return success();
}

namespace {
/// 0.5 * x * (1 + erf(x / sqrt(2))), the division possibly a product by
/// 1 / sqrt(2).
struct RaiseGeluErf : OpRewritePattern<ErfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ErfOp erf,
                                PatternRewriter &rewriter) const override {
    Value arg = erf.getInput(), x;
    if (auto div = arg.getDefiningOp<DivOp>();
        div && isScalar(div.getRhs(), std::sqrt(2.0)))
      x = div.getLhs();
    else
      x = scaledBy(arg, 1.0 / std::sqrt(2.0));
    if (!x || !arg.hasOneUse())
      return rewriter.notifyMatchFailure(
          erf, "the argument is not x / sqrt(2), read by the erf alone");
    Operation *root = halfTimesOnePlus(erf.getResult(), x);
    if (!root)
      return rewriter.notifyMatchFailure(
          erf, "the erf is not in 0.5 * x * (1 + erf)");
    return replaceByGelu(rewriter, erf, root, x, "none");
  }
};

/// 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
struct RaiseGeluTanh : OpRewritePattern<TanhOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TanhOp tanh,
                                PatternRewriter &rewriter) const override {
    Value inner = scaledBy(tanh.getInput(), std::sqrt(2.0 / M_PI));
    auto sum = inner ? inner.getDefiningOp<AddOp>() : AddOp();
    if (!sum)
      return rewriter.notifyMatchFailure(
          tanh, "the argument is not sqrt(2 / pi) * (a sum)");
    for (auto [x, cubic] : {std::pair(sum.getLhs(), sum.getRhs()),
                            std::pair(sum.getRhs(), sum.getLhs())})
      if (Value cube = scaledBy(cubic, 0.044715); cube && cubed(cube) == x)
        if (Operation *root = halfTimesOnePlus(tanh.getResult(), x))
          return replaceByGelu(rewriter, tanh, root, x, "tanh");
    return rewriter.notifyMatchFailure(
        tanh, "not 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))");
  }
};
} // namespace

/// The activation applied to `v` by its only reader, with the op that
/// yields the activated value; {none, null} when there is none.
static std::pair<Activation, Operation *> activationOf(Value v) {
  if (v.hasOneUse()) {
    Operation *user = *v.user_begin();
    if (isa<ReluOp>(user))
      return {Activation::relu, user};
    if (auto gelu = dyn_cast<GeluOp>(user))
      return {gelu.getApproximate() == "tanh" ? Activation::gelu_tanh
                                              : Activation::gelu,
              user};
    return {Activation::none, nullptr};
  }
  // SiLU: v * sigmoid(v), and nothing else reads v.
  if (!llvm::hasNItems(v.getUses(), 2))
    return {Activation::none, nullptr};
  for (Operation *user : v.getUsers())
    if (auto sigmoid = dyn_cast<SigmoidOp>(user))
      if (auto mul = soleUser<MulOp>(sigmoid.getResult());
          mul && otherOperand(mul, sigmoid.getResult()) == v)
        return {Activation::silu, mul};
  return {Activation::none, nullptr};
}

/// Whether `bias` is a constant [columns] vector.
static bool isConstantBias(Value bias, int64_t columns) {
  auto type = cast<RankedTensorType>(bias.getType());
  return type.getRank() == 1 && type.getDimSize(0) == columns &&
         matchPattern(bias, m_Constant());
}

/// Whether xf.linear takes `input` and `weight` here: a [K, N] f32 weight,
/// an input of rank 2 or more.
static LogicalResult checkLinearOperands(PatternRewriter &rewriter,
                                         Operation *product, Value input,
                                         Value weight) {
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto inputType = cast<RankedTensorType>(input.getType());
  if (weightType.getRank() != 2 || !weightType.getElementType().isF32())
    return rewriter.notifyMatchFailure(product,
                                       "the weight is not an f32 matrix");
  if (inputType.getRank() < 2)
    return rewriter.notifyMatchFailure(product,
                                       "the input has rank lower than 2");
  return success();
}

/// A matrix product `product` of `input` by a [K, N] weight computed from
/// constants (a constant, or int4/int8 weights dequantized), with
/// the bias (`bias`, or an Add that follows) and the activation that
/// follow it, as xf.linear. `built` holds what was built for it (a
/// transposed weight), erased if it is not raised.
static LogicalResult raiseLinear(PatternRewriter &rewriter, Operation *product,
                                 Value input, Value weight, Value bias,
                                 BuiltOps &built) {
  if (failed(checkLinearOperands(rewriter, product, input, weight)))
    return failure();
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (!isComputedFromConstants(weight))
    return rewriter.notifyMatchFailure(
        product, "the weight is not computed from constants alone");
  Operation *root = product;
  if (auto add = soleUser<AddOp>(product->getResult(0)); add && !bias) {
    Value other = otherOperand(add, product->getResult(0));
    if (isConstantBias(other, weightType.getDimSize(1))) {
      bias = other;
      root = add;
    }
  }
  auto [activation, activated] = activationOf(root->getResult(0));
  if (activated)
    root = activated;
  rewriter.setInsertionPoint(root);
  SmallVector<Value> operands = {input, weight};
  if (bias)
    operands.push_back(bias);
  FailureOr<Value> linear = createInferred<LinearOp>(
      rewriter, root->getLoc(), operands,
      {rewriter.getNamedAttr(
          "activation",
          ActivationAttr::get(rewriter.getContext(), activation))});
  if (failed(linear) || linear->getType() != root->getResult(0).getType()) {
    if (succeeded(linear))
      rewriter.eraseOp(linear->getDefiningOp());
    built.discard();
    return rewriter.notifyMatchFailure(
        product, "xf.linear does not give the product's type");
  }
  rewriter.replaceOp(root, *linear);
  return success();
}

/// down(activation(gate(x)) * up(x)), three linears without biases, as
/// xf.gated_mlp.
static LogicalResult raiseGatedMlp(PatternRewriter &rewriter, LinearOp down) {
  auto product = down.getInput().getDefiningOp<MulOp>();
  if (down.getBias() || down.getTransposeWeight() ||
      down.getActivation() != Activation::none || !product ||
      !product->hasOneUse())
    return failure();
  auto plain = [](Value v, bool activated) {
    auto linear = v.getDefiningOp<LinearOp>();
    bool ok = linear && v.hasOneUse() && !linear.getBias() &&
              !linear.getTransposeWeight() &&
              (linear.getActivation() != Activation::none) == activated;
    return ok ? linear : LinearOp();
  };
  for (auto [g, u] : {std::pair(product.getLhs(), product.getRhs()),
                      std::pair(product.getRhs(), product.getLhs())}) {
    LinearOp gate = plain(g, true), up = plain(u, false);
    if (!gate || !up || gate.getInput() != up.getInput())
      continue;
    rewriter.setInsertionPoint(down);
    FailureOr<Value> mlp = createInferred<GatedMlpOp>(
        rewriter, down.getLoc(),
        {gate.getInput(), gate.getWeight(), up.getWeight(), down.getWeight()},
        {rewriter.getNamedAttr("activation", gate.getActivationAttr())});
    if (failed(mlp) || mlp->getType() != down.getType()) {
      if (succeeded(mlp))
        rewriter.eraseOp(mlp->getDefiningOp());
      return failure();
    }
    rewriter.replaceOp(down, *mlp);
    rewriter.eraseOp(product);
    rewriter.eraseOp(gate);
    rewriter.eraseOp(up);
    return success();
  }
  return failure();
}

/// The constant [K, N] transpose of constant `weight` [N, K], computed
/// now (a Gemm with trans_b, PyTorch's nn.Linear layout, as dynamo writes
/// it); null when its bytes are not at hand.
static Value transposedConstant(RewriterBase &rewriter, Value weight) {
  Attribute value;
  auto type = cast<RankedTensorType>(weight.getType());
  if (type.getRank() != 2 || !type.getElementType().isF32() ||
      !matchPattern(weight, m_Constant(&value)))
    return {};
  std::optional<ArrayRef<char>> bytes = getElementsBytes(value);
  if (!bytes)
    return {};
  int64_t rows = type.getDimSize(0), columns = type.getDimSize(1);
  auto transposedType =
      RankedTensorType::get({columns, rows}, type.getElementType());
  auto *in = reinterpret_cast<const float *>(bytes->data());
  auto transposed =
      deriveResource(value, transposedType, ".transposed", [&](char *bytesOut) {
        auto *out = reinterpret_cast<float *>(bytesOut);
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t c = 0; c < columns; ++c)
            out[c * rows + r] = in[r * columns + c];
      });
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointAfterValue(weight);
  return ConstantOp::create(rewriter, weight.getLoc(), transposedType,
                            cast<ElementsAttr>(transposed));
}

namespace {
/// A MatMul by constant weights as xf.linear.
struct RaiseLinearFromMatMul : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp matmul,
                                PatternRewriter &rewriter) const override {
    BuiltOps built(rewriter);
    return raiseLinear(rewriter, matmul, matmul.getLhs(), matmul.getRhs(),
                       Value(), built);
  }
};

/// An untransposed, unscaled Gemm by constant weights, its bias (if any) a
/// vector, as xf.linear; a transposed constant weight is transposed now.
struct RaiseLinearFromGemm : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GemmOp gemm,
                                PatternRewriter &rewriter) const override {
    Value bias = gemm.getC();
    int64_t columns = gemm.getType().getDimSize(1);
    if (gemm.getAlpha().convertToFloat() != 1.0f || gemm.getTransA() ||
        (bias && (gemm.getBeta().convertToFloat() != 1.0f ||
                  !isConstantBias(bias, columns))))
      return rewriter.notifyMatchFailure(
          gemm, "scaled, with a transposed input, or a bias that is not a "
                "constant vector");
    Value weight = gemm.getB();
    BuiltOps built(rewriter);
    if (gemm.getTransB()) {
      // Checked before the weight is transposed, which copies it.
      if (failed(checkLinearOperands(rewriter, gemm, gemm.getA(), weight)))
        return failure();
      weight = transposedConstant(rewriter, weight);
      if (!weight)
        return rewriter.notifyMatchFailure(
            gemm, "the weight to transpose is not a constant at hand");
      (void)built(weight);
    }
    return raiseLinear(rewriter, gemm, gemm.getA(), weight, bias, built);
  }
};

/// A linear that is the down projection of a gated MLP, or its gate or up
/// projection: whichever of the three is formed last completes it.
struct RaiseGatedMlp : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp linear,
                                PatternRewriter &rewriter) const override {
    if (succeeded(raiseGatedMlp(rewriter, linear)))
      return success();
    auto product = soleUser<MulOp>(linear.getResult());
    auto down = product ? soleUser<LinearOp>(product.getResult()) : LinearOp();
    if (down && succeeded(raiseGatedMlp(rewriter, down)))
      return success();
    return rewriter.notifyMatchFailure(
        linear, "not a projection of down(activation(gate(x)) * up(x)), "
                "three linears without biases");
  }
};
} // namespace

void xf::populateRaiseMLPPatterns(RewritePatternSet &patterns) {
  populateRaiseQuantizedProductPatterns(patterns);
  patterns.add<RaiseGeluErf, RaiseGeluTanh, RaiseLinearFromMatMul,
               RaiseLinearFromGemm, RaiseGatedMlp>(patterns.getContext());
}

namespace {
struct RaiseMLPPass : xf::impl::RaiseMLPPassBase<RaiseMLPPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseMLPPatterns(patterns);
    applyRaisePatterns(getOperation(), std::move(patterns), getArgument());
  }
};
} // namespace

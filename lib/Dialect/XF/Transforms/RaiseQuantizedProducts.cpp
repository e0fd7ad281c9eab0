//===- RaiseQuantizedProducts.cpp - 8-bit weights as xf.quantized_weight --===//
//
// Quantized models write a product by an 8-bit constant weight two ways:
// QDQ (DequantizeLinear of the constant, read by MatMul), and ONNX Runtime's
// dynamic quantization (MatMulInteger of DynamicQuantizeLinear's activation
// and the constant, cast to float and scaled by the product of the two
// scales). Both become the float product by an xf.quantized_weight, the one
// form that kernels reading packed weights match; the [K, N] bytes are
// transposed once into its rows of K. Run with the linear raising: the
// product formed here is then raised as any other.
//
//   y = float(matmul_integer(a, W, za, zw)) * (sa * sw)
//     = matmul((a - za) * sa, (W - zw) * sw)
//
// holds for any one-element sa and za, and sw, zw one for all or one per
// column, so nothing asks where sa comes from.
//
//===----------------------------------------------------------------------===//

#include "Matching.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"
#include "xfc/Support/ElementsBytes.h"

using namespace mlir;
using namespace mlir::xf;

namespace {
/// Scales and zero points of a weight, [N, groups] row-major.
struct GroupParameters {
  std::vector<float> scales;
  std::optional<std::vector<int32_t>> zeroPoints;
  int64_t groupSize;
};
} // namespace

/// `values` laid out as `shape` (one for all, one per column as [N] or
/// [1, N], or one per group of rows as [groups, N]) as [N, groups]; nullopt
/// for any other layout.
template <typename T>
static std::optional<std::vector<T>>
toColumnGroups(const std::vector<T> &values, ArrayRef<int64_t> shape, int64_t n,
               int64_t groups) {
  if (values.size() == 1)
    return std::vector<T>(n * groups, values.front());
  int64_t rows = shape.size() == 2 ? shape[0] : 1;
  if (shape.empty() || shape.back() != n || shape.size() > 2 || rows != groups)
    return std::nullopt;
  std::vector<T> out(n * groups);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t c = 0; c < n; ++c)
      out[c * groups + g] = values[g * n + c];
  return out;
}

/// The constant scale and optional zero point of a [K, N] weight in groups
/// of `groupSize` rows; failure where they are not constants of a layout
/// toColumnGroups reads.
static FailureOr<GroupParameters> readParameters(Value scale, Value zeroPoint,
                                                 int64_t k, int64_t n,
                                                 int64_t groupSize) {
  ElementsAttr scaleAttr, zeroAttr;
  if (!matchPattern(scale, m_Constant(&scaleAttr)) ||
      !cast<ShapedType>(scaleAttr.getType()).getElementType().isF32() ||
      (zeroPoint && !matchPattern(zeroPoint, m_Constant(&zeroAttr))))
    return failure();
  int64_t groups = (k + groupSize - 1) / groupSize;
  std::optional<std::vector<float>> scales = getFloats(scaleAttr);
  if (!scales)
    return failure();
  GroupParameters params;
  ArrayRef<int64_t> shape = cast<ShapedType>(scale.getType()).getShape();
  std::optional<std::vector<float>> grouped =
      toColumnGroups(*scales, shape, n, groups);
  if (!grouped)
    return failure();
  params.scales = std::move(*grouped);
  params.groupSize = groupSize;
  if (zeroAttr) {
    std::optional<std::vector<int32_t>> zeros = getSmallIntegers(zeroAttr);
    if (!zeros)
      return failure();
    params.zeroPoints = toColumnGroups(
        *zeros, cast<ShapedType>(zeroPoint.getType()).getShape(), n, groups);
    if (!params.zeroPoints)
      return failure();
  }
  return params;
}

/// xf.quantized_weight of the 8-bit constant `weight` [K, N] with `params`;
/// null when its bytes are not at hand (a splat).
static Value createQuantizedWeight(OpBuilder &b, Location loc, Value weight,
                                   const GroupParameters &params) {
  Attribute value;
  auto type = cast<RankedTensorType>(weight.getType());
  if (!matchPattern(weight, m_Constant(&value)))
    return {};
  std::optional<ArrayRef<char>> bytes = getElementsBytes(value);
  if (!bytes)
    return {};
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  auto element = cast<IntegerType>(type.getElementType());
  auto constant = [&](StringRef suffix, RankedTensorType constantType,
                      function_ref<void(char *)> fill) -> Value {
    return ConstantOp::create(
        b, loc, constantType,
        cast<ElementsAttr>(deriveResource(value, constantType, suffix, fill)));
  };
  Value packed =
      constant(".rows", RankedTensorType::get({n, k}, element), [&](char *out) {
        for (int64_t r = 0; r < k; ++r)
          for (int64_t c = 0; c < n; ++c)
            out[c * k + r] = (*bytes)[r * n + c];
      });
  int64_t groups = static_cast<int64_t>(params.scales.size()) / n;
  Value scales =
      constant(".scales", RankedTensorType::get({n, groups}, b.getF32Type()),
               [&](char *out) {
                 std::memcpy(out, params.scales.data(),
                             params.scales.size() * sizeof(float));
               });
  Value zeroPoints;
  if (params.zeroPoints)
    zeroPoints =
        constant(".zero_points", RankedTensorType::get({n, groups}, element),
                 [&](char *out) {
                   for (size_t i = 0; i < params.zeroPoints->size(); ++i)
                     out[i] = static_cast<char>((*params.zeroPoints)[i]);
                 });
  return QuantizedWeightOp::create(
      b, loc, RankedTensorType::get({k, n}, b.getF32Type()), packed, scales,
      zeroPoints, b.getI64IntegerAttr(8), b.getI64IntegerAttr(params.groupSize),
      b.getI64IntegerAttr(k), b.getBoolAttr(!element.isUnsigned()));
}

/// Whether `type` is a static [K, N] matrix of 8-bit integers.
static bool isByteMatrix(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == 2 && tensor.hasStaticShape() &&
         tensor.getElementType().isInteger(8);
}

/// Whether `use` reads its value as the [K, N] weight of a product.
static bool isProductWeight(OpOperand &use) {
  Operation *user = use.getOwner();
  if (auto matmul = dyn_cast<MatMulOp>(user))
    return use.get() == matmul.getRhs() && use.get() != matmul.getLhs();
  if (auto linear = dyn_cast<LinearOp>(user))
    return &use == &linear.getWeightMutable() && !linear.getTransposeWeight();
  if (auto mlp = dyn_cast<GatedMlpOp>(user))
    return use.get() != mlp.getInput();
  return false;
}

/// (a - za) * sa: the one another product of `a` already made (products
/// that share their input, such as a gated MLP's gate and up projections,
/// then still share it), or a new xf.dequantize_linear.
static FailureOr<Value> dequantizedActivation(RewriterBase &rewriter,
                                              BuiltOps &built, Operation *at,
                                              Value a, Value scale,
                                              Value zeroPoint) {
  Block *block = at->getBlock();
  for (Operation *user : a.getUsers())
    if (auto made = dyn_cast<DequantizeLinearOp>(user);
        made && made.getInput() == a && made.getScale() == scale &&
        made.getZeroPoint() == zeroPoint && made->getBlock() == block &&
        made->isBeforeInBlock(at))
      return made.getResult();
  // Right after its operands (when all are in this block), where every
  // product of `a` can read it.
  OpBuilder::InsertionGuard guard(rewriter);
  Operation *last = nullptr;
  bool local = true;
  for (Value v : {a, scale, zeroPoint}) {
    Operation *def = v.getDefiningOp();
    local &= v.getParentBlock() == block;
    if (def && (!last || last->isBeforeInBlock(def)))
      last = def;
  }
  if (!local)
    rewriter.setInsertionPoint(at);
  else if (last)
    rewriter.setInsertionPointAfter(last);
  else
    rewriter.setInsertionPointToStart(block);
  return built(createInferred<DequantizeLinearOp>(rewriter, at->getLoc(),
                                                  {a, scale, zeroPoint}));
}

namespace {
/// DequantizeLinear of a constant 8-bit [K, N] matrix, read only as a
/// product's weight: per tensor, per column (axis 1) or in blocks of rows
/// (axis 0).
struct DequantizedWeightAsQuantizedWeight
    : OpRewritePattern<DequantizeLinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeLinearOp op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    if (!isByteMatrix(input.getType()) || !matchPattern(input, m_Constant()) ||
        !op.getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(
          op, "not an f32 dequantization of a constant 8-bit matrix");
    if (op->use_empty() || !llvm::all_of(op->getUses(), isProductWeight))
      return rewriter.notifyMatchFailure(
          op, "read other than as a product's weight");
    auto type = cast<RankedTensorType>(input.getType());
    int64_t k = type.getDimSize(0), n = type.getDimSize(1);
    int64_t scaleCount =
        cast<RankedTensorType>(op.getScale().getType()).getNumElements();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + 2 : op.getAxis();
    int64_t groupSize = k;
    if (op.getBlockSize() > 0) {
      if (axis != 0)
        return rewriter.notifyMatchFailure(op, "blocks along the columns");
      groupSize = op.getBlockSize();
    } else if (scaleCount != 1 && axis != 1) {
      return rewriter.notifyMatchFailure(op, "a scale per row of K");
    }
    FailureOr<GroupParameters> params =
        readParameters(op.getScale(), op.getZeroPoint(), k, n, groupSize);
    if (failed(params))
      return rewriter.notifyMatchFailure(
          op, "scale or zero point not a constant of a supported layout");
    Value weight = createQuantizedWeight(rewriter, op.getLoc(), input, *params);
    if (!weight)
      return rewriter.notifyMatchFailure(op, "the weight's bytes are a splat");
    rewriter.replaceOp(op, weight);
    return success();
  }
};

/// float(matmul_integer(a, W, za, zw)) * (sa * sw) with W a constant 8-bit
/// matrix, as matmul(dequantize_linear(a, sa, za), quantized_weight(W)).
struct IntegerProductAsQuantizedProduct : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MulOp mul,
                                PatternRewriter &rewriter) const override {
    CastOp toFloat;
    Value scale;
    for (auto [first, second] : {std::pair(mul.getLhs(), mul.getRhs()),
                                 std::pair(mul.getRhs(), mul.getLhs())})
      if (auto c = first.getDefiningOp<CastOp>(); c && !toFloat) {
        toFloat = c;
        scale = second;
      }
    auto product = toFloat ? toFloat.getInput().getDefiningOp<MatMulIntegerOp>()
                           : MatMulIntegerOp();
    auto scales = scale ? scale.getDefiningOp<MulOp>() : MulOp();
    if (!product || !scales || !toFloat->hasOneUse() || !product->hasOneUse() ||
        !mul.getType().getElementType().isF32() ||
        toFloat.getType() != mul.getType())
      return rewriter.notifyMatchFailure(
          mul, "not float(matmul_integer) times a product of scales");
    Value weight = product.getRhs();
    if (!isByteMatrix(weight.getType()) || !matchPattern(weight, m_Constant()))
      return rewriter.notifyMatchFailure(
          mul, "matmul_integer's weight is not a constant 8-bit matrix");
    auto weightType = cast<RankedTensorType>(weight.getType());
    int64_t k = weightType.getDimSize(0), n = weightType.getDimSize(1);
    auto isOne = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getNumElements() == 1;
    };
    // sa is the one-element factor; sw the constant one.
    Value activationScale = scales.getLhs(), weightScale = scales.getRhs();
    if (matchPattern(activationScale, m_Constant()))
      std::swap(activationScale, weightScale);
    if (!isOne(activationScale) || !isOne(product.getLhsZeroPoint()) ||
        !cast<RankedTensorType>(activationScale.getType())
             .getElementType()
             .isF32())
      return rewriter.notifyMatchFailure(
          mul, "the activation is not quantized per tensor");
    FailureOr<GroupParameters> params = readParameters(
        weightScale, product.getRhsZeroPoint(), k, n, /*groupSize=*/k);
    if (failed(params))
      return rewriter.notifyMatchFailure(
          mul, "the weight's scale or zero point is not a constant, one for "
               "all or one per column");

    BuiltOps built(rewriter);
    FailureOr<Value> activation =
        dequantizedActivation(rewriter, built, mul, product.getLhs(),
                              activationScale, product.getLhsZeroPoint());
    Value quantized =
        createQuantizedWeight(rewriter, weight.getLoc(), weight, *params);
    if (quantized) {
      // Its constants first: discarding erases users first.
      for (Value constant : quantized.getDefiningOp()->getOperands())
        (void)built(constant);
      (void)built(quantized);
    }
    FailureOr<Value> result = failure();
    if (succeeded(activation) && quantized)
      result = built(createInferred<MatMulOp>(rewriter, mul.getLoc(),
                                              {*activation, quantized}));
    if (failed(result) || result->getType() != mul.getType()) {
      built.discard();
      return rewriter.notifyMatchFailure(
          mul, "the float product does not give the result's type");
    }
    rewriter.replaceOp(mul, *result);
    return success();
  }
};
} // namespace

void xf::populateRaiseQuantizedProductPatterns(RewritePatternSet &patterns) {
  patterns.add<DequantizedWeightAsQuantizedWeight,
               IntegerProductAsQuantizedProduct>(patterns.getContext());
}

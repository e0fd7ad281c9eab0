//===- RaiseAttention.cpp - attention subgraphs as xf.attention -----------===//
//
// The pattern starts at a softmax and walks to the products around it; when
// it declines it says why, which the fusion report prints too.
//
//===----------------------------------------------------------------------===//

#include "AttentionMatch.h"
#include "Matching.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"

namespace mlir::xf {
#define GEN_PASS_DEF_RAISEATTENTIONPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

static bool isRank4F32(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  return type.getRank() == 4 && type.getElementType().isF32();
}

FailureOr<AttentionParts>
xf::matchAttention(SoftmaxOp softmax,
                   llvm::function_ref<void(const Twine &)> reject) {
  auto fail = [&](const Twine &reason) {
    reject(reason);
    return failure();
  };
  AttentionParts parts;
  RankedTensorType type = softmax.getType();
  if (type.getRank() != 4 || !type.getElementType().isF32())
    return fail("scores are not a rank-4 f32 tensor");
  if (*normalizeAxis(softmax.getAxis(), 4) != 3)
    return fail("softmax is not along the keys (last axis)");
  if (!softmax->hasOneUse())
    return fail("the probabilities have other uses");
  parts.output = dyn_cast<MatMulOp>(*softmax->user_begin());
  if (!parts.output || parts.output.getLhs() != softmax.getResult())
    return fail("the probabilities do not multiply a value tensor");
  parts.value = parts.output.getRhs();
  parts.interior.push_back(softmax);

  // Scores, from the softmax back: an optional mask, an optional scale,
  // the product of queries and transposed keys.
  Value scores = softmax.getInput();
  // An interior op has one use in the subgraph; the scores the softmax
  // reads may also be asked for their whole shape.
  auto takeInterior = [&](Operation *op) -> LogicalResult {
    unsigned inside = 0;
    SmallVector<ShapeOp> shapes;
    for (Operation *user : op->getUsers()) {
      auto shape = dyn_cast<ShapeOp>(user);
      if (shape && op->getResult(0) == softmax.getInput() &&
          shape.getDimRange() == std::make_pair(int64_t(0), int64_t(4)))
        shapes.push_back(shape);
      else
        ++inside;
    }
    if (inside != 1)
      return failure();
    parts.interior.push_back(op);
    llvm::append_range(parts.scoreShapes, shapes);
    return success();
  };
  if (auto add = scores.getDefiningOp<AddOp>()) {
    Value lhs = add.getLhs(), rhs = add.getRhs();
    bool lhsIsScores = lhs.getDefiningOp<MatMulOp>() ||
                       lhs.getDefiningOp<MulOp>() || lhs.getDefiningOp<DivOp>();
    scores = lhsIsScores ? lhs : rhs;
    parts.mask = lhsIsScores ? rhs : lhs;
    if (failed(takeInterior(add)))
      return fail("the masked scores have other uses");
    auto maskType = cast<RankedTensorType>(parts.mask.getType());
    if (!maskType.getElementType().isF32() || maskType.getRank() > 4)
      return fail("the mask is not an f32 tensor of rank <= 4");
    if (!parts.scoreShapes.empty() && maskType.getRank() != 4)
      return fail("the masked scores' shape is used and the mask is not "
                  "rank 4");
  }
  if (auto mul = scores.getDefiningOp<MulOp>()) {
    std::optional<float> c = matchScalarF32(mul.getRhs());
    Value other = mul.getLhs();
    if (!c) {
      c = matchScalarF32(mul.getLhs());
      other = mul.getRhs();
    }
    if (!c)
      return fail("the scores are scaled by a non-constant");
    parts.scale = *c;
    scores = other;
    if (failed(takeInterior(mul)))
      return fail("the scaled scores have other uses");
  } else if (auto div = scores.getDefiningOp<DivOp>()) {
    std::optional<float> c = matchScalarF32(div.getRhs());
    if (!c || *c == 0.0f)
      return fail("the scores are divided by a non-constant");
    parts.scale = 1.0f / *c;
    scores = div.getLhs();
    if (failed(takeInterior(div)))
      return fail("the scaled scores have other uses");
  }
  auto product = scores.getDefiningOp<MatMulOp>();
  if (!product)
    return fail("the scores are not a product of queries and keys");
  if (failed(takeInterior(product)))
    return fail("the raw scores have other uses");
  parts.query = product.getLhs();
  parts.keyTransposed = product.getRhs();
  if (!isRank4F32(parts.query) || !isRank4F32(parts.keyTransposed) ||
      !isRank4F32(parts.value))
    return fail("queries, keys and values are not rank-4 f32 tensors");
  // Head counts known to disagree would not have multiplied.
  auto heads = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getDimSize(1);
  };
  int64_t queryHeads = heads(parts.query),
          keyHeads = heads(parts.keyTransposed);
  if (!ShapedType::isDynamic(queryHeads) && !ShapedType::isDynamic(keyHeads) &&
      queryHeads % keyHeads)
    return fail("query heads are not a multiple of key heads");
  return parts;
}

/// The shape of the (masked) scores from the shapes of the inputs: batch
/// dimensions broadcast, query rows, key columns, then the mask broadcast
/// (each dimension the larger: ONNX broadcasting of sizes >= 1).
static FailureOr<Value> scoresShape(OpBuilder &b, Location loc,
                                    AttentionParts &parts, BuiltOps &built) {
  auto range = [&](Value v, int64_t start, int64_t end) {
    return built(createInferred<ShapeOp>(
        b, loc, {v},
        {b.getNamedAttr("start", b.getI64IntegerAttr(start)),
         b.getNamedAttr("end", b.getI64IntegerAttr(end))}));
  };
  FailureOr<Value> qBatch = range(parts.query, 0, 2),
                   kBatch = range(parts.keyTransposed, 0, 2),
                   rows = range(parts.query, 2, 3),
                   columns = range(parts.keyTransposed, 3, 4);
  if (failed(qBatch) || failed(kBatch) || failed(rows) || failed(columns))
    return failure();
  FailureOr<Value> batch =
      built(createInferred<MaxOp>(b, loc, {*qBatch, *kBatch}));
  if (failed(batch))
    return failure();
  FailureOr<Value> shape = built(createInferred<ConcatOp>(
      b, loc, {*batch, *rows, *columns},
      {b.getNamedAttr("axis", b.getI64IntegerAttr(0))}));
  if (failed(shape) || !parts.mask)
    return shape;
  FailureOr<Value> maskShape = range(parts.mask, 0, 4);
  if (failed(maskShape))
    return failure();
  return built(createInferred<MaxOp>(b, loc, {*shape, *maskShape}));
}

namespace {
/// The subgraph around a softmax as xf.attention on the queries, the keys
/// (transposed back), the values and the mask.
struct RaiseAttention : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SoftmaxOp softmax,
                                PatternRewriter &rewriter) const override {
    std::string why;
    FailureOr<AttentionParts> parts = matchAttention(
        softmax, [&](const Twine &reason) { why = reason.str(); });
    if (failed(parts))
      return rewriter.notifyMatchFailure(softmax, why);
    Location loc = parts->output.getLoc();
    BuiltOps built(rewriter);
    Value shape;
    if (!parts->scoreShapes.empty()) {
      // Before the first use: after the scores, so after every input.
      Operation *first = parts->scoreShapes.front();
      for (ShapeOp shape : parts->scoreShapes)
        if (shape->isBeforeInBlock(first))
          first = shape;
      rewriter.setInsertionPoint(first);
      FailureOr<Value> computed = scoresShape(rewriter, loc, *parts, built);
      if (failed(computed)) {
        built.discard();
        return rewriter.notifyMatchFailure(
            softmax, "the scores' shape cannot be computed from the inputs'");
      }
      shape = *computed;
    }
    rewriter.setInsertionPoint(parts->output);
    FailureOr<Value> key = built(createInferred<TransposeOp>(
        rewriter, loc, {parts->keyTransposed},
        {rewriter.getNamedAttr("perm",
                               rewriter.getDenseI64ArrayAttr({0, 1, 3, 2}))}));
    FailureOr<Value> attention = failure();
    if (succeeded(key)) {
      SmallVector<Value> operands = {parts->query, *key, parts->value};
      if (parts->mask)
        operands.push_back(parts->mask);
      attention = createInferred<AttentionOp>(
          rewriter, loc, operands,
          {rewriter.getNamedAttr("scale",
                                 rewriter.getF32FloatAttr(parts->scale))});
    }
    if (failed(attention)) {
      built.discard();
      return rewriter.notifyMatchFailure(
          softmax, "xf.attention does not accept the subgraph's shapes");
    }
    for (ShapeOp user : parts->scoreShapes)
      rewriter.replaceOp(user, shape);
    Value result = *attention;
    if (result.getType() != parts->output.getType())
      result = tensor::CastOp::create(rewriter, loc, parts->output.getType(),
                                      result);
    rewriter.replaceOp(parts->output, result);
    for (Operation *op : parts->interior)
      rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void xf::populateRaiseAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttention>(patterns.getContext());
}

namespace {
struct RaiseAttentionPass
    : xf::impl::RaiseAttentionPassBase<RaiseAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseAttentionPatterns(patterns);
    applyRaisePatterns(getOperation(), std::move(patterns), getArgument());
  }
};
} // namespace

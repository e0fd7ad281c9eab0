//===- RaiseRope.cpp - rotary position embedding as xf.rope ---------------===//
//
// Hugging Face's rotate-half RoPE, as the TorchScript and dynamo exporters
// write it:
//
//   q * cos + concat(-q[..., D/2:], q[..., :D/2]) * sin
//
// with `cos` and `sin` [B, 1, S, D] built as cos(concat(f, f)) (times an
// attention scaling constant) and unsqueezed at the head axis. Both halves
// of such a table are cos(f): xf.rope takes cos(f) and sin(f) [B, S, D/2].
//
//===----------------------------------------------------------------------===//

#include "Matching.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"

namespace mlir::xf {
#define GEN_PASS_DEF_RAISEROPEPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

/// Whether `slice` takes channels [begin, end) of the last of 4 axes of
/// `from`, one by one.
static bool isChannelSlice(Value v, Value from, int64_t begin, int64_t end) {
  auto slice = v.getDefiningOp<SliceOp>();
  if (!slice || slice.getData() != from || !slice.getAxes() ||
      slice.getAxes()->size() != 1 ||
      normalizeAxis((*slice.getAxes())[0], 4) != 3 ||
      (slice.getSteps() && (*slice.getSteps())[0] != 1))
    return false;
  std::optional<SmallVector<int64_t>> starts =
      getConstantIntValues(slice.getStarts());
  std::optional<SmallVector<int64_t>> ends =
      getConstantIntValues(slice.getEnds());
  // An end past the size means "to the end", as exporters write it.
  return starts && ends && starts->size() == 1 && ends->size() == 1 &&
         (*starts)[0] == begin && std::min((*ends)[0], end) == end;
}

namespace {
/// A [B, 1, S, D] table unsqueezed from trig(concat(f, f)) [* scale].
struct RopeTable {
  Value frequencies; // f
  Value scale;       // null when there is none
  Location loc;      // the trig op's
};
} // namespace

/// The parts of `table` when it is built as RopeTable says.
template <typename TrigOp>
static std::optional<RopeTable> matchTable(Value table) {
  auto unsqueeze = table.getDefiningOp<UnsqueezeOp>();
  if (!unsqueeze || unsqueeze.getAxes().size() != 1 ||
      normalizeAxis(unsqueeze.getAxes()[0], 4) != 1)
    return std::nullopt;
  Value full = unsqueeze.getData();
  Value scale;
  if (auto mul = full.getDefiningOp<MulOp>()) {
    if (matchScalarF32(mul.getRhs()))
      std::tie(full, scale) = std::pair(mul.getLhs(), mul.getRhs());
    else if (matchScalarF32(mul.getLhs()))
      std::tie(full, scale) = std::pair(mul.getRhs(), mul.getLhs());
  }
  auto trig = full.getDefiningOp<TrigOp>();
  auto concat =
      trig ? trig.getInput().template getDefiningOp<ConcatOp>() : ConcatOp();
  if (!concat || concat.getInputs().size() != 2 ||
      concat.getInputs()[0] != concat.getInputs()[1] ||
      normalizeAxis(concat.getAxis(), 3) != 2)
    return std::nullopt;
  return RopeTable{concat.getInputs()[0], scale, trig.getLoc()};
}

/// The half table trig(f) [* scale] [B, S, D/2], built at the insertion
/// point.
template <typename TrigOp>
static FailureOr<Value> buildHalfTable(RewriterBase &rewriter,
                                       const RopeTable &table,
                                       BuiltOps &built) {
  FailureOr<Value> half =
      built(createInferred<TrigOp>(rewriter, table.loc, {table.frequencies}));
  if (succeeded(half) && table.scale)
    half =
        built(createInferred<MulOp>(rewriter, table.loc, {*half, table.scale}));
  return half;
}

namespace {
/// q * cos + rotate_half(q) * sin as xf.rope, matched from the rotated half
/// (the Concat).
struct RaiseRope : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConcatOp rotated,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(rotated.getType());
    int64_t channels = type.getRank() == 4 ? type.getDimSize(3) : 0;
    if (rotated.getInputs().size() != 2 ||
        normalizeAxis(rotated.getAxis(), 4) != 3 ||
        ShapedType::isDynamic(channels) || channels % 2 ||
        !rotated->hasOneUse())
      return rewriter.notifyMatchFailure(
          rotated, "not one read concat of two halves of a rank-4 tensor "
                   "along its last axis, of a static even size");
    int64_t half = channels / 2;
    auto negated = rotated.getInputs()[0].getDefiningOp<NegOp>();
    if (!negated)
      return rewriter.notifyMatchFailure(rotated,
                                         "the first half is not negated");
    auto upper = negated.getInput().getDefiningOp<SliceOp>();
    Value q = upper ? upper.getData() : Value();
    if (!q || !isChannelSlice(upper, q, half, channels) ||
        !isChannelSlice(rotated.getInputs()[1], q, 0, half))
      return rewriter.notifyMatchFailure(
          rotated, "the halves are not -q[..., D/2:] and q[..., :D/2]");
    auto byDim = soleUser<MulOp>(rotated.getResult());
    auto sum = byDim ? soleUser<AddOp>(byDim.getResult()) : AddOp();
    if (!sum)
      return rewriter.notifyMatchFailure(
          rotated, "the rotated half is not only multiplied, then added");
    Value sinTable = otherOperand(byDim, rotated.getResult());
    auto byCos = otherOperand(sum, byDim.getResult()).getDefiningOp<MulOp>();
    if (!byCos || !byCos->hasOneUse())
      return rewriter.notifyMatchFailure(
          rotated, "the other term is not a product read only by the sum");
    Value cosTable = otherOperand(byCos, q);
    if (!cosTable)
      return rewriter.notifyMatchFailure(
          rotated, "the other term is not a product of q");
    std::optional<RopeTable> cos = matchTable<CosOp>(cosTable),
                             sin = matchTable<SinOp>(sinTable);
    if (!cos || !sin)
      return rewriter.notifyMatchFailure(
          rotated, "the tables are not cos/sin(concat(f, f)) unsqueezed at "
                   "axis 1");
    BuiltOps built(rewriter);
    rewriter.setInsertionPoint(sum);
    FailureOr<Value> cosHalf = buildHalfTable<CosOp>(rewriter, *cos, built);
    FailureOr<Value> sinHalf = buildHalfTable<SinOp>(rewriter, *sin, built);
    FailureOr<Value> rope = failure();
    if (succeeded(cosHalf) && succeeded(sinHalf))
      rope = createInferred<RopeOp>(rewriter, sum.getLoc(),
                                    {q, *cosHalf, *sinHalf});
    if (failed(rope) || rope->getType() != sum.getType()) {
      if (succeeded(rope))
        rewriter.eraseOp(rope->getDefiningOp());
      built.discard();
      return rewriter.notifyMatchFailure(
          rotated, "xf.rope does not give the sum's type");
    }
    rewriter.replaceOp(sum, *rope);
    for (Operation *op :
         {byCos.getOperation(), byDim.getOperation(), rotated.getOperation(),
          negated.getOperation(), upper.getOperation()})
      if (op->use_empty())
        rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void xf::populateRaiseRopePatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRope>(patterns.getContext());
}

namespace {
struct RaiseRopePass : xf::impl::RaiseRopePassBase<RaiseRopePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseRopePatterns(patterns);
    applyRaisePatterns(getOperation(), std::move(patterns), getArgument());
  }
};
} // namespace

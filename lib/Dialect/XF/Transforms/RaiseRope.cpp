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

/// For a [B, 1, S, D] table unsqueezed from trig(concat(f, f)) [* k], the
/// half table trig(f) [* k] [B, S, D/2], built before `at`; null otherwise.
template <typename TrigOp>
static Value halfTable(RewriterBase &rewriter, Value table, Operation *at) {
  auto unsqueeze = table.getDefiningOp<UnsqueezeOp>();
  if (!unsqueeze || unsqueeze.getAxes().size() != 1 ||
      normalizeAxis(unsqueeze.getAxes()[0], 4) != 1)
    return {};
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
    return {};
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(at);
  FailureOr<Value> half =
      createInferred<TrigOp>(rewriter, trig.getLoc(), {concat.getInputs()[0]});
  if (succeeded(half) && scale)
    half = createInferred<MulOp>(rewriter, trig.getLoc(), {*half, scale});
  return succeeded(half) ? *half : Value();
}

/// Matches q * cos + rotate_half(q) * sin at the rotated half `rotated`
/// (the Concat) and replaces the sum by xf.rope.
static void raiseRope(RewriterBase &rewriter, ConcatOp rotated) {
  auto type = cast<RankedTensorType>(rotated.getType());
  int64_t channels = type.getRank() == 4 ? type.getDimSize(3) : 0;
  if (rotated.getInputs().size() != 2 ||
      normalizeAxis(rotated.getAxis(), 4) != 3 ||
      ShapedType::isDynamic(channels) || channels % 2 || !rotated->hasOneUse())
    return;
  int64_t half = channels / 2;
  auto negated = rotated.getInputs()[0].getDefiningOp<NegOp>();
  if (!negated)
    return;
  auto upper = negated.getInput().getDefiningOp<SliceOp>();
  Value q = upper ? upper.getData() : Value();
  if (!q || !isChannelSlice(upper, q, half, channels) ||
      !isChannelSlice(rotated.getInputs()[1], q, 0, half))
    return;
  auto byDim = soleUser<MulOp>(rotated.getResult());
  auto sum = byDim ? soleUser<AddOp>(byDim.getResult()) : AddOp();
  if (!sum)
    return;
  Value sinTable = otherOperand(byDim, rotated.getResult());
  auto byCos = otherOperand(sum, byDim.getResult()).getDefiningOp<MulOp>();
  if (!byCos || !byCos->hasOneUse())
    return;
  Value cosTable = otherOperand(byCos, q);
  if (!cosTable)
    return;
  Value cos = halfTable<CosOp>(rewriter, cosTable, sum);
  Value sin = halfTable<SinOp>(rewriter, sinTable, sum);
  if (!cos || !sin)
    return;
  rewriter.setInsertionPoint(sum);
  FailureOr<Value> rope =
      createInferred<RopeOp>(rewriter, sum.getLoc(), {q, cos, sin});
  if (failed(rope) || rope->getType() != sum.getType())
    return;
  rewriter.replaceOp(sum, *rope);
  for (Operation *op :
       {byCos.getOperation(), byDim.getOperation(), rotated.getOperation(),
        negated.getOperation(), upper.getOperation()})
    if (op->use_empty())
      rewriter.eraseOp(op);
}

namespace {
struct RaiseRopePass : xf::impl::RaiseRopePassBase<RaiseRopePass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<ConcatOp> concats;
    getOperation().walk([&](ConcatOp op) { concats.push_back(op); });
    for (ConcatOp concat : concats)
      raiseRope(rewriter, concat);
  }
};
} // namespace

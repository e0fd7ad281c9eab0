//===- RaiseMoE.cpp - mixture-of-experts blocks as xf.moe -----------------===//
//
// Every MoE form starts from the same routing: softmax over the router's
// logits, top-k of it, and (Mixtral) the k weights divided by their sum.
// The forms differ in how they run the experts:
//
//   gathered (Hugging Face's batched_mm experts): the token rows repeated k
//     times, each row multiplied by its chosen expert's matrices gathered
//     from stacked [E, 2F, D] and [E, D, F] weights, the fused gate/up
//     product split in halves, SiLU-gated, weighted and summed over k;
//   per expert (Hugging Face's eager loops, our zoo's moesparse): for each
//     expert, the (token, choice) pairs that chose it (NonZero of a mask),
//     its gated MLP on those tokens' rows, weighted and added into those
//     rows of zeros (ScatterND add, or index_add_'s ScatterND plus Add),
//     one expert after the other;
//   dense: every expert on every token, weighted by the routing weight
//     where it was chosen (0 elsewhere), summed over the experts.
//
// The matchers are RaiseGatheredExperts.cpp and RaisePerExpertSums.cpp.
// Each form that matches becomes one xf.moe on stacked constant weights
// (xf-moe-dispatch then runs only the chosen experts); the ops left
// unread are erased by the canonicalizer.
//
//===----------------------------------------------------------------------===//

#include "MoEMatching.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"
#include "xfc/Support/ElementsBytes.h"
#include <cstring>

namespace mlir::xf {
#define GEN_PASS_DEF_RAISEMOEPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;
using namespace mlir::xf::moe;

/// A constant [experts, rows, columns] f32 weight copied from one view per
/// expert: whole rows at once where a row is contiguous.
static Value stackedWeight(PatternRewriter &rewriter, Location loc,
                           Attribute origin, StringRef name, int64_t rows,
                           int64_t columns, ArrayRef<MatrixView> views) {
  auto experts = static_cast<int64_t>(views.size());
  auto type =
      RankedTensorType::get({experts, rows, columns}, rewriter.getF32Type());
  auto attr = deriveResource(origin, type, name, [&](char *out) {
    auto *values = reinterpret_cast<float *>(out);
    for (const MatrixView &m : views)
      for (int64_t r = 0; r < rows; ++r, values += columns) {
        const float *row = m.data + r * m.rowStride;
        if (m.columnStride == 1) {
          std::memcpy(values, row, columns * sizeof(float));
          continue;
        }
        for (int64_t c = 0; c < columns; ++c)
          values[c] = row[c * m.columnStride];
      }
  });
  return ConstantOp::create(rewriter, loc, type, cast<ElementsAttr>(attr));
}

/// xf.moe for `x` routed by `routing` over `weights`, replacing `root`.
static LogicalResult replaceByMoe(Operation *root, Value x,
                                  const Routing &routing,
                                  const ExpertWeights &weights,
                                  PatternRewriter &rewriter) {
  Location loc = root->getLoc();
  rewriter.setInsertionPoint(root);
  const ExpertWeights &w = weights;
  Value gate = stackedWeight(rewriter, loc, w.origin, ".moe_gate", w.features,
                             w.hidden, w.gate);
  Value up = stackedWeight(rewriter, loc, w.origin, ".moe_up", w.features,
                           w.hidden, w.up);
  Value down = stackedWeight(rewriter, loc, w.origin, ".moe_down", w.hidden,
                             w.features, w.down);
  FailureOr<Value> moe = createInferred<MoeOp>(
      rewriter, loc, {x, routing.logits, gate, up, down},
      {rewriter.getNamedAttr("top_k", rewriter.getI64IntegerAttr(routing.k)),
       rewriter.getNamedAttr(
           MoeOp::getOperandSegmentSizeAttr(),
           rewriter.getDenseI32ArrayAttr({1, 1, 1, 1, 1, 0, 0, 0})),
       rewriter.getNamedAttr("normalize",
                             rewriter.getBoolAttr(routing.normalize))});
  if (failed(moe)) {
    for (Value weight : {down, up, gate})
      rewriter.eraseOp(weight.getDefiningOp());
    return failure();
  }
  Value result = *moe;
  if (result.getType() != root->getResult(0).getType())
    result = tensor::CastOp::create(rewriter, loc, root->getResult(0).getType(),
                                    result);
  rewriter.replaceOp(root, result);
  return success();
}

namespace {
/// One MoE form, found by `match` from its root op `OpTy`.
template <typename OpTy,
          FailureOr<MatchedMoe> (*match)(Operation *, PatternRewriter &)>
struct RaiseMoeForm : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy root,
                                PatternRewriter &rewriter) const override {
    FailureOr<MatchedMoe> matched = match(root, rewriter);
    if (failed(matched))
      return failure();
    auto [x, routing, weights] = *matched;
    return replaceByMoe(root, x, routing, weights, rewriter);
  }
};

struct RaiseMoEPass : xf::impl::RaiseMoEPassBase<RaiseMoEPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseMoeForm<ReduceSumOp, matchGatheredExperts>,
                 RaiseMoeForm<ScatterNDOp, matchPerExpertSums>,
                 RaiseMoeForm<AddOp, matchPerExpertSums>>(&getContext());
    applyRaisePatterns(getOperation(), std::move(patterns), getArgument());
  }
};
} // namespace

//===- RaiseGatheredExperts.cpp - Hugging Face's batched_mm MoE form ------===//
//
// transformers' batched_mm experts: the token rows repeated k times, each
// row multiplied by its chosen expert's matrices gathered from stacked
// [E, 2F, D] and [E, D, F] weights, the fused gate/up product split in
// halves, SiLU-gated, weighted and summed over the k choices.
//
//===----------------------------------------------------------------------===//

#include "Matching.h"
#include "MoEMatching.h"
#include "xfc/Dialect/XF/IR/DimTracing.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"

namespace mlir::xf::moe {

/// The top-k indices, flattened, that `v` is: clamps to bounds that keep
/// every expert index (Clip(0, E-1), as exporters write it) are no-ops.
static bool isFlatIndices(Value v, const Routing &routing) {
  int64_t experts = routing.experts;
  while (isa_and_nonnull<MinOp, MaxOp>(v.getDefiningOp())) {
    Operation *clamp = v.getDefiningOp();
    std::optional<SmallVector<int64_t>> bound;
    Value other;
    for (int i = 0; i < 2 && !bound; ++i) {
      bound = getConstantIntValues(clamp->getOperand(i));
      other = clamp->getOperand(1 - i);
    }
    if (!bound || bound->size() != 1)
      return false;
    if (isa<MinOp>(clamp) ? (*bound)[0] < experts - 1 : (*bound)[0] > 0)
      return false;
    v = other;
  }
  auto reshape = v.getDefiningOp<ReshapeOp>();
  return reshape && rankOf(v) == 1 && reshape.getData() == routing.indices;
}

/// The constant stacked weight whose chosen experts' matrices `v` is:
/// gather(weight, indices) or gather_nd(weight, unsqueeze(indices, -1)).
static ConstantOp gatheredWeight(Value v, const Routing &routing) {
  Value data, indices;
  if (auto gather = v.getDefiningOp<GatherOp>()) {
    if (gather.getAxis() != 0)
      return {};
    data = gather.getData();
    indices = gather.getIndices();
  } else if (auto gather = v.getDefiningOp<GatherNDOp>()) {
    auto unsqueeze = gather.getIndices().getDefiningOp<UnsqueezeOp>();
    if (gather.getBatchDims() != 0 || !unsqueeze ||
        !isAxes(unsqueeze.getAxes(), 2, {1}))
      return {};
    data = gather.getData();
    indices = unsqueeze.getData();
  }
  auto constant = data ? data.getDefiningOp<ConstantOp>() : ConstantOp();
  auto type = data ? cast<RankedTensorType>(data.getType()) : nullptr;
  if (!constant || !type.hasStaticShape() || type.getRank() != 3 ||
      !isFlatIndices(indices, routing))
    return {};
  return constant;
}

/// For `v = squeeze(matmul(gather(W), unsqueeze(x, -1)), -1)`, a product of
/// each row by its chosen expert's matrix: W (constant, [E, out, in]) and x.
static std::pair<ConstantOp, Value> rowProduct(Value v,
                                               const Routing &routing) {
  auto squeeze = v.getDefiningOp<SqueezeOp>();
  if (!squeeze || rankOf(v) != 2 || !isAxes(squeeze.getAxes(), 3, {2}))
    return {};
  auto matmul = squeeze.getData().getDefiningOp<MatMulOp>();
  auto column =
      matmul ? matmul.getRhs().getDefiningOp<UnsqueezeOp>() : UnsqueezeOp();
  if (!column || !isAxes(column.getAxes(), 3, {2}))
    return {};
  ConstantOp weight = gatheredWeight(matmul.getLhs(), routing);
  if (!weight)
    return {};
  return {weight, column.getData()};
}

/// The tokens `rows` ([T*k, D], the right operand of a product contracting
/// D) repeats: each row of x ([T, D]) k times in a row, made by unsqueezing
/// x, expanding the new unit dimensions between its two and regrouping.
/// Null otherwise.
static Value repeatedRows(Value rows, int64_t k) {
  auto expand = beforeRegrouping(rows).getDefiningOp<ExpandOp>();
  if (!expand || rankOf(rows) != 2)
    return {};
  // Back to x through the unsqueezes, labelling the expanded input's
  // dimensions: 0 (tokens) and 1 (features) are x's, -1 the inserted ones.
  SmallVector<UnsqueezeOp> unsqueezes;
  Value x = expand.getInput();
  while (auto unsqueeze = x.getDefiningOp<UnsqueezeOp>()) {
    unsqueezes.push_back(unsqueeze);
    x = unsqueeze.getData();
  }
  if (rankOf(x) != 2)
    return {};
  SmallVector<int64_t> labels = {0, 1};
  for (UnsqueezeOp unsqueeze : llvm::reverse(unsqueezes)) {
    std::optional<SmallVector<int64_t>> axes =
        normalizeAxes(unsqueeze.getAxes(), rankOf(unsqueeze.getResult()));
    if (!axes)
      return {};
    llvm::sort(*axes);
    for (int64_t axis : *axes)
      labels.insert(labels.begin() + axis, -1);
  }
  // The expanded sizes of the inserted dimensions: 1 outside the window
  // between x's two, their product k inside it.
  auto resultType = cast<RankedTensorType>(expand.getType());
  int64_t rank = resultType.getRank(), inputRank = labels.size();
  std::optional<int64_t> shapeLength = getStaticVectorLength(expand.getShape());
  if (!shapeLength || rank < inputRank)
    return {};
  auto expandedSize = [&](int64_t j) -> std::optional<int64_t> {
    if (!resultType.isDynamicDim(j))
      return resultType.getDimSize(j);
    int64_t q = j - (rank - *shapeLength);
    if (q < 0)
      return 1;
    std::optional<ShapeElement> element = getShapeElement(expand.getShape(), q);
    return element ? element->constant : std::nullopt;
  };
  int64_t repeats = 1;
  for (int64_t j = 0; j < rank; ++j) {
    int64_t p = j - (rank - inputRank);
    if (p >= 0 && labels[p] != -1)
      continue;
    std::optional<int64_t> size = expandedSize(j);
    if (!size)
      return {};
    bool inside = p >= 0 &&
                  llvm::is_contained(ArrayRef(labels).take_front(p), 0) &&
                  llvm::is_contained(ArrayRef(labels).drop_front(p), 1);
    if (inside)
      repeats *= *size;
    else if (*size != 1)
      return {};
  }
  // The rows are x's width: a dynamic width is the one the product that
  // reads them contracts with, x's (a valid model agrees).
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t width = cast<RankedTensorType>(rows.getType()).getDimSize(1);
  if (repeats != k || xType.isDynamicDim(1) ||
      !(ShapedType::isDynamic(width) || width == xType.getDimSize(1)))
    return {};
  return x;
}

/// The gathered form, from its final sum over the k choices.
FailureOr<MatchedMoe> matchGatheredExperts(Operation *root,
                                           PatternRewriter &rewriter) {
  auto fail = [&](const char *why) {
    return rewriter.notifyMatchFailure(root, why);
  };
  auto sum = dyn_cast<ReduceSumOp>(root);
  if (!sum || sum.getKeepdims() || rankOf(sum.getData()) != 3 ||
      !isAxes(sum.getAxes(), 3, {1}))
    return fail("not a sum over the k choices of [T, k, D]");
  int64_t k = cast<RankedTensorType>(sum.getData().getType()).getDimSize(1);
  // weighted = down-product * the routing weight of each row.
  auto weighted = beforeRegrouping(sum.getData()).getDefiningOp<MulOp>();
  if (!weighted || ShapedType::isDynamic(k))
    return fail("not a sum of weighted rows");
  std::optional<Routing> routing;
  Value expertOut;
  for (auto [w, out] : {std::pair{weighted.getLhs(), weighted.getRhs()},
                        std::pair{weighted.getRhs(), weighted.getLhs()}}) {
    routing = matchRoutingWeights(beforeRegrouping(w));
    if (routing) {
      expertOut = out;
      break;
    }
  }
  if (!routing || routing->k != k)
    return fail("rows not weighted by a softmax top-k routing");
  auto [down, hidden] = rowProduct(expertOut, *routing);
  if (!down)
    return fail("no product by the chosen experts' down matrices");
  std::optional<GatedHalves> halves = gatedHalves(hidden);
  if (!halves)
    return fail("the hidden rows are not silu(gate) * up halves");
  auto [gateUp, tokens] = rowProduct(halves->whole, *routing);
  if (!gateUp)
    return fail("no product by the chosen experts' gate/up matrices");
  Value x = repeatedRows(tokens, k);
  if (!x)
    return fail("the product's rows are not each token repeated k times");
  if (!(traceDim({x, 0}) == traceDim({routing->logits, 0})))
    return fail("the tokens are not the router's rows");
  std::optional<ExpertWeights> weights = fusedStacks(gateUp, down, *halves);
  if (!weights)
    return fail("expert weights of mismatched shapes, not f32 or unreadable");
  return std::make_tuple(x, *routing, *weights);
}

} // namespace mlir::xf::moe

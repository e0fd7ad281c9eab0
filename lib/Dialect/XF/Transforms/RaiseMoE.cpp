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
//   per expert (our zoo's moesparse, torch.where + index_add): for each
//     expert, the (token, choice) pairs that chose it (NonZero of
//     indices == e), its gated MLP on those tokens' rows, weighted and
//     scatter-added into zeros, one expert after the other.
//
// Each form that matches becomes one xf.moe on stacked constant weights
// (xf-moe-dispatch then runs only the chosen experts); the ops left
// unread are erased by the canonicalizer.
//
//===----------------------------------------------------------------------===//

#include "Matching.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/DimTracing.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Dialect/XF/Transforms/Patterns.h"
#include "xfc/Support/ElementsBytes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_RAISEMOEPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// The routing a form's weights and expert indices come from.
struct Routing {
  Value values, indices, logits;
  int64_t k, experts;
  bool normalize;
};

/// The experts' weights as xf.moe takes them, [E, in, out], each element
/// read from the model's constants by `at(e, row, column)`.
using WeightReader = std::function<float(int64_t, int64_t, int64_t)>;
struct ExpertWeights {
  Attribute origin; // names the stacked copies
  int64_t experts, features, hidden;
  WeightReader gate, up, down;
};
} // namespace

static int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

static bool isAxes(std::optional<ArrayRef<int64_t>> axes, int64_t rank,
                   ArrayRef<int64_t> expected) {
  if (!axes)
    return false;
  std::optional<SmallVector<int64_t>> normalized =
      normalizeAxes(*axes, rank);
  return normalized && ArrayRef<int64_t>(*normalized) == expected;
}

/// The top-k of a softmax over the last axis of [T, E] logits.
static std::optional<Routing> matchTopK(Value indicesOrValues) {
  auto topk = indicesOrValues.getDefiningOp<TopKOp>();
  if (!topk || !topk.getLargest())
    return std::nullopt;
  auto softmax = topk.getInput().getDefiningOp<SoftmaxOp>();
  auto type = cast<RankedTensorType>(topk.getInput().getType());
  if (!softmax || type.getRank() != 2 || type.isDynamicDim(1) ||
      *normalizeAxis(topk.getAxis(), 2) != 1 ||
      *normalizeAxis(softmax.getAxis(), 2) != 1)
    return std::nullopt;
  return Routing{topk.getValues(), topk.getIndices(), softmax.getInput(),
                 topk.getK(), type.getDimSize(1), false};
}

/// The routing whose weights `w` ([T, k]) are: the top-k values, or
/// them divided by their sum.
static std::optional<Routing> matchRoutingWeights(Value w) {
  if (auto div = w.getDefiningOp<DivOp>()) {
    auto sum = div.getRhs().getDefiningOp<ReduceSumOp>();
    if (!sum || sum.getData() != div.getLhs() || !sum.getKeepdims() ||
        !isAxes(sum.getAxes(), 2, {1}))
      return std::nullopt;
    std::optional<Routing> routing = matchTopK(div.getLhs());
    if (!routing || div.getLhs() != routing->values)
      return std::nullopt;
    routing->normalize = true;
    return routing;
  }
  std::optional<Routing> routing = matchTopK(w);
  if (!routing || w != routing->values)
    return std::nullopt;
  return routing;
}

/// `v` before ops that only regroup its elements (reshape, unsqueeze,
/// squeeze, flatten), which never reorder them.
static Value beforeRegrouping(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<ReshapeOp, UnsqueezeOp, SqueezeOp, FlattenOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

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
  return reshape && rankOf(v) == 1 &&
         reshape.getData() == routing.indices;
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
  if (!squeeze || rankOf(v) != 2 ||
      !isAxes(squeeze.getAxes(), 3, {2}))
    return {};
  auto matmul = squeeze.getData().getDefiningOp<MatMulOp>();
  auto column = matmul ? matmul.getRhs().getDefiningOp<UnsqueezeOp>()
                       : UnsqueezeOp();
  if (!column || !isAxes(column.getAxes(), 3, {2}))
    return {};
  ConstantOp weight = gatheredWeight(matmul.getLhs(), routing);
  if (!weight)
    return {};
  return {weight, column.getData()};
}

/// The columns [offset, offset + size) of the last axis of `whole` that
/// `part` is: a Split result or a Slice.
static std::optional<int64_t> columnsOf(Value part, Value &whole) {
  int64_t rank = rankOf(part);
  if (auto split = part.getDefiningOp<SplitOp>()) {
    if (*normalizeAxis(split.getAxis(), rank) != rank - 1)
      return std::nullopt;
    whole = split.getInput();
    int64_t offset = 0;
    for (Value result : split.getResults()) {
      if (result == part)
        return offset;
      int64_t size = cast<RankedTensorType>(result.getType()).getShape().back();
      if (ShapedType::isDynamic(size))
        return std::nullopt;
      offset += size;
    }
    return std::nullopt;
  }
  auto slice = part.getDefiningOp<SliceOp>();
  if (!slice || !slice.getAxes() || !isAxes(slice.getAxes(), rank, {rank - 1}))
    return std::nullopt;
  if (slice.getSteps() && llvm::any_of(*slice.getSteps(),
                                       [](int64_t s) { return s != 1; }))
    return std::nullopt;
  std::optional<SmallVector<int64_t>> starts =
      getConstantIntValues(slice.getStarts());
  int64_t size = cast<RankedTensorType>(part.getType()).getShape().back();
  if (!starts || starts->size() != 1 || (*starts)[0] < 0 ||
      ShapedType::isDynamic(size))
    return std::nullopt;
  whole = slice.getData();
  return (*starts)[0];
}

/// x of `silu(x) * u` = (x * sigmoid(x)) * u, factors in any order; `u`
/// receives the other factor.
static Value siluGated(Value v, Value &u) {
  auto outer = v.getDefiningOp<MulOp>();
  if (!outer)
    return {};
  for (auto [silu, other] : {std::pair{outer.getLhs(), outer.getRhs()},
                             std::pair{outer.getRhs(), outer.getLhs()}}) {
    auto inner = silu.getDefiningOp<MulOp>();
    if (!inner)
      continue;
    for (auto [x, s] : {std::pair{inner.getLhs(), inner.getRhs()},
                        std::pair{inner.getRhs(), inner.getLhs()}}) {
      auto sigmoid = s.getDefiningOp<SigmoidOp>();
      if (sigmoid && sigmoid.getInput() == x) {
        u = other;
        return x;
      }
    }
  }
  return {};
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
    bool inside = p >= 0 && llvm::is_contained(ArrayRef(labels).take_front(p), 0) &&
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
static FailureOr<std::tuple<Value, Routing, ExpertWeights>>
matchGatheredExperts(ReduceSumOp sum, PatternRewriter &rewriter) {
  auto fail = [&](const char *why) {
    return rewriter.notifyMatchFailure(sum, why);
  };
  if (sum.getKeepdims() || rankOf(sum.getData()) != 3 ||
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
    if ((routing = matchRoutingWeights(beforeRegrouping(w)))) {
      expertOut = out;
      break;
    }
  }
  if (!routing || routing->k != k)
    return fail("rows not weighted by a softmax top-k routing");
  auto [down, hidden] = rowProduct(expertOut, *routing);
  if (!down)
    return fail("no product by the chosen experts' down matrices");
  Value up, gateUpOut, alsoGateUp;
  Value gate = siluGated(hidden, up);
  std::optional<int64_t> gateOffset =
      gate ? columnsOf(gate, gateUpOut) : std::nullopt;
  std::optional<int64_t> upOffset =
      up ? columnsOf(up, alsoGateUp) : std::nullopt;
  if (!gateOffset || !upOffset || gateUpOut != alsoGateUp)
    return fail("the hidden rows are not silu(gate) * up halves");
  auto [gateUp, tokens] = rowProduct(gateUpOut, *routing);
  if (!gateUp)
    return fail("no product by the chosen experts' gate/up matrices");
  Value x = repeatedRows(tokens, k);
  if (!x)
    return fail("the product's rows are not each token repeated k times");
  if (!(traceDim({x, 0}) == traceDim({routing->logits, 0})))
    return fail("the tokens are not the router's rows");

  auto gateUpType = cast<RankedTensorType>(gateUp.getType());
  auto downType = cast<RankedTensorType>(down.getType());
  int64_t experts = gateUpType.getDimSize(0),
          features = gateUpType.getDimSize(2),
          width = cast<RankedTensorType>(gate.getType()).getShape().back();
  if (downType.getShape() != ArrayRef<int64_t>{experts, features, width} ||
      !gateUpType.getElementType().isF32())
    return fail("expert weights of mismatched shapes or not f32");
  auto gateUpValues = getFloats(cast<ElementsAttr>(gateUp.getValueAttr()));
  auto downValues = getFloats(cast<ElementsAttr>(down.getValueAttr()));
  if (!gateUpValues || !downValues)
    return fail("expert weights without readable values");
  int64_t rowsGateUp = gateUpType.getDimSize(1);
  auto gu = std::make_shared<std::vector<float>>(std::move(*gateUpValues));
  auto dn = std::make_shared<std::vector<float>>(std::move(*downValues));
  auto fromGateUp = [=](int64_t offset) {
    return [=](int64_t e, int64_t d, int64_t f) {
      return (*gu)[(e * rowsGateUp + offset + f) * features + d];
    };
  };
  ExpertWeights weights{gateUp.getValueAttr(),
                        experts,
                        features,
                        width,
                        fromGateUp(*gateOffset),
                        fromGateUp(*upOffset),
                        [=](int64_t e, int64_t f, int64_t d) {
                          return (*dn)[(e * features + d) * width + f];
                        }};
  return std::make_tuple(x, *routing, weights);
}

/// Coordinate `column` of the non-zero elements of `mask` ([T, k]): a
/// column of transpose(nonzero(mask)), possibly squeezed and unsqueezed.
struct NonZeroColumn {
  Value mask;
  int64_t column;
  bool operator==(const NonZeroColumn &o) const {
    return mask == o.mask && column == o.column;
  }
};
static std::optional<NonZeroColumn> nonZeroColumn(Value v) {
  v = beforeRegrouping(v);
  Value whole;
  std::optional<int64_t> column = columnsOf(v, whole);
  auto transpose = whole ? whole.getDefiningOp<TransposeOp>() : TransposeOp();
  if (!column || !transpose || rankOf(whole) != 2 ||
      cast<RankedTensorType>(v.getType()).getShape().back() != 1 ||
      (transpose.getPerm() &&
       ArrayRef<int64_t>(*transpose.getPerm()) != ArrayRef<int64_t>{1, 0}))
    return std::nullopt;
  auto nonzero = transpose.getData().getDefiningOp<NonZeroOp>();
  if (!nonzero)
    return std::nullopt;
  return NonZeroColumn{nonzero.getInput(), *column};
}

/// The expert `mask` selects: indices == e, for the routing's indices.
static std::optional<int64_t> expertOfMask(Value mask, const Routing &routing) {
  auto equal = mask.getDefiningOp<EqualOp>();
  if (!equal)
    return std::nullopt;
  Value other = otherOperand(equal, routing.indices);
  std::optional<SmallVector<int64_t>> e =
      other ? getConstantIntValues(other) : std::nullopt;
  if (!e || e->size() != 1 || (*e)[0] < 0 || (*e)[0] >= routing.experts)
    return std::nullopt;
  return (*e)[0];
}

/// The rows of `x` at the tokens `tokens` picks: gather(x, tokens) or
/// gather_nd(x, unsqueeze(tokens, -1)); x is returned.
static Value gatheredRows(Value v, NonZeroColumn tokens) {
  Value data, indices;
  if (auto gather = v.getDefiningOp<GatherOp>(); gather && gather.getAxis() == 0) {
    data = gather.getData();
    indices = gather.getIndices();
  } else if (auto gather = v.getDefiningOp<GatherNDOp>();
             gather && gather.getBatchDims() == 0) {
    data = gather.getData();
    indices = gather.getIndices();
  }
  std::optional<NonZeroColumn> picked =
      indices ? nonZeroColumn(indices) : std::nullopt;
  if (!picked || !(*picked == tokens) || rankOf(data) != 2)
    return {};
  return data;
}

/// Whether `v` is a [T, D] zero tensor shaped like x.
static bool isZerosLike(Value v, Value x) {
  Value shape;
  if (auto expand = v.getDefiningOp<ExpandOp>()) {
    std::optional<float> value = matchScalarF32(expand.getInput());
    if (!value || *value != 0.0f)
      return false;
    shape = expand.getShape();
  } else if (auto fill = v.getDefiningOp<ConstantOfShapeOp>()) {
    auto value = dyn_cast<DenseElementsAttr>(fill.getValue());
    if (!value || !value.isSplat() || !value.getElementType().isF32() ||
        value.getSplatValue<float>() != 0.0f)
      return false;
    shape = fill.getShape();
  } else {
    return false;
  }
  if (getStaticVectorLength(shape) != 2)
    return false;
  for (int64_t d = 0; d < 2; ++d) {
    std::optional<ShapeElement> element = getShapeElement(shape, d);
    int64_t size = cast<RankedTensorType>(x.getType()).getDimSize(d);
    bool same = element && ((element->constant && *element->constant == size) ||
                            (element->dim && traceDim(*element->dim) ==
                                                 traceDim({x, d})));
    if (!same)
      return false;
  }
  return true;
}

/// The per-expert form, from the last of its scatter-adds.
static FailureOr<std::tuple<Value, Routing, ExpertWeights>>
matchPerExpertScatters(ScatterNDOp last, PatternRewriter &rewriter) {
  auto fail = [&](const char *why) {
    return rewriter.notifyMatchFailure(last, why);
  };
  if (llvm::any_of(last->getUsers(), [](Operation *user) {
        auto next = dyn_cast<ScatterNDOp>(user);
        return next && next.getReduction() == "add";
      }))
    return fail("not the last scatter-add of a chain");
  std::optional<Routing> routing;
  Value x;
  SmallVector<GatedMlpOp> byExpert;
  Value acc = last.getResult();
  while (auto scatter = acc.getDefiningOp<ScatterNDOp>()) {
    if (scatter.getReduction() != "add")
      return fail("a scatter that does not add");
    std::optional<NonZeroColumn> tokens = nonZeroColumn(scatter.getIndices());
    if (!tokens || tokens->column != 0 ||
        rankOf(scatter.getIndices()) != 2)
      return fail("not scattered to the tokens that chose an expert");
    // updates = gated_mlp(rows) * weight of the (token, choice).
    auto weighted = scatter.getUpdates().getDefiningOp<MulOp>();
    if (!weighted)
      return fail("the updates are not weighted expert outputs");
    GatedMlpOp mlp;
    Value weight;
    for (auto [a, b] : {std::pair{weighted.getLhs(), weighted.getRhs()},
                        std::pair{weighted.getRhs(), weighted.getLhs()}})
      if ((mlp = a.getDefiningOp<GatedMlpOp>())) {
        weight = b;
        break;
      }
    auto picked = weight ? beforeRegrouping(weight).getDefiningOp<GatherNDOp>()
                         : GatherNDOp();
    if (!mlp || mlp.getActivation() != Activation::silu || !picked)
      return fail("the updates are not a SiLU gated MLP times a weight");
    auto pair = picked.getIndices().getDefiningOp<ConcatOp>();
    if (!pair || pair.getInputs().size() != 2 ||
        !(nonZeroColumn(pair.getInputs()[0]) == tokens) ||
        !(nonZeroColumn(pair.getInputs()[1]) ==
          NonZeroColumn{tokens->mask, 1}))
      return fail("the weight is not the routing's at (token, choice)");
    std::optional<Routing> weights = matchRoutingWeights(picked.getData());
    if (!weights || (routing && (weights->indices != routing->indices ||
                                 weights->normalize != routing->normalize)))
      return fail("the weights are not one routing's");
    routing = weights;
    std::optional<int64_t> e = expertOfMask(tokens->mask, *routing);
    Value rows = gatheredRows(mlp.getInput(), *tokens);
    if (!e || !rows || (x && rows != x))
      return fail("the expert's rows are not the tokens that chose it");
    x = rows;
    if (byExpert.size() < static_cast<size_t>(routing->experts))
      byExpert.resize(routing->experts);
    if (byExpert[*e])
      return fail("an expert scattered twice");
    byExpert[*e] = mlp;
    acc = scatter.getData();
  }
  if (!routing || llvm::any_of(byExpert, [](GatedMlpOp op) { return !op; }))
    return fail("not every expert's output is added");
  if (!isZerosLike(acc, x) ||
      !(traceDim({x, 0}) == traceDim({routing->logits, 0})))
    return fail("the sums do not start from zeros shaped like the tokens");

  // Each expert's weights, [D, F], [D, F], [F, D] as xf.moe stacks them.
  auto matrices = std::make_shared<std::vector<std::vector<float>>>();
  Attribute origin;
  for (GatedMlpOp mlp : byExpert)
    for (Value w : {mlp.getGate(), mlp.getUp(), mlp.getDown()}) {
      auto constant = w.getDefiningOp<ConstantOp>();
      std::optional<std::vector<float>> values =
          constant && cast<RankedTensorType>(w.getType()).hasStaticShape() &&
                  cast<RankedTensorType>(w.getType()).getElementType().isF32()
              ? getFloats(cast<ElementsAttr>(constant.getValueAttr()))
              : std::nullopt;
      if (!values)
        return fail("an expert's weights are not f32 constants");
      origin = origin ? origin : constant.getValueAttr();
      matrices->push_back(std::move(*values));
    }
  RankedTensorType gate = byExpert[0].getGate().getType();
  int64_t features = gate.getDimSize(0), hidden = gate.getDimSize(1);
  for (GatedMlpOp mlp : byExpert)
    if (mlp.getGate().getType() != gate || mlp.getUp().getType() != gate ||
        mlp.getDown().getType().getShape() !=
            ArrayRef<int64_t>{hidden, features})
      return fail("experts of different shapes");
  auto reader = [=](int64_t which, int64_t columns) -> WeightReader {
    return [=](int64_t e, int64_t r, int64_t c) {
      return (*matrices)[e * 3 + which][r * columns + c];
    };
  };
  ExpertWeights expertWeights{origin,        routing->experts, features,
                              hidden,        reader(0, hidden),
                              reader(1, hidden), reader(2, features)};
  return std::make_tuple(x, *routing, expertWeights);
}

/// A constant [experts, rows, columns] f32 weight read by `at`.
static Value stackedWeight(PatternRewriter &rewriter, Location loc,
                           Attribute origin, StringRef name, int64_t experts,
                           int64_t rows, int64_t columns,
                           const WeightReader &at) {
  auto type =
      RankedTensorType::get({experts, rows, columns}, rewriter.getF32Type());
  auto attr = deriveResource(origin, type, name, [&](char *out) {
    auto *values = reinterpret_cast<float *>(out);
    for (int64_t e = 0; e < experts; ++e)
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < columns; ++c)
          *values++ = at(e, r, c);
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
  Value gate = stackedWeight(rewriter, loc, w.origin, ".moe_gate", w.experts,
                             w.features, w.hidden, w.gate);
  Value up = stackedWeight(rewriter, loc, w.origin, ".moe_up", w.experts,
                           w.features, w.hidden, w.up);
  Value down = stackedWeight(rewriter, loc, w.origin, ".moe_down", w.experts,
                             w.hidden, w.features, w.down);
  FailureOr<Value> moe = createInferred<MoeOp>(
      rewriter, loc, {x, routing.logits, gate, up, down},
      {rewriter.getNamedAttr("top_k",
                             rewriter.getI64IntegerAttr(routing.k)),
       rewriter.getNamedAttr("normalize",
                             rewriter.getBoolAttr(routing.normalize))});
  if (failed(moe)) {
    for (Value weight : {down, up, gate})
      rewriter.eraseOp(weight.getDefiningOp());
    return failure();
  }
  Value result = *moe;
  if (result.getType() != root->getResult(0).getType())
    result = tensor::CastOp::create(rewriter, loc,
                                    root->getResult(0).getType(), result);
  rewriter.replaceOp(root, result);
  return success();
}

namespace {
struct RaiseGatheredExperts : OpRewritePattern<ReduceSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceSumOp sum,
                                PatternRewriter &rewriter) const override {
    auto matched = matchGatheredExperts(sum, rewriter);
    if (failed(matched))
      return failure();
    auto [x, routing, weights] = *matched;
    return replaceByMoe(sum, x, routing, weights, rewriter);
  }
};

struct RaisePerExpertScatters : OpRewritePattern<ScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterNDOp scatter,
                                PatternRewriter &rewriter) const override {
    auto matched = matchPerExpertScatters(scatter, rewriter);
    if (failed(matched))
      return failure();
    auto [x, routing, weights] = *matched;
    return replaceByMoe(scatter, x, routing, weights, rewriter);
  }
};

struct RaiseMoEPass : xf::impl::RaiseMoEPassBase<RaiseMoEPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseGatheredExperts, RaisePerExpertScatters>(&getContext());
    applyRaisePatterns(getOperation(), std::move(patterns), getArgument());
  }
};
} // namespace

//===- MoEMatching.cpp - the routing and the pieces MoE forms share -------===//

#include "MoEMatching.h"
#include "Matching.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Support/ElementsBytes.h"

namespace mlir::xf::moe {

int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

bool isAxes(std::optional<ArrayRef<int64_t>> axes, int64_t rank,
            ArrayRef<int64_t> expected) {
  if (!axes)
    return false;
  std::optional<SmallVector<int64_t>> normalized = normalizeAxes(*axes, rank);
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
  return Routing{topk.getValues(), topk.getIndices(),  softmax.getInput(),
                 topk.getK(),      type.getDimSize(1), false};
}

/// The routing whose weights `w` ([T, k]) are: the top-k values, or
/// them divided by their sum.
std::optional<Routing> matchRoutingWeights(Value w) {
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
Value beforeRegrouping(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<ReshapeOp, UnsqueezeOp, SqueezeOp, FlattenOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// The columns [offset, offset + size) of the last axis of `whole` that
/// `part` is: a Split result or a Slice.
std::optional<int64_t> columnsOf(Value part, Value &whole) {
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
  if (slice.getSteps() &&
      llvm::any_of(*slice.getSteps(), [](int64_t s) { return s != 1; }))
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

std::optional<std::pair<const float *, bool>> f32Elements(ConstantOp constant) {
  auto type = cast<RankedTensorType>(constant.getType());
  if (!type.hasStaticShape() || !type.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValueAttr());
      dense && dense.isSplat())
    return std::pair{reinterpret_cast<const float *>(dense.getRawData().data()),
                     true};
  std::optional<ArrayRef<char>> bytes =
      getElementsBytes(constant.getValueAttr());
  if (!bytes || bytes->size() != static_cast<size_t>(type.getNumElements()) * 4)
    return std::nullopt;
  return std::pair{reinterpret_cast<const float *>(bytes->data()), false};
}

/// silu(gate) * up where gate and up are column ranges of one value.
std::optional<GatedHalves> gatedHalves(Value hidden) {
  Value up, whole, alsoWhole;
  Value gate = siluGated(hidden, up);
  std::optional<int64_t> gateOffset =
      gate ? columnsOf(gate, whole) : std::nullopt;
  std::optional<int64_t> upOffset =
      up ? columnsOf(up, alsoWhole) : std::nullopt;
  if (!gateOffset || !upOffset || whole != alsoWhole)
    return std::nullopt;
  return GatedHalves{whole, *gateOffset, *upOffset,
                     cast<RankedTensorType>(gate.getType()).getShape().back()};
}

/// Hugging Face's stacked experts as xf.moe's readers: gate_up
/// [E, 2F, D] (gate and up at `halves`' row offsets) and down [E, D, F],
/// f32 constants.
std::optional<ExpertWeights> fusedStacks(ConstantOp gateUp, ConstantOp down,
                                         const GatedHalves &halves) {
  auto gateUpType = cast<RankedTensorType>(gateUp.getType());
  auto downType = cast<RankedTensorType>(down.getType());
  int64_t experts = gateUpType.getDimSize(0), rows = gateUpType.getDimSize(1),
          features = gateUpType.getDimSize(2), width = halves.width;
  auto gu = f32Elements(gateUp), dn = f32Elements(down);
  if (downType.getShape() != ArrayRef<int64_t>{experts, features, width} ||
      !gu || !dn)
    return std::nullopt;
  // gate[e](d, f) = gate_up[e][offset + f][d]; down[e](f, d) = down[e][d][f].
  auto view = [](std::pair<const float *, bool> elements, int64_t offset,
                 int64_t rowStride, int64_t columnStride) {
    auto [data, splat] = elements;
    return splat ? MatrixView{data, 0, 0}
                 : MatrixView{data + offset, rowStride, columnStride};
  };
  ExpertWeights weights{
      gateUp.getValueAttr(), experts, features, width, {}, {}, {}};
  for (int64_t e = 0; e < experts; ++e) {
    weights.gate.push_back(
        view(*gu, (e * rows + halves.gateOffset) * features, 1, features));
    weights.up.push_back(
        view(*gu, (e * rows + halves.upOffset) * features, 1, features));
    weights.down.push_back(view(*dn, e * features * width, 1, width));
  }
  return weights;
}

} // namespace mlir::xf::moe

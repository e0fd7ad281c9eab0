//===- RaisePerExpertSums.cpp - MoE forms that add up experts one by one --===//
//
// For each expert, in turn: its output added into a sum over the experts.
//   per expert (Hugging Face's eager loops, our zoo's moesparse): the
//     (token, choice) pairs that chose it (NonZero of a mask), its gated
//     MLP on those tokens' rows, weighted and added into those rows of
//     zeros (ScatterND add, or index_add_'s ScatterND plus Add);
//   dense: the expert on every token, weighted by the routing weight where
//     it was chosen (0 elsewhere).
//
//===----------------------------------------------------------------------===//

#include "Matching.h"
#include "MoEMatching.h"
#include "xfc/Dialect/XF/IR/DimTracing.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"

namespace mlir::xf::moe {

/// Coordinate `column` of the non-zero elements of `mask` (2-D): a column
/// of transpose(nonzero(mask)), possibly squeezed and unsqueezed.
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
  if (!nonzero || rankOf(nonzero.getInput()) != 2)
    return std::nullopt;
  return NonZeroColumn{nonzero.getInput(), *column};
}

/// The number `index` (a scalar or one-element tensor) is: a constant, or
/// entry i of the non-zero positions of an [E] vector that a Split cuts
/// into E single entries. A run where fewer than E are non-zero stops at
/// that Split, so in every run that goes on, entry i is i (a trace of a
/// loop over the experts it met, all of them).
static std::optional<int64_t> expertNumber(Value index) {
  if (std::optional<SmallVector<int64_t>> e = getConstantIntValues(index))
    return e->size() == 1 ? std::optional<int64_t>((*e)[0]) : std::nullopt;
  // gather(v, 0) of a one-element v.
  if (auto gather = index.getDefiningOp<GatherOp>()) {
    std::optional<SmallVector<int64_t>> at =
        getConstantIntValues(gather.getIndices());
    if (!at || at->size() != 1 || (*at)[0] != 0 ||
        getStaticVectorLength(gather.getData()) != 1)
      return std::nullopt;
    index = gather.getData();
  }
  auto split =
      dyn_cast_or_null<SplitOp>(beforeRegrouping(index).getDefiningOp());
  if (!split || rankOf(split.getInput()) != 2 ||
      *normalizeAxis(split.getAxis(), 2) != 0)
    return std::nullopt;
  auto transpose = split.getInput().getDefiningOp<TransposeOp>();
  auto nonzero =
      transpose ? transpose.getData().getDefiningOp<NonZeroOp>() : NonZeroOp();
  if (!nonzero || rankOf(nonzero.getInput()) != 1 ||
      getStaticVectorLength(nonzero.getInput()) !=
          static_cast<int64_t>(split.getNumResults()))
    return std::nullopt;
  for (auto [i, result] : llvm::enumerate(split.getResults())) {
    if (cast<RankedTensorType>(result.getType()).getDimSize(0) != 1)
      return std::nullopt;
    if (result == beforeRegrouping(index))
      return static_cast<int64_t>(i);
  }
  return std::nullopt;
}

/// What a per-expert mask says: the expert, and which coordinate of its
/// non-zero elements is the token (the other is the choice).
struct ExpertMask {
  int64_t expert;
  int64_t tokenColumn;
};
static std::optional<ExpertMask> matchExpertMask(Value mask,
                                                 const Routing &routing) {
  // indices == e: [T, k], the token first.
  if (auto equal = mask.getDefiningOp<EqualOp>()) {
    Value other = otherOperand(equal, routing.indices);
    std::optional<int64_t> e = other ? expertNumber(other) : std::nullopt;
    if (!e || rankOf(other) > 1)
      return std::nullopt;
    return ExpertMask{*e, 0};
  }
  // one_hot(indices).permute(2, 1, 0)[e]: [k, T], the token second. The
  // one-hot (as imported) compares the indices, negative ones wrapped,
  // with 0..E-1 laid along a new last axis.
  if (auto cast = mask.getDefiningOp<CastOp>())
    mask = cast.getInput();
  auto pick = mask.getDefiningOp<GatherOp>();
  auto transpose =
      pick ? pick.getData().getDefiningOp<TransposeOp>() : TransposeOp();
  if (!pick || pick.getAxis() != 0 || !transpose || !transpose.getPerm() ||
      ArrayRef<int64_t>(*transpose.getPerm()) != ArrayRef<int64_t>{2, 1, 0})
    return std::nullopt;
  auto where = transpose.getData().getDefiningOp<WhereOp>();
  auto equal =
      where ? where.getCondition().getDefiningOp<EqualOp>() : EqualOp();
  std::optional<SmallVector<int64_t>> on =
      where ? getConstantIntValues(where.getX()) : std::nullopt;
  std::optional<SmallVector<int64_t>> off =
      where ? getConstantIntValues(where.getY()) : std::nullopt;
  if (!equal || !on || !off || on->size() != 1 || off->size() != 1 ||
      (*on)[0] == 0 || (*off)[0] != 0)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> positions =
      getConstantIntValues(equal.getRhs());
  if (!positions ||
      *positions != llvm::to_vector(llvm::seq<int64_t>(0, routing.experts)))
    return std::nullopt;
  Value indices = beforeRegrouping(equal.getLhs());
  // where(indices < 0, indices + E, indices): the same for top-k indices,
  // which are never negative.
  if (auto wrap = indices.getDefiningOp<WhereOp>()) {
    auto negative = wrap.getCondition().getDefiningOp<LessOp>();
    std::optional<SmallVector<int64_t>> zero =
        negative ? getConstantIntValues(negative.getRhs()) : std::nullopt;
    if (negative && negative.getLhs() == wrap.getY() && zero &&
        zero->size() == 1 && (*zero)[0] == 0)
      indices = wrap.getY();
  }
  std::optional<int64_t> e = expertNumber(pick.getIndices());
  if (indices != routing.indices || !e)
    return std::nullopt;
  return ExpertMask{*e, 1};
}

/// The rows of `x` at the tokens `tokens` picks: gather(x, tokens),
/// gather_nd(x, unsqueeze(tokens, -1)) or gather(unsqueeze(x, 0), tokens,
/// axis 1) regrouped; x is returned.
static Value gatheredRows(Value v, NonZeroColumn tokens) {
  Value data, indices;
  v = beforeRegrouping(v);
  if (auto gather = v.getDefiningOp<GatherOp>()) {
    data = gather.getData();
    indices = gather.getIndices();
    if (gather.getAxis() == 1) {
      auto unsqueeze = data.getDefiningOp<UnsqueezeOp>();
      if (!unsqueeze || !isAxes(unsqueeze.getAxes(), 3, {0}))
        return {};
      data = unsqueeze.getData();
    } else if (gather.getAxis() != 0) {
      return {};
    }
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

/// The routing weight of each (token, choice) pair: gather_nd(W, [token,
/// choice]) or gather(W as [T*k, 1], token * k + choice).
static std::optional<Routing> pickedWeights(Value v, NonZeroColumn tokens,
                                            NonZeroColumn choices) {
  v = beforeRegrouping(v);
  if (auto picked = v.getDefiningOp<GatherNDOp>()) {
    auto pair = picked.getIndices().getDefiningOp<ConcatOp>();
    if (!pair || pair.getInputs().size() != 2 ||
        !(nonZeroColumn(pair.getInputs()[0]) == tokens) ||
        !(nonZeroColumn(pair.getInputs()[1]) == choices))
      return std::nullopt;
    return matchRoutingWeights(picked.getData());
  }
  auto picked = v.getDefiningOp<GatherOp>();
  auto sum = picked ? picked.getIndices().getDefiningOp<AddOp>() : AddOp();
  if (!sum || picked.getAxis() != 0)
    return std::nullopt;
  std::optional<Routing> routing =
      matchRoutingWeights(beforeRegrouping(picked.getData()));
  auto flat = cast<RankedTensorType>(picked.getData().getType());
  if (!routing || flat.getRank() != 2 || flat.getDimSize(1) != 1)
    return std::nullopt;
  for (auto [a, b] : {std::pair{sum.getLhs(), sum.getRhs()},
                      std::pair{sum.getRhs(), sum.getLhs()}}) {
    auto scaled = b.getDefiningOp<MulOp>();
    if (!(nonZeroColumn(a) == choices) || !scaled)
      continue;
    for (auto [t, factor] : {std::pair{scaled.getLhs(), scaled.getRhs()},
                             std::pair{scaled.getRhs(), scaled.getLhs()}}) {
      std::optional<SmallVector<int64_t>> k = getConstantIntValues(factor);
      if (nonZeroColumn(t) == tokens && k && k->size() == 1 &&
          (*k)[0] == routing->k)
        return routing;
    }
  }
  return std::nullopt;
}

/// A [rows, columns] f32 constant as a view of its elements.
static std::optional<MatrixView> matrixOf(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  auto elements = constant ? f32Elements(constant) : std::nullopt;
  if (!elements || rankOf(v) != 2)
    return std::nullopt;
  auto [data, splat] = *elements;
  int64_t columns = cast<RankedTensorType>(v.getType()).getDimSize(1);
  return splat ? MatrixView{data, 0, 0} : MatrixView{data, columns, 1};
}

/// One expert's gated MLP: its matrices as xf.gated_mlp takes them
/// ([D, F], [D, F], [F, D]) and the rows it reads.
struct ExpertMlp {
  MatrixView gate, up, down;
  int64_t features, hidden;
  Value rows;
  Attribute origin;
  std::optional<int64_t> expert; // when the weights name it
};

/// matrix `e` (a number expertNumber reads) of a constant stack [E, R, C],
/// transposed to [C, R]: transpose(gather(stack, e)).
static std::optional<std::pair<ConstantOp, int64_t>> stackedMatrix(Value v) {
  auto transpose = v.getDefiningOp<TransposeOp>();
  auto gather =
      transpose ? transpose.getData().getDefiningOp<GatherOp>() : GatherOp();
  if (!gather || gather.getAxis() != 0 || rankOf(v) != 2 ||
      (transpose.getPerm() &&
       ArrayRef<int64_t>(*transpose.getPerm()) != ArrayRef<int64_t>{1, 0}))
    return std::nullopt;
  auto stack = gather.getData().getDefiningOp<ConstantOp>();
  std::optional<int64_t> e = expertNumber(gather.getIndices());
  auto type = cast<RankedTensorType>(gather.getData().getType());
  if (!stack || !e || !type.hasStaticShape() || type.getRank() != 3 ||
      !type.getElementType().isF32() || *e < 0 || *e >= type.getDimSize(0))
    return std::nullopt;
  return std::pair{stack, *e};
}

static std::optional<ExpertMlp> matchExpertMlp(Value v) {
  if (auto mlp = v.getDefiningOp<GatedMlpOp>()) {
    std::optional<MatrixView> gate = matrixOf(mlp.getGate()),
                              up = matrixOf(mlp.getUp()),
                              down = matrixOf(mlp.getDown());
    RankedTensorType type = mlp.getGate().getType();
    if (mlp.getActivation() != Activation::silu || !gate || !up || !down ||
        mlp.getUp().getType() != type ||
        mlp.getDown().getType().getShape() !=
            ArrayRef<int64_t>{type.getDimSize(1), type.getDimSize(0)})
      return std::nullopt;
    return ExpertMlp{*gate,
                     *up,
                     *down,
                     type.getDimSize(0),
                     type.getDimSize(1),
                     mlp.getInput(),
                     mlp.getGate().getDefiningOp<ConstantOp>().getValueAttr(),
                     std::nullopt};
  }
  // Hugging Face's fused experts, one of them: down(silu(gate) * up) with
  // gate | up = rows * gate_up[e]^T and down = down_proj[e]^T.
  auto downProduct = v.getDefiningOp<MatMulOp>();
  auto down = downProduct ? stackedMatrix(downProduct.getRhs()) : std::nullopt;
  if (!down)
    return std::nullopt;
  std::optional<GatedHalves> halves = gatedHalves(downProduct.getLhs());
  auto gateUpProduct =
      halves ? halves->whole.getDefiningOp<MatMulOp>() : MatMulOp();
  auto gateUp =
      gateUpProduct ? stackedMatrix(gateUpProduct.getRhs()) : std::nullopt;
  if (!gateUp || gateUp->second != down->second)
    return std::nullopt;
  std::optional<ExpertWeights> stacks =
      fusedStacks(gateUp->first, down->first, *halves);
  if (!stacks)
    return std::nullopt;
  int64_t e = down->second;
  return ExpertMlp{stacks->gate[e], stacks->up[e],
                   stacks->down[e], stacks->features,
                   stacks->hidden,  gateUpProduct.getLhs(),
                   stacks->origin,  std::optional<int64_t>(e)};
}

/// A size as the product of the tensor dimensions it multiplies (traced),
/// times a constant: the rows of x = reshape(h [B, S, D], [-1, D]) are
/// B * S, and so is Mul(Gather(Shape(h), 0), Gather(Shape(h), 1)).
struct SizeProduct {
  SmallVector<DimRef> dims;
  int64_t factor = 1;
  bool operator==(const SizeProduct &o) const {
    if (factor != o.factor || dims.size() != o.dims.size())
      return false;
    SmallVector<DimRef> rest(o.dims);
    for (const DimRef &d : dims) {
      auto *it = llvm::find(rest, d);
      if (it == rest.end())
        return false;
      rest.erase(it);
    }
    return true;
  }
};

static std::optional<SizeProduct> productOf(DimRef ref) {
  ref = traceDim(ref);
  int64_t size =
      cast<RankedTensorType>(ref.value.getType()).getDimSize(ref.dim);
  if (!ShapedType::isDynamic(size))
    return SizeProduct{{}, size};
  // The leading dimension of a [-1, D] reshape of [..., D] is the product
  // of the others.
  auto reshape = ref.value.getDefiningOp<ReshapeOp>();
  if (reshape && ref.dim == 0 && rankOf(ref.value) == 2) {
    auto data = cast<RankedTensorType>(reshape.getData().getType());
    int64_t width = cast<RankedTensorType>(ref.value.getType()).getDimSize(1);
    if (!ShapedType::isDynamic(width) && data.getRank() >= 2 &&
        data.getShape().back() == width) {
      SizeProduct product;
      for (int64_t d = 0; d + 1 < data.getRank(); ++d) {
        std::optional<SizeProduct> part = productOf({reshape.getData(), d});
        if (!part)
          return std::nullopt;
        llvm::append_range(product.dims, part->dims);
        product.factor *= part->factor;
      }
      return product;
    }
  }
  return SizeProduct{{ref}, 1};
}

/// The product a one-element integer value is, when it multiplies sizes
/// read by Shape (or constants).
static std::optional<SizeProduct> productOf(Value scalar) {
  if (auto mul = scalar.getDefiningOp<MulOp>()) {
    std::optional<SizeProduct> a = productOf(mul.getLhs()),
                               b = productOf(mul.getRhs());
    if (!a || !b)
      return std::nullopt;
    llvm::append_range(a->dims, b->dims);
    a->factor *= b->factor;
    return a;
  }
  if (auto reshape = dyn_cast_or_null<UnsqueezeOp>(scalar.getDefiningOp()))
    return productOf(reshape.getData());
  if (auto squeeze = dyn_cast_or_null<SqueezeOp>(scalar.getDefiningOp()))
    return productOf(squeeze.getData());
  auto type = cast<RankedTensorType>(scalar.getType());
  if (!type.hasStaticShape() || type.getNumElements() != 1)
    return std::nullopt;
  std::optional<ShapeElement> element = getShapeElement(scalar, 0);
  if (!element)
    return std::nullopt;
  if (element->constant)
    return SizeProduct{{}, *element->constant};
  return productOf(*element->dim);
}

/// Entry `index` of a shape vector as a size product.
static std::optional<SizeProduct> shapeEntryProduct(Value vector,
                                                    int64_t index) {
  if (std::optional<ShapeElement> element = getShapeElement(vector, index)) {
    if (element->constant)
      return SizeProduct{{}, *element->constant};
    return productOf(*element->dim);
  }
  // A computed entry of a concatenation of one-element pieces.
  auto concat = vector.getDefiningOp<ConcatOp>();
  if (!concat || rankOf(vector) != 1)
    return std::nullopt;
  for (Value piece : concat.getInputs()) {
    std::optional<int64_t> length = getStaticVectorLength(piece);
    if (!length)
      return std::nullopt;
    if (index < *length)
      return *length == 1 ? productOf(piece) : std::nullopt;
    index -= *length;
  }
  return std::nullopt;
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
    std::optional<SizeProduct> entry = shapeEntryProduct(shape, d);
    std::optional<SizeProduct> size = productOf(DimRef{x, d});
    if (!entry || !size || !(*entry == *size))
      return false;
  }
  return true;
}

/// The static value of a shape element, if it has one.
static std::optional<int64_t> staticSize(std::optional<ShapeElement> element) {
  if (!element)
    return std::nullopt;
  if (element->constant)
    return element->constant;
  int64_t size = cast<RankedTensorType>(element->dim->value.getType())
                     .getDimSize(element->dim->dim);
  return ShapedType::isDynamic(size) ? std::nullopt
                                     : std::optional<int64_t>(size);
}

/// `updates` ([N, D]) broadcast to a shape whose first entry is at most 1
/// (the size of a [0:1] slice), which leaves them as they are (index_add's
/// broadcast of its source); or `updates` themselves.
static Value unbroadcast(Value v) {
  auto expand = v.getDefiningOp<ExpandOp>();
  if (!expand || rankOf(v) != 2 || rankOf(expand.getInput()) != 2 ||
      getStaticVectorLength(expand.getShape()) != 2)
    return v;
  std::optional<ShapeElement> first = getShapeElement(expand.getShape(), 0);
  int64_t width =
      cast<RankedTensorType>(expand.getInput().getType()).getDimSize(1);
  bool atMostOne = first && first->constant == 1;
  if (first && first->dim) {
    auto slice = first->dim->value.getDefiningOp<SliceOp>();
    std::optional<SmallVector<int64_t>> starts =
        slice ? getConstantIntValues(slice.getStarts()) : std::nullopt;
    std::optional<SmallVector<int64_t>> ends =
        slice ? getConstantIntValues(slice.getEnds()) : std::nullopt;
    std::optional<SmallVector<int64_t>> axes =
        slice && slice.getAxes()
            ? normalizeAxes(*slice.getAxes(), rankOf(slice.getData()))
            : std::nullopt;
    for (size_t i = 0; axes && starts && ends && i < axes->size(); ++i)
      if ((*axes)[i] == first->dim->dim && (*starts)[i] == 0 &&
          (*ends)[i] == 1 && (!slice.getSteps() || (*slice.getSteps())[i] == 1))
        atMostOne = true;
  }
  // A static width other than 1 is kept: the shape may only repeat it.
  if (!atMostOne || ShapedType::isDynamic(width) || width == 1)
    return {};
  return expand.getInput();
}

/// For index_add written as ScatterND of the rows into zeros: the token
/// column of [N, D, 2] pairs (token[n], d) and the [N, D] updates.
static std::optional<std::pair<NonZeroColumn, Value>>
rowScatter(ScatterNDOp scatter, Value x) {
  auto pairs = scatter.getIndices().getDefiningOp<ConcatOp>();
  Value updates = unbroadcast(scatter.getUpdates());
  if (scatter.getReduction() != "none" || !pairs || !updates ||
      pairs.getInputs().size() != 2 || rankOf(pairs.getResult()) != 3 ||
      *normalizeAxis(pairs.getAxis(), 3) != 2)
    return std::nullopt;
  if (!isZerosLike(scatter.getData(), x))
    return std::nullopt;
  // pairs[n, d, 0] = token[n]: a [N, 1] column broadcast along d.
  auto tokens =
      beforeRegrouping(pairs.getInputs()[0]).getDefiningOp<ExpandOp>();
  std::optional<NonZeroColumn> token =
      tokens ? nonZeroColumn(tokens.getInput()) : std::nullopt;
  // pairs[n, d, 1] = d: 0..D-1 (a range, or folded to a constant) laid
  // along a [1, D] row, broadcast along n.
  auto columns =
      beforeRegrouping(pairs.getInputs()[1]).getDefiningOp<ExpandOp>();
  int64_t width = cast<RankedTensorType>(updates.getType()).getDimSize(1);
  if (!token || !columns || rankOf(tokens.getInput()) != 2 ||
      cast<RankedTensorType>(tokens.getInput().getType()).getDimSize(1) != 1 ||
      rankOf(columns.getInput()) != 2 ||
      cast<RankedTensorType>(columns.getInput().getType()).getDimSize(0) != 1)
    return std::nullopt;
  SmallVector<int64_t> positions =
      llvm::to_vector(llvm::seq<int64_t>(0, width));
  if (std::optional<SmallVector<int64_t>> constant =
          getConstantIntValues(columns.getInput()))
    return *constant == positions ? std::optional(std::pair{*token, updates})
                                  : std::nullopt;
  auto range = beforeRegrouping(columns.getInput()).getDefiningOp<RangeOp>();
  std::optional<SmallVector<int64_t>> start =
      range ? getConstantIntValues(range.getStart()) : std::nullopt;
  std::optional<SmallVector<int64_t>> step =
      range ? getConstantIntValues(range.getDelta()) : std::nullopt;
  if (!start || (*start)[0] != 0 || !step || (*step)[0] != 1 ||
      staticSize(getShapeElement(range.getLimit(), 0)) != width)
    return std::nullopt;
  return std::pair{*token, updates};
}

/// The weight each token gives expert e in the dense form (every expert
/// on every token, weighted by a mask): sum over k of W * (indices == e),
/// [T, 1]. Returns the routing and e.
static std::optional<std::pair<Routing, int64_t>> denseExpertWeight(Value v) {
  auto sum = v.getDefiningOp<ReduceSumOp>();
  auto product = sum ? sum.getData().getDefiningOp<MulOp>() : MulOp();
  if (!product || !sum.getKeepdims() || !isAxes(sum.getAxes(), 2, {1}))
    return std::nullopt;
  for (auto [w, m] : {std::pair{product.getLhs(), product.getRhs()},
                      std::pair{product.getRhs(), product.getLhs()}}) {
    std::optional<Routing> routing = matchRoutingWeights(w);
    if (auto cast = m.getDefiningOp<CastOp>())
      m = cast.getInput();
    std::optional<ExpertMask> mask =
        routing ? matchExpertMask(m, *routing) : std::nullopt;
    if (mask && mask->tokenColumn == 0)
      return std::pair{*routing, mask->expert};
  }
  return std::nullopt;
}

/// The per-expert forms, from the last step of their sum: for each expert,
/// the (token, choice) pairs that chose it (NonZero of a mask), its gated
/// MLP on those tokens' rows times the pairs' routing weights, added into
/// the tokens' rows of zeros, one expert after the other.
FailureOr<MatchedMoe> matchPerExpertSums(Operation *last,
                                         PatternRewriter &rewriter) {
  auto fail = [&](const char *why) {
    return rewriter.notifyMatchFailure(last, why);
  };
  // One step: (the sum before it, the token column, the updates), or null;
  // no token column in the dense form, whose updates cover every token.
  using Step = std::tuple<Value, std::optional<NonZeroColumn>, Value>;
  auto step = [](Value acc) -> std::optional<Step> {
    if (auto scatter = acc.getDefiningOp<ScatterNDOp>()) {
      std::optional<NonZeroColumn> tokens = nonZeroColumn(scatter.getIndices());
      if (scatter.getReduction() != "add" || !tokens ||
          rankOf(scatter.getIndices()) != 2)
        return std::nullopt;
      return Step(scatter.getData(), tokens, scatter.getUpdates());
    }
    auto add = acc.getDefiningOp<AddOp>();
    if (!add)
      return std::nullopt;
    for (auto [before, term] : {std::pair{add.getLhs(), add.getRhs()},
                                std::pair{add.getRhs(), add.getLhs()}}) {
      if (auto scatter = term.getDefiningOp<ScatterNDOp>())
        if (auto rows = rowScatter(scatter, before))
          return Step(before, rows->first, rows->second);
      auto weighted = term.getDefiningOp<MulOp>();
      if (weighted && (denseExpertWeight(weighted.getLhs()) ||
                       denseExpertWeight(weighted.getRhs())))
        return Step(before, std::nullopt, term);
    }
    return std::nullopt;
  };
  Value result = last->getResult(0);
  if (!step(result))
    return fail("not a sum of scattered expert rows");
  for (Operation *user : result.getUsers())
    if (isa<ScatterNDOp, AddOp>(user) && step(user->getResult(0)))
      return fail("not the last step of a sum over experts");

  std::optional<Routing> routing;
  Value x;
  SmallVector<std::optional<ExpertMlp>> byExpert;
  Value acc = result;
  while (auto link = step(acc)) {
    auto [before, tokens, updates] = *link;
    acc = before;
    // updates = expert MLP(rows) * routing weight of the (token, choice).
    auto weighted = updates.getDefiningOp<MulOp>();
    if (!weighted)
      return fail("the updates are not weighted expert outputs");
    std::optional<ExpertMlp> mlp;
    Value weight;
    for (auto [a, b] : {std::pair{weighted.getLhs(), weighted.getRhs()},
                        std::pair{weighted.getRhs(), weighted.getLhs()}}) {
      mlp = matchExpertMlp(a);
      if (mlp) {
        weight = b;
        break;
      }
    }
    if (!mlp)
      return fail("the updates are not a SiLU gated MLP times a weight");
    std::optional<Routing> weights;
    int64_t expert;
    Value rows;
    if (tokens) {
      NonZeroColumn choices{tokens->mask, 1 - tokens->column};
      weights = pickedWeights(weight, *tokens, choices);
      std::optional<ExpertMask> mask =
          weights ? matchExpertMask(tokens->mask, *weights) : std::nullopt;
      if (!mask || mask->tokenColumn != tokens->column)
        return fail("the pairs are not the ones that chose the expert, or "
                    "not weighted by the routing at (token, choice)");
      expert = mask->expert;
      rows = gatheredRows(mlp->rows, *tokens);
    } else {
      // Dense: the expert on every token, weighted 0 where unchosen.
      std::optional<std::pair<Routing, int64_t>> dense =
          denseExpertWeight(weight);
      if (!dense)
        return fail("the weight is not the routing's for the expert");
      weights = dense->first;
      expert = dense->second;
      rows = rankOf(mlp->rows) == 2 ? mlp->rows : Value();
    }
    if (routing && (weights->indices != routing->indices ||
                    weights->normalize != routing->normalize))
      return fail("the weights are not one routing's");
    routing = weights;
    if (expert >= routing->experts || (mlp->expert && *mlp->expert != expert))
      return fail("the expert's weights are another expert's");
    if (!rows || (x && rows != x))
      return fail("the expert's rows are not the tokens that chose it");
    x = rows;
    byExpert.resize(routing->experts);
    if (byExpert[expert])
      return fail("an expert added twice");
    byExpert[expert] = mlp;
  }
  if (!routing || llvm::any_of(byExpert, [](auto &m) { return !m; }))
    return fail("not every expert's output is added");
  if (!isZerosLike(acc, x) ||
      !(traceDim({x, 0}) == traceDim({routing->logits, 0})))
    return fail("the sums do not start from zeros shaped like the tokens");
  int64_t features = byExpert[0]->features, hidden = byExpert[0]->hidden;
  for (auto &mlp : byExpert)
    if (mlp->features != features || mlp->hidden != hidden)
      return fail("experts of different shapes");
  ExpertWeights weights{
      byExpert[0]->origin, routing->experts, features, hidden, {}, {}, {}};
  for (auto &mlp : byExpert) {
    weights.gate.push_back(mlp->gate);
    weights.up.push_back(mlp->up);
    weights.down.push_back(mlp->down);
  }
  return std::make_tuple(x, *routing, weights);
}

} // namespace mlir::xf::moe

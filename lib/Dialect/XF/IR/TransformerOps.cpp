//===- TransformerOps.cpp - attention, norms and linear layers ------------===//

#include "ShapeFunctions.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/AttentionScale.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include <cmath>

using namespace mlir;
using namespace mlir::xf;

/// Joins a dimension that several operands share, or reports the conflict.
static LogicalResult joinShared(int64_t &dim, int64_t other, StringRef what,
                                ErrorEmitter emitError) {
  if (!areCompatibleDims(dim, other))
    return emitError() << what << " differs: " << dim << " and " << other;
  dim = joinDims(dim, other);
  return success();
}

LogicalResult AttentionOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                            ErrorEmitter emitError) {
  RankedTensorType q = getQuery().getType(), k = getKey().getType(),
                   v = getValue().getType();
  if (q.getRank() != 4 || k.getRank() != 4 || v.getRank() != 4)
    return emitError() << "query, key and value must have rank 4 "
                          "[batch, heads, sequence, head size]";
  if (q.getElementType() != k.getElementType() ||
      q.getElementType() != v.getElementType())
    return emitError() << "query, key and value must have one element type";
  int64_t batch = q.getDimSize(0), kvHeads = k.getDimSize(1),
          keys = k.getDimSize(2), headSize = q.getDimSize(3);
  if (failed(joinShared(batch, k.getDimSize(0), "batch size", emitError)) ||
      failed(joinShared(batch, v.getDimSize(0), "batch size", emitError)) ||
      failed(joinShared(kvHeads, v.getDimSize(1), "key/value head count",
                        emitError)) ||
      failed(joinShared(keys, v.getDimSize(2), "key/value sequence length",
                        emitError)) ||
      failed(joinShared(headSize, k.getDimSize(3), "query/key head size",
                        emitError)))
    return failure();
  int64_t heads = q.getDimSize(1);
  if (!ShapedType::isDynamic(heads) && !ShapedType::isDynamic(kvHeads) &&
      (kvHeads == 0 || heads % kvHeads != 0))
    return emitError() << "query heads (" << heads
                       << ") must be a multiple of key/value heads (" << kvHeads
                       << ")";
  SmallVector<int64_t> scores = {batch, heads, q.getDimSize(2), keys};
  if (Value mask = getMask()) {
    auto maskType = cast<RankedTensorType>(mask.getType());
    Type element = maskType.getElementType();
    if (!element.isInteger(1) && !isa<FloatType>(element))
      return emitError() << "mask must be i1 or floating point";
    if (!isUnidirectionalBroadcastable(maskType.getShape(), scores))
      return emitError() << "mask of shape ["
                         << formatShape(maskType.getShape())
                         << "] does not broadcast to the scores ["
                         << formatShape(scores) << "]";
  }
  if (std::optional<APFloat> scale = getScale(); scale && scale->isNegative())
    return emitError() << "scale must not be negative";
  inferred.push_back(RankedTensorType::get(
      {batch, heads, q.getDimSize(2), v.getDimSize(3)}, q.getElementType()));
  return success();
}

LogicalResult RmsNormOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                          ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType();
  if (failed(checkAxis(getAxis(), input.getRank(), emitError)) ||
      failed(
          checkNormParameter(input, getAxis(), getScale(), "scale", emitError)))
    return failure();
  inferred.push_back(input);
  return success();
}

LogicalResult LayerNormOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                            ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType();
  if (failed(checkAxis(getAxis(), input.getRank(), emitError)) ||
      failed(checkNormParameter(input, getAxis(), getScale(), "scale",
                                emitError)) ||
      failed(
          checkNormParameter(input, getAxis(), getBias(), "bias", emitError)))
    return failure();
  inferred.push_back(input);
  return success();
}

LogicalResult LinearOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                         ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType(), weight = getWeight().getType();
  if (input.getRank() < 1)
    return emitError() << "input must have rank 1 or more";
  if (weight.getRank() != 2)
    return emitError() << "weight must have rank 2";
  int64_t k = weight.getDimSize(getTransposeWeight() ? 1 : 0);
  int64_t n = weight.getDimSize(getTransposeWeight() ? 0 : 1);
  int64_t inputK = input.getShape().back();
  if (failed(joinShared(inputK, k, "input features", emitError)))
    return failure();
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1)
      return emitError() << "bias must have rank 1";
    if (failed(joinShared(n, biasType.getDimSize(0), "output features",
                          emitError)))
      return failure();
  }
  SmallVector<int64_t> shape(input.getShape().drop_back());
  shape.push_back(n);
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult GatedMlpOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                           ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType(), gate = getGate().getType(),
                   up = getUp().getType(), down = getDown().getType();
  if (input.getRank() < 1)
    return emitError() << "input must have rank 1 or more";
  if (gate.getRank() != 2 || up.getRank() != 2 || down.getRank() != 2)
    return emitError() << "gate, up and down weights must have rank 2";
  int64_t features = input.getShape().back(), hidden = gate.getDimSize(1);
  if (failed(joinShared(features, gate.getDimSize(0), "input features",
                        emitError)) ||
      failed(joinShared(features, up.getDimSize(0), "input features",
                        emitError)) ||
      failed(
          joinShared(hidden, up.getDimSize(1), "hidden features", emitError)) ||
      failed(
          joinShared(hidden, down.getDimSize(0), "hidden features", emitError)))
    return failure();
  if (getActivation() == Activation::none)
    return emitError() << "a gated MLP needs an activation";
  SmallVector<int64_t> shape(input.getShape().drop_back());
  shape.push_back(down.getDimSize(1));
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult MoeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                      ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType(), logits = getLogits().getType(),
                   gate = getGate().getType(), down = getDown().getType();
  Value up = getUp();
  if (input.getRank() < 2 || logits.getRank() != 2)
    return emitError() << "input must have rank 2 or more [..., features] "
                          "and logits rank 2 [tokens, experts]";
  SmallVector<RankedTensorType> inner = {gate};
  if (up)
    inner.push_back(cast<RankedTensorType>(up.getType()));
  if (down.getRank() != 3 ||
      llvm::any_of(inner, [](RankedTensorType t) { return t.getRank() != 3; }))
    return emitError() << "gate, up and down weights must have rank 3 "
                          "[experts, in, out]";
  // Tokens: the input's leading dimensions, flattened.
  int64_t tokens = productOfDims(input.getShape().drop_back()),
          experts = logits.getDimSize(1), features = input.getShape().back(),
          hidden = gate.getDimSize(2);
  if (failed(
          joinShared(tokens, logits.getDimSize(0), "token count", emitError)) ||
      failed(
          joinShared(experts, down.getDimSize(0), "expert count", emitError)) ||
      failed(joinShared(features, down.getDimSize(2), "output features",
                        emitError)) ||
      failed(
          joinShared(hidden, down.getDimSize(1), "hidden features", emitError)))
    return failure();
  for (RankedTensorType weight : inner)
    if (failed(joinShared(experts, weight.getDimSize(0), "expert count",
                          emitError)) ||
        failed(joinShared(features, weight.getDimSize(1), "input features",
                          emitError)) ||
        failed(joinShared(hidden, weight.getDimSize(2), "hidden features",
                          emitError)))
      return failure();
  // Biases: [E, F] for gate and up, [E, D] for down.
  for (auto [bias, name, size] :
       {std::tuple(getGateBias(), "gate_bias", &hidden),
        std::tuple(getUpBias(), "up_bias", &hidden),
        std::tuple(getDownBias(), "down_bias", &features)}) {
    if (!bias)
      continue;
    auto type = cast<RankedTensorType>(bias.getType());
    if (type.getRank() != 2)
      return emitError() << name << " must have rank 2 [experts, features]";
    if (failed(joinShared(experts, type.getDimSize(0), "expert count",
                          emitError)) ||
        failed(joinShared(*size, type.getDimSize(1), name, emitError)))
      return failure();
  }
  int64_t k = getTopK();
  if (k < 1 || (!ShapedType::isDynamic(experts) && k > experts))
    return emitError() << "top_k must be between 1 and the expert count ("
                       << experts << "), not " << k;
  if (up && getActivation() == Activation::none)
    return emitError() << "gated experts need an activation";
  if (!up && (getUpBias() || getLimit() || !getBeta().isZero()))
    return emitError() << "up_bias, limit and beta need the up weights";
  if (!getAlpha().isExactlyValue(1.0) && getActivation() != Activation::silu)
    return emitError() << "alpha scales silu's sigmoid only";
  if (std::optional<APFloat> limit = getLimit(); limit && limit->isNegative())
    return emitError() << "limit must not be negative";
  SmallVector<int64_t> shape(input.getShape().drop_back());
  shape.push_back(features);
  inferred.push_back(input.clone(shape));
  return success();
}

bool MoeOp::hasPlainGatedExperts() {
  return getUp() && !getGateBias() && !getUpBias() && !getDownBias() &&
         getAlpha().isExactlyValue(1.0) && getBeta().isZero() && !getLimit();
}

LogicalResult RopeOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                       ErrorEmitter emitError) {
  RankedTensorType input = getInput().getType(), cos = getCos().getType(),
                   sin = getSin().getType();
  if (input.getRank() != 4)
    return emitError() << "input must have rank 4 [batch, heads, sequence, "
                          "head size]";
  if (cos.getRank() != 3 || !joinTypes(cos, sin))
    return emitError() << "cos and sin must have one shape [batch, sequence, "
                          "rotary size / 2]";
  // The tables may hold one batch row for all (positions shared).
  int64_t batch = input.getDimSize(0), seq = input.getDimSize(2);
  if ((cos.getDimSize(0) != 1 &&
       failed(joinShared(batch, cos.getDimSize(0), "batch size", emitError))) ||
      failed(joinShared(seq, cos.getDimSize(1), "sequence length", emitError)))
    return failure();
  int64_t half = cos.getDimSize(2), headSize = input.getDimSize(3);
  if (!ShapedType::isDynamic(half) && !ShapedType::isDynamic(headSize) &&
      2 * half > headSize)
    return emitError() << "rotary size " << 2 * half
                       << " exceeds the head size " << headSize;
  inferred.push_back(input);
  return success();
}

LogicalResult RunCheckOp::verify() {
  // The runtime formats the message with printf and exactly two int64s.
  StringRef message = getMessage();
  unsigned values = 0;
  for (size_t i = message.find('%'); i != StringRef::npos;
       i = message.find('%', i)) {
    if (message.substr(i).starts_with("%%")) {
      i += 2;
    } else if (message.substr(i).starts_with("%lld")) {
      ++values;
      i += 4;
    } else {
      return emitOpError() << "message may hold only %lld and %%";
    }
  }
  if (values > 2)
    return emitOpError() << "message may print two values, not " << values;
  return success();
}

LogicalResult RunCheckOp::canonicalize(RunCheckOp op,
                                       PatternRewriter &rewriter) {
  // A fact known at compile time (static shapes) needs no check.
  if (!matchPattern(op.getOk(), m_One()))
    return failure();
  rewriter.eraseOp(op);
  return success();
}

double mlir::xf::getAttentionScale(AttentionOp op) {
  if (std::optional<APFloat> scale = op.getScale())
    return scale->convertToDouble();
  return 1.0 /
         std::sqrt(static_cast<double>(op.getQuery().getType().getDimSize(3)));
}

LogicalResult ExpandLanesOp::verify() {
  int64_t lanes = getSource().getType().getDimSize(0);
  if (getMask().getType().getDimSize(0) != lanes)
    return emitOpError("needs a mask bit per lane: ")
           << lanes << " lanes, " << getMask().getType().getDimSize(0)
           << " bits";
  return success();
}

LogicalResult SparseMatmulBuffersOp::verify() {
  auto lhs = cast<MemRefType>(getLhs().getType());
  auto result = cast<MemRefType>(getResult().getType());
  if (lhs.getRank() != 2 || result.getRank() != 2 ||
      !lhs.getElementType().isF32() || !result.getElementType().isF32())
    return emitOpError() << "takes [M, K] and [M, N] f32 buffers";
  if (lhs.isDynamicDim(1) || result.isDynamicDim(1))
    return emitOpError() << "needs the weight's K and N static";
  int64_t tiles = getTileCount(lhs.getDimSize(1), result.getDimSize(1));
  for (auto [name, buffer, perTile] :
       {std::tuple("values", getValues(), kValueWords),
        std::tuple("metadata", getMetadata(), kMetadataWords)}) {
    auto type = cast<MemRefType>(buffer.getType());
    if (!type.isDynamicDim(0) && type.getDimSize(0) != tiles * perTile)
      return emitOpError() << "a [" << lhs.getDimSize(1) << ", "
                           << result.getDimSize(1) << "] weight has "
                           << tiles * perTile << " words of " << name
                           << ", not " << type.getDimSize(0);
  }
  return success();
}

LogicalResult MultiplyAddPairsOp::verify() {
  auto lhs = cast<VectorType>(getLhs().getType());
  if (lhs.getDimSize(0) != 2 * getType().getDimSize(0))
    return emitOpError("sums pairs: ")
           << lhs.getDimSize(0) << " lanes give " << lhs.getDimSize(0) / 2
           << " sums, not " << getType().getDimSize(0);
  return success();
}

//===- AttentionOps.cpp - attention and rotary embedding importers --------===//
//
// ONNX's Attention and RotaryEmbedding (opset 23) and ONNX Runtime's fused
// attention operators, written as xf.attention and xf.rope with the head
// splitting, caches and masks around them made explicit.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

namespace mlir::xf::onnx_import {

static constexpr StringLiteral kMicrosoft = "com.microsoft";

namespace {
/// Small builders shared by the attention importers; each fails with the
/// node's diagnostic.
struct AttentionBuilder {
  NodeImporter &n;

  FailureOr<Value> transpose0213(Value x) {
    return n.create1<TransposeOp>(
        {x}, {n.namedAttr("perm", n.i64ArrayAttr({0, 2, 1, 3}))});
  }

  /// [B, S, heads * D] -> [B, heads, S, D].
  FailureOr<Value> splitHeads(Value x, int64_t heads) {
    FailureOr<Value> reshaped =
        n.create1<ReshapeOp>({x, n.constantI64({0, 0, heads, -1})});
    if (failed(reshaped))
      return failure();
    return transpose0213(*reshaped);
  }

  /// Query, key and value split into heads.
  LogicalResult splitHeads(FailureOr<Value> &q, FailureOr<Value> &k,
                           FailureOr<Value> &v, int64_t heads,
                           int64_t kvHeads) {
    q = splitHeads(*q, heads);
    if (succeeded(q))
      k = splitHeads(*k, kvHeads);
    if (succeeded(k))
      v = splitHeads(*v, kvHeads);
    return failure(failed(q) || failed(k) || failed(v));
  }

  /// [B, heads, S, D] -> [B, S, heads * D].
  FailureOr<Value> mergeHeads(Value x) {
    FailureOr<Value> transposed = transpose0213(x);
    if (failed(transposed))
      return failure();
    return n.create1<ReshapeOp>({*transposed, n.constantI64({0, 0, -1})});
  }

  /// Appends the new keys or values to a cache along the sequence.
  FailureOr<Value> appendToCache(Value past, Value current) {
    if (!past)
      return current;
    return n.create1<ConcatOp>({past, current},
                               {n.namedAttr("axis", n.i64Attr(2))});
  }

  Value scalarI64(int64_t v) {
    return n.constant(cast<ElementsAttr>(DenseElementsAttr::get(
        RankedTensorType::get({}, n.builder().getI64Type()), v)));
  }

  /// 0, 1, ..., x.shape[dim] - 1.
  FailureOr<Value> positions(Value x, int64_t dim) {
    FailureOr<Value> extent =
        n.create1<ShapeOp>({x}, {n.namedAttr("start", n.i64Attr(dim)),
                                 n.namedAttr("end", n.i64Attr(dim + 1))});
    if (failed(extent))
      return failure();
    FailureOr<Value> scalar =
        n.create1<ReshapeOp>({*extent, n.constantI64({})});
    if (failed(scalar))
      return failure();
    return n.create1<RangeOp>({scalarI64(0), *scalar, scalarI64(1)});
  }

  /// The [Sq, Sk] i1 mask of ONNX's causal attention, aligned to the top
  /// left: query i sees keys 0..i.
  FailureOr<Value> topLeftCausalMask(Value q, Value k) {
    FailureOr<Value> rows = positions(q, 2), cols = positions(k, 2);
    if (failed(rows) || failed(cols))
      return failure();
    FailureOr<Value> column = n.create1<UnsqueezeOp>(
        {*rows}, {n.namedAttr("axes", n.i64ArrayAttr({1}))});
    if (failed(column))
      return failure();
    return n.create1<LessOrEqualOp>({*cols, *column});
  }

  /// Combines two masks: both i1 (and), or an i1 one into an additive one.
  /// Either may be null, leaving the other.
  FailureOr<Value> combineMasks(Value mask, Value allowed) {
    if (!mask)
      return allowed;
    if (!allowed)
      return mask;
    auto type = cast<RankedTensorType>(mask.getType());
    if (type.getElementType().isInteger(1))
      return n.create1<AndOp>({mask, allowed});
    Value minusInf = n.constant(cast<ElementsAttr>(DenseElementsAttr::get(
        RankedTensorType::get({}, type.getElementType()),
        FloatAttr::get(type.getElementType(),
                       -std::numeric_limits<double>::infinity()))));
    return n.create1<WhereOp>({allowed, mask, minusInf});
  }

  /// xf.attention with optional mask and scale.
  FailureOr<Value> attention(Value q, Value k, Value v, Value mask, bool causal,
                             std::optional<float> scale) {
    SmallVector<Value> operands = {q, k, v};
    if (mask)
      operands.push_back(mask);
    SmallVector<NamedAttribute> attrs = {
        n.namedAttr("causal", n.boolAttr(causal))};
    if (scale)
      attrs.push_back(n.namedAttr("scale", n.f32Attr(*scale)));
    return n.create1<AttentionOp>(operands, attrs);
  }

  /// cos/sin tables for positions: rows of `cache` picked by `positionIds`
  /// ([B, S] -> [B, S, R/2]), or the cache itself when already per position.
  FailureOr<Value> rotaryTable(Value cache, Value positionIds) {
    if (!positionIds)
      return cache;
    return n.create1<GatherOp>({cache, positionIds},
                               {n.namedAttr("axis", n.i64Attr(0))});
  }

  /// xf.rope on [B, S, H*D] or [B, H, S, D] input.
  FailureOr<Value> rope(Value x, Value cos, Value sin, bool interleaved,
                        int64_t heads) {
    auto type = cast<RankedTensorType>(x.getType());
    bool packed = type.getRank() == 3;
    if (packed && heads <= 0)
      return n.emitError() << n.proto().op_type()
                           << " on a rank-3 input needs num_heads";
    FailureOr<Value> input = packed ? splitHeads(x, heads) : x;
    if (failed(input))
      return failure();
    FailureOr<Value> rotated = n.create1<RopeOp>(
        {*input, cos, sin},
        {n.namedAttr("interleaved", n.boolAttr(interleaved))});
    if (failed(rotated) || !packed)
      return rotated;
    return mergeHeads(*rotated);
  }
};
} // namespace

/// True when two dimensions are the same static size.
static bool sameStaticDim(Value a, Value b, int64_t dim) {
  int64_t x = cast<RankedTensorType>(a.getType()).getDimSize(dim);
  int64_t y = cast<RankedTensorType>(b.getType()).getDimSize(dim);
  return !ShapedType::isDynamic(x) && x == y;
}

static std::optional<float> scaleAttr(NodeImporter &n) {
  if (!n.attribute("scale") || n.floatAttr("scale", 0.0f) == 0.0f)
    return std::nullopt;
  return n.floatAttr("scale", 0.0f);
}

/// ONNX Attention (opset 23).
static LogicalResult importAttention(NodeImporter &n) {
  AttentionBuilder ab{n};
  FailureOr<Value> q = n.input(0, "Q"), k = n.input(1, "K"),
                   v = n.input(2, "V");
  if (failed(q) || failed(k) || failed(v) ||
      failed(n.checkUnusedOutputs(3, "qk_matmul_output")))
    return failure();
  if (n.floatAttr("softcap", 0.0f) != 0.0f)
    return n.emitError() << "Attention with softcap is not supported";
  int64_t rank = cast<RankedTensorType>(q->getType()).getRank();
  for (Value t : {*q, *k, *v})
    if ((rank != 3 && rank != 4) ||
        cast<RankedTensorType>(t.getType()).getRank() != rank)
      return n.emitError()
             << "Attention takes Q, K and V of one rank, 3 or 4; they have "
                "ranks "
             << cast<RankedTensorType>(q->getType()).getRank() << ", "
             << cast<RankedTensorType>(k->getType()).getRank() << " and "
             << cast<RankedTensorType>(v->getType()).getRank();
  bool packed = rank == 3;
  if (packed) {
    int64_t qHeads = n.intAttr("q_num_heads", 0),
            kvHeads = n.intAttr("kv_num_heads", 0);
    if (qHeads <= 0 || kvHeads <= 0)
      return n.emitError() << "Attention on rank-3 inputs needs q_num_heads "
                              "and kv_num_heads";
    if (failed(ab.splitHeads(q, k, v, qHeads, kvHeads)))
      return failure();
  }
  FailureOr<Value> keys = ab.appendToCache(n.optionalInput(4), *k);
  FailureOr<Value> values = ab.appendToCache(n.optionalInput(5), *v);
  if (failed(keys) || failed(values))
    return failure();

  // xf.attention's causal mask is aligned to the end of the keys; ONNX's to
  // the start. They agree when both lengths are the same.
  Value mask = n.optionalInput(3);
  bool causal = n.intAttr("is_causal", 0) != 0;
  bool nativeCausal = causal && sameStaticDim(*q, *keys, 2);
  if (causal && !nativeCausal) {
    FailureOr<Value> allowed = ab.topLeftCausalMask(*q, *keys);
    if (failed(allowed))
      return failure();
    FailureOr<Value> combined = ab.combineMasks(mask, *allowed);
    if (failed(combined))
      return failure();
    mask = *combined;
  }
  FailureOr<Value> result =
      ab.attention(*q, *keys, *values, mask, nativeCausal, scaleAttr(n));
  if (failed(result))
    return failure();
  if (packed) {
    result = ab.mergeHeads(*result);
    if (failed(result))
      return failure();
  }
  return n.setResults({*result, *keys, *values});
}

/// ONNX RotaryEmbedding (opset 23): X, cos_cache, sin_cache, position_ids.
static LogicalResult importRotaryEmbedding(NodeImporter &n) {
  AttentionBuilder ab{n};
  FailureOr<Value> x = n.input(0, "X"), cosCache = n.input(1, "cos_cache"),
                   sinCache = n.input(2, "sin_cache");
  if (failed(x) || failed(cosCache) || failed(sinCache))
    return failure();
  Value positionIds = n.optionalInput(3);
  FailureOr<Value> cos = ab.rotaryTable(*cosCache, positionIds);
  FailureOr<Value> sin = ab.rotaryTable(*sinCache, positionIds);
  if (failed(cos) || failed(sin))
    return failure();
  FailureOr<Value> result = ab.rope(*x, *cos, *sin, n.intAttr("interleaved", 0),
                                    n.intAttr("num_heads", 0));
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

/// com.microsoft RotaryEmbedding: input, position_ids, cos_cache, sin_cache.
static LogicalResult importMicrosoftRotaryEmbedding(NodeImporter &n) {
  AttentionBuilder ab{n};
  FailureOr<Value> x = n.input(0, "input"), ids = n.input(1, "position_ids"),
                   cosCache = n.input(2, "cos_cache"),
                   sinCache = n.input(3, "sin_cache");
  if (failed(x) || failed(ids) || failed(cosCache) || failed(sinCache))
    return failure();
  if (n.intAttr("is_packed_batching", 0))
    return n.emitError() << "RotaryEmbedding with packed batching is not "
                            "supported";
  // Position ids are [B, S], or [1]: an offset for positions 0..S-1.
  Value positionIds = *ids;
  if (cast<RankedTensorType>(ids->getType()).getRank() == 1) {
    int64_t seqDim =
        cast<RankedTensorType>(x->getType()).getRank() == 3 ? 1 : 2;
    FailureOr<Value> steps = ab.positions(*x, seqDim);
    if (failed(steps))
      return failure();
    FailureOr<Value> shifted = n.create1<AddOp>({*steps, *ids});
    if (failed(shifted))
      return failure();
    FailureOr<Value> row = n.create1<UnsqueezeOp>(
        {*shifted}, {n.namedAttr("axes", n.i64ArrayAttr({0}))});
    if (failed(row))
      return failure();
    positionIds = *row;
  }
  FailureOr<Value> cos = ab.rotaryTable(*cosCache, positionIds);
  FailureOr<Value> sin = ab.rotaryTable(*sinCache, positionIds);
  if (failed(cos) || failed(sin))
    return failure();
  FailureOr<Value> result = ab.rope(*x, *cos, *sin, n.intAttr("interleaved", 0),
                                    n.intAttr("num_heads", 0));
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

/// A key padding mask of ONNX Runtime ([B, T] with 1 to keep) as an i1 mask
/// broadcasting to the scores [B, H, S, T].
static FailureOr<Value> paddingMask(NodeImporter &n, Value mask) {
  auto type = cast<RankedTensorType>(mask.getType());
  if (type.getRank() != 2)
    return n.emitError() << n.proto().op_type()
                         << ": only a [batch, total sequence] key padding "
                            "mask is supported, not rank "
                         << type.getRank();
  FailureOr<Value> keep =
      n.create1<CastOp>({mask}, {}, n.builder().getI1Type());
  if (failed(keep))
    return failure();
  return n.create1<UnsqueezeOp>({*keep},
                                {n.namedAttr("axes", n.i64ArrayAttr({1, 2}))});
}

/// com.microsoft MultiHeadAttention: separate query, key and value
/// ([B, S, hidden]), optional packed bias, key padding mask, additive
/// attention bias and caches.
static LogicalResult importMultiHeadAttention(NodeImporter &n) {
  AttentionBuilder ab{n};
  int64_t heads = n.intAttr("num_heads", 0);
  FailureOr<Value> q = n.input(0, "query"), k = n.input(1, "key"),
                   v = n.input(2, "value");
  if (failed(q) || failed(k) || failed(v) ||
      failed(n.checkUnusedOutputs(3, "qk output")))
    return failure();
  if (heads <= 0)
    return n.emitError() << "MultiHeadAttention needs num_heads";
  for (Value x : {*q, *k, *v})
    if (cast<RankedTensorType>(x.getType()).getRank() != 3)
      return n.emitError() << "MultiHeadAttention: only separate [batch, "
                              "sequence, hidden] query, key and value are "
                              "supported";
  if (Value bias = n.optionalInput(3)) {
    // One bias for all three, [3 * hidden].
    FailureOr<Operation *> parts =
        n.create(SplitOp::getOperationName(), {bias},
                 {n.namedAttr("axis", n.i64Attr(0))}, 3);
    if (failed(parts))
      return failure();
    q = n.create1<AddOp>({*q, (*parts)->getResult(0)});
    if (succeeded(q))
      k = n.create1<AddOp>({*k, (*parts)->getResult(1)});
    if (succeeded(k))
      v = n.create1<AddOp>({*v, (*parts)->getResult(2)});
    if (failed(v))
      return failure();
  }
  if (failed(ab.splitHeads(q, k, v, heads, heads)))
    return failure();
  FailureOr<Value> keys = ab.appendToCache(n.optionalInput(6), *k);
  FailureOr<Value> values = ab.appendToCache(n.optionalInput(7), *v);
  if (failed(keys) || failed(values))
    return failure();
  Value mask;
  if (Value padding = n.optionalInput(4)) {
    FailureOr<Value> m = paddingMask(n, padding);
    if (failed(m))
      return failure();
    mask = *m;
  }
  if (Value bias = n.optionalInput(5)) {
    FailureOr<Value> combined = ab.combineMasks(bias, mask);
    if (failed(combined))
      return failure();
    mask = *combined;
  }
  FailureOr<Value> result = ab.attention(
      *q, *keys, *values, mask, n.intAttr("unidirectional", 0), scaleAttr(n));
  if (failed(result))
    return failure();
  result = ab.mergeHeads(*result);
  if (failed(result))
    return failure();
  return n.setResults({*result, *keys, *values});
}

/// com.microsoft Attention: one input projected to Q, K and V by packed
/// weights, with an optional [B, T] key padding mask.
static LogicalResult importMicrosoftAttention(NodeImporter &n) {
  AttentionBuilder ab{n};
  int64_t heads = n.intAttr("num_heads", 0);
  FailureOr<Value> input = n.input(0, "input"), weights = n.input(1, "weights");
  if (failed(input) || failed(weights) ||
      failed(n.checkUnusedOutputs(1, "present state")))
    return failure();
  if (heads <= 0)
    return n.emitError() << "Attention needs num_heads";
  if (n.optionalInput(4) || n.optionalInput(5))
    return n.emitError() << "Attention with past state or attention bias is "
                            "not supported";
  FailureOr<Value> qkv = n.create1<MatMulOp>({*input, *weights});
  if (failed(qkv))
    return failure();
  if (Value bias = n.optionalInput(2))
    qkv = n.create1<AddOp>({*qkv, bias});
  if (failed(qkv))
    return failure();
  SmallVector<NamedAttribute> splitAttrs = {n.namedAttr("axis", n.i64Attr(2))};
  if (std::optional<SmallVector<int64_t>> sizes =
          n.intsAttr("qkv_hidden_sizes"))
    splitAttrs.push_back(n.namedAttr("split", n.i64ArrayAttr(*sizes)));
  FailureOr<Operation *> parts =
      n.create(SplitOp::getOperationName(), {*qkv}, splitAttrs, 3);
  if (failed(parts))
    return failure();
  SmallVector<Value> qkvHeads;
  for (Value part : (*parts)->getResults()) {
    FailureOr<Value> h = ab.splitHeads(part, heads);
    if (failed(h))
      return failure();
    qkvHeads.push_back(*h);
  }
  Value mask;
  if (Value padding = n.optionalInput(3)) {
    FailureOr<Value> m = paddingMask(n, padding);
    if (failed(m))
      return failure();
    mask = *m;
  }
  FailureOr<Value> result =
      ab.attention(qkvHeads[0], qkvHeads[1], qkvHeads[2], mask,
                   n.intAttr("unidirectional", 0), scaleAttr(n));
  if (failed(result))
    return failure();
  result = ab.mergeHeads(*result);
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

void addAttentionOps(SmallVectorImpl<OpEntry> &table) {
  table.append({
      {"",
       "Attention",
       23,
       inputs(3, 6),
       {{"is_causal", kInt},
        {"q_num_heads", kInt},
        {"kv_num_heads", kInt},
        {"scale", kFloat},
        {"softcap", kFloat}},
       importAttention,
       "no softcap, no qk_matmul_output"},
      {"",
       "RotaryEmbedding",
       23,
       inputs(3, 4),
       {{"interleaved", kInt}, {"num_heads", kInt}},
       importRotaryEmbedding,
       ""},
      {kMicrosoft,
       "RotaryEmbedding",
       1,
       inputs(4),
       {{"interleaved", kInt},
        {"num_heads", kInt},
        {"is_packed_batching", kInt}},
       importMicrosoftRotaryEmbedding,
       "no packed batching"},
      {kMicrosoft,
       "MultiHeadAttention",
       1,
       inputs(3, 8),
       {{"num_heads", kInt, true}, {"unidirectional", kInt}, {"scale", kFloat}},
       importMultiHeadAttention,
       "separate Q/K/V, [B, T] key padding mask"},
      {kMicrosoft,
       "Attention",
       1,
       inputs(2, 6),
       {{"num_heads", kInt, true},
        {"unidirectional", kInt},
        {"scale", kFloat},
        {"qkv_hidden_sizes", kInts}},
       importMicrosoftAttention,
       "[B, T] key padding mask, no past state"},
  });
}

} // namespace mlir::xf::onnx_import

//===- NormalizationOps.cpp - softmax, norms, reductions, scans, TopK -----===//

#include "NodeImporter.h"

namespace mlir::xf::onnx_import {

template <typename OpTy> static LogicalResult importSoftmax(NodeImporter &n) {
  FailureOr<Value> input = n.input(0, "input");
  if (failed(input))
    return failure();
  FailureOr<Value> result = n.create1<OpTy>(
      {*input}, {n.namedAttr("axis", n.i64Attr(n.intAttr("axis", -1)))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

/// LayerNormalization's optional statistics outputs, Mean and InvStdDev
/// over the normalized dimensions (kept as size 1), in the stash type.
static FailureOr<std::pair<Value, Value>> layerNormStatistics(NodeImporter &n,
                                                              Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  int64_t axis = n.intAttr("axis", -1);
  if (axis < -rank || axis >= rank)
    return n.emitError() << "LayerNormalization axis " << axis
                         << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  // Statistics are float32 (stash_type 1) whatever the input's type.
  if (n.intAttr("stash_type", 1) == 1 && !type.getElementType().isF32()) {
    FailureOr<Value> widened =
        n.create1<CastOp>({x}, {}, n.builder().getF32Type());
    if (failed(widened))
      return failure();
    x = *widened;
  }
  Type element = cast<RankedTensorType>(x.getType()).getElementType();
  SmallVector<NamedAttribute> reduce = {n.namedAttr(
      "axes", n.i64ArrayAttr(llvm::to_vector(llvm::seq<int64_t>(axis, rank))))};
  FailureOr<Value> mean = n.create1<ReduceMeanOp>({x}, reduce);
  if (failed(mean))
    return failure();
  FailureOr<Value> centered = n.create1<SubOp>({x, *mean});
  if (failed(centered))
    return failure();
  FailureOr<Value> squared = n.create1<MulOp>({*centered, *centered});
  if (failed(squared))
    return failure();
  FailureOr<Value> variance = n.create1<ReduceMeanOp>({*squared}, reduce);
  if (failed(variance))
    return failure();
  Value epsilon = n.constant(cast<ElementsAttr>(DenseElementsAttr::get(
      RankedTensorType::get({}, element),
      FloatAttr::get(element, n.floatAttr("epsilon", 1e-5f)))));
  FailureOr<Value> shifted = n.create1<AddOp>({*variance, epsilon});
  if (failed(shifted))
    return failure();
  FailureOr<Value> deviation = n.create1<SqrtOp>({*shifted});
  if (failed(deviation))
    return failure();
  FailureOr<Value> inverse = n.create1<ReciprocalOp>({*deviation});
  if (failed(inverse))
    return failure();
  return std::make_pair(*mean, *inverse);
}

static LogicalResult importLayerNormalization(NodeImporter &n) {
  FailureOr<Value> x = n.input(0, "X"), scale = n.input(1, "Scale");
  if (failed(x) || failed(scale))
    return failure();
  SmallVector<Value> operands = {*x, *scale};
  if (Value bias = n.optionalInput(2))
    operands.push_back(bias);
  FailureOr<Value> result = n.create1<LayerNormOp>(
      operands,
      {n.namedAttr("axis", n.i64Attr(n.intAttr("axis", -1))),
       n.namedAttr("epsilon", n.f32Attr(n.floatAttr("epsilon", 1e-5f)))});
  if (failed(result))
    return failure();
  SmallVector<Value> results = {*result};
  auto used = [&](int i) {
    return n.proto().output_size() > i && !n.proto().output(i).empty();
  };
  if (used(1) || used(2)) {
    FailureOr<std::pair<Value, Value>> stats = layerNormStatistics(n, *x);
    if (failed(stats))
      return failure();
    results.append({stats->first, stats->second});
  }
  return n.setResults(results);
}

LogicalResult importRMSNormalization(NodeImporter &n) {
  FailureOr<Value> x = n.input(0, "X"), scale = n.input(1, "scale");
  if (failed(x) || failed(scale) ||
      failed(n.checkUnusedOutputs(1, "only the normalized output is")))
    return failure();
  FailureOr<Value> result = n.create1<RmsNormOp>(
      {*x, *scale},
      {n.namedAttr("axis", n.i64Attr(n.intAttr("axis", -1))),
       n.namedAttr("epsilon", n.f32Attr(n.floatAttr("epsilon", 1e-5f)))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

/// Reduce* ops; `axesInputSince` is the opset from which the axes are an
/// input rather than an attribute.
template <typename OpTy, int64_t axesInputSince>
static LogicalResult importReduce(NodeImporter &n) {
  FailureOr<Value> data = n.input(0, "data");
  if (failed(data))
    return failure();
  std::optional<SmallVector<int64_t>> axes;
  if (n.opset() >= axesInputSince) {
    FailureOr<std::optional<SmallVector<int64_t>>> input =
        n.constantInts(1, "axes");
    if (failed(input))
      return failure();
    axes = *input;
  } else {
    axes = n.intsAttr("axes");
  }
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("keepdims", n.boolAttr(n.intAttr("keepdims", 1))),
      n.namedAttr("noop_with_empty_axes",
                  n.boolAttr(n.intAttr("noop_with_empty_axes", 0)))};
  if (axes)
    attrs.push_back(n.namedAttr("axes", n.i64ArrayAttr(*axes)));
  FailureOr<Value> result = n.create1<OpTy>({*data}, attrs);
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

/// Reads a constant scalar input that the xf op takes as an attribute.
static FailureOr<int64_t> constantScalar(NodeImporter &n, size_t i,
                                         StringRef name) {
  FailureOr<std::optional<SmallVector<int64_t>>> values =
      n.constantInts(i, name);
  if (failed(values))
    return failure();
  if (!*values || (*values)->size() != 1)
    return n.emitError() << "input " << i << " (" << name << ") of "
                         << n.proto().op_type()
                         << " must hold exactly one value";
  return (**values)[0];
}

static LogicalResult importCumSum(NodeImporter &n) {
  FailureOr<Value> x = n.input(0, "x");
  FailureOr<int64_t> axis = constantScalar(n, 1, "axis");
  if (failed(x) || failed(axis))
    return failure();
  FailureOr<Value> result = n.create1<CumSumOp>(
      {*x}, {n.namedAttr("axis", n.i64Attr(*axis)),
             n.namedAttr("exclusive", n.boolAttr(n.intAttr("exclusive", 0))),
             n.namedAttr("reverse", n.boolAttr(n.intAttr("reverse", 0)))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importTopK(NodeImporter &n) {
  FailureOr<Value> x = n.input(0, "X");
  FailureOr<int64_t> k = constantScalar(n, 1, "K");
  if (failed(x) || failed(k))
    return failure();
  FailureOr<Operation *> op =
      n.create(TopKOp::getOperationName(), {*x},
               {n.namedAttr("k", n.i64Attr(*k)),
                n.namedAttr("axis", n.i64Attr(n.intAttr("axis", -1))),
                n.namedAttr("largest", n.boolAttr(n.intAttr("largest", 1))),
                n.namedAttr("sorted", n.boolAttr(n.intAttr("sorted", 1)))},
               2);
  if (failed(op))
    return failure();
  return n.setResults((*op)->getResults());
}

void addNormalizationOps(SmallVectorImpl<OpEntry> &table) {
  const SmallVector<AttrSpec, 2> normAttributes = {
      {"axis", kInt}, {"epsilon", kFloat}, {"stash_type", kInt}};
  const SmallVector<AttrSpec, 2> reduceAttributes = {
      {"keepdims", kInt}, {"noop_with_empty_axes", kInt}};
  SmallVector<AttrSpec, 2> reduceAttributesWithAxes = reduceAttributes;
  reduceAttributesWithAxes.push_back({"axes", kInts});
  table.append({
      {"",
       "Softmax",
       13,
       inputs(1),
       {{"axis", kInt}},
       importSoftmax<SoftmaxOp>,
       ""},
      {"",
       "LogSoftmax",
       13,
       inputs(1),
       {{"axis", kInt}},
       importSoftmax<LogSoftmaxOp>,
       ""},
      {"", "LayerNormalization", 17, inputs(2, 3), normAttributes,
       importLayerNormalization, ""},
      {"", "RMSNormalization", 23, inputs(2), normAttributes,
       importRMSNormalization, ""},
      // Axes are an attribute up to opset 17 and an input from 18 on.
      {"", "ReduceMean", 13, inputs(1), reduceAttributesWithAxes,
       importReduce<ReduceMeanOp, 18>, "constant axes"},
      {"", "ReduceMean", 18, inputs(1, 2), reduceAttributes,
       importReduce<ReduceMeanOp, 18>, "constant axes"},
      {"", "ReduceSum", 13, inputs(1, 2), reduceAttributes,
       importReduce<ReduceSumOp, 13>, "constant axes"},
      {"", "ReduceMax", 13, inputs(1), reduceAttributesWithAxes,
       importReduce<ReduceMaxOp, 18>, "constant axes"},
      {"", "ReduceMax", 18, inputs(1, 2), reduceAttributes,
       importReduce<ReduceMaxOp, 18>, "constant axes"},
      {"",
       "CumSum",
       13,
       inputs(2),
       {{"exclusive", kInt}, {"reverse", kInt}},
       importCumSum,
       "constant axis"},
      {"",
       "TopK",
       13,
       inputs(2),
       {{"axis", kInt}, {"largest", kInt}, {"sorted", kInt}},
       importTopK,
       "constant K"},
  });
}

} // namespace mlir::xf::onnx_import

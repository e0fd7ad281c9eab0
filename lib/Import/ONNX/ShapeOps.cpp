//===- ShapeOps.cpp - importers of shape, constant and generator ops ------===//

#include "NodeImporter.h"

namespace mlir::xf::onnx_import {

/// Imports an op built from its first `numOperands` inputs (all required)
/// plus attributes.
static LogicalResult finish(NodeImporter &n, FailureOr<Value> result) {
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importReshape(NodeImporter &n) {
  FailureOr<SmallVector<Value>> in = n.requiredInputs({"data", "shape"});
  if (failed(in))
    return failure();
  return finish(n,
                n.create1<ReshapeOp>(
                    *in, {n.namedAttr("allowzero",
                                      n.boolAttr(n.intAttr("allowzero", 0)))}));
}

static LogicalResult importTranspose(NodeImporter &n) {
  FailureOr<Value> data = n.input(0, "data");
  if (failed(data))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (std::optional<SmallVector<int64_t>> perm = n.intsAttr("perm"))
    attrs.push_back(n.namedAttr("perm", n.i64ArrayAttr(*perm)));
  return finish(n, n.create1<TransposeOp>({*data}, attrs));
}

static LogicalResult importConcat(NodeImporter &n) {
  SmallVector<Value> inputs;
  for (size_t i = 0; i < n.numInputs(); ++i)
    inputs.push_back(n.optionalInput(i));
  return finish(
      n, n.create1<ConcatOp>(
             inputs, {n.namedAttr("axis", n.i64Attr(n.intAttr("axis", 0)))}));
}

static LogicalResult importSplit(NodeImporter &n) {
  FailureOr<Value> input = n.input(0, "input");
  FailureOr<std::optional<SmallVector<int64_t>>> split =
      n.constantInts(1, "split");
  if (failed(input) || failed(split))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("axis", n.i64Attr(n.intAttr("axis", 0)))};
  if (*split)
    attrs.push_back(n.namedAttr("split", n.i64ArrayAttr(**split)));
  // Opset 18's num_outputs must agree with the outputs the node declares.
  int64_t outputs = n.proto().output_size();
  if (n.attribute("num_outputs") && n.intAttr("num_outputs", 0) != outputs)
    return n.emitError() << "Split has num_outputs = "
                         << n.intAttr("num_outputs", 0) << " but " << outputs
                         << " outputs";
  FailureOr<Operation *> op =
      n.create(SplitOp::getOperationName(), {*input}, attrs, outputs);
  if (failed(op))
    return failure();
  return n.setResults((*op)->getResults());
}

/// An optional constant input of Slice (axes, steps) as an attribute.
static LogicalResult addConstantInput(NodeImporter &n, size_t i, StringRef name,
                                      SmallVectorImpl<NamedAttribute> &attrs) {
  FailureOr<std::optional<SmallVector<int64_t>>> values =
      n.constantInts(i, name);
  if (failed(values))
    return failure();
  if (*values)
    attrs.push_back(n.namedAttr(name, n.i64ArrayAttr(**values)));
  return success();
}

static LogicalResult importSlice(NodeImporter &n) {
  FailureOr<SmallVector<Value>> in =
      n.requiredInputs({"data", "starts", "ends"});
  SmallVector<NamedAttribute> attrs;
  if (failed(in) || failed(addConstantInput(n, 3, "axes", attrs)) ||
      failed(addConstantInput(n, 4, "steps", attrs)))
    return failure();
  return finish(n, n.create1<SliceOp>(*in, attrs));
}

static LogicalResult importExpand(NodeImporter &n) {
  FailureOr<SmallVector<Value>> in = n.requiredInputs({"input", "shape"});
  if (failed(in))
    return failure();
  return finish(n, n.create1<ExpandOp>(*in));
}

template <typename OpTy>
static LogicalResult importSqueezeLike(NodeImporter &n) {
  FailureOr<Value> data = n.input(0, "data");
  SmallVector<NamedAttribute> attrs;
  if (failed(data) || failed(addConstantInput(n, 1, "axes", attrs)))
    return failure();
  return finish(n, n.create1<OpTy>({*data}, attrs));
}

static LogicalResult importFlatten(NodeImporter &n) {
  FailureOr<Value> input = n.input(0, "input");
  if (failed(input))
    return failure();
  return finish(
      n, n.create1<FlattenOp>(
             {*input}, {n.namedAttr("axis", n.i64Attr(n.intAttr("axis", 1)))}));
}

static LogicalResult importShape(NodeImporter &n) {
  FailureOr<Value> data = n.input(0, "data");
  if (failed(data))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("start", n.i64Attr(n.intAttr("start", 0)))};
  if (n.attribute("end"))
    attrs.push_back(n.namedAttr("end", n.i64Attr(n.intAttr("end", 0))));
  return finish(n, n.create1<ShapeOp>({*data}, attrs));
}

static LogicalResult importConstant(NodeImporter &n) {
  OpBuilder &b = n.builder();
  ElementsAttr value;
  if (n.attribute("value")) {
    FailureOr<ElementsAttr> tensor = n.tensorAttr("value");
    if (failed(tensor))
      return failure();
    value = *tensor;
  } else if (const onnx::AttributeProto *attr = n.attribute("value_float")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   attr->f());
  } else if (const onnx::AttributeProto *attr = n.attribute("value_int")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   attr->i());
  } else if (const onnx::AttributeProto *attr = n.attribute("value_floats")) {
    SmallVector<float> floats(attr->floats().begin(), attr->floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(floats.size())},
                              b.getF32Type()),
        ArrayRef<float>(floats));
  } else if (const onnx::AttributeProto *attr = n.attribute("value_ints")) {
    SmallVector<int64_t> ints(attr->ints().begin(), attr->ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(ints.size())},
                              b.getI64Type()),
        ArrayRef<int64_t>(ints));
  } else {
    return n.emitError()
           << "Constant must hold a numeric tensor (value, value_float(s) or "
              "value_int(s)); strings and sparse tensors are not supported";
  }
  return n.setResults(n.constant(value));
}

static LogicalResult importConstantOfShape(NodeImporter &n) {
  FailureOr<Value> shape = n.input(0, "input");
  if (failed(shape))
    return failure();
  ElementsAttr value = DenseElementsAttr::get(
      RankedTensorType::get({1}, n.builder().getF32Type()), 0.0f);
  if (n.attribute("value")) {
    FailureOr<ElementsAttr> tensor = n.tensorAttr("value");
    if (failed(tensor))
      return failure();
    value = *tensor;
  }
  return finish(
      n, n.create1<ConstantOfShapeOp>({*shape}, {n.namedAttr("value", value)}));
}

static LogicalResult importRange(NodeImporter &n) {
  FailureOr<SmallVector<Value>> in =
      n.requiredInputs({"start", "limit", "delta"});
  if (failed(in))
    return failure();
  return finish(n, n.create1<RangeOp>(*in));
}

static LogicalResult importTrilu(NodeImporter &n) {
  FailureOr<Value> input = n.input(0, "input");
  if (failed(input))
    return failure();
  SmallVector<Value> operands = {*input};
  if (Value k = n.optionalInput(1))
    operands.push_back(k);
  return finish(
      n,
      n.create1<TriluOp>(
          operands, {n.namedAttr("upper", n.boolAttr(n.intAttr("upper", 1)))}));
}

static LogicalResult importNonZero(NodeImporter &n) {
  FailureOr<Value> x = n.input(0, "X");
  if (failed(x))
    return failure();
  return finish(n, n.create1<NonZeroOp>({*x}));
}

void addShapeOps(SmallVectorImpl<OpEntry> &table) {
  table.append({
      {"", "Reshape", 13, inputs(2), {{"allowzero", kInt}}, importReshape, ""},
      {"", "Transpose", 13, inputs(1), {{"perm", kInts}}, importTranspose, ""},
      {"",
       "Concat",
       13,
       variadicInputs(1),
       {{"axis", kInt, true}},
       importConcat,
       ""},
      {"",
       "Split",
       13,
       inputs(1, 2),
       {{"axis", kInt}},
       importSplit,
       "constant split sizes"},
      {"",
       "Split",
       18,
       inputs(1, 2),
       {{"axis", kInt}, {"num_outputs", kInt}},
       importSplit,
       "constant split sizes"},
      {"",
       "Slice",
       13,
       inputs(3, 5),
       {},
       importSlice,
       "constant axes and steps"},
      {"", "Expand", 13, inputs(2), {}, importExpand, ""},
      {"",
       "Unsqueeze",
       13,
       inputs(2),
       {},
       importSqueezeLike<UnsqueezeOp>,
       "constant axes"},
      {"",
       "Squeeze",
       13,
       inputs(1, 2),
       {},
       importSqueezeLike<SqueezeOp>,
       "constant axes"},
      {"", "Flatten", 13, inputs(1), {{"axis", kInt}}, importFlatten, ""},
      {"",
       "Shape",
       13,
       inputs(1),
       {{"start", kInt}, {"end", kInt}},
       importShape,
       ""},
      {"",
       "Constant",
       13,
       inputs(0),
       {{"value", kTensor},
        {"value_float", kFloat},
        {"value_int", kInt},
        {"value_floats", kFloats},
        {"value_ints", kInts}},
       importConstant,
       "numeric tensors"},
      {"",
       "ConstantOfShape",
       13,
       inputs(1),
       {{"value", kTensor}},
       importConstantOfShape,
       ""},
      {"", "Range", 13, inputs(3), {}, importRange, ""},
      {"", "Trilu", 14, inputs(1, 2), {{"upper", kInt}}, importTrilu, ""},
      {"", "NonZero", 13, inputs(1), {}, importNonZero, ""},
  });
}

} // namespace mlir::xf::onnx_import

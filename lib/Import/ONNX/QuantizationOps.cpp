//===- QuantizationOps.cpp - importers of quantize / dequantize ops -------===//

#include "NodeImporter.h"
#include "TensorImporter.h"
#include "xfc/Support/DTypes.h"

namespace mlir::xf::onnx_import {

/// QuantizeLinear and DequantizeLinear share inputs and attributes.
static FailureOr<SmallVector<Value>> quantOperands(NodeImporter &n) {
  FailureOr<Value> x = n.input(0, "x"), scale = n.input(1, "scale");
  if (failed(x) || failed(scale))
    return failure();
  SmallVector<Value> operands = {*x, *scale};
  if (Value zp = n.optionalInput(2))
    operands.push_back(zp);
  return operands;
}

static SmallVector<NamedAttribute> quantOpAttributes(NodeImporter &n) {
  return {n.namedAttr("axis", n.i64Attr(n.intAttr("axis", 1))),
          n.namedAttr("block_size", n.i64Attr(n.intAttr("block_size", 0)))};
}

static LogicalResult importDequantizeLinear(NodeImporter &n) {
  FailureOr<SmallVector<Value>> operands = quantOperands(n);
  if (failed(operands))
    return failure();
  FailureOr<Value> result =
      n.create1<DequantizeLinearOp>(*operands, quantOpAttributes(n));
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importQuantizeLinear(NodeImporter &n) {
  FailureOr<SmallVector<Value>> operands = quantOperands(n);
  if (failed(operands))
    return failure();
  // Without a zero point the output type is output_dtype, else uint8.
  Type element = IntegerType::get(n.context(), 8, IntegerType::Unsigned);
  if (int64_t dtype = n.intAttr("output_dtype", 0)) {
    element = getDTypeElementType(n.context(), dtype);
    if (!element || !isa<IntegerType>(element))
      return n.emitError() << "QuantizeLinear to " << getDTypeName(dtype)
                           << " is not supported";
  }
  FailureOr<Value> result =
      n.create1<QuantizeLinearOp>(*operands, quantOpAttributes(n), element);
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importDynamicQuantizeLinear(NodeImporter &n) {
  FailureOr<Value> x = n.input(0, "x");
  if (failed(x))
    return failure();
  FailureOr<Operation *> op =
      n.create(DynamicQuantizeLinearOp::getOperationName(), {*x}, {}, 3);
  if (failed(op))
    return failure();
  return n.setResults((*op)->getResults());
}

static LogicalResult importMatMulInteger(NodeImporter &n) {
  FailureOr<Value> a = n.input(0, "A"), b = n.input(1, "B");
  if (failed(a) || failed(b))
    return failure();
  for (Value operand : {*a, *b})
    if (!isa<IntegerType>(
            cast<RankedTensorType>(operand.getType()).getElementType()))
      return n.emitError() << "MatMulInteger multiplies integer tensors, not "
                           << operand.getType();
  // Absent zero points are zeros of the operand's type.
  auto zeroPoint = [&](size_t i, Value operand) {
    if (Value zp = n.optionalInput(i))
      return zp;
    Type element = cast<RankedTensorType>(operand.getType()).getElementType();
    return n.constant(cast<ElementsAttr>(DenseElementsAttr::get(
        RankedTensorType::get({}, element), IntegerAttr::get(element, 0))));
  };
  FailureOr<Value> result =
      n.create1<MatMulIntegerOp>({*a, *b, zeroPoint(2, *a), zeroPoint(3, *b)});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

/// QLinearMatMul as what it computes: each operand dequantized (a per
/// tensor or per row, b per tensor or per column), their float product,
/// quantized with y's scale and zero point. A constant b is then raised to
/// an xf.quantized_weight and read packed, like any dequantized weight.
static LogicalResult importQLinearMatMul(NodeImporter &n) {
  FailureOr<SmallVector<Value>> inputs =
      n.requiredInputs({"a", "a_scale", "a_zero_point", "b", "b_scale",
                        "b_zero_point", "y_scale", "y_zero_point"});
  if (failed(inputs))
    return failure();
  ArrayRef<Value> in = *inputs;
  // One scale for all, else one along the rows (a) or columns (b).
  auto dequantize = [&](Value x, Value scale, Value zeroPoint,
                        int64_t fromEnd) {
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    bool perTensor =
        cast<RankedTensorType>(scale.getType()).getNumElements() == 1;
    int64_t axis = perTensor ? 1 : rank - fromEnd;
    return n.create1<DequantizeLinearOp>(
        {x, scale, zeroPoint}, {n.namedAttr("axis", n.i64Attr(axis)),
                                n.namedAttr("block_size", n.i64Attr(0))});
  };
  FailureOr<Value> a = dequantize(in[0], in[1], in[2], 2);
  FailureOr<Value> b = dequantize(in[3], in[4], in[5], 1);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> product = n.create1<MatMulOp>({*a, *b});
  if (failed(product))
    return failure();
  Type element = cast<RankedTensorType>(in[7].getType()).getElementType();
  FailureOr<Value> result =
      n.create1<QuantizeLinearOp>({*product, in[6], in[7]},
                                  {n.namedAttr("axis", n.i64Attr(1)),
                                   n.namedAttr("block_size", n.i64Attr(0))},
                                  element);
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

void addQuantizationOps(SmallVectorImpl<OpEntry> &table) {
  const SmallVector<AttrSpec, 2> quantAttributes = {{"axis", kInt},
                                                    {"block_size", kInt}};
  SmallVector<AttrSpec, 2> quantizeAttributes = quantAttributes;
  quantizeAttributes.push_back({"output_dtype", kInt});
  table.append({
      {"", "DequantizeLinear", 13, inputs(2, 3), quantAttributes,
       importDequantizeLinear, "per tensor, per axis, blocked (21)"},
      {"", "QuantizeLinear", 13, inputs(2, 3), quantizeAttributes,
       importQuantizeLinear, "per tensor, per axis, blocked (21)"},
      {"",
       "DynamicQuantizeLinear",
       13,
       inputs(1),
       {},
       importDynamicQuantizeLinear,
       ""},
      {"", "MatMulInteger", 13, inputs(2, 4), {}, importMatMulInteger, ""},
      {"",
       "QLinearMatMul",
       10,
       inputs(8),
       {},
       importQLinearMatMul,
       "a per tensor or per row, b per tensor or per column"},
      {"com.microsoft", "DequantizeLinear", 1, inputs(2, 3), quantAttributes,
       importDequantizeLinear, ""},
      {"com.microsoft", "QuantizeLinear", 1, inputs(2, 3), quantizeAttributes,
       importQuantizeLinear, ""},
  });
}

} // namespace mlir::xf::onnx_import

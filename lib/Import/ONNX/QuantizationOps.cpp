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
      {"com.microsoft", "DequantizeLinear", 1, inputs(2, 3), quantAttributes,
       importDequantizeLinear, ""},
      {"com.microsoft", "QuantizeLinear", 1, inputs(2, 3), quantizeAttributes,
       importQuantizeLinear, ""},
  });
}

} // namespace mlir::xf::onnx_import

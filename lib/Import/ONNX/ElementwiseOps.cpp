//===- ElementwiseOps.cpp - importers of element-wise ONNX operators ------===//

#include "NodeImporter.h"
#include "TensorImporter.h"

namespace mlir::xf::onnx_import {

/// Operators whose present inputs become the op's operands, unchanged.
template <typename OpTy> static LogicalResult importDirect(NodeImporter &n) {
  SmallVector<Value> operands;
  for (size_t i = 0; i < n.numInputs(); ++i)
    if (Value v = n.optionalInput(i))
      operands.push_back(v);
  FailureOr<Value> result = n.create1<OpTy>(operands);
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importCast(NodeImporter &n) {
  FailureOr<Value> input = n.input(0, "input");
  if (failed(input))
    return failure();
  int64_t to = n.intAttr("to", 0);
  Type element = getElementType(n.context(), to);
  if (!element)
    return n.emitError() << "Cast to " << getDataTypeName(to)
                         << " is not supported";
  FailureOr<Value> result = n.create1<CastOp>({*input}, {}, element);
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importGelu(NodeImporter &n) {
  FailureOr<Value> input = n.input(0, "X");
  if (failed(input))
    return failure();
  FailureOr<Value> result = n.create1<GeluOp>(
      {*input},
      {n.namedAttr("approximate", n.builder().getStringAttr(
                                      n.stringAttr("approximate", "none")))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

void addElementwiseOps(SmallVectorImpl<OpEntry> &table) {
  table.append({
      {"", "Add", 13, importDirect<AddOp>, ""},
      {"", "Sub", 13, importDirect<SubOp>, ""},
      {"", "Mul", 13, importDirect<MulOp>, ""},
      {"", "Div", 13, importDirect<DivOp>, ""},
      {"", "Pow", 13, importDirect<PowOp>, ""},
      {"", "Equal", 13, importDirect<EqualOp>, ""},
      {"", "Less", 13, importDirect<LessOp>, ""},
      {"", "LessOrEqual", 13, importDirect<LessOrEqualOp>, ""},
      {"", "Greater", 13, importDirect<GreaterOp>, ""},
      {"", "GreaterOrEqual", 13, importDirect<GreaterOrEqualOp>, ""},
      {"", "And", 13, importDirect<AndOp>, ""},
      {"", "Or", 13, importDirect<OrOp>, ""},
      {"", "Not", 13, importDirect<NotOp>, ""},
      {"", "Max", 13, importDirect<MaxOp>, ""},
      {"", "Min", 13, importDirect<MinOp>, ""},
      {"", "Where", 13, importDirect<WhereOp>, ""},
      {"", "Sqrt", 13, importDirect<SqrtOp>, ""},
      {"", "Reciprocal", 13, importDirect<ReciprocalOp>, ""},
      {"", "Neg", 13, importDirect<NegOp>, ""},
      {"", "Exp", 13, importDirect<ExpOp>, ""},
      {"", "Log", 13, importDirect<LogOp>, ""},
      {"", "Tanh", 13, importDirect<TanhOp>, ""},
      {"", "Erf", 13, importDirect<ErfOp>, ""},
      {"", "Sigmoid", 13, importDirect<SigmoidOp>, ""},
      {"", "Relu", 13, importDirect<ReluOp>, ""},
      {"", "Cos", 13, importDirect<CosOp>, ""},
      {"", "Sin", 13, importDirect<SinOp>, ""},
      {"", "Abs", 13, importDirect<AbsOp>, ""},
      {"", "Identity", 13, importDirect<IdentityOp>, "tensors only"},
      {"", "Gelu", 20, importGelu, ""},
      {"", "Cast", 13, importCast, "not to or from strings"},
  });
}

} // namespace mlir::xf::onnx_import

//===- ElementwiseOps.cpp - importers of element-wise ONNX operators ------===//

#include "NodeImporter.h"
#include "TensorImporter.h"
#include "xfc/Support/DTypes.h"

namespace mlir::xf::onnx_import {

/// Operators whose inputs (all required) become the op's operands.
template <typename OpTy> static LogicalResult importDirect(NodeImporter &n) {
  SmallVector<Value> operands;
  for (size_t i = 0; i < n.numInputs(); ++i)
    operands.push_back(n.optionalInput(i));
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
  Type element = getDTypeElementType(n.context(), to);
  if (!element)
    return n.emitError() << "Cast to " << getDTypeName(to)
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
      {"", "Add", 13, inputs(2), {}, importDirect<AddOp>, ""},
      {"", "Sub", 13, inputs(2), {}, importDirect<SubOp>, ""},
      {"", "Mul", 13, inputs(2), {}, importDirect<MulOp>, ""},
      {"", "Div", 13, inputs(2), {}, importDirect<DivOp>, ""},
      {"", "Pow", 13, inputs(2), {}, importDirect<PowOp>, ""},
      {"", "Equal", 13, inputs(2), {}, importDirect<EqualOp>, ""},
      {"", "Less", 13, inputs(2), {}, importDirect<LessOp>, ""},
      {"", "LessOrEqual", 13, inputs(2), {}, importDirect<LessOrEqualOp>, ""},
      {"", "Greater", 13, inputs(2), {}, importDirect<GreaterOp>, ""},
      {"",
       "GreaterOrEqual",
       13,
       inputs(2),
       {},
       importDirect<GreaterOrEqualOp>,
       ""},
      {"", "And", 13, inputs(2), {}, importDirect<AndOp>, ""},
      {"", "Or", 13, inputs(2), {}, importDirect<OrOp>, ""},
      {"", "Max", 13, variadicInputs(1), {}, importDirect<MaxOp>, ""},
      {"", "Min", 13, variadicInputs(1), {}, importDirect<MinOp>, ""},
      {"", "Where", 13, inputs(3), {}, importDirect<WhereOp>, ""},
      {"", "Not", 13, inputs(1), {}, importDirect<NotOp>, ""},
      {"", "Sqrt", 13, inputs(1), {}, importDirect<SqrtOp>, ""},
      {"", "Reciprocal", 13, inputs(1), {}, importDirect<ReciprocalOp>, ""},
      {"", "Neg", 13, inputs(1), {}, importDirect<NegOp>, ""},
      {"", "Exp", 13, inputs(1), {}, importDirect<ExpOp>, ""},
      {"", "Log", 13, inputs(1), {}, importDirect<LogOp>, ""},
      {"", "Tanh", 13, inputs(1), {}, importDirect<TanhOp>, ""},
      {"", "Erf", 13, inputs(1), {}, importDirect<ErfOp>, ""},
      {"", "Sigmoid", 13, inputs(1), {}, importDirect<SigmoidOp>, ""},
      {"", "Relu", 13, inputs(1), {}, importDirect<ReluOp>, ""},
      {"", "Cos", 13, inputs(1), {}, importDirect<CosOp>, ""},
      {"", "Sin", 13, inputs(1), {}, importDirect<SinOp>, ""},
      {"", "Abs", 13, inputs(1), {}, importDirect<AbsOp>, ""},
      {"",
       "Identity",
       13,
       inputs(1),
       {},
       importDirect<IdentityOp>,
       "tensors only"},
      {"", "Gelu", 20, inputs(1), {{"approximate", kString}}, importGelu, ""},
      {"",
       "Cast",
       13,
       inputs(1),
       {{"to", kInt, true}},
       importCast,
       "not to or from strings"},
  });
}

} // namespace mlir::xf::onnx_import

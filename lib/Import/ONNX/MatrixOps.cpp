//===- MatrixOps.cpp - importers of MatMul, Gemm and Einsum ---------------===//

#include "NodeImporter.h"

namespace mlir::xf::onnx_import {

static LogicalResult importMatMul(NodeImporter &n) {
  FailureOr<Value> a = n.input(0, "A"), b = n.input(1, "B");
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> result = n.create1<MatMulOp>({*a, *b});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importGemm(NodeImporter &n) {
  FailureOr<Value> a = n.input(0, "A"), b = n.input(1, "B");
  if (failed(a) || failed(b))
    return failure();
  SmallVector<Value> operands = {*a, *b};
  if (Value c = n.optionalInput(2))
    operands.push_back(c);
  FailureOr<Value> result = n.create1<GemmOp>(
      operands, {n.namedAttr("alpha", n.f32Attr(n.floatAttr("alpha", 1.0f))),
                 n.namedAttr("beta", n.f32Attr(n.floatAttr("beta", 1.0f))),
                 n.namedAttr("trans_a", n.boolAttr(n.intAttr("transA", 0))),
                 n.namedAttr("trans_b", n.boolAttr(n.intAttr("transB", 0)))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importEinsum(NodeImporter &n) {
  SmallVector<Value> operands;
  for (size_t i = 0; i < n.numInputs(); ++i)
    operands.push_back(n.optionalInput(i));
  FailureOr<Value> result = n.create1<EinsumOp>(
      operands, {n.namedAttr("equation", n.builder().getStringAttr(
                                             n.stringAttr("equation", "")))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

void addMatrixOps(SmallVectorImpl<OpEntry> &table) {
  table.append({
      {"", "MatMul", 13, inputs(2), {}, importMatMul, ""},
      {"",
       "Gemm",
       13,
       inputs(2, 3),
       {{"alpha", kFloat},
        {"beta", kFloat},
        {"transA", kInt},
        {"transB", kInt}},
       importGemm,
       ""},
      {"",
       "Einsum",
       13,
       variadicInputs(1),
       {{"equation", kString, true}},
       importEinsum,
       "no ellipsis"},
  });
}

} // namespace mlir::xf::onnx_import

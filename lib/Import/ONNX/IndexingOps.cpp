//===- IndexingOps.cpp - importers of gathers and scatters ----------------===//

#include "NodeImporter.h"

namespace mlir::xf::onnx_import {

/// Gather-like ops: (data, indices) and one integer attribute.
template <typename OpTy>
static LogicalResult importGather(NodeImporter &n, StringRef onnxAttr,
                                  StringRef xfAttr) {
  FailureOr<Value> data = n.input(0, "data"), indices = n.input(1, "indices");
  if (failed(data) || failed(indices))
    return failure();
  FailureOr<Value> result =
      n.create1<OpTy>({*data, *indices},
                      {n.namedAttr(xfAttr, n.i64Attr(n.intAttr(onnxAttr, 0)))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importScatterND(NodeImporter &n) {
  FailureOr<Value> data = n.input(0, "data"), indices = n.input(1, "indices"),
                   updates = n.input(2, "updates");
  if (failed(data) || failed(indices) || failed(updates))
    return failure();
  FailureOr<Value> result = n.create1<ScatterNDOp>(
      {*data, *indices, *updates},
      {n.namedAttr("reduction", n.builder().getStringAttr(
                                    n.stringAttr("reduction", "none")))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

void addIndexingOps(SmallVectorImpl<OpEntry> &table) {
  table.append({
      {"",
       "Gather",
       13,
       inputs(2),
       {{"axis", kInt}},
       [](NodeImporter &n) {
         return importGather<GatherOp>(n, "axis", "axis");
       },
       ""},
      {"",
       "GatherElements",
       13,
       inputs(2),
       {{"axis", kInt}},
       [](NodeImporter &n) {
         return importGather<GatherElementsOp>(n, "axis", "axis");
       },
       ""},
      {"",
       "GatherND",
       13,
       inputs(2),
       {{"batch_dims", kInt}},
       [](NodeImporter &n) {
         return importGather<GatherNDOp>(n, "batch_dims", "batch_dims");
       },
       ""},
      {"",
       "ScatterND",
       13,
       inputs(3),
       {{"reduction", kString}},
       importScatterND,
       ""},
  });
}

} // namespace mlir::xf::onnx_import

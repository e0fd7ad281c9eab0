//===- CompositeOps.cpp - ONNX operators imported as several xf ops -------===//
//
// Operators that Mixture-of-Experts exports use (one_hot of the router's
// choices, scatters of expert outputs back to their tokens, tiled masks,
// clipped counts) and that are compositions of xf ops already lowered on
// every target: no op of their own, so every pass that knows the parts knows
// them. Each keeps ONNX's semantics for every shape, static or not.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

namespace mlir::xf::onnx_import {

namespace {
/// Builds a chain of xf ops at one node, stopping at the first that fails
/// (whose own diagnostic names the node).
class Chain {
public:
  explicit Chain(NodeImporter &n) : n(n) {}

  template <typename OpTy>
  Value op(ValueRange operands, ArrayRef<NamedAttribute> attributes = {},
           Type elementType = {}) {
    if (failed)
      return {};
    FailureOr<Value> v = n.create1<OpTy>(operands, attributes, elementType);
    failed = ::mlir::failed(v);
    return failed ? Value() : *v;
  }

  Value unsqueeze(Value v, ArrayRef<int64_t> axes) {
    if (axes.empty())
      return v;
    return op<UnsqueezeOp>({v}, {n.namedAttr("axes", n.i64ArrayAttr(axes))});
  }

  Value reshape(Value v, ArrayRef<int64_t> shape) {
    return op<ReshapeOp>({v, n.constantI64(shape)});
  }

  /// A rank-0 i64 constant.
  Value scalar(int64_t value) {
    auto type = RankedTensorType::get({}, n.builder().getI64Type());
    return n.constant(
        cast<ElementsAttr>(DenseElementsAttr::get(type, ArrayRef(value))));
  }

  Value toI64(Value v) {
    if (cast<RankedTensorType>(v.getType()).getElementType().isInteger(64) &&
        !cast<RankedTensorType>(v.getType())
             .getElementType()
             .isUnsignedInteger())
      return v;
    return op<CastOp>({v}, {}, n.builder().getI64Type());
  }

  LogicalResult finish(Value result) {
    if (failed)
      return failure();
    return n.setResults(result);
  }

  bool failed = false;

private:
  NodeImporter &n;
};

/// 0..rank-1 without `skip`.
SmallVector<int64_t> allAxesBut(int64_t rank, int64_t skip) {
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < rank; ++d)
    if (d != skip)
      axes.push_back(d);
  return axes;
}

int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}
} // namespace

/// Clip(x, min, max): max with the lower bound, then min with the upper one
/// (each optional), so a lower bound above the upper gives the upper one, as
/// ONNX says; NaN stays NaN.
static LogicalResult importClip(NodeImporter &n) {
  FailureOr<Value> input = n.input(0, "input");
  if (failed(input))
    return failure();
  Chain c(n);
  Value result = *input;
  if (Value low = n.optionalInput(1))
    result = c.op<MaxOp>({result, low});
  if (Value high = n.optionalInput(2))
    result = c.op<MinOp>({result, high});
  return c.finish(result);
}

/// Tile(x, repeats) as broadcasting: x with a 1 before each dimension,
/// expanded to [r0, d0, r1, d1, ...], reshaped to [r0 * d0, r1 * d1, ...].
static LogicalResult importTile(NodeImporter &n) {
  FailureOr<SmallVector<Value>> in = n.requiredInputs({"input", "repeats"});
  if (failed(in))
    return failure();
  Value input = (*in)[0], repeats = (*in)[1];
  int64_t rank = rankOf(input);
  auto repeatsType = cast<RankedTensorType>(repeats.getType());
  if (repeatsType.getRank() != 1 ||
      (repeatsType.hasStaticShape() && repeatsType.getDimSize(0) != rank))
    return n.emitError() << "Tile's repeats must be a vector of " << rank
                         << " entries (the input's rank), not " << repeatsType;
  if (rank == 0)
    return n.setResults(input);
  Chain c(n);
  SmallVector<int64_t> gaps;
  for (int64_t d = 0; d < rank; ++d)
    gaps.push_back(2 * d);
  Value spread = c.unsqueeze(input, gaps);
  Value shape = c.op<ShapeOp>({input});
  Value counts = c.toI64(repeats);
  Value pairs = c.op<ConcatOp>(
      {c.reshape(counts, {rank, 1}), c.reshape(shape, {rank, 1})},
      {n.namedAttr("axis", n.i64Attr(1))});
  Value expanded = c.op<ExpandOp>({spread, c.reshape(pairs, {2 * rank})});
  Value sizes = c.op<MulOp>({counts, shape});
  return c.finish(c.op<ReshapeOp>({expanded, sizes}));
}

/// OneHot(indices, depth, values) as a comparison with 0..depth-1 laid
/// along `axis`: indices (negative ones counted from depth) equal to a
/// position take values[1], the rest values[0]; an index outside
/// [-depth, depth) equals none, so its row is all values[0], as ONNX says.
static LogicalResult importOneHot(NodeImporter &n) {
  FailureOr<SmallVector<Value>> in =
      n.requiredInputs({"indices", "depth", "values"});
  if (failed(in))
    return failure();
  Value indices = (*in)[0], depth = (*in)[1], values = (*in)[2];
  int64_t rank = rankOf(indices);
  int64_t axis = n.intAttr("axis", -1);
  if (axis < -rank - 1 || axis > rank)
    return n.emitError() << "OneHot's axis " << axis
                         << " is outside [-r-1, r] for indices of rank "
                         << rank;
  if (axis < 0)
    axis += rank + 1;
  auto valuesType = cast<RankedTensorType>(values.getType());
  auto depthType = cast<RankedTensorType>(depth.getType());
  if (valuesType.getRank() != 1 ||
      (valuesType.hasStaticShape() && valuesType.getDimSize(0) != 2) ||
      (depthType.hasStaticShape() && depthType.getNumElements() != 1))
    return n.emitError() << "OneHot takes a one-element depth and values "
                            "[off, on], not "
                         << depthType << " and " << valuesType;
  Chain c(n);
  Value count = c.reshape(c.toI64(depth), {});
  Value zero = c.scalar(0), one = c.scalar(1);
  Value index = c.toI64(indices);
  Value wrapped = c.op<WhereOp>(
      {c.op<LessOp>({index, zero}), c.op<AddOp>({index, count}), index});
  Value positions = c.op<RangeOp>({zero, count, one});
  Value hot =
      c.op<EqualOp>({c.unsqueeze(wrapped, {axis}),
                     c.unsqueeze(positions, allAxesBut(rank + 1, axis))});
  auto pick = [&](int64_t i) {
    return c.op<GatherOp>({values, c.scalar(i)},
                          {n.namedAttr("axis", n.i64Attr(0))});
  };
  return c.finish(c.op<WhereOp>({hot, pick(1), pick(0)}));
}

/// ScatterElements(data, indices, updates) as ScatterND: update p goes to
/// p with its coordinate along `axis` replaced by indices[p], the other
/// coordinates being ranges along their dimensions; ScatterND checks the
/// indices at run time and combines by `reduction`.
static LogicalResult importScatterElements(NodeImporter &n) {
  FailureOr<SmallVector<Value>> in =
      n.requiredInputs({"data", "indices", "updates"});
  if (failed(in))
    return failure();
  Value data = (*in)[0], indices = (*in)[1], updates = (*in)[2];
  int64_t rank = rankOf(indices);
  int64_t axis = n.intAttr("axis", 0);
  if (rank != rankOf(data) || rank == 0 || axis < -rank || axis >= rank)
    return n.emitError() << "ScatterElements needs data and indices of one "
                            "rank (at least 1) and an axis in [-r, r), not "
                         << rankOf(data) << ", " << rank << " and " << axis;
  if (axis < 0)
    axis += rank;
  Chain c(n);
  Value index = c.toI64(indices);
  Value shape = c.op<ShapeOp>({index});
  SmallVector<Value> coordinates;
  for (int64_t d = 0; d < rank; ++d) {
    Value coordinate = index;
    if (d != axis) {
      Value extent = c.op<GatherOp>({shape, c.scalar(d)},
                                    {n.namedAttr("axis", n.i64Attr(0))});
      Value along = c.op<RangeOp>({c.scalar(0), extent, c.scalar(1)});
      coordinate =
          c.op<ExpandOp>({c.unsqueeze(along, allAxesBut(rank, d)), shape});
    }
    coordinates.push_back(c.unsqueeze(coordinate, {rank}));
  }
  Value tuples =
      c.op<ConcatOp>(coordinates, {n.namedAttr("axis", n.i64Attr(rank))});
  return c.finish(c.op<ScatterNDOp>(
      {data, tuples, updates},
      {n.namedAttr("reduction", n.builder().getStringAttr(
                                    n.stringAttr("reduction", "none")))}));
}

void addCompositeOps(SmallVectorImpl<OpEntry> &table) {
  table.append({
      {"", "Clip", 13, inputs(1, 3), {}, importClip, "min and max optional"},
      {"", "Tile", 13, inputs(2), {}, importTile, ""},
      {"", "OneHot", 13, inputs(3), {{"axis", kInt}}, importOneHot, ""},
      {"",
       "ScatterElements",
       13,
       inputs(3),
       {{"axis", kInt}, {"reduction", kString}},
       importScatterElements,
       "reduction none, add, mul, max, min"},
  });
}

} // namespace mlir::xf::onnx_import

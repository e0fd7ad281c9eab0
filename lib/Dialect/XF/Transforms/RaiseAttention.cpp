//===- RaiseAttention.cpp - attention subgraphs as xf.attention -----------===//
//
// The matcher starts at a softmax and walks to the products around it; when
// it fails it says why, which is what the fusion report prints.
//
//===----------------------------------------------------------------------===//

#include "xfc/Dialect/XF/Transforms/RaiseAttention.h"
#include "Matching.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Support/ModelDiagnostics.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::xf {
#define GEN_PASS_DEF_RAISEATTENTIONPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// The parts of `matmul(softmax(matmul(q, kt) * scale + mask), v)`.
struct AttentionParts {
  Value query, keyTransposed, value, mask;
  float scale = 1.0f;
  MatMulOp output;
  SmallVector<Operation *> interior; // removed once the output is replaced
  // Shapes of the (masked) scores that the graph asks for; they are
  // computed from the shapes of the inputs instead.
  SmallVector<ShapeOp> scoreShapes;
};
} // namespace

static bool isRank4F32(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  return type.getRank() == 4 && type.getElementType().isF32();
}

static FailureOr<AttentionParts> matchAttention(SoftmaxOp softmax,
                                                std::string &why) {
  auto fail = [&](const Twine &reason) {
    why = reason.str();
    return failure();
  };
  AttentionParts parts;
  RankedTensorType type = softmax.getType();
  if (type.getRank() != 4 || !type.getElementType().isF32())
    return fail("scores are not a rank-4 f32 tensor");
  if (*normalizeAxis(softmax.getAxis(), 4) != 3)
    return fail("softmax is not along the keys (last axis)");
  if (!softmax->hasOneUse())
    return fail("the probabilities have other uses");
  parts.output = dyn_cast<MatMulOp>(*softmax->user_begin());
  if (!parts.output || parts.output.getLhs() != softmax.getResult())
    return fail("the probabilities do not multiply a value tensor");
  parts.value = parts.output.getRhs();
  parts.interior.push_back(softmax);

  // Scores, from the softmax back: an optional mask, an optional scale,
  // the product of queries and transposed keys.
  Value scores = softmax.getInput();
  // An interior op has one use in the subgraph; the scores the softmax
  // reads may also be asked for their whole shape.
  auto takeInterior = [&](Operation *op) -> LogicalResult {
    unsigned inside = 0;
    SmallVector<ShapeOp> shapes;
    for (Operation *user : op->getUsers()) {
      auto shape = dyn_cast<ShapeOp>(user);
      if (shape && op->getResult(0) == softmax.getInput() &&
          shape.getDimRange() == std::make_pair(int64_t(0), int64_t(4)))
        shapes.push_back(shape);
      else
        ++inside;
    }
    if (inside != 1)
      return failure();
    parts.interior.push_back(op);
    llvm::append_range(parts.scoreShapes, shapes);
    return success();
  };
  if (auto add = scores.getDefiningOp<AddOp>()) {
    Value lhs = add.getLhs(), rhs = add.getRhs();
    bool lhsIsScores = lhs.getDefiningOp<MatMulOp>() ||
                       lhs.getDefiningOp<MulOp>() || lhs.getDefiningOp<DivOp>();
    scores = lhsIsScores ? lhs : rhs;
    parts.mask = lhsIsScores ? rhs : lhs;
    if (failed(takeInterior(add)))
      return fail("the masked scores have other uses");
    auto maskType = cast<RankedTensorType>(parts.mask.getType());
    if (!maskType.getElementType().isF32() || maskType.getRank() > 4)
      return fail("the mask is not an f32 tensor of rank <= 4");
    if (!parts.scoreShapes.empty() && maskType.getRank() != 4)
      return fail("the masked scores' shape is used and the mask is not "
                  "rank 4");
  }
  if (auto mul = scores.getDefiningOp<MulOp>()) {
    std::optional<float> c = matchScalarF32(mul.getRhs());
    Value other = mul.getLhs();
    if (!c) {
      c = matchScalarF32(mul.getLhs());
      other = mul.getRhs();
    }
    if (!c)
      return fail("the scores are scaled by a non-constant");
    parts.scale = *c;
    scores = other;
    if (failed(takeInterior(mul)))
      return fail("the scaled scores have other uses");
  } else if (auto div = scores.getDefiningOp<DivOp>()) {
    std::optional<float> c = matchScalarF32(div.getRhs());
    if (!c || *c == 0.0f)
      return fail("the scores are divided by a non-constant");
    parts.scale = 1.0f / *c;
    scores = div.getLhs();
    if (failed(takeInterior(div)))
      return fail("the scaled scores have other uses");
  }
  auto product = scores.getDefiningOp<MatMulOp>();
  if (!product)
    return fail("the scores are not a product of queries and keys");
  if (failed(takeInterior(product)))
    return fail("the raw scores have other uses");
  parts.query = product.getLhs();
  parts.keyTransposed = product.getRhs();
  if (!isRank4F32(parts.query) || !isRank4F32(parts.keyTransposed) ||
      !isRank4F32(parts.value))
    return fail("queries, keys and values are not rank-4 f32 tensors");
  // Head counts known to disagree would not have multiplied.
  auto heads = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getDimSize(1);
  };
  int64_t queryHeads = heads(parts.query),
          keyHeads = heads(parts.keyTransposed);
  if (!ShapedType::isDynamic(queryHeads) && !ShapedType::isDynamic(keyHeads) &&
      queryHeads % keyHeads)
    return fail("query heads are not a multiple of key heads");
  return parts;
}

/// The shape of the (masked) scores from the shapes of the inputs: batch
/// dimensions broadcast, query rows, key columns, then the mask broadcast
/// (each dimension the larger: ONNX broadcasting of sizes >= 1).
static FailureOr<Value> scoresShape(OpBuilder &b, Location loc,
                                    AttentionParts &parts) {
  auto range = [&](Value v, int64_t start, int64_t end) {
    return createInferred<ShapeOp>(
        b, loc, {v},
        {b.getNamedAttr("start", b.getI64IntegerAttr(start)),
         b.getNamedAttr("end", b.getI64IntegerAttr(end))});
  };
  FailureOr<Value> qBatch = range(parts.query, 0, 2),
                   kBatch = range(parts.keyTransposed, 0, 2),
                   rows = range(parts.query, 2, 3),
                   columns = range(parts.keyTransposed, 3, 4);
  if (failed(qBatch) || failed(kBatch) || failed(rows) || failed(columns))
    return failure();
  FailureOr<Value> batch = createInferred<MaxOp>(b, loc, {*qBatch, *kBatch});
  if (failed(batch))
    return failure();
  FailureOr<Value> shape = createInferred<ConcatOp>(
      b, loc, {*batch, *rows, *columns},
      {b.getNamedAttr("axis", b.getI64IntegerAttr(0))});
  if (failed(shape) || !parts.mask)
    return shape;
  FailureOr<Value> maskShape = range(parts.mask, 0, 4);
  if (failed(maskShape))
    return failure();
  return createInferred<MaxOp>(b, loc, {*shape, *maskShape});
}

/// Replaces the subgraph with xf.attention; failure leaves it unchanged.
static LogicalResult raise(RewriterBase &rewriter, AttentionParts &parts) {
  Location loc = parts.output.getLoc();
  rewriter.setInsertionPoint(parts.output);
  if (!parts.scoreShapes.empty()) {
    // Before the first use: after the scores, so after every input.
    Operation *first = parts.scoreShapes.front();
    for (ShapeOp shape : parts.scoreShapes)
      if (shape->isBeforeInBlock(first))
        first = shape;
    rewriter.setInsertionPoint(first);
    FailureOr<Value> shape = scoresShape(rewriter, loc, parts);
    if (failed(shape))
      return failure();
    for (ShapeOp user : parts.scoreShapes)
      rewriter.replaceOp(user, *shape);
    rewriter.setInsertionPoint(parts.output);
  }
  FailureOr<Value> key = createInferred<TransposeOp>(
      rewriter, loc, {parts.keyTransposed},
      {rewriter.getNamedAttr("perm",
                             rewriter.getDenseI64ArrayAttr({0, 1, 3, 2}))});
  if (failed(key))
    return failure();
  SmallVector<Value> operands = {parts.query, *key, parts.value};
  if (parts.mask)
    operands.push_back(parts.mask);
  FailureOr<Value> attention = createInferred<AttentionOp>(
      rewriter, loc, operands,
      {rewriter.getNamedAttr("scale", rewriter.getF32FloatAttr(parts.scale))});
  if (failed(attention)) {
    rewriter.eraseOp(key->getDefiningOp());
    return failure();
  }
  Value result = *attention;
  if (result.getType() != parts.output.getType())
    result =
        tensor::CastOp::create(rewriter, loc, parts.output.getType(), result);
  rewriter.replaceOp(parts.output, result);
  for (Operation *op : parts.interior)
    rewriter.eraseOp(op);
  return success();
}

namespace {
struct RaiseAttentionPass
    : xf::impl::RaiseAttentionPassBase<RaiseAttentionPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<SoftmaxOp> softmaxes;
    getOperation().walk([&](SoftmaxOp op) { softmaxes.push_back(op); });
    for (SoftmaxOp softmax : softmaxes) {
      std::string why;
      FailureOr<AttentionParts> parts = matchAttention(softmax, why);
      if (succeeded(parts))
        (void)raise(rewriter, *parts);
    }
  }
};
} // namespace

void xf::printFusionReport(ModuleOp module, llvm::raw_ostream &os) {
  llvm::MapVector<StringRef, unsigned> formed;
  for (StringRef name : {"xf.attention", "xf.layer_norm", "xf.rms_norm",
                         "xf.linear", "xf.gated_mlp", "xf.rope", "xf.gelu"})
    formed[name] = 0;
  SmallVector<std::pair<Location, std::string>> unfused, unfusedDense;
  module.walk([&](Operation *op) {
    auto it = formed.find(op->getName().getStringRef());
    if (it != formed.end())
      ++it->second;
    // A product by weights (values computed from constants alone) outside
    // xf.linear is a dense layer left unfused.
    if (isa<MatMulOp, GemmOp, MatMulIntegerOp>(op) &&
        isComputedFromConstants(op->getOperand(1)))
      unfusedDense.emplace_back(
          op->getLoc(), isa<MatMulIntegerOp>(op)
                            ? "an integer product (xf.linear is f32 only)"
                            : "its operands are not ones xf.linear takes");
    // A softmax whose probabilities weight a matrix product is attention
    // left unfused; others (a router's) are not attention.
    auto softmax = dyn_cast<SoftmaxOp>(op);
    if (!softmax || llvm::none_of(softmax->getUsers(), [](Operation *user) {
          return isa<MatMulOp>(user);
        }))
      return;
    std::string why;
    if (succeeded(matchAttention(softmax, why)))
      why = "matches, but xf.attention does not accept its shapes";
    unfused.emplace_back(op->getLoc(), why);
  });
  os << "fusion report\n";
  for (auto [name, count] : formed)
    os << "  " << name << ": " << count << "\n";
  auto list = [&](StringRef what,
                  ArrayRef<std::pair<Location, std::string>> items) {
    os << "  " << what << ": " << items.size() << "\n";
    for (auto &[loc, why] : items) {
      std::string where = describeModelLocation(loc);
      os << "    " << (where.empty() ? "(no model location)" : where) << ": "
         << why << "\n";
    }
  };
  list("unfused attention subgraphs (softmax left)", unfused);
  list("products by weights outside xf.linear", unfusedDense);
}

//===- ShapeCanonicalization.cpp - collapse symbolic shape arithmetic -----===//
//
// With symbolic dimensions the exporters' shape arithmetic cannot fold to
// constants, but most of it restates sizes the tensors already carry:
// Reshape(x, Concat(Shape(x)[0], Shape(x)[1], 3, 32)) is Reshape(x, [0, 0,
// 3, 32]). These patterns trace each shape element to the tensor dimension
// it equals (DimTracing.h) and rewrite to the fewest ops.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/DimTracing.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

static Value createI64Vector(PatternRewriter &rewriter, Location loc,
                             ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    rewriter.getI64Type());
  auto attr = cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  return ConstantOp::create(rewriter, loc, type, attr);
}

namespace {
/// Gather(Shape(x), i) -> Gather(Shape(root), j) for the dimension `root[j]`
/// that `x[i]` traces to, so every copy of one symbolic size becomes the
/// same (CSE-able) computation.
struct GatherTracedDim : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto shape = op.getData().getDefiningOp<ShapeOp>();
    if (!shape)
      return rewriter.notifyMatchFailure(op, "not a gather from a shape");
    std::optional<SmallVector<int64_t>> indices =
        getConstantIntValues(op.getIndices());
    if (!indices || indices->size() != 1)
      return rewriter.notifyMatchFailure(op, "not one constant index");
    auto [first, end] = shape.getDimRange();
    int64_t index =
        (*indices)[0] < 0 ? (*indices)[0] + (end - first) : (*indices)[0];
    if (index < 0 || index >= end - first)
      return rewriter.notifyMatchFailure(op, "index out of range");
    DimRef from{shape.getData(), first + index};
    DimRef root = traceDim(from);
    bool canonical = root == from && shape.getStart() == 0 && !shape.getEnd() &&
                     (*indices)[0] >= 0;
    if (canonical)
      return rewriter.notifyMatchFailure(op, "already the traced dimension");
    Value rootShape = ShapeOp::create(
        rewriter, op.getLoc(),
        RankedTensorType::get(
            {cast<RankedTensorType>(root.value.getType()).getRank()},
            rewriter.getI64Type()),
        root.value, rewriter.getI64IntegerAttr(0), IntegerAttr());
    auto indexType = op.getIndices().getType();
    Value rootIndex = ConstantOp::create(
        rewriter, op.getLoc(), indexType,
        cast<ElementsAttr>(DenseElementsAttr::get(
            indexType,
            rewriter.getIntegerAttr(indexType.getElementType(), root.dim))));
    rewriter.replaceOpWithNewOp<GatherOp>(op, op.getType(), rootShape,
                                          rootIndex, op.getAxis());
    return success();
  }
};

/// Reshape to a computed shape whose entries are constants or copies of the
/// input's own dimensions -> Reshape to a constant shape (0 = copy). One
/// entry that is neither becomes -1: the element count implies it.
struct ReshapeToTracedShape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    if (getConstantIntValues(op.getShape()))
      return rewriter.notifyMatchFailure(op, "shape is already constant");
    if (op.getAllowzero())
      return rewriter.notifyMatchFailure(op, "allowzero: 0 is not a copy");
    std::optional<int64_t> length = getStaticVectorLength(op.getShape());
    if (!length)
      return rewriter.notifyMatchFailure(op, "shape of unknown length");
    int64_t inputRank = op.getData().getType().getRank();
    SmallVector<int64_t> shape;
    std::optional<int64_t> unknown;
    for (int64_t e = 0; e < *length; ++e) {
      std::optional<ShapeElement> element = getShapeElement(op.getShape(), e);
      if (element && element->constant) {
        shape.push_back(*element->constant);
        continue;
      }
      if (element && element->dim && e < inputRank &&
          traceDim({op.getData(), e}) == *element->dim) {
        shape.push_back(0);
        continue;
      }
      if (unknown)
        return rewriter.notifyMatchFailure(op, "more than one computed entry");
      unknown = e;
      shape.push_back(-1);
    }
    if (unknown && llvm::count(shape, -1) > 1)
      return rewriter.notifyMatchFailure(op, "the shape already has a -1");
    rewriter.modifyOpInPlace(op, [&] {
      op.getShapeMutable().assign(
          createI64Vector(rewriter, op.getLoc(), shape));
    });
    return success();
  }
};

/// Expand to a computed shape whose entries are constants or the input's
/// own (aligned) dimensions -> Expand to a constant shape (1 keeps a size).
struct ExpandToTracedShape : OpRewritePattern<ExpandOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ExpandOp op,
                                PatternRewriter &rewriter) const override {
    if (getConstantIntValues(op.getShape()))
      return rewriter.notifyMatchFailure(op, "shape is already constant");
    std::optional<int64_t> length = getStaticVectorLength(op.getShape());
    if (!length)
      return rewriter.notifyMatchFailure(op, "shape of unknown length");
    int64_t inputRank = op.getInput().getType().getRank();
    SmallVector<int64_t> shape;
    for (int64_t e = 0; e < *length; ++e) {
      std::optional<ShapeElement> element = getShapeElement(op.getShape(), e);
      int64_t aligned = e - (*length - inputRank);
      if (element && element->constant) {
        shape.push_back(*element->constant);
      } else if (element && element->dim && aligned >= 0 &&
                 traceDim({op.getInput(), aligned}) == *element->dim) {
        shape.push_back(1);
      } else {
        return rewriter.notifyMatchFailure(op, "an entry is computed");
      }
    }
    rewriter.modifyOpInPlace(op, [&] {
      op.getShapeMutable().assign(
          createI64Vector(rewriter, op.getLoc(), shape));
    });
    return success();
  }
};
} // namespace

void GatherOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                           MLIRContext *context) {
  patterns.add<GatherTracedDim>(context);
}

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<ReshapeToTracedShape>(context);
}

void ExpandOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                           MLIRContext *context) {
  patterns.add<ExpandToTracedShape>(context);
}

//===- Matmul.cpp - MatMul and Gemm as linalg contractions ----------------===//

#include "Broadcast.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/DimTracing.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

/// An accumulator of `type` filled with zeros; dynamic sizes from `sizes`.
static Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type,
                        ArrayRef<OpFoldResult> sizes) {
  Value empty = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  return linalg::FillOp::create(
             b, loc, createZero(b, loc, type.getElementType()), empty)
      .getResult(0);
}

/// `value`'s size along `dim`, static or read at run time.
static OpFoldResult sizeOf(OpBuilder &b, Location loc, Value value,
                           int64_t dim) {
  return tensor::getMixedSize(b, loc, value, dim);
}

/// The element-wise multiply-accumulate body of a contraction.
static void multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  Value product, sum;
  if (isa<FloatType>(args[0].getType())) {
    product = arith::MulFOp::create(b, loc, args[0], args[1]);
    sum = arith::AddFOp::create(b, loc, args[2], product);
  } else {
    product = arith::MulIOp::create(b, loc, args[0], args[1]);
    sum = arith::AddIOp::create(b, loc, args[2], product);
  }
  linalg::YieldOp::create(b, loc, sum);
}

/// A general contraction `[batch..., M, K] x [batch..., K, N]` (operands may
/// be transposed in their last two dimensions and have fewer, size-1 or
/// missing batch dimensions) as a linalg.generic.
static Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                              bool transposeLhs, bool transposeRhs,
                              RankedTensorType resultType,
                              ArrayRef<OpFoldResult> resultSizes) {
  int64_t rank = resultType.getRank(), batch = rank - 2;
  MLIRContext *ctx = b.getContext();
  AffineExpr m = getAffineDimExpr(batch, ctx),
             n = getAffineDimExpr(batch + 1, ctx),
             k = getAffineDimExpr(batch + 2, ctx);
  auto operandMap = [&](Value operand, AffineExpr rows, AffineExpr cols,
                        bool transposed) {
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t offset = rank - type.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i + 2 < type.getRank(); ++i)
      exprs.push_back(type.getDimSize(i) == 1 &&
                              resultType.getDimSize(offset + i) != 1
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(offset + i, ctx));
    exprs.push_back(transposed ? cols : rows);
    exprs.push_back(transposed ? rows : cols);
    return AffineMap::get(rank + 1, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < rank; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps = {operandMap(lhs, m, k, transposeLhs),
                                 operandMap(rhs, k, n, transposeRhs),
                                 AffineMap::get(rank + 1, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value init = zeroFilled(b, loc, resultType, resultSizes);
  return linalg::GenericOp::create(b, loc, TypeRange{resultType},
                                   ValueRange{lhs, rhs}, ValueRange{init}, maps,
                                   iterators, multiplyAccumulate)
      .getResult(0);
}

/// The product of operands of rank 2 or more, per MatMul's rules. 2-D
/// products and a stack of rows times one matrix become linalg.matmul; equal
/// batch dimensions linalg.batch_matmul; broadcast batches a generic
/// contraction. `lhsOrig`/`rhsOrig` are the xf values (for tracing);
/// `attrs` go on the linalg product (xf.full_precision).
static Value lowerMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value lhsOrig, Value rhsOrig,
                         RankedTensorType resultType,
                         ArrayRef<NamedAttribute> attrs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t lhsRank = lhsType.getRank(), rhsRank = rhsType.getRank();
  int64_t rank = resultType.getRank();

  if (rhsRank == 2) {
    // [..., M, K] x [K, N]: the leading dimensions fold into M.
    SmallVector<ReassociationIndices> groups = {
        llvm::to_vector(llvm::seq<int64_t>(0, lhsRank - 1)), {lhsRank - 1}};
    Value rows =
        lhsRank == 2
            ? lhs
            : tensor::CollapseShapeOp::create(b, loc, lhs, groups).getResult();
    auto rowsType = cast<RankedTensorType>(rows.getType());
    auto productType =
        RankedTensorType::get({rowsType.getDimSize(0), rhsType.getDimSize(1)},
                              resultType.getElementType());
    Value init = zeroFilled(b, loc, productType,
                            {sizeOf(b, loc, rows, 0), sizeOf(b, loc, rhs, 1)});
    Value product =
        linalg::MatmulOp::create(b, loc, TypeRange{productType},
                                 ValueRange{rows, rhs}, ValueRange{init}, attrs)
            .getResult(0);
    if (lhsRank == 2)
      return product;
    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i + 1 < lhsRank; ++i)
      sizes.push_back(sizeOf(b, loc, lhs, i));
    sizes.push_back(sizeOf(b, loc, rhs, 1));
    return tensor::ExpandShapeOp::create(b, loc, resultType, product, groups,
                                         sizes);
  }

  // Result sizes: M from lhs, N from rhs, a batch size from an operand that
  // has the dimension not as a static 1.
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0; i < rank; ++i) {
    if (i == rank - 1) {
      sizes.push_back(sizeOf(b, loc, rhs, rhsRank - 1));
    } else if (i == rank - 2) {
      sizes.push_back(sizeOf(b, loc, lhs, lhsRank - 2));
    } else {
      int64_t li = i - (rank - lhsRank), ri = i - (rank - rhsRank);
      bool fromLhs = li >= 0 && lhsType.getDimSize(li) != 1;
      sizes.push_back(fromLhs   ? sizeOf(b, loc, lhs, li)
                      : ri >= 0 ? sizeOf(b, loc, rhs, ri)
                                : b.getIndexAttr(1));
    }
  }
  // Batch dimensions both operands have must agree at run time unless they
  // are known equal.
  bool sameBatches = lhsRank == rank && rhsRank == rank;
  for (int64_t i = 0; i + 2 < rank && sameBatches; ++i) {
    int64_t l = lhsType.getDimSize(i), r = rhsType.getDimSize(i);
    if (ShapedType::isDynamic(l) && ShapedType::isDynamic(r)) {
      if (traceDim({lhsOrig, i}) == traceDim({rhsOrig, i}))
        continue;
      Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                       tensor::DimOp::create(b, loc, lhs, i),
                                       tensor::DimOp::create(b, loc, rhs, i));
      cf::AssertOp::create(b, loc, ok,
                           "MatMul batch dimensions differ at run time");
    } else if (l != r) {
      sameBatches = false; // one is a static 1 that broadcasts
    }
  }
  if (!sameBatches)
    return buildContraction(b, loc, lhs, rhs, false, false, resultType, sizes);

  // Equal batches: fold them into one and use linalg.batch_matmul.
  SmallVector<ReassociationIndices> groups = {
      llvm::to_vector(llvm::seq<int64_t>(0, rank - 2)), {rank - 2}, {rank - 1}};
  auto collapse = [&](Value v) {
    return rank == 3
               ? v
               : tensor::CollapseShapeOp::create(b, loc, v, groups).getResult();
  };
  Value l = collapse(lhs), r = collapse(rhs);
  auto lType = cast<RankedTensorType>(l.getType());
  auto productType =
      RankedTensorType::get({lType.getDimSize(0), lType.getDimSize(1),
                             cast<RankedTensorType>(r.getType()).getDimSize(2)},
                            resultType.getElementType());
  Value init = zeroFilled(
      b, loc, productType,
      {sizeOf(b, loc, l, 0), sizeOf(b, loc, l, 1), sizeOf(b, loc, r, 2)});
  Value product =
      linalg::BatchMatmulOp::create(b, loc, TypeRange{productType},
                                    ValueRange{l, r}, ValueRange{init}, attrs)
          .getResult(0);
  if (rank == 3)
    return product;
  return tensor::ExpandShapeOp::create(b, loc, resultType, product, groups,
                                       sizes);
}

namespace {
/// ONNX MatMul; rank-1 operands are promoted to matrices and the added
/// dimension removed from the product.
struct MatMulToLinalg : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    RankedTensorType resultType = op.getType();
    if (resultType.getElementType().isUnsignedInteger())
      return rewriter.notifyMatchFailure(op, "unsigned integer operands");
    auto promote = [&](Value v, bool asRow) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      if (type.getRank() != 1)
        return v;
      SmallVector<int64_t> shape =
          asRow ? SmallVector<int64_t>{1, type.getDimSize(0)}
                : SmallVector<int64_t>{type.getDimSize(0), 1};
      return tensor::ExpandShapeOp::create(
          rewriter, loc, type.clone(shape), v,
          SmallVector<ReassociationIndices>{{0, 1}},
          asRow ? SmallVector<OpFoldResult>{rewriter.getIndexAttr(1),
                                            sizeOf(rewriter, loc, v, 0)}
                : SmallVector<OpFoldResult>{sizeOf(rewriter, loc, v, 0),
                                            rewriter.getIndexAttr(1)});
    };
    SmallVector<NamedAttribute> attrs;
    if (Attribute full = op->getAttr(XFDialect::kFullPrecisionAttrName))
      attrs.push_back(
          rewriter.getNamedAttr(XFDialect::kFullPrecisionAttrName, full));
    bool lhsVector = op.getLhs().getType().getRank() == 1;
    bool rhsVector = op.getRhs().getType().getRank() == 1;
    if (!lhsVector && !rhsVector) {
      rewriter.replaceOp(op, lowerMatmul(rewriter, loc, lhs, rhs, op.getLhs(),
                                         op.getRhs(), resultType, attrs));
      return success();
    }
    // The product with the vector dimensions kept as size 1, then dropped.
    SmallVector<int64_t> shape(resultType.getShape());
    if (lhsVector)
      shape.insert(shape.end() - (rhsVector ? 0 : 1), 1);
    if (rhsVector)
      shape.push_back(1);
    auto fullType = resultType.clone(shape);
    Value full =
        lowerMatmul(rewriter, loc, promote(lhs, true), promote(rhs, false),
                    op.getLhs(), op.getRhs(), fullType, attrs);
    SmallVector<ReassociationIndices> groups;
    int64_t fullRank = fullType.getRank(), kept = resultType.getRank();
    for (int64_t i = 0; i < kept; ++i)
      groups.push_back({i});
    if (kept == 0)
      groups.clear();
    else
      for (int64_t i = kept; i < fullRank; ++i)
        groups.back().push_back(i);
    rewriter.replaceOp(op, tensor::CollapseShapeOp::create(
                               rewriter, loc, resultType, full, groups));
    return success();
  }
};

/// ONNX Gemm: alpha * op(A) * op(B) + beta * C.
struct GemmToLinalg : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Value a = adaptor.getA(), b = adaptor.getB();
    SmallVector<OpFoldResult> sizes = {
        sizeOf(rewriter, loc, a, op.getTransA() ? 1 : 0),
        sizeOf(rewriter, loc, b, op.getTransB() ? 0 : 1)};
    Value product = buildContraction(rewriter, loc, a, b, op.getTransA(),
                                     op.getTransB(), resultType, sizes);
    Type element = resultType.getElementType();
    float alpha = op.getAlpha().convertToFloat();
    float beta = op.getBeta().convertToFloat();
    Value c = adaptor.getC();
    if (alpha == 1.0f && (!c || beta == 0.0f)) {
      rewriter.replaceOp(op, product);
      return success();
    }
    SmallVector<Value> operands = {product};
    if (c && beta != 0.0f)
      operands.push_back(c);
    Value result = buildBroadcastGeneric(
        rewriter, loc, resultType, operands, {},
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          auto scaled = [&](Value v, float s) -> Value {
            if (s == 1.0f)
              return v;
            Value factor = arith::ConstantOp::create(
                nb, nl, element, nb.getFloatAttr(element, s));
            return arith::MulFOp::create(nb, nl, v, factor);
          };
          Value sum = scaled(args[0], alpha);
          if (args.size() > 1)
            sum = arith::AddFOp::create(nb, nl, sum, scaled(args[1], beta));
          return sum;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void populateMatmulToLinalgPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns) {
  patterns.add<MatMulToLinalg, GemmToLinalg>(converter, patterns.getContext());
}

} // namespace mlir::xf

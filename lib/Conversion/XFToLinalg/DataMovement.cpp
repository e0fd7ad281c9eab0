//===- DataMovement.cpp - constants and transposes ------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

namespace {
/// Weights stay `dense_resource` blobs: arith.constant takes them as they
/// are. Unsigned and sub-byte integers are reread as signless bytes (the
/// importer stores 4-bit values one to a byte, already sign- or
/// zero-extended).
struct ConstantToArith : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = toSignless(op.getType());
    Attribute value = op.getValue();
    if (type != op.getType()) {
      if (auto dense = dyn_cast<DenseElementsAttr>(value))
        value = DenseElementsAttr::getFromRawBuffer(type, dense.getRawData());
      else if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
        value = DenseResourceElementsAttr::get(type, resource.getRawHandle());
      else
        return rewriter.notifyMatchFailure(op, "unknown constant storage");
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type,
                                                   cast<TypedAttr>(value));
    return success();
  }
};

struct TransposeToLinalg : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t rank = op.getType().getRank();
    SmallVector<int64_t> perm =
        op.getPerm()
            ? SmallVector<int64_t>(*op.getPerm())
            : llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, rank)));
    SmallVector<OpFoldResult> sizes;
    for (int64_t p : perm)
      sizes.push_back(
          tensor::getMixedSize(rewriter, loc, adaptor.getData(), p));
    Value init = tensor::EmptyOp::create(
        rewriter, loc, sizes, toSignless(op.getType()).getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(
                               rewriter, loc, adaptor.getData(), init, perm)
                               .getResult());
    return success();
  }
};
} // namespace

void populateDataMovementToLinalgPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<ConstantToArith, TransposeToLinalg>(converter,
                                                   patterns.getContext());
}

} // namespace mlir::xf

//===- AttentionBuffers.cpp - xf.attention on buffers (CUDA) -------------===//
//
// The CUDA target computes attention with a kernel of its own, built on
// buffers once deallocations are placed (xf-gpu-attention): the kernel's
// barriers and shuffles have no declared memory effects, which the
// deallocation pipeline needs. Until then the op travels as
// xf.attention_buffers on the operands' buffers and the result's.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

namespace {
/// The widest head size the kernel keeps in shared memory and registers.
constexpr int64_t kMaxHeadSize = 128;

struct AttentionToBuffers : OpConversionPattern<AttentionOp> {
  AttentionToBuffers(const TypeConverter &converter, MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType qType = op.getQuery().getType();
    auto vType = cast<RankedTensorType>(op.getValue().getType());
    int64_t depth = qType.getDimSize(3), valueDepth = vType.getDimSize(3);
    auto headSizeFits = [](int64_t size) {
      return !ShapedType::isDynamic(size) && size % 4 == 0 &&
             size <= kMaxHeadSize;
    };
    if (!qType.getElementType().isF32() || !headSizeFits(depth) ||
        !headSizeFits(valueDepth))
      return rewriter.notifyMatchFailure(
          op, "f32 with static head sizes, multiples of 4 up to 128");
    Value mask = adaptor.getMask();
    if (!isFusedAttentionMask(mask))
      return rewriter.notifyMatchFailure(op, "an f32 or i1 mask, rank <= 4");
    Location loc = op.getLoc();
    // Any layout: the kernel indexes through strides.
    auto buffer = [&](Value tensor) -> Value {
      auto type = cast<RankedTensorType>(tensor.getType());
      SmallVector<int64_t> strides(type.getRank(), ShapedType::kDynamic);
      auto layout =
          StridedLayoutAttr::get(getContext(), ShapedType::kDynamic, strides);
      return bufferization::ToBufferOp::create(
          rewriter, loc,
          MemRefType::get(type.getShape(), type.getElementType(), layout),
          tensor, /*read_only=*/true);
    };
    SmallVector<Value> operands = {buffer(adaptor.getQuery()),
                                   buffer(adaptor.getKey()),
                                   buffer(adaptor.getValue())};
    if (mask)
      operands.push_back(buffer(mask));
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < 4; ++d)
      if (resultType.isDynamicDim(d))
        sizes.push_back(tensor::DimOp::create(
            rewriter, loc, d == 3 ? adaptor.getValue() : adaptor.getQuery(),
            d));
    auto outType =
        MemRefType::get(resultType.getShape(), resultType.getElementType());
    Value out = memref::AllocOp::create(rewriter, loc, outType, sizes);

    AttentionBuffersOp::create(rewriter, loc, operands[0], operands[1],
                               operands[2], mask ? operands[3] : Value(), out,
                               rewriter.getBoolAttr(op.getCausal()),
                               rewriter.getF32FloatAttr(getAttentionScale(op)));
    rewriter.replaceOpWithNewOp<bufferization::ToTensorOp>(
        op, resultType, out, /*restrict=*/true, /*writable=*/true);
    return success();
  }
};
} // namespace

void populateAttentionBuffersPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<AttentionToBuffers>(converter, patterns.getContext());
}

} // namespace mlir::xf

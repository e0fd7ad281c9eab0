//===- AttentionToBuffers.cpp - xf.attention on buffers (CUDA) -----------===//
//
// The CUDA target computes attention with a kernel of its own, built on
// buffers once deallocations are placed (xf-gpu-attention): the kernel's
// barriers and shuffles have no declared memory effects, which the
// deallocation pipeline needs. Until then the op travels as
// xf.attention_buffers on the operands' buffers and the result's. This
// runs before xf-convert-to-linalg, which decomposes the attention left.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Codegen/Common/FusedAttention.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {
#define GEN_PASS_DEF_ATTENTIONTOBUFFERSPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"

namespace {
/// The widest head size the kernel keeps in shared memory and registers.
constexpr int64_t kMaxHeadSize = 128;

struct AttentionToBuffers : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
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
    Value mask = op.getMask();
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
    SmallVector<Value> operands = {buffer(op.getQuery()), buffer(op.getKey()),
                                   buffer(op.getValue())};
    if (mask)
      operands.push_back(buffer(mask));
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < 4; ++d)
      if (resultType.isDynamicDim(d))
        sizes.push_back(tensor::DimOp::create(
            rewriter, loc, d == 3 ? op.getValue() : op.getQuery(), d));
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

struct AttentionToBuffersPass
    : impl::AttentionToBuffersPassBase<AttentionToBuffersPass> {
  void runOnOperation() override {
    // A walk: nothing else in the function is folded or erased.
    RewritePatternSet patterns(&getContext());
    patterns.add<AttentionToBuffers>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

} // namespace mlir::xf

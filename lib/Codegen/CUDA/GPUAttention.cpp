//===- GPUAttention.cpp - xf.attention_buffers as a fused CUDA kernel -----===//
//
// Attention without the [Sq, Sk] score matrix, in f32, tiled as the op's
// #xf.kernel_config says (so far: 32 queries, 4 lanes each, 32 keys a
// step): each block takes a tile of queries of one batch and head, a few
// neighbouring threads (lanes) per query, each thread holding every
// lanes-th element of the query and of the output (so the lanes read
// neighbouring words). The block walks the keys a tile at a time: it stages the
// key and value rows in shared memory, then each query group forms its scores
// (partial dot products summed across the lanes with shuffles) and folds them
// into a running maximum, sum and output (the online softmax). Causal attention
// ends the walk after the last key the block's last query sees; grouped query
// heads read their key/value head in place; a mask broadcasts at run time.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/Support/MathExtras.h"
#include <limits>

namespace mlir::xf {
#define GEN_PASS_DEF_GPUATTENTIONPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// How the kernel splits the work: the op's #xf.kernel_config (simt,
/// tile = [queries, keys]; threads / queries lanes per query), checked
/// against what this generator builds for the op's head sizes.
struct AttentionSizes {
  KernelConfigAttr config;
  int64_t queries, keys, threads, lanes;

  static FailureOr<AttentionSizes> get(AttentionBuffersOp op, int64_t depth,
                                       int64_t valueDepth) {
    auto config = op->getAttrOfType<KernelConfigAttr>(KernelConfigAttr::kName);
    if (!config)
      return op.emitError() << "xf-gpu-attention: the attention has no "
                               "xf.kernel_config (xf-select-cuda-kernel-"
                               "configs chooses one)";
    if (config.getKind() != KernelKind::Simt || config.getStages() != 1)
      return op.emitError() << "xf-gpu-attention: builds simt kernels of one "
                               "stage, not "
                            << config;
    AttentionSizes sizes{config, config.getTile()[0], config.getTile()[1],
                         config.getThreads(),
                         config.getThreads() / config.getTile()[0]};
    // A query's lanes are neighbouring lanes of one warp, which sum their
    // partial scores with shuffles; each holds every lanes-th element.
    if (!llvm::isPowerOf2_64(sizes.lanes) || sizes.lanes > 32)
      return op.emitError() << "xf-gpu-attention: " << sizes.lanes
                            << " lanes per query is not a power of two up "
                               "to 32";
    for (int64_t columns : {depth, valueDepth})
      if (columns % sizes.lanes != 0 ||
          sizes.keys * columns % sizes.threads != 0)
        return op.emitError()
               << "xf-gpu-attention: heads of " << columns
               << " do not split over " << sizes.lanes << " lanes and "
               << sizes.threads << " threads staging " << sizes.keys << " keys";
    return sizes;
  }
};

class AttentionKernelBuilder {
public:
  AttentionKernelBuilder(ImplicitLocOpBuilder &b, AttentionBuffersOp op,
                         const AttentionSizes &sizes)
      : b(b), op(op), sizes(sizes) {
    depth = headSize(op.getQuery());
    valueDepth = headSize(op.getValue());
  }

  static int64_t headSize(Value buffer) {
    return cast<MemRefType>(buffer.getType()).getDimSize(3);
  }

  void build() {
    Value q = op.getQuery(), k = op.getKey();
    Value batches = dim(q, 0), heads = dim(q, 1);
    sq = dim(q, 2);
    sk = dim(k, 2);
    group = arith::DivUIOp::create(b, heads, dim(k, 1));
    shift = arith::SubIOp::create(b, sk, sq); // key j visible: j <= i + shift
    // Which mask dimensions broadcast, known on the host.
    if (Value mask = op.getMask())
      for (int64_t d = 0; d < cast<MemRefType>(mask.getType()).getRank(); ++d)
        maskBroadcasts.push_back(arith::CmpIOp::create(
            b, arith::CmpIPredicate::eq, dim(mask, d), index(1)));

    Attribute shared = gpu::AddressSpaceAttr::get(
        b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
    auto tile = [&](int64_t columns) {
      return MemRefType::get({sizes.keys, columns}, b.getF32Type(),
                             MemRefLayoutAttrInterface(), shared);
    };
    auto launch = gpu::LaunchOp::create(
        b, arith::CeilDivUIOp::create(b, sq, index(sizes.queries)), heads,
        batches, index(sizes.threads), index(1), index(1), nullptr, nullptr,
        ValueRange(), TypeRange{tile(depth), tile(valueDepth)});
    b.setInsertionPointToStart(&launch.getBody().front());
    keyTile = launch.getWorkgroupAttributions()[0];
    valueTile = launch.getWorkgroupAttributions()[1];
    thread = launch.getThreadIds().x;
    part = arith::RemUIOp::create(b, thread, index(sizes.lanes));
    batch = launch.getBlockIds().z;
    head = launch.getBlockIds().y;
    keyHead = arith::DivUIOp::create(b, head, group);
    Value firstQuery =
        arith::MulIOp::create(b, launch.getBlockIds().x, index(sizes.queries));
    query = arith::AddIOp::create(
        b, firstQuery, arith::DivUIOp::create(b, thread, index(sizes.lanes)));
    queryValid = arith::CmpIOp::create(b, arith::CmpIPredicate::ult, query, sq);
    // Threads past the last query compute on query 0 and write nothing.
    Value row = arith::SelectOp::create(b, queryValid, query, index(0));
    Value scale = constant(op.getScale().convertToDouble());
    for (int64_t i = 0; i < depth / sizes.lanes; ++i)
      queryPart.push_back(arith::MulFOp::create(
          b,
          memref::LoadOp::create(b, q,
                                 ValueRange{batch, head, row, element(i)}),
          scale));

    // Causal: no key past the one the block's last query sees.
    Value keyEnd = sk;
    if (op.getCausal()) {
      Value lastQuery = arith::MinUIOp::create(
          b, arith::AddIOp::create(b, firstQuery, index(sizes.queries - 1)),
          arith::SubIOp::create(b, sq, index(1)));
      Value seen = arith::AddIOp::create(
          b, arith::AddIOp::create(b, lastQuery, shift), index(1));
      keyEnd = arith::MaxSIOp::create(b, index(0),
                                      arith::MinSIOp::create(b, sk, seen));
    }
    SmallVector<Value> state = {
        constant(-std::numeric_limits<double>::infinity()), constant(0)};
    state.append(valueDepth / sizes.lanes, constant(0));
    auto tiles = scf::ForOp::create(
        b, index(0), arith::CeilDivUIOp::create(b, keyEnd, index(sizes.keys)),
        index(1), state);
    // The kernel shows what it was built from.
    tiles->setAttr(KernelConfigAttr::kName, sizes.config);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(tiles.getBody());
      Value first =
          arith::MulIOp::create(b, tiles.getInductionVar(), index(sizes.keys));
      stage(op.getKey(), keyTile, depth, first);
      stage(op.getValue(), valueTile, valueDepth, first);
      gpu::BarrierOp::create(b);
      auto keys = scf::ForOp::create(b, index(0), index(sizes.keys), index(1),
                                     tiles.getRegionIterArgs());
      {
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPointToStart(keys.getBody());
        scf::YieldOp::create(
            b,
            absorbKey(arith::AddIOp::create(b, first, keys.getInductionVar()),
                      keys.getInductionVar(), keys.getRegionIterArgs()));
      }
      gpu::BarrierOp::create(b);
      scf::YieldOp::create(b, keys.getResults());
    }
    writeOutput(tiles.getResults());
    gpu::TerminatorOp::create(b);
  }

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value constant(double v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
  }
  Value dim(Value memref, int64_t d) {
    return memref::DimOp::create(b, memref, d);
  }
  /// The element this thread holds at position `i` of its quarter.
  Value element(int64_t i) {
    return arith::AddIOp::create(b, part, index(i * sizes.lanes));
  }

  /// Rows [first, first + sizes.keys) of `source`'s head in `tile`, zeros past
  /// the last key; consecutive threads read consecutive elements.
  void stage(Value source, Value tile, int64_t columns, Value first) {
    for (int64_t n = 0; n < sizes.keys * columns / sizes.threads; ++n) {
      Value e = arith::AddIOp::create(b, thread, index(n * sizes.threads));
      Value r = arith::DivUIOp::create(b, e, index(columns));
      Value c = arith::RemUIOp::create(b, e, index(columns));
      Value key = arith::AddIOp::create(b, first, r);
      Value inside =
          arith::CmpIOp::create(b, arith::CmpIPredicate::ult, key, sk);
      auto read = scf::IfOp::create(b, b.getF32Type(), inside, true);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(read.thenBlock());
        scf::YieldOp::create(
            b, memref::LoadOp::create(b, source,
                                      ValueRange{batch, keyHead, key, c})
                   .getResult());
        b.setInsertionPointToStart(read.elseBlock());
        scf::YieldOp::create(b, constant(0));
      }
      memref::StoreOp::create(b, read.getResult(0), tile, ValueRange{r, c});
    }
  }

  /// The online softmax's step for key `key` (row `row` of the tiles):
  /// state is (running maximum, running sum, output quarter).
  SmallVector<Value> absorbKey(Value key, Value row, ValueRange state) {
    Value partial = constant(0);
    for (int64_t i = 0; i < depth / sizes.lanes; ++i)
      partial = math::FmaOp::create(
          b, queryPart[i],
          memref::LoadOp::create(b, keyTile, ValueRange{row, element(i)}),
          partial);
    // The four threads of a query are neighbouring lanes.
    Value score = partial;
    for (int32_t offset = 1; offset < sizes.lanes; offset *= 2)
      score = arith::AddFOp::create(
          b, score,
          gpu::ShuffleOp::create(b, score, offset, 32, gpu::ShuffleMode::XOR)
              .getShuffleResult());

    Value visible = arith::AndIOp::create(
        b, queryValid,
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, key, sk));
    if (op.getCausal())
      visible = arith::AndIOp::create(
          b, visible,
          arith::CmpIOp::create(b, arith::CmpIPredicate::sle, key,
                                arith::AddIOp::create(b, query, shift)));
    if (Value mask = op.getMask()) {
      Value value = loadMask(mask, key);
      if (value.getType().isInteger(1))
        visible = arith::AndIOp::create(b, visible, value);
      else
        score = arith::AddFOp::create(b, score, value);
    }
    // A score of -inf adds nothing (and exp(-inf - -inf) would be NaN).
    visible = arith::AndIOp::create(
        b, visible,
        arith::CmpFOp::create(
            b, arith::CmpFPredicate::OGT, score,
            constant(-std::numeric_limits<double>::infinity())));

    Value max = state[0], sum = state[1];
    Value newMax = arith::MaximumFOp::create(b, max, score);
    Value correction =
        math::ExpOp::create(b, arith::SubFOp::create(b, max, newMax));
    Value weight =
        math::ExpOp::create(b, arith::SubFOp::create(b, score, newMax));
    SmallVector<Value> next = {
        arith::SelectOp::create(b, visible, newMax, max),
        arith::SelectOp::create(
            b, visible, math::FmaOp::create(b, sum, correction, weight), sum)};
    for (int64_t i = 0; i < valueDepth / sizes.lanes; ++i) {
      Value v =
          memref::LoadOp::create(b, valueTile, ValueRange{row, element(i)});
      Value updated = math::FmaOp::create(
          b, weight, v, arith::MulFOp::create(b, state[2 + i], correction));
      next.push_back(
          arith::SelectOp::create(b, visible, updated, state[2 + i]));
    }
    return next;
  }

  /// mask[b, h, i, j] with the mask's leading and size-1 dimensions
  /// broadcast; indices clamped into range for threads that see nothing.
  Value loadMask(Value mask, Value key) {
    Value keyRow = arith::SelectOp::create(
        b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, key, sk), key,
        index(0));
    Value queryRow = arith::SelectOp::create(b, queryValid, query, index(0));
    Value full[4] = {batch, head, queryRow, keyRow};
    int64_t rank = maskBroadcasts.size();
    SmallVector<Value> indices;
    for (int64_t d = 0; d < rank; ++d)
      indices.push_back(arith::SelectOp::create(b, maskBroadcasts[d], index(0),
                                                full[4 - rank + d]));
    return memref::LoadOp::create(b, mask, indices);
  }

  /// out = output / sum, zeros for a query that saw no key.
  void writeOutput(ValueRange state) {
    auto write = scf::IfOp::create(b, queryValid);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(write.thenBlock());
    Value sum = state[1];
    Value seen =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, sum, constant(0));
    Value divisor = arith::SelectOp::create(b, seen, sum, constant(1));
    for (int64_t i = 0; i < valueDepth / sizes.lanes; ++i)
      memref::StoreOp::create(
          b, arith::DivFOp::create(b, state[2 + i], divisor), op.getResult(),
          ValueRange{batch, head, query, element(i)});
  }

  ImplicitLocOpBuilder &b;
  AttentionBuffersOp op;
  AttentionSizes sizes;
  int64_t depth, valueDepth;
  Value sq, sk, group, shift, keyTile, valueTile, thread, part, batch, head,
      keyHead, query, queryValid;
  SmallVector<Value> queryPart, maskBroadcasts;
};

struct GPUAttentionPass : xf::impl::GPUAttentionPassBase<GPUAttentionPass> {
  void runOnOperation() override {
    SmallVector<AttentionBuffersOp> ops;
    getOperation().walk([&](AttentionBuffersOp op) { ops.push_back(op); });
    for (AttentionBuffersOp op : ops) {
      FailureOr<AttentionSizes> sizes = AttentionSizes::get(
          op, AttentionKernelBuilder::headSize(op.getQuery()),
          AttentionKernelBuilder::headSize(op.getValue()));
      if (failed(sizes))
        return signalPassFailure();
      ImplicitLocOpBuilder b(op.getLoc(), op.getOperation());
      AttentionKernelBuilder(b, op, *sizes).build();
      op.erase();
    }
  }
};
} // namespace

//===- CPUAttention.cpp - xf.attention as a tiled online softmax ---------===//
//
// Attention without the [Sq, Sk] score matrix: for each batch and query
// head, blocks of queries meet blocks of keys; a running row maximum, row
// sum and output accumulator (the online softmax) absorb one key block at
// a time, so the scores of a block live only while it is processed.
// Causal attention stops each query block's key loop after the last key it
// can see: blocks wholly above the diagonal are never computed. A mask given
// as data (how exporters write causality) is checked per block: a block it
// hides wholly is skipped once every row has seen a visible key. Grouped
// query heads read their key/value head in place (head h uses h / group);
// only K is copied once, transposed to [B, Hkv, D, Sk], so that both
// products of a block are plain matrix products the CPU kernels block.
// The block sizes are the op's #xf.kernel_config (vector, tile = [queries,
// keys]), which xf-select-cpu-kernel-configs chooses.
//
//===----------------------------------------------------------------------===//

#include "CPUKernels.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Codegen/Common/FusedAttention.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include <limits>

namespace mlir::xf {
#define GEN_PASS_DEF_CPUATTENTIONPASS
#include "xfc/Codegen/CPU/Passes.h.inc"

namespace {
constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

/// Index arithmetic and small linalg ops on f32 tiles.
class TileBuilder {
public:
  TileBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  Value dim(Value t, int64_t d) { return tensor::DimOp::create(b, loc, t, d); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }

  /// A tile of `shape` (dynamic sizes as values) filled with `value`.
  Value filled(ArrayRef<OpFoldResult> shape, double value) {
    Value empty = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
    return linalg::FillOp::create(b, loc, f32(value), empty).getResult(0);
  }

  /// The 2-D (rows x columns) slice at `offsets` of a rank-4 tensor whose
  /// first two dimensions are taken one element wide.
  Value slice(Value t, ArrayRef<OpFoldResult> offsets, OpFoldResult rows,
              OpFoldResult columns) {
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                       rows, columns};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    auto extent = [](OpFoldResult size) {
      return getConstantIntValue(size).value_or(ShapedType::kDynamic);
    };
    auto type = RankedTensorType::get(
        {extent(rows), extent(columns)},
        cast<RankedTensorType>(t.getType()).getElementType());
    return tensor::ExtractSliceOp::create(b, loc, type, t, offsets, sizes,
                                          strides);
  }

  /// A generic over a `rank`-dimensional space (the last one a reduction
  /// when `reduce`) from `inputs` into `init`.
  Value generic(ValueRange inputs, ArrayRef<AffineMap> inputMaps, Value init,
                AffineMap initMap, unsigned rank, bool reduce,
                function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    SmallVector<AffineMap> maps(inputMaps);
    maps.push_back(initMap);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    if (reduce)
      iterators.back() = utils::IteratorType::reduction;
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, inputs, ValueRange{init},
               maps, iterators,
               [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                 linalg::YieldOp::create(nested, nestedLoc,
                                         body(nested, nestedLoc, args));
               })
        .getResult(0);
  }

  OpBuilder &b;
  Location loc;
};

/// For each of the 4 mask dimensions, its index for a given score
/// position: 0 where the mask has size 1 there (broadcast), else the
/// position's own.
struct MaskIndexing {
  Value mask;
  SmallVector<Value> broadcast; // i1 per dimension: size 1 at run time
};

/// The loop nest of one attention op, in blocks of `queriesPerBlock`
/// queries by `keysPerBlock` keys.
struct AttentionLoops {
  int64_t queriesPerBlock, keysPerBlock;

  /// The op's blocks: its #xf.kernel_config, checked against what this
  /// generator builds; an error at the op when it has none or another.
  static FailureOr<AttentionLoops> get(AttentionOp op) {
    auto config = op->getAttrOfType<KernelConfigAttr>(KernelConfigAttr::kName);
    if (!config)
      return op->emitError() << "xf-cpu-attention: the attention has no "
                                "xf.kernel_config (xf-select-cpu-kernel-"
                                "configs chooses one)";
    if (config.getKind() != KernelKind::Vector || config.getTile().size() != 2)
      return op->emitError() << "xf-cpu-attention: builds vector kernels with "
                                "tile = [queries, keys], not "
                             << config;
    return AttentionLoops{config.getTile()[0], config.getTile()[1]};
  }

  /// Replaces `op` with its loop nest; the outer loop keeps the op's
  /// configuration.
  void build(RewriterBase &rewriter, AttentionOp op) const {
    Location loc = op.getLoc();
    Value mask = op.getMask();
    double scale = getAttentionScale(op);
    TileBuilder t(rewriter, loc);
    Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
    Value batch = t.dim(q, 0), heads = t.dim(q, 1), sq = t.dim(q, 2),
          depth = t.dim(q, 3), sk = t.dim(k, 2), valueDepth = t.dim(v, 3);
    Value group = t.div(heads, t.dim(k, 1));
    Value shift =
        t.sub(sk, sq); // key j is visible from query i: j <= i + shift

    // K^T: [B, Hkv, D, Sk].
    SmallVector<OpFoldResult> kTSizes = {
        tensor::getMixedSize(rewriter, loc, k, 0),
        tensor::getMixedSize(rewriter, loc, k, 1),
        tensor::getMixedSize(rewriter, loc, k, 3),
        tensor::getMixedSize(rewriter, loc, k, 2)};
    Value kT = linalg::TransposeOp::create(
                   rewriter, loc, k,
                   tensor::EmptyOp::create(rewriter, loc, kTSizes,
                                           rewriter.getF32Type()),
                   ArrayRef<int64_t>{0, 1, 3, 2})
                   .getResult()[0];

    // The mask as rank 4 (leading unit dimensions), with which of its
    // dimensions broadcast at run time.
    MaskIndexing masking;
    if (mask) {
      auto maskType = cast<RankedTensorType>(mask.getType());
      int64_t missing = 4 - maskType.getRank();
      if (missing > 0) {
        SmallVector<int64_t> shape(missing, 1);
        llvm::append_range(shape, maskType.getShape());
        SmallVector<ReassociationIndices> groups;
        for (int64_t d = 0; d < maskType.getRank(); ++d) {
          ReassociationIndices g;
          if (d == 0)
            for (int64_t i = 0; i < missing; ++i)
              g.push_back(i);
          g.push_back(d + missing);
          groups.push_back(g);
        }
        if (maskType.getRank() == 0)
          mask = tensor::ExpandShapeOp::create(
              rewriter, loc, maskType.clone(shape), mask,
              ArrayRef<ReassociationIndices>{});
        else
          mask = tensor::ExpandShapeOp::create(
              rewriter, loc, maskType.clone(shape), mask, groups);
      }
      masking.mask = mask;
      for (int64_t d = 0; d < 4; ++d)
        masking.broadcast.push_back(
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                  t.dim(mask, d), t.index(1)));
    }

    Value zero = t.index(0), one = t.index(1);
    SmallVector<OpFoldResult> outSizes = {
        batch, heads, sq, tensor::getMixedSize(rewriter, loc, v, 3)};
    Value out =
        tensor::EmptyOp::create(rewriter, loc, outSizes, rewriter.getF32Type());
    // One iteration per (batch, head, query block): enough independent
    // pieces for the threads even with few heads.
    Value blocks =
        arith::CeilDivUIOp::create(rewriter, loc, sq, t.index(queriesPerBlock));
    auto perHead = scf::ForOp::create(
        rewriter, loc, zero, t.mul(t.mul(batch, heads), blocks), one,
        ValueRange{out},
        [&](OpBuilder &b1, Location, Value iteration, ValueRange outer) {
          TileBuilder t1(b1, loc);
          Value bh = t1.div(iteration, blocks);
          Value q0 =
              t1.mul(t1.rem(iteration, blocks), t1.index(queriesPerBlock));
          Value b = t1.div(bh, heads), h = t1.rem(bh, heads);
          Value kvh = t1.div(h, group);
          Value rows = t1.min(t1.index(queriesPerBlock), t1.sub(sq, q0));
          Value end = sk;
          if (op.getCausal())
            end = t1.max(t1.index(0),
                         t1.min(sk, t1.add(t1.add(q0, rows), shift)));
          Value block = queryBlock(t1, op, q, kT, v, masking, b, h, kvh, q0,
                                   rows, end, depth, valueDepth, shift, scale);
          SmallVector<OpFoldResult> offsets = {b, h, q0, b1.getIndexAttr(0)};
          SmallVector<OpFoldResult> sizes = {
              b1.getIndexAttr(1), b1.getIndexAttr(1), rows, valueDepth};
          SmallVector<OpFoldResult> strides(4, b1.getIndexAttr(1));
          Value updated = tensor::InsertSliceOp::create(
              b1, loc, block, outer[0], offsets, sizes, strides);
          scf::YieldOp::create(b1, loc, updated);
        });
    perHead->setAttr("xf.parallel", rewriter.getUnitAttr());
    // The kernel shows what it was built from.
    perHead->setAttr(KernelConfigAttr::kName,
                     op->getAttr(KernelConfigAttr::kName));
    Value result = perHead.getResult(0);
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
  }

  /// The output rows [q0, q0 + rows) of head h: [rows, Dv].
  Value queryBlock(TileBuilder &t, AttentionOp op, Value q, Value kT, Value v,
                   const MaskIndexing &masking, Value b, Value h, Value kvh,
                   Value q0, Value rows, Value end, Value depth,
                   Value valueDepth, Value shift, double scale) const {
    OpBuilder &builder = t.b;
    Location loc = t.loc;
    MLIRContext *ctx = builder.getContext();
    Value qTile = t.slice(q, {b, h, q0, builder.getIndexAttr(0)}, rows, depth);
    Value m0 = t.filled({rows}, kMinusInf);
    Value l0 = t.filled({rows}, 0.0);
    Value a0 = t.filled({rows, valueDepth}, 0.0);
    AffineExpr i = getAffineDimExpr(0, ctx), j = getAffineDimExpr(1, ctx);
    auto map = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(2, 0, exprs, ctx);
    };
    // Over (row, column): the tile and its row's entry; over rows alone.
    AffineMap both = map({i, j}), row = map({i});
    AffineMap rows1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    auto keys = scf::ForOp::create(
        builder, loc, t.index(0), end, t.index(keysPerBlock),
        ValueRange{m0, l0, a0},
        [&](OpBuilder &outerBuilder, Location, Value k0, ValueRange state) {
          TileBuilder outer(outerBuilder, loc);
          Value columns =
              outer.min(outer.index(keysPerBlock), outer.sub(end, k0));
          // The block's contribution, folded into `state`.
          auto absorb = [&](OpBuilder &b3) -> SmallVector<Value> {
            TileBuilder t3(b3, loc);
            Value kTile =
                t3.slice(kT, {b, kvh, b3.getIndexAttr(0), k0}, depth, columns);
            Value vTile = t3.slice(v, {b, kvh, k0, b3.getIndexAttr(0)}, columns,
                                   valueDepth);
            Value products = linalg::MatmulOp::create(
                                 b3, loc, ValueRange{qTile, kTile},
                                 ValueRange{t3.filled({rows, columns}, 0.0)})
                                 .getResult(0);
            Value scores = maskedScores(t3, op, products, masking, b, h, q0, k0,
                                        shift, scale, rows, columns);
            Value m = state[0], l = state[1], acc = state[2];
            // The block's row maximum; with the running one m, the block's
            // probabilities and the factor by which earlier sums shrink. The
            // new running maximum overwrites m last, after its last reader,
            // so that every loop-carried value stays in its own buffer.
            Value minusInf = t3.f32(kMinusInf);
            Value zeroF = t3.f32(0.0), oneF = t3.f32(1.0);
            auto maximum = [](OpBuilder &b, Location l, ValueRange a) -> Value {
              return arith::MaximumFOp::create(b, l, a[0], a[1]);
            };
            Value blockMax =
                t3.generic({scores}, {both}, t3.filled({rows}, kMinusInf), row,
                           2, true, maximum);
            // exp(x - max(m, blockMax)), or `ifDead` where both are -inf.
            auto safeExp = [&](OpBuilder &b, Location l, Value x, Value m,
                               Value mb, Value ifDead) -> Value {
              Value max = arith::MaximumFOp::create(b, l, m, mb);
              Value dead = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OEQ, max, minusInf);
              Value e = math::ExpOp::create(
                  b, l, arith::SubFOp::create(b, l, x, max));
              return arith::SelectOp::create(b, l, dead, ifDead, e);
            };
            Value probabilities = t3.generic(
                {scores, m, blockMax}, {both, row, row},
                tensor::EmptyOp::create(b3, loc,
                                        ArrayRef<OpFoldResult>{rows, columns},
                                        b3.getF32Type()),
                both, 2, false, [&](OpBuilder &b, Location l, ValueRange a) {
                  return safeExp(b, l, a[0], a[1], a[2], zeroF);
                });
            Value correction = t3.generic(
                {m, blockMax}, {rows1, rows1},
                tensor::EmptyOp::create(b3, loc, ArrayRef<OpFoldResult>{rows},
                                        b3.getF32Type()),
                rows1, 1, false, [&](OpBuilder &b, Location l, ValueRange a) {
                  return safeExp(b, l, a[0], a[0], a[1], oneF);
                });
            // x (a row vector or a tile) times its row's correction.
            auto scaled = [&](Value x, unsigned rank) {
              AffineMap xMap = rank == 1 ? rows1 : both;
              AffineMap byRow = rank == 1 ? rows1 : row;
              // In place: the body reads x as the output it rewrites (were x
              // an input, canonicalization would give the op a new output).
              return t3.generic({correction}, {byRow}, x, xMap, rank, false,
                                [](OpBuilder &b, Location l, ValueRange a) {
                                  return arith::MulFOp::create(b, l, a[0],
                                                               a[1]);
                                });
            };
            Value newSum =
                t3.generic({probabilities}, {both}, scaled(l, 1), row, 2, true,
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::AddFOp::create(b, l, a[0], a[1]);
                           });
            Value newAcc = linalg::MatmulOp::create(
                               b3, loc, ValueRange{probabilities, vTile},
                               ValueRange{scaled(acc, 2)})
                               .getResult(0);
            Value newMax =
                t3.generic({blockMax}, {rows1}, m, rows1, 1, false, maximum);
            return {newMax, newSum, newAcc};
          };
          if (!masking.mask) {
            scf::YieldOp::create(outerBuilder, loc, absorb(outerBuilder));
            return;
          }
          // A block the mask hides wholly, once every row has seen a
          // visible key, adds exactly nothing (exp of the masked scores
          // minus a finite maximum is 0): skip it. Masks given as data
          // (exporters' causal masks) skip their blocks above the diagonal
          // this way.
          Value skip = arith::AndIOp::create(
              outerBuilder, loc,
              hiddenBlock(outer, masking, b, h, q0, k0, rows, columns),
              everyRowSeen(outer, state[0]));
          auto choice = scf::IfOp::create(
              outerBuilder, loc, skip,
              [&](OpBuilder &then, Location) {
                scf::YieldOp::create(then, loc, state);
              },
              [&](OpBuilder &otherwise, Location) {
                scf::YieldOp::create(otherwise, loc, absorb(otherwise));
              });
          scf::YieldOp::create(outerBuilder, loc, choice.getResults());
        });
    // Rows that saw no visible key (their sum is 0) are zeros.
    Value sum = keys.getResult(1), acc = keys.getResult(2);
    Value zeroF = t.f32(0.0);
    return t.generic(
        {sum}, {row}, acc, both, 2, false,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value dead = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                             a[0], zeroF);
          Value normalized = arith::DivFOp::create(b, l, a[1], a[0]);
          return arith::SelectOp::create(b, l, dead, zeroF, normalized);
        });
  }

  /// The mask's entry for query i and key j (broadcast dimensions read at
  /// index 0), inside a generic's body.
  static Value maskAt(OpBuilder &nb, Location l, const MaskIndexing &masking,
                      Value b, Value h, Value i, Value j) {
    Value zero = arith::ConstantIndexOp::create(nb, l, 0);
    SmallVector<Value> positions = {b, h, i, j}, at;
    for (auto [d, position] : llvm::enumerate(positions))
      at.push_back(
          arith::SelectOp::create(nb, l, masking.broadcast[d], zero, position));
    return tensor::ExtractOp::create(nb, l, masking.mask, at);
  }

  /// Whether a mask entry hides its score: false in a boolean mask, at
  /// most -1e30 in an additive one (exporters write the lowest float).
  static Value hides(OpBuilder &nb, Location l, Value m) {
    if (m.getType().isInteger(1))
      return arith::XOrIOp::create(
          nb, l, m, arith::ConstantOp::create(nb, l, nb.getBoolAttr(true)));
    return arith::CmpFOp::create(
        nb, l, arith::CmpFPredicate::OLE, m,
        arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(-1e30f)));
  }

  /// Whether `predicate` holds at every point of the `rank`-dimensional
  /// space the inputs span: an i1.
  static Value
  forAll(TileBuilder &t, ValueRange inputs, ArrayRef<AffineMap> maps,
         unsigned rank,
         function_ref<Value(OpBuilder &, Location, ValueRange)> predicate) {
    OpBuilder &builder = t.b;
    Value init =
        linalg::FillOp::create(
            builder, t.loc,
            arith::ConstantOp::create(builder, t.loc, builder.getBoolAttr(true))
                .getResult(),
            tensor::EmptyOp::create(builder, t.loc, ArrayRef<int64_t>{},
                                    builder.getI1Type())
                .getResult())
            .getResult(0);
    SmallVector<AffineMap> all(maps);
    all.push_back(AffineMap::get(rank, 0, {}, builder.getContext()));
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    Value result =
        linalg::GenericOp::create(
            builder, t.loc, TypeRange{init.getType()}, inputs, ValueRange{init},
            all, iterators,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value holds = predicate(nb, l, args.drop_back());
              linalg::YieldOp::create(
                  nb, l,
                  arith::AndIOp::create(nb, l, args.back(), holds).getResult());
            })
            .getResult(0);
    return tensor::ExtractOp::create(builder, t.loc, result, ValueRange{});
  }

  /// Whether the mask hides every score of the block.
  static Value hiddenBlock(TileBuilder &t, const MaskIndexing &masking, Value b,
                           Value h, Value q0, Value k0, Value rows,
                           Value columns) {
    // The [rows, columns] space to iterate, as an (unread) empty tile.
    Value space = tensor::EmptyOp::create(
        t.b, t.loc, ArrayRef<OpFoldResult>{rows, columns}, t.b.getF32Type());
    AffineMap both = AffineMap::getMultiDimIdentityMap(2, t.b.getContext());
    return forAll(
        t, {space}, {both}, 2, [&](OpBuilder &nb, Location l, ValueRange) {
          Value i = arith::AddIOp::create(nb, l, q0,
                                          linalg::IndexOp::create(nb, l, 0));
          Value j = arith::AddIOp::create(nb, l, k0,
                                          linalg::IndexOp::create(nb, l, 1));
          return hides(nb, l, maskAt(nb, l, masking, b, h, i, j));
        });
  }

  /// Whether every row's running maximum comes from a visible score.
  static Value everyRowSeen(TileBuilder &t, Value runningMax) {
    AffineMap row = AffineMap::getMultiDimIdentityMap(1, t.b.getContext());
    return forAll(
        t, {runningMax}, {row}, 1,
        [](OpBuilder &nb, Location l, ValueRange a) -> Value {
          return arith::CmpFOp::create(
              nb, l, arith::CmpFPredicate::OGT, a[0],
              arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(-1e30f)));
        });
  }

  /// scale * products, with the mask and the causal limit applied.
  static Value maskedScores(TileBuilder &t, AttentionOp op, Value products,
                            const MaskIndexing &masking, Value b, Value h,
                            Value q0, Value k0, Value shift, double scale,
                            Value rows, Value columns) {
    MLIRContext *ctx = t.b.getContext();
    AffineMap both = AffineMap::getMultiDimIdentityMap(2, ctx);
    Value scaleF = t.f32(scale);
    Value minusInf = t.f32(kMinusInf);
    Value init = tensor::EmptyOp::create(
        t.b, t.loc, ArrayRef<OpFoldResult>{rows, columns}, t.b.getF32Type());
    bool causal = op.getCausal();
    return t.generic(
        {products}, {both}, init, both, 2, false,
        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          Value s = arith::MulFOp::create(nb, l, a[0], scaleF);
          Value i = arith::AddIOp::create(nb, l, q0,
                                          linalg::IndexOp::create(nb, l, 0));
          Value j = arith::AddIOp::create(nb, l, k0,
                                          linalg::IndexOp::create(nb, l, 1));
          if (masking.mask) {
            Value m = maskAt(nb, l, masking, b, h, i, j);
            s = m.getType().isInteger(1)
                    ? arith::SelectOp::create(nb, l, m, s, minusInf)
                    : arith::AddFOp::create(nb, l, s, m).getResult();
          }
          if (causal) {
            Value hidden =
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt, j,
                                      arith::AddIOp::create(nb, l, i, shift));
            s = arith::SelectOp::create(nb, l, hidden, minusInf, s);
          }
          return s;
        });
  }
};
} // namespace

bool isCPUAttention(AttentionOp op) {
  RankedTensorType qType = op.getQuery().getType();
  return qType.getElementType().isF32() &&
         (op.getScale() || !ShapedType::isDynamic(qType.getDimSize(3))) &&
         isFusedAttentionMask(op.getMask());
}

namespace {
struct CPUAttentionPass : impl::CPUAttentionPassBase<CPUAttentionPass> {
  void runOnOperation() override {
    SmallVector<AttentionOp> ops;
    getOperation().walk([&](AttentionOp op) {
      if (isCPUAttention(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (AttentionOp op : ops) {
      FailureOr<AttentionLoops> loops = AttentionLoops::get(op);
      if (failed(loops)) {
        signalPassFailure();
        continue;
      }
      rewriter.setInsertionPoint(op);
      loops->build(rewriter, op);
    }
  }
};
} // namespace

} // namespace mlir::xf

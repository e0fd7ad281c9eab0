//===- SparseMatmul.cpp - products that read only a weight's nonzeros -----===//
//
// A product by a constant weight with many zeros (pruned by xf-sparsify or
// before the model reached xfc) reads only the nonzero values and one mask
// bit per weight. Each output column's K is cut into chunks of one vector
// (L lanes); per chunk the column keeps an L-bit mask of its nonzeros and
// the nonzero values in K order. For a row, the kernel loads L values from
// where the chunk's values start, spreads them to the mask's lanes
// (xf.expand_lanes: vexpandps), multiplies the chunk of the row and moves
// on by the mask's population count:
//
//   y[m, n] = sum over chunks j of reduce_add(expand(values[p..], mask[n, j])
//                                              * x[m, jL .. jL + L])
//
// so 2:4 reads 4 * 0.5 + 1/8 bytes per weight instead of 4, and 90% zeros
// 0.525. The weight is packed at compile time per tile of C columns: the
// masks [tiles, chunks, C] and one stream of values per tile, chunk by
// chunk and column by column, with where each tile's stream starts. Tiles
// are the parallel loop. Rows go R at a time through a tile expanded once
// into a dense [chunks, C, L] scratch (the expansion then costs little per
// row; blocking K to keep the scratch in the L1 cache measured 4-5% slower
// at 128 rows), the rest one by one expanding each chunk as they read it
// (one token reads the packed weight and nothing else); the R x C sums are
// reduced across lanes once at the end. The weight's #xf.kernel_config
// (from xf-select-cpu-kernel-configs) gives R, C and the ISA: avx512
// expands with its intrinsic on 16 lanes; vector, on 8 portable lanes.
//
//===----------------------------------------------------------------------===//

#include "CPUKernels.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ElementsBytes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_CPUSPARSEMATMULPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {

/// A sparse weight as the kernel reads it, built at compile time.
struct PackedWeight {
  /// [tiles, chunks, columns] masks of `lanes` bits, lane l for K = jL + l.
  Value masks;
  /// The nonzero values, tile by tile, then `lanes` zeros (the last chunk's
  /// full-vector load stays inside).
  Value values;
  /// [tiles] i64: where each tile's values start.
  Value starts;
  int64_t n, k, chunks, tiles;
};

class SparseMatmulBuilder {
public:
  SparseMatmulBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  /// Packs the constant `weight` ([K, N], or [N, K] when `transposed`).
  FailureOr<PackedWeight> pack(ConstantOp weight, bool transposed,
                               const WeightTiles &geometry);

  /// `input` [M, K] (f32) times the packed weight: [M, N].
  Value build(Value input, const PackedWeight &weight,
              const WeightTiles &geometry);

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  OpBuilder &b;
  Location loc;
};
} // namespace

/// Chunks of K and tiles of columns of a [K, N] weight.
static std::pair<int64_t, int64_t> sparseLayout(int64_t k, int64_t n,
                                                const WeightTiles &geometry) {
  return {(k + geometry.lanes - 1) / geometry.lanes,
          (n + geometry.columns - 1) / geometry.columns};
}

int64_t mlir::xf::sparseWeightBytes(int64_t k, int64_t n, int64_t nonzeros,
                                    const WeightTiles &geometry) {
  auto [chunks, tiles] = sparseLayout(k, n, geometry);
  // What pack allocates: the masks, the values and a vector of padding,
  // where each tile starts.
  return tiles * chunks * geometry.columns * geometry.lanes / 8 +
         4 * (nonzeros + geometry.lanes) + 8 * tiles;
}

FailureOr<PackedWeight> SparseMatmulBuilder::pack(ConstantOp weight,
                                                  bool transposed,
                                                  const WeightTiles &geometry) {
  ElementsAttr attr = weight.getValue();
  std::optional<ArrayRef<float>> data = getF32Elements(attr);
  if (!data)
    return failure();
  ArrayRef<int64_t> shape = weight.getType().getShape();
  int64_t k = shape[transposed ? 1 : 0], n = shape[transposed ? 0 : 1];
  auto at = [&](int64_t kk, int64_t col) {
    return transposed ? (*data)[col * k + kk] : (*data)[kk * n + col];
  };
  int64_t lanes = geometry.lanes, columns = geometry.columns;
  int64_t chunks, tiles;
  std::tie(chunks, tiles) = sparseLayout(k, n, geometry);
  // Visits the nonzeros in the kernel's order: tile, chunk, column, K.
  auto forEachNonzero = [&](auto &&visit) {
    for (int64_t t = 0; t < tiles; ++t)
      for (int64_t j = 0; j < chunks; ++j)
        for (int64_t c = 0; c < columns; ++c) {
          int64_t col = t * columns + c;
          for (int64_t l = 0; l < lanes && col < n && j * lanes + l < k; ++l)
            if (float v = at(j * lanes + l, col); v != 0.0f)
              visit(t, j, c, l, v);
        }
  };
  int64_t nonzeros = 0;
  forEachNonzero(
      [&](int64_t, int64_t, int64_t, int64_t, float) { ++nonzeros; });

  Type f32 = b.getF32Type(), i64 = b.getI64Type();
  Type maskType = b.getIntegerType(lanes);
  auto masksType = RankedTensorType::get({tiles, chunks, columns}, maskType);
  auto valuesType = RankedTensorType::get({nonzeros + lanes}, f32);
  auto startsType = RankedTensorType::get({tiles}, i64);
  std::vector<uint64_t> masks(tiles * chunks * columns, 0);
  std::vector<int64_t> starts(tiles, nonzeros);
  auto valuesAttr =
      deriveResource(attr, valuesType, ".sparse_values", [&](char *out) {
        auto *values = reinterpret_cast<float *>(out);
        int64_t count = 0;
        forEachNonzero(
            [&](int64_t t, int64_t j, int64_t c, int64_t l, float v) {
              starts[t] = std::min(starts[t], count);
              masks[(t * chunks + j) * columns + c] |= uint64_t{1} << l;
              values[count++] = v;
            });
        std::fill(values + count, values + count + lanes, 0.0f);
      });
  // A tile with no nonzeros starts where the next one does.
  for (int64_t t = tiles - 2; t >= 0; --t)
    starts[t] = std::min(starts[t], starts[t + 1]);
  int64_t maskBytes = lanes / 8;
  auto masksAttr =
      deriveResource(attr, masksType, ".sparse_masks", [&](char *out) {
        for (uint64_t mask : masks) {
          std::memcpy(out, &mask, maskBytes); // little-endian: low bytes
          out += maskBytes;
        }
      });
  auto startsAttr =
      deriveResource(attr, startsType, ".sparse_starts", [&](char *out) {
        std::memcpy(out, starts.data(), starts.size() * sizeof(int64_t));
      });
  PackedWeight packed;
  packed.masks = arith::ConstantOp::create(b, loc, masksType, masksAttr);
  packed.values = arith::ConstantOp::create(b, loc, valuesType, valuesAttr);
  packed.starts = arith::ConstantOp::create(b, loc, startsType, startsAttr);
  packed.n = n;
  packed.k = k;
  packed.chunks = chunks;
  packed.tiles = tiles;
  return packed;
}

Value SparseMatmulBuilder::build(Value input, const PackedWeight &weight,
                                 const WeightTiles &geometry) {
  Type f32 = b.getF32Type();
  int64_t lanes = geometry.lanes, columns = geometry.columns;
  input = padColumns(b, loc, input, weight.chunks * lanes);
  Value rows = tensor::DimOp::create(b, loc, input, 0);
  Value output = tensor::EmptyOp::create(
      b, loc, RankedTensorType::get({ShapedType::kDynamic, weight.n}, f32),
      ValueRange{rows});
  auto floatVector = VectorType::get({lanes}, f32);
  auto maskWord = VectorType::get({1}, b.getIntegerType(lanes));
  auto maskVector = VectorType::get({lanes}, b.getI1Type());
  auto sumsVector = VectorType::get({columns}, f32);
  StringAttr intrinsic;
  if (geometry.kind == KernelKind::Avx512)
    intrinsic = b.getStringAttr("llvm.x86.avx512.mask.expand.v16f32");
  Value c0 = index(0), c1 = index(1);
  Value f32Pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));

  // Column c's chunk j of tile `tile`, whose values start at `at`: the
  // chunk's vector and where the next chunk's values start.
  auto expandChunk = [&](Value tile, Value j, int64_t c,
                         Value at) -> std::pair<Value, Value> {
    Value mask = tensor::ExtractOp::create(b, loc, weight.masks,
                                           ValueRange{tile, j, index(c)});
    Value bits = vector::BitCastOp::create(
        b, loc, maskVector,
        vector::BroadcastOp::create(b, loc, maskWord, mask));
    Value packed = vector::TransferReadOp::create(b, loc, floatVector,
                                                  weight.values, ValueRange{at},
                                                  f32Pad, ArrayRef<bool>{true});
    Value w =
        ExpandLanesOp::create(b, loc, floatVector, packed, bits, intrinsic);
    Value next = arith::AddIOp::create(
        b, loc, at,
        arith::IndexCastUIOp::create(b, loc, b.getIndexType(),
                                     math::CtPopOp::create(b, loc, mask)));
    return {w, next};
  };
  auto tileStart = [&](Value tile) -> Value {
    return arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        tensor::ExtractOp::create(b, loc, weight.starts, ValueRange{tile}));
  };

  // Rows [row, row + count) of tile `tile`, into `out`: from the tile
  // expanded once into `dense` [chunks, columns, lanes] where given, else
  // expanding each chunk as it comes.
  auto rowBlock = [&](OpBuilder &ob, Value tile, Value row, int64_t count,
                      Value dense, Value out) -> Value {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ob.getInsertionBlock(), ob.getInsertionPoint());
    int64_t accs = count * columns;
    SmallVector<Value> rowIndex;
    for (int64_t r = 0; r < count; ++r)
      rowIndex.push_back(arith::AddIOp::create(b, loc, row, index(r)));
    SmallVector<Value> init(
        accs, arith::ConstantOp::create(b, loc, floatVector,
                                        b.getZeroAttr(floatVector)));
    init.insert(init.begin(), dense ? c0 : tileStart(tile));
    auto chunkLoop = scf::ForOp::create(
        b, loc, c0, index(weight.chunks), c1, init,
        [&](OpBuilder &cb, Location, Value j, ValueRange carried) {
          OpBuilder::InsertionGuard inner(b);
          b.setInsertionPointToEnd(cb.getInsertionBlock());
          Value k0 = arith::MulIOp::create(b, loc, j, index(lanes));
          SmallVector<Value> xs;
          for (int64_t r = 0; r < count; ++r)
            xs.push_back(vector::TransferReadOp::create(
                b, loc, floatVector, input, ValueRange{rowIndex[r], k0}, f32Pad,
                ArrayRef<bool>{true}));
          Value at = carried[0];
          SmallVector<Value> next(carried.drop_front());
          for (int64_t c = 0; c < columns; ++c) {
            Value w;
            if (dense)
              w = vector::TransferReadOp::create(b, loc, floatVector, dense,
                                                 ValueRange{j, index(c), c0},
                                                 f32Pad, ArrayRef<bool>{true});
            else
              std::tie(w, at) = expandChunk(tile, j, c, at);
            for (int64_t r = 0; r < count; ++r) {
              Value &acc = next[r * columns + c];
              acc = vector::FMAOp::create(b, loc, w, xs[r], acc);
            }
          }
          next.insert(next.begin(), at);
          scf::YieldOp::create(b, loc, next);
        });
    Value firstColumn = arith::MulIOp::create(b, loc, tile, index(columns));
    // The last tile's columns past N are not written (masked stores).
    bool wholeTiles = weight.n % columns == 0;
    for (int64_t r = 0; r < count; ++r) {
      SmallVector<Value> sums;
      for (int64_t c = 0; c < columns; ++c)
        // In any order: a tree of shuffles, not a chain of scalar adds.
        sums.push_back(vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD,
            chunkLoop.getResult(1 + r * columns + c),
            arith::FastMathFlags::reassoc));
      Value sumVector =
          vector::FromElementsOp::create(b, loc, sumsVector, sums);
      out = vector::TransferWriteOp::create(
                b, loc, sumVector, out, ValueRange{rowIndex[r], firstColumn},
                ArrayRef<bool>{wholeTiles})
                .getResult();
    }
    return out;
  };

  // Tile `tile` expanded: [chunks, columns, lanes], zeros where the weight
  // has them.
  auto expandTile = [&](Value tile) -> Value {
    Value dense = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{weight.chunks, columns, lanes}, f32);
    auto loop = scf::ForOp::create(
        b, loc, c0, index(weight.chunks), c1,
        ValueRange{tileStart(tile), dense},
        [&](OpBuilder &cb, Location, Value j, ValueRange carried) {
          OpBuilder::InsertionGuard inner(b);
          b.setInsertionPointToEnd(cb.getInsertionBlock());
          Value at = carried[0], tensor = carried[1];
          for (int64_t c = 0; c < columns; ++c) {
            Value w;
            std::tie(w, at) = expandChunk(tile, j, c, at);
            tensor = vector::TransferWriteOp::create(
                         b, loc, w, tensor, ValueRange{j, index(c), c0},
                         ArrayRef<bool>{true})
                         .getResult();
          }
          scf::YieldOp::create(b, loc, ValueRange{at, tensor});
        });
    return loop.getResult(1);
  };

  // Per tile of columns: blocks of R rows on the tile expanded once (its
  // expansion then costs little per row), the rest one by one expanding
  // each chunk (one token reads the packed weight and nothing else).
  int64_t blockRows = geometry.rows;
  Value fullRows = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, rows, index(blockRows)),
      index(blockRows));
  Value anyBlock =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, fullRows, c0);
  auto tileLoop = scf::ForOp::create(
      b, loc, c0, index(weight.tiles), c1, ValueRange{output},
      [&](OpBuilder &tb, Location, Value tile, ValueRange tileArgs) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToEnd(tb.getInsertionBlock());
        auto blocks = scf::IfOp::create(
            b, loc, anyBlock,
            [&](OpBuilder &then, Location) {
              OpBuilder::InsertionGuard inner(b);
              b.setInsertionPointToEnd(then.getInsertionBlock());
              Value dense = expandTile(tile);
              auto loop = scf::ForOp::create(
                  b, loc, c0, fullRows, index(blockRows), tileArgs,
                  [&](OpBuilder &rb, Location, Value row, ValueRange out) {
                    scf::YieldOp::create(
                        rb, loc,
                        rowBlock(rb, tile, row, blockRows, dense, out[0]));
                  });
              scf::YieldOp::create(b, loc, loop.getResults());
            },
            [&](OpBuilder &other, Location) {
              scf::YieldOp::create(other, loc, tileArgs);
            });
        auto rest = scf::ForOp::create(
            b, loc, fullRows, rows, c1, blocks.getResults(),
            [&](OpBuilder &rb, Location, Value row, ValueRange out) {
              scf::YieldOp::create(rb, loc,
                                   rowBlock(rb, tile, row, 1, Value(), out[0]));
            });
        scf::YieldOp::create(b, loc, rest.getResults());
      });
  tileLoop->setAttr("xf.parallel", b.getUnitAttr());
  return tileLoop.getResult(0);
}

/// The kernel's geometry from a weight's configuration, if it has one this
/// generator builds.
static std::optional<WeightTiles> getGeometry(ConstantOp weight) {
  return WeightTiles::get(weight, {KernelKind::Vector, KernelKind::Avx512});
}

namespace {
struct CPUSparseMatmulPass
    : xf::impl::CPUSparseMatmulPassBase<CPUSparseMatmulPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto configuredWeight = [](Value v, bool &transposed) -> ConstantOp {
      ConstantOp weight = getConstantWeight(v, transposed);
      return weight && getGeometry(weight) ? weight : ConstantOp();
    };
    // A layer's weight is its operand itself (transposed or not, the
    // decomposition's product reads the constant).
    if (failed(decomposeLayersReading(func, [](Value v) {
          auto constant = v.getDefiningOp<ConstantOp>();
          return constant && getGeometry(constant);
        })))
      return signalPassFailure();

    SmallVector<MatMulOp> products;
    func.walk([&](MatMulOp op) {
      bool transposed;
      if (configuredWeight(op.getRhs(), transposed) &&
          op.getLhs().getType().getElementType().isF32() &&
          op.getLhs().getType().getRank() >= 2)
        products.push_back(op);
    });
    // Each weight is packed once, where it is defined, for all its products.
    DenseMap<std::pair<Operation *, int>, FailureOr<PackedWeight>> packed;
    llvm::SetVector<Operation *> weights;
    for (MatMulOp op : products) {
      bool transposed;
      ConstantOp weight = configuredWeight(op.getRhs(), transposed);
      WeightTiles geometry = *getGeometry(weight);
      auto [entry, isNew] =
          packed.try_emplace({weight, transposed ? 1 : 0}, failure());
      if (isNew) {
        OpBuilder at(weight);
        entry->second = SparseMatmulBuilder(at, weight.getLoc())
                            .pack(weight, transposed, geometry);
      }
      if (failed(entry->second))
        continue;
      const PackedWeight &kernelWeight = *entry->second;
      weights.insert(weight);
      Operation *rhs = op.getRhs().getDefiningOp();
      replaceProductByRows(op, kernelWeight.k, kernelWeight.n,
                           [&](OpBuilder &b, Value input) {
                             return SparseMatmulBuilder(b, op.getLoc())
                                 .build(input, kernelWeight, geometry);
                           });
      if (rhs != weight && rhs->use_empty())
        rhs->erase();
    }
    for (Operation *weight : weights)
      if (weight->use_empty())
        weight->erase();
  }
};
} // namespace

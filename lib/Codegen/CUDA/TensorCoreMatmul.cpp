//===- TensorCoreMatmul.cpp - matrix products on the tensor cores ---------===//
//
// Each f32 `linalg.matmul` or `linalg.batch_matmul` on buffers becomes a
// launch computing it with warp-level matrix instructions: `mma.sync`
// m16n8k16 with bf16 operands (NVVM's op: nvgpu.mma.sync has no bf16) or
// m16n8k8 with tf32 ones, f32 accumulators. A block of 4 warps computes a
// 64x64 tile of the output; each warp a 32x32 part of it as 2x4 tiles of
// 16x8. For each 32-deep slice of the reduction the block stages the
// operands' tiles in shared memory (bf16: rounded on the way; rows padded by
// 16 bytes against bank conflicts), and each warp loads its fragments with
// `ldmatrix` (bf16: B transposed, as it is stored row-major; tf32: B element
// by element, as ldmatrix transposes only 16-bit elements). Partial tiles at
// the edges read zeros and write only what exists. The product is added to
// the output, as the linalg op's semantics want. A bf16 right operand
// (xf-cuda-bf16-weights' copy of a constant) is moved into shared memory
// as it is, with asynchronous copies; one that a dequantization writes is
// computed while staged (DequantizationFusion.h).
//
//===----------------------------------------------------------------------===//

#include "DequantizationFusion.h"
#include "TensorCoreProducts.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"

namespace mlir::xf {
#define GEN_PASS_DEF_TENSORCOREMATMULPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
// The instruction's tile.
constexpr int64_t kMmaM = 16, kMmaN = 8;
// Shared-memory rows stay 16-byte aligned (ldmatrix reads 16-byte rows).
constexpr int64_t kPadBytes = 16;
// bf16 elements per 16-byte asynchronous copy.
constexpr int64_t kChunk = xf::kBF16ChunkElements;

/// A block's tile and how its warps share it: the product's
/// #xf.kernel_config, checked against what this generator builds.
struct MatmulTiles {
  xf::KernelConfigAttr config;
  int64_t m, n, k, warpM, warpN, threads;

  int64_t warpsN() const { return n / warpN; }
  int64_t fragmentsM() const { return warpM / kMmaM; }
  int64_t fragmentsN() const { return warpN / kMmaN; }

  /// The tiles of `op`'s configuration; an error at `op` when it has none
  /// or one this generator does not build.
  static FailureOr<MatmulTiles> get(Operation *op) {
    FailureOr<xf::KernelConfigAttr> found = xf::getSingleStageConfig(
        op, xf::KernelKind::MmaSync, "xf-tensor-core-matmul");
    if (failed(found))
      return failure();
    xf::KernelConfigAttr config = *found;
    ArrayRef<int64_t> tile = config.getTile(), warp = config.getWarpTile();
    MatmulTiles tiles{config,
                      tile[0],
                      tile[1],
                      tile[2],
                      warp[0],
                      warp[1],
                      config.getThreads()};
    // Staging: consecutive threads take a tile row's columns, the block
    // whole rows at a time; B's bf16 copy moves in 8-element chunks.
    for (auto [rows, cols] :
         {std::pair(tiles.m, tiles.k), std::pair(tiles.k, tiles.n)})
      if (tiles.threads % cols != 0 || rows % (tiles.threads / cols) != 0)
        return op->emitError() << "xf-tensor-core-matmul: " << tiles.threads
                               << " threads do not stage a [" << rows << ", "
                               << cols << "] tile in whole rows";
    if (tiles.k * (tiles.n / kChunk) % tiles.threads != 0)
      return op->emitError() << "xf-tensor-core-matmul: " << tiles.threads
                             << " threads do not split the [" << tiles.k << ", "
                             << tiles.n << "] tile of B into 8-element copies";
    return tiles;
  }
};

/// Builds the kernel for one product. `batched` operands have a leading
/// batch dimension, which the grid's z dimension walks.
class KernelBuilder {
public:
  /// A bf16 `rhs` (with chunked rows) is copied as it is.
  /// `rhsProducer`, when given, is the element-wise op that writes `rhs`
  /// from constants (dequantization), computed while staging instead.
  KernelBuilder(ImplicitLocOpBuilder &b, const MatmulTiles &tiles, Value lhs,
                Value rhs, Value out, bool batched, bool tf32,
                linalg::GenericOp rhsProducer = {})
      : b(b), tiles(tiles), lhs(lhs), rhs(rhs), out(out),
        rhsProducer(rhsProducer),
        copiesRhs(cast<MemRefType>(rhs.getType()).getElementType().isBF16()),
        batched(batched), tf32(tf32),
        element(tf32 ? Type(b.getF32Type()) : Type(b.getBF16Type())),
        mmaK(tf32 ? 8 : 16),
        pad(kPadBytes / (element.getIntOrFloatBitWidth() / 8)) {}

  void build() {
    int64_t rank = cast<MemRefType>(out.getType()).getRank();
    rows = memref::DimOp::create(b, out, rank - 2);
    cols = memref::DimOp::create(b, out, rank - 1);
    depth = memref::DimOp::create(b, lhs, rank - 1);
    Value batches =
        batched ? memref::DimOp::create(b, out, 0).getResult() : index(1);
    Value gridX = arith::CeilDivUIOp::create(b, cols, index(tiles.n));
    Value gridY = arith::CeilDivUIOp::create(b, rows, index(tiles.m));
    Attribute shared = gpu::AddressSpaceAttr::get(
        b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
    auto lhsTileType = MemRefType::get({tiles.m, tiles.k + pad}, element,
                                       MemRefLayoutAttrInterface(), shared);
    auto rhsTileType = MemRefType::get({tiles.k, tiles.n + pad}, element,
                                       MemRefLayoutAttrInterface(), shared);
    auto launch = gpu::LaunchOp::create(
        b, gridX, gridY, batches, index(tiles.threads), index(1), index(1),
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/ValueRange(),
        TypeRange{lhsTileType, rhsTileType});
    b.setInsertionPointToStart(&launch.getBody().front());
    lhsTile = launch.getWorkgroupAttributions()[0];
    rhsTile = launch.getWorkgroupAttributions()[1];
    Value thread = launch.getThreadIds().x;
    warp = arith::DivUIOp::create(b, thread, index(32));
    lane = arith::RemUIOp::create(b, thread, index(32));
    batch = launch.getBlockIds().z;
    rowBase = arith::MulIOp::create(b, launch.getBlockIds().y, index(tiles.m));
    colBase = arith::MulIOp::create(b, launch.getBlockIds().x, index(tiles.n));
    warpRow = arith::MulIOp::create(
        b, arith::DivUIOp::create(b, warp, index(tiles.warpsN())),
        index(tiles.warpM));
    warpCol = arith::MulIOp::create(
        b, arith::RemUIOp::create(b, warp, index(tiles.warpsN())),
        index(tiles.warpN));

    // Each lane's accumulators: 4 per 16x8 tile.
    Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0));
    SmallVector<Value> inits(tiles.fragmentsM() * tiles.fragmentsN() * 4, zero);
    Value steps = arith::CeilDivUIOp::create(b, depth, index(tiles.k));
    auto loop = scf::ForOp::create(b, index(0), steps, index(1), inits);
    // The kernel shows what it was built from.
    loop->setAttr(xf::KernelConfigAttr::kName, tiles.config);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value k0 =
          arith::MulIOp::create(b, loop.getInductionVar(), index(tiles.k));
      stageTiles(thread, k0);
      gpu::BarrierOp::create(b);
      SmallVector<Value> accs(loop.getRegionIterArgs());
      for (int64_t kk = 0; kk < tiles.k; kk += mmaK)
        if (tf32)
          multiplyTF32Fragments(kk, accs);
        else
          multiplyFragments(kk, accs);
      gpu::BarrierOp::create(b);
      scf::YieldOp::create(b, accs);
    }
    storeAccumulators(loop.getResults());
    gpu::TerminatorOp::create(b);
  }

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, value);
  }

  /// `memref[batch?, row, col]`.
  SmallVector<Value> at(Value row, Value col) {
    if (batched)
      return {batch, row, col};
    return {row, col};
  }

  /// Copies the slice [k0, k0 + tiles.k) of this block's operand tiles into
  /// shared memory (rounded to bf16 for bf16 products), zeros past the
  /// edges. Consecutive threads take
  /// consecutive columns: the global reads coalesce.
  void stageTiles(Value thread, Value k0) {
    if (copiesRhs) {
      // Issued first, so the copies run while A is converted.
      copyRhsTile(thread, k0);
      stage(lhs, lhsTile, tiles.m, tiles.k, thread, rowBase, rows, k0, depth);
      Value group = nvgpu::DeviceAsyncCreateGroupOp::create(
          b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), copies);
      nvgpu::DeviceAsyncWaitOp::create(b, group, b.getI32IntegerAttr(0));
      copies.clear();
      return;
    }
    stage(lhs, lhsTile, tiles.m, tiles.k, thread, rowBase, rows, k0, depth);
    stage(rhs, rhsTile, tiles.k, tiles.n, thread, k0, depth, colBase, cols);
  }

  /// B's slice, bf16, with asynchronous 16-byte copies (8
  /// elements; the copy's rows are a multiple of 8 long): rows past the
  /// last read nothing and are zero-filled.
  void copyRhsTile(Value thread, Value k0) {
    int64_t chunksPerRow = tiles.n / kChunk;
    for (int64_t j = 0; j < tiles.k * chunksPerRow / tiles.threads; ++j) {
      Value chunk = arith::AddIOp::create(b, thread, index(j * tiles.threads));
      Value row = arith::DivUIOp::create(b, chunk, index(chunksPerRow));
      Value col = arith::MulIOp::create(
          b, arith::RemUIOp::create(b, chunk, index(chunksPerRow)),
          index(kChunk));
      Value globalRow = arith::AddIOp::create(b, k0, row);
      Value globalCol = arith::AddIOp::create(b, colBase, col);
      Value inside = arith::AndIOp::create(
          b,
          arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalRow, depth),
          arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalCol, cols));
      Value count = arith::SelectOp::create(b, inside, index(kChunk), index(0));
      Value safeRow = arith::SelectOp::create(b, inside, globalRow, index(0));
      Value safeCol = arith::SelectOp::create(b, inside, globalCol, index(0));
      copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), rhsTile,
          ValueRange{row, col}, rhs, ValueRange{safeRow, safeCol},
          b.getIndexAttr(kChunk), count, /*bypassL1=*/b.getUnitAttr()));
    }
  }

  void stage(Value source, Value tile, int64_t tileRows, int64_t tileCols,
             Value thread, Value row0, Value rowEnd, Value col0, Value colEnd) {
    Value col = arith::RemUIOp::create(b, thread, index(tileCols));
    Value firstRow = arith::DivUIOp::create(b, thread, index(tileCols));
    Value globalCol = arith::AddIOp::create(b, col0, col);
    Value colInside =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalCol, colEnd);
    int64_t rowStep = tiles.threads / tileCols;
    for (int64_t r = 0; r < tileRows; r += rowStep) {
      Value row = arith::AddIOp::create(b, firstRow, index(r));
      Value globalRow = arith::AddIOp::create(b, row0, row);
      Value inside = arith::AndIOp::create(
          b, colInside,
          arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalRow,
                                rowEnd));
      auto read = scf::IfOp::create(b, b.getF32Type(), inside,
                                    /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(read.thenBlock());
        scf::YieldOp::create(
            b, source == rhs && rhsProducer
                   ? xf::computeProducedElement(b, rhsProducer,
                                                at(globalRow, globalCol))
                   : memref::LoadOp::create(b, source, at(globalRow, globalCol))
                         .getResult());
        b.setInsertionPointToStart(read.elseBlock());
        scf::YieldOp::create(
            b, arith::ConstantOp::create(b, b.getF32FloatAttr(0)).getResult());
      }
      Value stored = read.getResult(0);
      if (!tf32)
        stored = arith::TruncFOp::create(b, element, stored);
      memref::StoreOp::create(b, stored, tile, ValueRange{row, col});
    }
  }

  /// The warp's A fragments (16 rows each) for the step at column `kk`,
  /// with ldmatrix: four 8-row matrices of 16 bytes, lane l giving the
  /// address of row l % 16, from 16 bytes further for lanes 16 and up.
  SmallVector<Value> loadLhsFragments(int64_t kk, VectorType type) {
    int64_t perRow = 16 / (element.getIntOrFloatBitWidth() / 8);
    Value laneRow = arith::RemUIOp::create(b, lane, index(16));
    Value col = arith::AddIOp::create(
        b,
        arith::MulIOp::create(b, arith::DivUIOp::create(b, lane, index(16)),
                              index(perRow)),
        index(kk));
    SmallVector<Value> fragments;
    for (int64_t m = 0; m < tiles.fragmentsM(); ++m) {
      Value row = arith::AddIOp::create(
          b, arith::AddIOp::create(b, warpRow, index(m * kMmaM)), laneRow);
      fragments.push_back(nvgpu::LdMatrixOp::create(
          b, type, lhsTile, ValueRange{row, col}, /*transpose=*/false,
          /*numTiles=*/4));
    }
    return fragments;
  }

  /// One 16-deep step: each warp loads its A fragments (16x16, four 8x8
  /// matrices, lane l giving the address of row l % 16, columns from
  /// 8 * (l / 16)) and B fragments (16x8 as two 8x8 matrices read
  /// transposed, lane l giving row l % 16) and accumulates their products.
  /// The products are NVVM's mma with bf16 operands, each 32-bit register
  /// holding two of them.
  void multiplyFragments(int64_t kk, SmallVectorImpl<Value> &accs) {
    Type bf16 = b.getBF16Type();
    Value laneRow = arith::RemUIOp::create(b, lane, index(16));
    SmallVector<Value> lhsFragments =
        loadLhsFragments(kk, VectorType::get({4, 2}, bf16));
    SmallVector<Value> rhsFragments;
    for (int64_t n = 0; n < tiles.fragmentsN(); ++n) {
      Value row = arith::AddIOp::create(b, laneRow, index(kk));
      Value col = arith::AddIOp::create(b, warpCol, index(n * kMmaN));
      rhsFragments.push_back(nvgpu::LdMatrixOp::create(
          b, VectorType::get({2, 2}, bf16), rhsTile, ValueRange{row, col},
          /*transpose=*/true, /*numTiles=*/2));
    }
    Type f32 = b.getF32Type();
    auto resultType = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(4, f32));
    for (int64_t m = 0; m < tiles.fragmentsM(); ++m)
      for (int64_t n = 0; n < tiles.fragmentsN(); ++n) {
        MutableArrayRef<Value> acc(&accs[(m * tiles.fragmentsN() + n) * 4], 4);
        auto mma = NVVM::MmaOp::create(
            b, resultType, registers(lhsFragments[m]),
            registers(rhsFragments[n]), acc, {kMmaM, kMmaN, mmaK},
            /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
            std::array{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
            std::array{NVVM::MMALayout::row, NVVM::MMALayout::col});
        for (int64_t i = 0; i < 4; ++i)
          acc[i] = LLVM::ExtractValueOp::create(b, mma, i);
      }
  }

  /// One 8-deep tf32 step: A fragments with ldmatrix (four 8x4 f32
  /// matrices: lane l gives row l % 16, columns from 4 * (l / 16)), so lane
  /// l holds A[g][t], A[g+8][t], A[g][t+4], A[g+8][t+4] (g = l / 4,
  /// t = l % 4); B fragments B[t][g] and B[t+4][g] read one by one.
  void multiplyTF32Fragments(int64_t kk, SmallVectorImpl<Value> &accs) {
    Type f32 = b.getF32Type();
    Value group = arith::DivUIOp::create(b, lane, index(4));
    Value pairLane = arith::RemUIOp::create(b, lane, index(4));
    SmallVector<Value> lhsFragments =
        loadLhsFragments(kk, VectorType::get({4, 1}, f32));
    SmallVector<Value> rhsFragments;
    for (int64_t n = 0; n < tiles.fragmentsN(); ++n) {
      Value col = arith::AddIOp::create(
          b, warpCol, arith::AddIOp::create(b, group, index(n * kMmaN)));
      SmallVector<Value> elements;
      for (int64_t half = 0; half < 2; ++half) {
        Value row = arith::AddIOp::create(b, pairLane, index(kk + half * 4));
        elements.push_back(
            memref::LoadOp::create(b, rhsTile, ValueRange{row, col}));
      }
      rhsFragments.push_back(vector::FromElementsOp::create(
          b, VectorType::get({2, 1}, f32), elements));
    }
    auto accType = VectorType::get({2, 2}, f32);
    for (int64_t m = 0; m < tiles.fragmentsM(); ++m)
      for (int64_t n = 0; n < tiles.fragmentsN(); ++n) {
        MutableArrayRef<Value> acc(&accs[(m * tiles.fragmentsN() + n) * 4], 4);
        Value product = nvgpu::MmaSyncOp::create(
            b, lhsFragments[m], rhsFragments[n],
            vector::FromElementsOp::create(b, accType, acc),
            ArrayRef<int64_t>{kMmaM, kMmaN, mmaK}, /*tf32Enabled=*/true);
        for (int64_t i = 0; i < 4; ++i)
          acc[i] = vector::ExtractOp::create(b, product,
                                             ArrayRef<int64_t>{i / 2, i % 2});
      }
  }

  /// The 32-bit registers of a fragment of bf16 pairs (row by row: a 2-D
  /// vector.bitcast does not lower to NVVM).
  SmallVector<Value> registers(Value fragment) {
    int64_t count = cast<VectorType>(fragment.getType()).getDimSize(0);
    SmallVector<Value> result;
    for (int64_t i = 0; i < count; ++i)
      result.push_back(LLVM::BitcastOp::create(
          b, b.getI32Type(),
          vector::ExtractOp::create(b, fragment, ArrayRef<int64_t>{i})));
    return result;
  }

  /// Adds each accumulator to the output. Lane l holds, of its 16x8 tile,
  /// rows l / 4 and l / 4 + 8, columns 2 * (l % 4) and the one after.
  void storeAccumulators(ValueRange accs) {
    Value group = arith::DivUIOp::create(b, lane, index(4));
    Value pair = arith::MulIOp::create(
        b, arith::RemUIOp::create(b, lane, index(4)), index(2));
    for (int64_t m = 0; m < tiles.fragmentsM(); ++m)
      for (int64_t n = 0; n < tiles.fragmentsN(); ++n)
        for (int64_t half = 0; half < 2; ++half)
          for (int64_t e = 0; e < 2; ++e) {
            Value row = arith::AddIOp::create(
                b, rowBase,
                arith::AddIOp::create(
                    b, warpRow,
                    arith::AddIOp::create(b, group,
                                          index(m * kMmaM + half * 8))));
            Value col = arith::AddIOp::create(
                b, colBase,
                arith::AddIOp::create(
                    b, warpCol,
                    arith::AddIOp::create(b, pair, index(n * kMmaN + e))));
            Value inside = arith::AndIOp::create(
                b,
                arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, rows),
                arith::CmpIOp::create(b, arith::CmpIPredicate::ult, col, cols));
            auto store = scf::IfOp::create(b, inside);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(store.thenBlock());
            Value value = accs[(m * tiles.fragmentsN() + n) * 4 + half * 2 + e];
            Value old = memref::LoadOp::create(b, out, at(row, col));
            memref::StoreOp::create(b, arith::AddFOp::create(b, old, value),
                                    out, at(row, col));
          }
  }

  ImplicitLocOpBuilder &b;
  MatmulTiles tiles;
  Value lhs, rhs, out;
  linalg::GenericOp rhsProducer;
  SmallVector<Value> copies; // this slice's asynchronous copies
  bool copiesRhs, batched, tf32;
  // The operands' type in shared memory, the depth of one mma, and the
  // padding of a shared row in elements.
  Type element;
  int64_t mmaK, pad;
  Value rows, cols, depth, lhsTile, rhsTile, warp, lane, batch, rowBase,
      colBase, warpRow, warpCol;
};

struct TensorCoreMatmulPass
    : xf::impl::TensorCoreMatmulPassBase<TensorCoreMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> products;
    getOperation().walk([&](linalg::LinalgOp op) {
      bool batched;
      if (xf::matchTensorCoreProduct(op, batched))
        products.push_back(op);
    });
    bool tf32 = precision == xf::TensorCorePrecision::TF32;
    for (Operation *op : products) {
      FailureOr<MatmulTiles> tiles = MatmulTiles::get(op);
      if (failed(tiles))
        return signalPassFailure();
      bool batched = false;
      std::array<Value, 3> operands = *xf::matchTensorCoreProduct(op, batched);
      if (tf32 &&
          !cast<MemRefType>(operands[1].getType()).getElementType().isF32()) {
        op->emitError() << "xf-tensor-core-matmul: precision=tf32 takes f32 "
                           "operands, not a bf16 right operand";
        return signalPassFailure();
      }
      ImplicitLocOpBuilder b(op->getLoc(), op);
      linalg::GenericOp producer = xf::findFusableProducer(operands[1], op);
      KernelBuilder(b, *tiles, operands[0], operands[1], operands[2], batched,
                    tf32, producer)
          .build();
      op->erase();
      // The kernel computes B itself: its buffer is no longer read.
      if (producer)
        xf::eraseFusedProducer(producer);
    }
  }
};
} // namespace

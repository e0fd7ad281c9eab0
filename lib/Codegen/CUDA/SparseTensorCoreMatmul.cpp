//===- SparseTensorCoreMatmul.cpp - 2:4 products on sparse tensor cores ---===//
//
// Each xf.sparse_matmul_buffers becomes a launch computing it with NVVM's
// mma.sp m16n8k32 (bf16 operands, f32 accumulators). The weight's
// transpose is the sparse operand A, so each instruction computes a 16x8
// tile of the output's transpose: 16 weight columns by 8 rows of the left
// operand, whose rows are B's columns. A block computes a [M, N] output
// tile as its warps' [M, N] tiles. Per reduction step each warp loads its
// A fragments and metadata straight from the packed weight, 16 bytes and
// 4 per lane and 16x32 tile (no other warp of the block reads them, so
// shared memory would only add a copy), issued before the block stages
// the left operand's slice so that their latency overlaps it; the slice
// goes to shared memory rounded to bf16 (rows padded by 16 bytes against
// bank conflicts, zeros past the edges), and each warp takes its B
// fragments with ldmatrix. A tile past the weight's last column or depth
// reads the first tile instead: its products land only in output columns
// that are not stored, or meet zeros of the staged slice.
//
//===----------------------------------------------------------------------===//

#include "TensorCoreProducts.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {
#define GEN_PASS_DEF_SPARSETENSORCOREMATMULPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using Layout = xf::SparseMatmulBuffersOp;

namespace {
// The instruction: A is 16 weight columns by 32 along K, B 32 by 8 rows.
constexpr int64_t kRowsPerMma = 8, kColumnsPerMma = Layout::kTileColumns,
                  kMmaDepth = Layout::kTileDepth;
// Shared-memory rows stay 16-byte aligned (ldmatrix reads 16-byte rows).
constexpr int64_t kPadElements = 8;

/// The op's configuration and what follows from it; an error at the op
/// when it cannot be built.
struct SparseTiles {
  xf::KernelConfigAttr config;
  int64_t m, n, k, warpM, warpN, threads;

  int64_t warpsN() const { return n / warpN; }
  int64_t fragmentsM() const { return warpM / kRowsPerMma; }
  int64_t fragmentsN() const { return warpN / kColumnsPerMma; }
  int64_t mmaSteps() const { return k / kMmaDepth; }

  static FailureOr<SparseTiles> get(Operation *op) {
    FailureOr<xf::KernelConfigAttr> found = xf::getSingleStageConfig(
        op, xf::KernelKind::MmaSp, "xf-sparse-tensor-core-matmul");
    if (failed(found))
      return failure();
    xf::KernelConfigAttr config = *found;
    ArrayRef<int64_t> tile = config.getTile(), warp = config.getWarpTile();
    SparseTiles tiles{config,
                      tile[0],
                      tile[1],
                      tile[2],
                      warp[0],
                      warp[1],
                      config.getThreads()};
    if (tiles.m * tiles.k % tiles.threads != 0)
      return op->emitError()
             << "xf-sparse-tensor-core-matmul: " << tiles.threads
             << " threads do not split a [" << tiles.m << ", " << tiles.k
             << "] slice";
    return tiles;
  }
};

class SparseKernelBuilder {
public:
  SparseKernelBuilder(ImplicitLocOpBuilder &b, const SparseTiles &tiles,
                      xf::SparseMatmulBuffersOp op)
      : b(b), tiles(tiles), lhs(op.getLhs()), values(op.getValues()),
        metadata(op.getMetadata()), out(op.getResult()),
        depth(cast<MemRefType>(lhs.getType()).getDimSize(1)),
        columns(cast<MemRefType>(out.getType()).getDimSize(1)),
        depthTiles((depth + kMmaDepth - 1) / kMmaDepth),
        columnTiles((columns + kColumnsPerMma - 1) / kColumnsPerMma) {}

  void build() {
    rows = memref::DimOp::create(b, out, 0);
    Value gridX = index((columns + tiles.n - 1) / tiles.n);
    Value gridY = arith::CeilDivUIOp::create(b, rows, index(tiles.m));
    Attribute shared = gpu::AddressSpaceAttr::get(
        b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
    auto sliceType =
        MemRefType::get({tiles.m, tiles.k + kPadElements}, b.getBF16Type(),
                        MemRefLayoutAttrInterface(), shared);
    auto launch = gpu::LaunchOp::create(
        b, gridX, gridY, index(1), index(tiles.threads), index(1), index(1),
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/ValueRange(), TypeRange{sliceType});
    b.setInsertionPointToStart(&launch.getBody().front());
    slice = launch.getWorkgroupAttributions()[0];
    thread = launch.getThreadIds().x;
    Value warp = arith::DivUIOp::create(b, thread, index(32));
    lane = arith::RemUIOp::create(b, thread, index(32));
    rowBase = arith::MulIOp::create(b, launch.getBlockIds().y, index(tiles.m));
    colBase = arith::MulIOp::create(b, launch.getBlockIds().x, index(tiles.n));
    warpRow = arith::MulIOp::create(
        b, arith::DivUIOp::create(b, warp, index(tiles.warpsN())),
        index(tiles.warpM));
    warpCol = arith::MulIOp::create(
        b, arith::RemUIOp::create(b, warp, index(tiles.warpsN())),
        index(tiles.warpN));

    Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0));
    SmallVector<Value> inits(tiles.fragmentsM() * tiles.fragmentsN() * 4, zero);
    int64_t steps = (depthTiles * kMmaDepth + tiles.k - 1) / tiles.k;
    auto loop = scf::ForOp::create(b, index(0), index(steps), index(1), inits);
    // The kernel shows what it was built from.
    loop->setAttr(xf::KernelConfigAttr::kName, tiles.config);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value step = loop.getInductionVar();
      SmallVector<Fragment> fragments = loadWeightFragments(step);
      stageSlice(arith::MulIOp::create(b, step, index(tiles.k)));
      gpu::BarrierOp::create(b);
      SmallVector<Value> accs(loop.getRegionIterArgs());
      for (int64_t kk = 0; kk < tiles.mmaSteps(); ++kk)
        multiply(kk,
                 ArrayRef(fragments).slice(kk * tiles.fragmentsN(),
                                           tiles.fragmentsN()),
                 accs);
      gpu::BarrierOp::create(b);
      scf::YieldOp::create(b, accs);
    }
    storeAccumulators(loop.getResults());
    gpu::TerminatorOp::create(b);
  }

private:
  /// A warp's A operand for one 16x32 tile: 4 registers and the metadata.
  struct Fragment {
    SmallVector<Value> registers;
    Value metadata;
  };

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, value);
  }

  /// The warp's A fragments of reduction step `step`, depth-major.
  SmallVector<Fragment> loadWeightFragments(Value step) {
    Value firstTile = arith::DivUIOp::create(
        b, arith::AddIOp::create(b, colBase, warpCol), index(kColumnsPerMma));
    Value firstDepth = arith::MulIOp::create(b, step, index(tiles.mmaSteps()));
    // Lanes 4g and 4g + 1 supply the metadata (selector 0); the other two
    // of each group of four load the same words.
    Value metadataWord = arith::AddIOp::create(
        b,
        arith::MulIOp::create(b, arith::DivUIOp::create(b, lane, index(4)),
                              index(2)),
        arith::RemUIOp::create(b, lane, index(2)));
    Value valueWord = arith::MulIOp::create(b, lane, index(4));
    auto i32x4 = VectorType::get({4}, b.getI32Type());
    SmallVector<Fragment> fragments;
    for (int64_t kk = 0; kk < tiles.mmaSteps(); ++kk)
      for (int64_t f = 0; f < tiles.fragmentsN(); ++f) {
        Value columnTile = arith::AddIOp::create(b, firstTile, index(f));
        Value depthTile = arith::AddIOp::create(b, firstDepth, index(kk));
        Value inside = arith::AndIOp::create(
            b,
            arith::CmpIOp::create(b, arith::CmpIPredicate::ult, columnTile,
                                  index(columnTiles)),
            arith::CmpIOp::create(b, arith::CmpIPredicate::ult, depthTile,
                                  index(depthTiles)));
        Value tile = arith::SelectOp::create(
            b, inside,
            arith::AddIOp::create(
                b, arith::MulIOp::create(b, columnTile, index(depthTiles)),
                depthTile),
            index(0));
        Value words = vector::LoadOp::create(
            b, i32x4, values,
            ValueRange{arith::AddIOp::create(
                b, arith::MulIOp::create(b, tile, index(Layout::kValueWords)),
                valueWord)});
        Fragment fragment;
        for (int64_t i = 0; i < 4; ++i)
          fragment.registers.push_back(
              vector::ExtractOp::create(b, words, ArrayRef<int64_t>{i}));
        fragment.metadata = memref::LoadOp::create(
            b, metadata,
            ValueRange{arith::AddIOp::create(
                b,
                arith::MulIOp::create(b, tile, index(Layout::kMetadataWords)),
                metadataWord)});
        fragments.push_back(std::move(fragment));
      }
    return fragments;
  }

  /// The left operand's [m, k] slice from column `k0`, as bf16; zeros past
  /// its rows and depth. Consecutive threads take consecutive columns.
  void stageSlice(Value k0) {
    for (int64_t e = 0; e < tiles.m * tiles.k; e += tiles.threads) {
      Value element = arith::AddIOp::create(b, thread, index(e));
      Value row = arith::DivUIOp::create(b, element, index(tiles.k));
      Value col = arith::RemUIOp::create(b, element, index(tiles.k));
      Value globalRow = arith::AddIOp::create(b, rowBase, row);
      Value globalCol = arith::AddIOp::create(b, k0, col);
      Value inside = arith::AndIOp::create(
          b,
          arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalRow, rows),
          arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalCol,
                                index(depth)));
      auto read = scf::IfOp::create(b, b.getF32Type(), inside,
                                    /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(read.thenBlock());
        scf::YieldOp::create(
            b, memref::LoadOp::create(b, lhs, ValueRange{globalRow, globalCol})
                   .getResult());
        b.setInsertionPointToStart(read.elseBlock());
        scf::YieldOp::create(
            b, arith::ConstantOp::create(b, b.getF32FloatAttr(0)).getResult());
      }
      memref::StoreOp::create(
          b, arith::TruncFOp::create(b, b.getBF16Type(), read.getResult(0)),
          slice, ValueRange{row, col});
    }
  }

  /// One 32-deep step at column `kk` of the slice: each B fragment (8 rows
  /// of the left operand by 32) is four 8x8 matrices, lane l giving row
  /// l % 8 of matrix l / 8, so register i holds row l / 4, columns
  /// 8i + 2 (l % 4) and the next.
  void multiply(int64_t kk, ArrayRef<Fragment> weights,
                SmallVectorImpl<Value> &accs) {
    Value row = arith::AddIOp::create(
        b, warpRow, arith::RemUIOp::create(b, lane, index(8)));
    Value col = arith::AddIOp::create(
        b,
        arith::MulIOp::create(b, arith::DivUIOp::create(b, lane, index(8)),
                              index(8)),
        index(kk * kMmaDepth));
    Type bf16 = b.getBF16Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
    SmallVector<SmallVector<Value>> inputs;
    for (int64_t m = 0; m < tiles.fragmentsM(); ++m) {
      Value fragment = nvgpu::LdMatrixOp::create(
          b, VectorType::get({4, 2}, bf16), slice,
          ValueRange{arith::AddIOp::create(b, row, index(m * kRowsPerMma)),
                     col},
          /*transpose=*/false, /*numTiles=*/4);
      SmallVector<Value> registers;
      for (int64_t i = 0; i < 4; ++i)
        registers.push_back(LLVM::BitcastOp::create(
            b, i32,
            vector::ExtractOp::create(b, fragment, ArrayRef<int64_t>{i})));
      inputs.push_back(std::move(registers));
    }
    auto resultType = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(4, f32));
    Value selector = arith::ConstantOp::create(b, b.getI32IntegerAttr(0));
    for (int64_t n = 0; n < tiles.fragmentsN(); ++n)
      for (int64_t m = 0; m < tiles.fragmentsM(); ++m) {
        MutableArrayRef<Value> acc(&accs[(n * tiles.fragmentsM() + m) * 4], 4);
        auto mma = NVVM::MmaSpOp::create(
            b, resultType, weights[n].registers, inputs[m], acc,
            weights[n].metadata, selector,
            {Layout::kTileColumns, kRowsPerMma, kMmaDepth},
            /*intOverflow=*/std::nullopt,
            std::array{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16});
        for (int64_t i = 0; i < 4; ++i)
          acc[i] = LLVM::ExtractValueOp::create(b, mma, i);
      }
  }

  /// Adds each accumulator to the output. Lane l holds, of its 16x8 tile
  /// of the transpose, weight columns l / 4 and l / 4 + 8, rows 2 (l % 4)
  /// and the one after.
  void storeAccumulators(ValueRange accs) {
    Value group = arith::DivUIOp::create(b, lane, index(4));
    Value pair = arith::MulIOp::create(
        b, arith::RemUIOp::create(b, lane, index(4)), index(2));
    for (int64_t n = 0; n < tiles.fragmentsN(); ++n)
      for (int64_t m = 0; m < tiles.fragmentsM(); ++m)
        for (int64_t i = 0; i < 4; ++i) {
          Value col = arith::AddIOp::create(
              b, arith::AddIOp::create(b, colBase, warpCol),
              arith::AddIOp::create(b, group,
                                    index(n * kColumnsPerMma + 8 * (i / 2))));
          Value row = arith::AddIOp::create(
              b, arith::AddIOp::create(b, rowBase, warpRow),
              arith::AddIOp::create(b, pair, index(m * kRowsPerMma + i % 2)));
          Value inside = arith::AndIOp::create(
              b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, rows),
              arith::CmpIOp::create(b, arith::CmpIPredicate::ult, col,
                                    index(columns)));
          auto store = scf::IfOp::create(b, inside);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(store.thenBlock());
          Value old = memref::LoadOp::create(b, out, ValueRange{row, col});
          memref::StoreOp::create(
              b,
              arith::AddFOp::create(b, old,
                                    accs[(n * tiles.fragmentsM() + m) * 4 + i]),
              out, ValueRange{row, col});
        }
  }

  ImplicitLocOpBuilder &b;
  SparseTiles tiles;
  Value lhs, values, metadata, out;
  int64_t depth, columns, depthTiles, columnTiles;
  Value rows, slice, thread, lane, rowBase, colBase, warpRow, warpCol;
};

struct SparseTensorCoreMatmulPass
    : xf::impl::SparseTensorCoreMatmulPassBase<SparseTensorCoreMatmulPass> {
  void runOnOperation() override {
    SmallVector<xf::SparseMatmulBuffersOp> products;
    getOperation().walk(
        [&](xf::SparseMatmulBuffersOp op) { products.push_back(op); });
    for (xf::SparseMatmulBuffersOp op : products) {
      FailureOr<SparseTiles> tiles = SparseTiles::get(op);
      if (failed(tiles))
        return signalPassFailure();
      ImplicitLocOpBuilder b(op.getLoc(), op);
      SparseKernelBuilder(b, *tiles, op).build();
      op->erase();
    }
  }
};
} // namespace

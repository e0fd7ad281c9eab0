//===- VectorizeContractions.cpp - register-blocked matrix products -------===//
//
// A matrix product becomes loops over tiles of its output and a loop over
// the reduction; full tiles are vectorized. The accumulator tile lives in
// registers for the whole reduction: per step, a column of the left operand
// is broadcast row by row and multiplied into a row of the right operand
// (an outer product, i.e. FMAs on full vectors), which is the shape of a
// GEMM microkernel. The tile sizes are each product's #xf.kernel_config
// (xf-select-cpu-kernel-configs chooses them).
//
//===----------------------------------------------------------------------===//

#include "CPUKernels.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "xfc/Codegen/CPU/Passes.h"

#define DEBUG_TYPE "xf-vectorize-contractions"

namespace mlir::xf {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONSPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

/// Marks the tiles this pass made, through peeling and canonicalization,
/// with their product's configuration.
static constexpr llvm::StringLiteral kTileMarker = "xf.contraction_tile";

bool xf::isBlockableContraction(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || !linalg::isaContractionOpInterface(op))
    return false;
  if (!llvm::all_of(op->getOperandTypes(), [](Type t) {
        auto tensor = dyn_cast<RankedTensorType>(t);
        return tensor && (tensor.getElementType().isF32() ||
                          tensor.getElementType().isSignlessInteger(32));
      }))
    return false;
  unsigned loops = op.getNumLoops();
  if (loops < 3 || op.getNumReductionLoops() != 1 ||
      !linalg::isReductionIterator(op.getIteratorTypesArray().back()))
    return false;
  AffineMap output = op.getIndexingMapsArray().back();
  AffineMap rhs = op.getIndexingMapsArray()[1];
  if (!output.isProjectedPermutation() || output.getNumResults() != loops - 1)
    return false;
  for (unsigned i = 0; i + 1 < loops; ++i)
    if (output.getDimPosition(i) != i)
      return false;
  auto rhsLast = dyn_cast<AffineDimExpr>(rhs.getResults().back());
  return rhsLast && rhsLast.getPosition() == loops - 2;
}

std::optional<xf::ProductTiles>
xf::ProductTiles::get(xf::KernelConfigAttr config) {
  if (!config || config.getKind() != xf::KernelKind::Vector ||
      config.getTile().size() != 3)
    return std::nullopt;
  ArrayRef<int64_t> tile = config.getTile();
  return ProductTiles{tile[0], tile[1], tile[2]};
}

/// The blocks of `op`'s configuration; an error at `op` when it has none
/// or one that does not configure a product.
static FailureOr<xf::ProductTiles> getProductTiles(linalg::LinalgOp op) {
  auto config =
      op->getAttrOfType<xf::KernelConfigAttr>(xf::KernelConfigAttr::kName);
  if (!config)
    return op->emitError() << "xf-vectorize-contractions: the product has no "
                              "xf.kernel_config (xf-select-cpu-kernel-configs "
                              "chooses one)";
  std::optional<xf::ProductTiles> tiles = xf::ProductTiles::get(config);
  if (!tiles)
    return op->emitError() << "xf-vectorize-contractions: builds vector "
                              "kernels with tile = [M, N, N1], not "
                           << config;
  return *tiles;
}

static bool hasStaticShapes(linalg::LinalgOp op) {
  return llvm::all_of(op->getOperandTypes(), [](Type t) {
    return cast<RankedTensorType>(t).hasStaticShape();
  });
}

/// Tiles `op` by `sizes` (0: untiled) in loop order `interchange`, marks
/// the tile with `config` and returns the generated loops, outermost first.
static FailureOr<SmallVector<scf::ForOp>>
tileMarked(RewriterBase &rewriter, linalg::LinalgOp op, ArrayRef<int64_t> sizes,
           ArrayRef<int64_t> interchange, xf::KernelConfigAttr config) {
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op.getContext(), sizes));
  options.setInterchange(interchange);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  Operation *tile = tiled->tiledOps.back();
  tile->setAttr(kTileMarker, config);
  // The configuration shows on the kernel's loop, not on its pieces.
  tile->removeAttr(xf::KernelConfigAttr::kName);
  SmallVector<scf::ForOp> loops;
  for (LoopLikeOpInterface loop : tiled->loops)
    loops.push_back(cast<scf::ForOp>(loop.getOperation()));
  return loops;
}

/// Splits the last partial iteration off `loop`; the loop that remains
/// runs full steps only, so tile sizes inside it become constants.
static void peel(RewriterBase &rewriter, scf::ForOp loop) {
  scf::ForOp partial;
  (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, partial);
}

static void simplify(Operation *root) {
  RewritePatternSet patterns(root->getContext());
  linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
  scf::ForOp::getCanonicalizationPatterns(patterns, root->getContext());
  tensor::populateFoldTensorEmptyPatterns(patterns);
  (void)applyPatternsGreedily(root, std::move(patterns));
}

/// `op` split along its row loop at the last multiple of `rows`: the part
/// of full row blocks and the rest, either null when empty.
static std::pair<linalg::LinalgOp, linalg::LinalgOp>
splitRows(RewriterBase &rewriter, linalg::LinalgOp op, int64_t rows) {
  unsigned rowLoop = op.getNumLoops() - 3;
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  OpFoldResult extent = tensor::getMixedSize(rewriter, loc, op.getDpsInits()[0],
                                             op.getNumLoops() - 3);
  if (std::optional<int64_t> n = getConstantIntValue(extent)) {
    if (*n % rows == 0)
      return {op, nullptr};
    if (*n < rows)
      return {nullptr, op};
  }
  AffineExpr m = rewriter.getAffineSymbolExpr(0);
  OpFoldResult point = affine::makeComposedFoldedAffineApply(
      rewriter, loc, m.floorDiv(rows) * rows, {extent});
  auto [full, rest] = linalg::splitOp(
      rewriter, cast<TilingInterface>(op.getOperation()), rowLoop, point);
  return {cast_or_null<linalg::LinalgOp>(full.getOperation()),
          cast_or_null<linalg::LinalgOp>(rest.getOperation())};
}

/// Tiles the output of `op` by `rows` x `columns`, columns outermost, marks
/// the outermost loop parallel (output tiles are independent) and peels
/// both tile loops.
static void tileOutput(RewriterBase &rewriter, linalg::LinalgOp op,
                       unsigned batch, int64_t rows, int64_t columns,
                       xf::KernelConfigAttr config) {
  SmallVector<int64_t> sizes(batch, 1);
  sizes.append({rows, columns, 0});
  SmallVector<int64_t> order =
      llvm::to_vector(llvm::seq<int64_t>(0, batch + 3));
  std::swap(order[batch], order[batch + 1]);
  FailureOr<SmallVector<scf::ForOp>> loops =
      tileMarked(rewriter, op, sizes, order, config);
  if (failed(loops))
    return;
  (*loops)[0]->setAttr("xf.parallel", rewriter.getUnitAttr());
  peel(rewriter, (*loops)[batch]);
  peel(rewriter, (*loops)[batch + 1]);
}

/// The loop that directly encloses `op`, if it is an scf.for.
static scf::ForOp enclosingFor(Operation *op) {
  return dyn_cast_or_null<scf::ForOp>(op->getParentOp());
}

namespace {
struct VectorizeContractionsPass
    : xf::impl::VectorizeContractionsPassBase<VectorizeContractionsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    auto marked = [&] {
      SmallVector<std::pair<linalg::LinalgOp, xf::KernelConfigAttr>> ops;
      func.walk([&](linalg::LinalgOp op) {
        if (Attribute config = op->removeAttr(kTileMarker))
          ops.push_back({op, cast<xf::KernelConfigAttr>(config)});
      });
      return ops;
    };

    SmallVector<std::pair<linalg::LinalgOp, xf::ProductTiles>> products;
    WalkResult configured = func.walk([&](linalg::LinalgOp op) {
      if (!xf::isBlockableContraction(op))
        return WalkResult::advance();
      FailureOr<xf::ProductTiles> tiles = getProductTiles(op);
      if (failed(tiles))
        return WalkResult::interrupt();
      products.push_back({op, *tiles});
      return WalkResult::advance();
    });
    if (configured.wasInterrupted())
      return signalPassFailure();

    // Rows split at the last multiple of M. Full row blocks: output tiles
    // of M x N, columns outermost so that a panel of the right operand
    // stays in cache across row blocks. The few rows left (a single
    // token's) go one at a time through tiles of N1 columns. Loops are
    // peeled so that full tiles have static sizes.
    for (auto [op, tiles] : products) {
      unsigned batch = op.getNumLoops() - 3;
      auto config =
          op->getAttrOfType<xf::KernelConfigAttr>(xf::KernelConfigAttr::kName);
      auto [full, rest] = splitRows(rewriter, op, tiles.rows);
      if (full)
        tileOutput(rewriter, full, batch, tiles.rows, tiles.columns, config);
      if (rest)
        tileOutput(rewriter, rest, batch, 1, tiles.restColumns, config);
    }
    simplify(func);

    // The reduction one step at a time inside full tiles: the loop over it
    // is the register block's, and shows its configuration.
    for (auto [op, config] : marked()) {
      unsigned loops = op.getNumLoops();
      ArrayRef<int64_t> out =
          cast<RankedTensorType>(op.getDpsInits()[0].getType()).getShape();
      int64_t rows = out[out.size() - 2], columns = out.back();
      xf::ProductTiles tiles = *xf::ProductTiles::get(config);
      if (!(rows == tiles.rows && columns == tiles.columns) &&
          !(rows == 1 && columns == tiles.restColumns))
        continue;
      SmallVector<int64_t> sizes(loops, 0);
      sizes.back() = 1;
      FailureOr<SmallVector<scf::ForOp>> reduction =
          tileMarked(rewriter, op, sizes,
                     llvm::to_vector(llvm::seq<int64_t>(0, loops)), config);
      if (succeeded(reduction))
        reduction->front()->setAttr(xf::KernelConfigAttr::kName, config);
    }
    simplify(func);

    // Full tiles become vector code.
    for (auto [op, config] : marked()) {
      if (!hasStaticShapes(op))
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> vectorized =
          linalg::vectorize(rewriter, op);
      if (succeeded(vectorized))
        rewriter.replaceOp(op, vectorized->replacements);
    }
    RewritePatternSet patterns(&getContext());
    tensor::populateFoldTensorSubsetOpPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorReductionToContractPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();

    // The accumulator leaves the reduction loop: read before it, carried
    // in registers, written after it.
    SmallVector<scf::ForOp> reductions;
    func.walk([&](vector::ContractionOp contract) {
      if (scf::ForOp loop = enclosingFor(contract))
        reductions.push_back(loop);
    });
    for (scf::ForOp loop : reductions) {
      Attribute config = loop->getAttr(xf::KernelConfigAttr::kName);
      LoopLikeOpInterface hoisted = hoistLoopInvariantSubsets(rewriter, loop);
      if (config)
        hoisted->setAttr(xf::KernelConfigAttr::kName, config);
    }
  }
};
} // namespace

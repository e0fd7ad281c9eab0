//===- PackConstantWeights.cpp - weights in the order kernels read them ---===//
//
// A register-blocked product reads its constant right operand [K, N] one
// row piece at a time: `panel` columns at column n, for k = 0..K-1, i.e.
// short pieces N * 4 bytes apart. Strided like that, rows of a weight matrix
// land in a few cache sets and in a new page at every step, and the
// hardware prefetchers stop. Stored as panels [N / panel, K, panel], each
// tile reads one contiguous stream. The constant is rewritten at compile
// time; the kernels' reads move to it. `panel` is the products' tile width:
// N of the #xf.kernel_config on the register blocks' loops that read the
// constant (xf-vectorize-contractions keeps it there).
//
//===----------------------------------------------------------------------===//

#include "CPUKernels.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Support/ElementsBytes.h"
#include <map>

namespace mlir::xf {
#define GEN_PASS_DEF_PACKCONSTANTWEIGHTSPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

/// Whether every value `v` takes is a multiple of `factor`.
static bool isMultipleOf(Value v, int64_t factor) {
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return *c % factor == 0;
  if (scf::ForOp loop = scf::getForInductionVarOwner(v))
    return isMultipleOf(loop.getLowerBound(), factor) &&
           isMultipleOf(loop.getStep(), factor);
  if (auto add = v.getDefiningOp<arith::AddIOp>())
    return isMultipleOf(add.getLhs(), factor) &&
           isMultipleOf(add.getRhs(), factor);
  if (auto mul = v.getDefiningOp<arith::MulIOp>())
    return isMultipleOf(mul.getLhs(), factor) ||
           isMultipleOf(mul.getRhs(), factor);
  return false;
}

/// The columns per register block of the product whose kernel runs `op`:
/// N of the configuration on the nearest enclosing op that has one, if it
/// configures a product.
static std::optional<int64_t> getBlockColumns(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp())
    if (auto config = parent->getAttrOfType<xf::KernelConfigAttr>(
            xf::KernelConfigAttr::kName)) {
      if (std::optional<xf::ProductTiles> tiles = xf::ProductTiles::get(config))
        return tiles->columns;
      return std::nullopt;
    }
  return std::nullopt;
}

namespace {
/// The uses of a [K, N] constant, sorted by how they move to packed panels.
struct WeightUses {
  /// Columns per panel: the width of the register blocks reading it.
  int64_t panel;
  /// Reads of `panel`-aligned row pieces, a whole number of panels wide.
  SmallVector<vector::TransferReadOp> reads;
  /// Column blocks of `panel` columns at an aligned column.
  SmallVector<tensor::ExtractSliceOp> panels;
  /// Other column blocks at constant columns (the columns past the last
  /// full panel): these get constants of their own.
  SmallVector<tensor::ExtractSliceOp> columnBlocks;
};

struct PackConstantWeightsPass
    : xf::impl::PackConstantWeightsPassBase<PackConstantWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<arith::ConstantOp, WeightUses>> weights;
    getOperation().walk([&](arith::ConstantOp constant) {
      if (std::optional<WeightUses> uses = classifyUses(constant))
        weights.push_back({constant, std::move(*uses)});
    });
    xf::ResourceReferences references(getOperation());
    for (auto &[constant, uses] : weights) {
      auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
      pack(constant, uses);
      if (resource)
        references.drop(resource);
    }
  }

  /// The width of the register blocks that read `constant` in vectors,
  /// if they all agree.
  static std::optional<int64_t> getPanel(arith::ConstantOp constant) {
    std::optional<int64_t> panel;
    for (Operation *user : constant->getUsers()) {
      if (!isa<vector::TransferReadOp>(user))
        continue;
      std::optional<int64_t> columns = getBlockColumns(user);
      if (!columns || (panel && *panel != *columns))
        return std::nullopt;
      panel = columns;
    }
    return panel;
  }

  /// The uses of `constant` when it is a [K, N] weight that every use reads
  /// in a way packed panels can serve.
  std::optional<WeightUses> classifyUses(arith::ConstantOp constant) {
    auto type = dyn_cast<RankedTensorType>(constant.getType());
    if (!type || type.getRank() != 2 || !type.hasStaticShape() ||
        !type.getElementType().isIntOrFloat() ||
        type.getElementTypeBitWidth() % 8 != 0 || constant->use_empty() ||
        !xf::getElementsBytes(constant.getValue()))
      return std::nullopt;
    std::optional<int64_t> blockColumns = getPanel(constant);
    if (!blockColumns || type.getDimSize(1) < *blockColumns)
      return std::nullopt;
    int64_t rows = type.getDimSize(0), panel = *blockColumns;
    WeightUses uses{panel, {}, {}, {}};
    for (Operation *user : constant->getUsers()) {
      if (auto read = dyn_cast<vector::TransferReadOp>(user)) {
        VectorType vector = read.getVectorType();
        if (!read.getPermutationMap().isMinorIdentity() ||
            vector.getRank() != 2 || vector.getDimSize(0) != 1 ||
            vector.getDimSize(1) % panel != 0 || read.getMask() ||
            !llvm::all_of(read.getInBoundsValues(), [](bool b) { return b; }) ||
            !isMultipleOf(read.getIndices()[1], panel))
          return std::nullopt;
        uses.reads.push_back(read);
        continue;
      }
      auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
      if (!slice || !slice.hasUnitStride() ||
          !isConstantIntValue(slice.getMixedOffsets()[0], 0) ||
          !isConstantIntValue(slice.getMixedSizes()[0], rows) ||
          slice.getType().getRank() != 2)
        return std::nullopt;
      std::optional<int64_t> width =
          getConstantIntValue(slice.getMixedSizes()[1]);
      OpFoldResult column = slice.getMixedOffsets()[1];
      if (width == panel &&
          (isa<Attribute>(column) ? *getConstantIntValue(column) % panel == 0
                                  : isMultipleOf(cast<Value>(column), panel)))
        uses.panels.push_back(slice);
      else if (width && getConstantIntValue(column))
        uses.columnBlocks.push_back(slice);
      else
        return std::nullopt;
    }
    return uses;
  }

  void pack(arith::ConstantOp constant, WeightUses &uses) {
    int64_t panel = uses.panel;
    auto type = cast<RankedTensorType>(constant.getType());
    int64_t rows = type.getDimSize(0), columns = type.getDimSize(1);
    int64_t panels = columns / panel;
    size_t elementBytes = type.getElementTypeBitWidth() / 8;
    ArrayRef<char> bytes = *xf::getElementsBytes(constant.getValue());
    OpBuilder b(constant);
    Location loc = constant.getLoc();

    // A constant of `columnsType` holding columns [column, column + width)
    // of rows [0, rows), row by row, in panels of `panel` columns when
    // `panelled`.
    auto copyColumns = [&](RankedTensorType columnsType, StringRef suffix,
                           int64_t column, int64_t width, bool panelled) {
      int64_t pieceWidth = panelled ? panel : width;
      size_t piece = pieceWidth * elementBytes;
      auto attr = xf::deriveResource(
          constant.getValue(), columnsType, suffix, [&](char *out) {
            for (int64_t first = 0; first < width; first += pieceWidth)
              for (int64_t r = 0; r < rows; ++r, out += piece)
                std::memcpy(out,
                            bytes.data() +
                                (r * columns + column + first) * elementBytes,
                            piece);
          });
      return arith::ConstantOp::create(b, loc, columnsType, attr);
    };
    auto packedType =
        RankedTensorType::get({panels, rows, panel}, type.getElementType());
    Value packed = copyColumns(packedType, ".panels", 0, panels * panel,
                               /*panelled=*/true);

    IRRewriter rewriter(constant.getContext());
    // Computed where the column is defined (once per column tile, not per
    // reduction step); a constant column (a static shape's only tile) gives
    // a constant index.
    auto panelIndex = [&](Value column) -> Value {
      OpBuilder::InsertionGuard guard(rewriter);
      if (std::optional<int64_t> c = getConstantIntValue(column))
        return arith::ConstantIndexOp::create(rewriter, loc, *c / panel);
      rewriter.setInsertionPointAfterValue(column);
      Value panelSize = arith::ConstantIndexOp::create(rewriter, loc, panel);
      return arith::DivUIOp::create(rewriter, loc, column, panelSize);
    };
    // A read of `panel * n` columns: n contiguous panel rows, joined.
    for (vector::TransferReadOp read : uses.reads) {
      rewriter.setInsertionPoint(read);
      VectorType wide = read.getVectorType();
      auto narrow = VectorType::get({1, panel}, wide.getElementType());
      AffineMap drop = AffineMap::getMinorIdentityMap(3, 2, b.getContext());
      Value first = panelIndex(read.getIndices()[1]);
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value joined = arith::ConstantOp::create(rewriter, loc, wide,
                                               rewriter.getZeroAttr(wide));
      for (int64_t i = 0; i < wide.getDimSize(1) / panel; ++i) {
        Value index = arith::AddIOp::create(
            rewriter, loc, first,
            arith::ConstantIndexOp::create(rewriter, loc, i));
        Value piece = vector::TransferReadOp::create(
            rewriter, loc, narrow, packed,
            ValueRange{index, read.getIndices()[0], zero}, drop,
            read.getPadding(), /*mask=*/Value(),
            rewriter.getBoolArrayAttr({true, true}));
        joined = vector::InsertStridedSliceOp::create(
            rewriter, loc, piece, joined, ArrayRef<int64_t>{0, i * panel},
            ArrayRef<int64_t>{1, 1});
      }
      rewriter.replaceOp(read, joined);
    }
    // A block of `panel` columns: one packed panel.
    for (tensor::ExtractSliceOp slice : uses.panels) {
      rewriter.setInsertionPoint(slice);
      OpFoldResult column = slice.getMixedOffsets()[1];
      OpFoldResult index = isa<Attribute>(column)
                               ? OpFoldResult(rewriter.getIndexAttr(
                                     *getConstantIntValue(column) / panel))
                               : OpFoldResult(panelIndex(cast<Value>(column)));
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          slice, slice.getType(), packed,
          ArrayRef<OpFoldResult>{index, rewriter.getIndexAttr(0),
                                 rewriter.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(rows),
                                 rewriter.getIndexAttr(panel)},
          SmallVector<OpFoldResult>(3, rewriter.getIndexAttr(1)));
    }
    // Any other block of columns: a constant of its own, one per block.
    std::map<std::pair<int64_t, int64_t>, Value> blocks;
    for (tensor::ExtractSliceOp slice : uses.columnBlocks) {
      int64_t column = *getConstantIntValue(slice.getMixedOffsets()[1]);
      int64_t width = *getConstantIntValue(slice.getMixedSizes()[1]);
      Value &block = blocks[{column, width}];
      if (!block) {
        auto blockType =
            RankedTensorType::get({rows, width}, type.getElementType());
        block = copyColumns(blockType, ".columns", column, width,
                            /*panelled=*/false);
      }
      rewriter.setInsertionPoint(slice);
      Value replacement = block;
      if (block.getType() != slice.getType())
        replacement =
            tensor::CastOp::create(rewriter, loc, slice.getType(), block);
      rewriter.replaceOp(slice, replacement);
    }
    rewriter.eraseOp(constant);
  }
};
} // namespace

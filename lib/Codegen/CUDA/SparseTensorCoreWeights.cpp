//===- SparseTensorCoreWeights.cpp - 2:4 weights for mma.sp ---------------===//
//
// The sparse operand of mma.sp m16n8k32 is A, 16 rows by 32 along K; a
// weight W [K, N] is sparse along K, so its transpose is A: each tile of
// 16 columns of W by 32 along K is one A operand. Per tile, each lane's
// four words are its A fragment (the fragment of a dense 16x16 A of the
// kept values: lane l holds rows l / 4 and l / 4 + 8, kept columns
// 2 (l % 4) and 8 + 2 (l % 4) and the ones after), and the metadata gives,
// for each row and group of 4 along K, the positions of its two kept
// values (2 bits each, the lower first). With sparsity selector 0 the
// first two lanes of each group of four supply the metadata: lane 4g + s
// for rows g (low half) and g + 8 (high half), groups 4s to 4s + 3.
//
//===----------------------------------------------------------------------===//

#include "SparseTensorCoreWeights.h"
#include "TensorCoreProducts.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

using Layout = SparseMatmulBuffersOp;

namespace {
/// One tile of W's transpose: per row (a column of W) and group of 4 along
/// K, the two kept values (bf16 bits) and their positions.
struct CompressedTile {
  uint16_t values[16][16] = {};
  uint8_t positions[16][8] = {};

  CompressedTile(ArrayRef<float> weight, int64_t depth, int64_t columns,
                 int64_t column0, int64_t k0) {
    for (int64_t row = 0; row < 16; ++row)
      for (int64_t group = 0; group < 8; ++group) {
        int64_t column = column0 + row, first = k0 + 4 * group;
        auto at = [&](int64_t i) {
          int64_t k = first + i;
          return column < columns && k < depth ? weight[k * columns + column]
                                               : 0.0f;
        };
        // The nonzeros, then the first zero positions, two in all, in
        // order: a position may not repeat (the hardware's metadata).
        int kept[2], count = 0;
        for (int i = 0; i < 4 && count < 2; ++i)
          if (at(i) != 0)
            kept[count++] = i;
        for (int i = 0; i < 4 && count < 2; ++i)
          if (at(i) == 0 && (count == 0 || kept[0] != i))
            kept[count++] = i;
        if (kept[0] > kept[1])
          std::swap(kept[0], kept[1]);
        for (int j = 0; j < 2; ++j)
          values[row][2 * group + j] = roundToBF16(at(kept[j]));
        positions[row][group] = kept[0] | kept[1] << 2;
      }
  }

  /// Lane `lane`'s A fragment register `reg` (two bf16, the first low).
  uint32_t fragmentWord(int64_t lane, int64_t reg) const {
    int64_t row = lane / 4 + 8 * (reg % 2);
    int64_t column = 2 * (lane % 4) + 8 * (reg / 2);
    return values[row][column] | uint32_t(values[row][column + 1]) << 16;
  }

  /// The metadata word of lane 4 * group4 + half.
  uint32_t metadataWord(int64_t group4, int64_t half) const {
    uint32_t word = 0;
    for (int64_t i = 0; i < 8; ++i)
      word |= uint32_t(positions[group4 + 8 * (i / 4)][4 * half + i % 4])
              << (4 * i);
    return word;
  }
};
} // namespace

PackedTwoFourWeight mlir::xf::packTwoFourWeight(ArrayRef<float> weight,
                                                int64_t depth,
                                                int64_t columns) {
  int64_t depthTiles = (depth + Layout::kTileDepth - 1) / Layout::kTileDepth;
  int64_t tiles = Layout::getTileCount(depth, columns);
  PackedTwoFourWeight packed;
  packed.values.reserve(tiles * Layout::kValueWords);
  packed.metadata.reserve(tiles * Layout::kMetadataWords);
  // Column tiles outermost: a warp walks one along K.
  for (int64_t tile = 0; tile < tiles; ++tile) {
    CompressedTile compressed(weight, depth, columns,
                              tile / depthTiles * Layout::kTileColumns,
                              tile % depthTiles * Layout::kTileDepth);
    for (int64_t lane = 0; lane < 32; ++lane)
      for (int64_t reg = 0; reg < 4; ++reg)
        packed.values.push_back(compressed.fragmentWord(lane, reg));
    for (int64_t group4 = 0; group4 < 8; ++group4)
      for (int64_t half = 0; half < 2; ++half)
        packed.metadata.push_back(compressed.metadataWord(group4, half));
  }
  return packed;
}

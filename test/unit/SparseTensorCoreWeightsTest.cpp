//===- SparseTensorCoreWeightsTest.cpp - 2:4 weights packed for mma.sp ----===//
//
// Reads packed weights back the way mma.sp m16n8k32 reads its sparse A
// operand (the fragment layout of PTX's documentation, the metadata layout
// measured on an H100: lane 4g + s gives rows g and g + 8, groups 4s to
// 4s + 3) and checks that every weight comes back, rounded to bf16, at
// awkward shapes: K and N not whole tiles, groups with 0, 1 or 2 nonzeros.
//
//===----------------------------------------------------------------------===//

#include "../../lib/Codegen/CUDA/SparseTensorCoreWeights.h"
#include "../../lib/Codegen/CUDA/TensorCoreProducts.h"
#include "xfc/Dialect/XF/IR/ProductWeights.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

#include "gtest/gtest.h"
#include <random>

using namespace mlir;
using namespace mlir::xf;
using Layout = SparseMatmulBuffersOp;

namespace {
/// A random [k, n] weight with 0, 1 or 2 nonzeros in each group of 4 along
/// K.
std::vector<float> randomTwoFour(int64_t k, int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> w(k * n, 0.0f);
  for (int64_t col = 0; col < n; ++col)
    for (int64_t k0 = 0; k0 < k; k0 += 4) {
      int64_t keep = rng() % 3;
      for (int64_t i = 0; i < keep; ++i) {
        int64_t kk = k0 + rng() % 4;
        if (kk < k)
          w[kk * n + col] = normal(rng);
      }
    }
  return w;
}

/// The dense [k, n] weight `packed` holds, as bf16 bits widened to f32.
std::vector<float> unpack(const PackedTwoFourWeight &packed, int64_t k,
                          int64_t n) {
  int64_t depthTiles = (k + 31) / 32, tiles = Layout::getTileCount(k, n);
  std::vector<float> w(k * n, 0.0f);
  for (int64_t tile = 0; tile < tiles; ++tile) {
    int64_t col0 = tile / depthTiles * 16, k0 = tile % depthTiles * 32;
    // Each lane's A fragment: register r holds kept columns 2 (l % 4) + 8
    // (r / 2) and the next of row l / 4 + 8 (r % 2).
    uint16_t kept[16][16];
    for (int64_t lane = 0; lane < 32; ++lane)
      for (int64_t reg = 0; reg < 4; ++reg) {
        uint32_t word =
            packed.values[tile * Layout::kValueWords + lane * 4 + reg];
        int64_t row = lane / 4 + 8 * (reg % 2),
                col = 2 * (lane % 4) + 8 * (reg / 2);
        kept[row][col] = word & 0xffff;
        kept[row][col + 1] = word >> 16;
      }
    for (int64_t group4 = 0; group4 < 8; ++group4)
      for (int64_t half = 0; half < 2; ++half) {
        uint32_t word =
            packed.metadata[tile * Layout::kMetadataWords + group4 * 2 + half];
        for (int64_t i = 0; i < 8; ++i) {
          int64_t row = group4 + 8 * (i / 4), group = 4 * half + i % 4;
          uint32_t nibble = word >> (4 * i) & 15;
          int64_t first = nibble & 3, second = nibble >> 2;
          // The hardware refuses repeated positions; the packer orders them.
          EXPECT_LT(first, second) << "tile " << tile << " row " << row;
          for (auto [j, position] :
               {std::pair(0, first), std::pair(1, second)}) {
            int64_t kk = k0 + 4 * group + position, col = col0 + row;
            uint32_t bits = uint32_t(kept[row][2 * group + j]) << 16;
            float value;
            std::memcpy(&value, &bits, 4);
            if (kk < k && col < n)
              w[kk * n + col] = value;
            else
              EXPECT_EQ(value, 0.0f) << "padding holds a value";
          }
        }
      }
  }
  return w;
}

void expectRoundTrip(int64_t k, int64_t n, unsigned seed) {
  std::vector<float> w = randomTwoFour(k, n, seed);
  ASSERT_TRUE(isTwoFourAlongK(w, k, n));
  PackedTwoFourWeight packed = packTwoFourWeight(w, k, n);
  ASSERT_EQ(int64_t(packed.values.size()),
            Layout::getTileCount(k, n) * Layout::kValueWords);
  ASSERT_EQ(int64_t(packed.metadata.size()),
            Layout::getTileCount(k, n) * Layout::kMetadataWords);
  std::vector<float> back = unpack(packed, k, n);
  for (int64_t i = 0; i < k * n; ++i) {
    uint32_t bits = uint32_t(roundToBF16(w[i])) << 16;
    float want;
    std::memcpy(&want, &bits, 4);
    ASSERT_EQ(back[i], want) << "k " << i / n << " n " << i % n;
  }
}
} // namespace

TEST(SparseTensorCoreWeights, WholeTiles) { expectRoundTrip(64, 32, 1); }

TEST(SparseTensorCoreWeights, PartialTiles) {
  expectRoundTrip(100, 20, 2);
  expectRoundTrip(5, 3, 3);
  expectRoundTrip(33, 17, 4);
}

TEST(SparseTensorCoreWeights, ThreeNonzerosAreNotTwoFour) {
  std::vector<float> w = {1, 2, 3, 0}; // K 4 x N 1
  EXPECT_FALSE(isTwoFourAlongK(w, 4, 1));
  EXPECT_TRUE(isTwoFourAlongK({1, 0, 3, 0}, 4, 1));
  // Its transpose, K along the columns.
  EXPECT_FALSE(isTwoFourAlongK(w, 4, 1, /*kIsRows=*/false));
}

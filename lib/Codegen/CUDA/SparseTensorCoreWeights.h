//===- SparseTensorCoreWeights.h - 2:4 weights for mma.sp -------*- C++ -*-===//
//
// Which constant weights the sparse tensor cores can take and how they are
// packed for them (xf.sparse_matmul_buffers' layout). Shared by the
// kernel configuration, which picks the sparse kernel for such weights, and
// xf-cuda-sparse-weights, which packs them.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CODEGEN_CUDA_SPARSETENSORCOREWEIGHTS_H
#define XFC_LIB_CODEGEN_CUDA_SPARSETENSORCOREWEIGHTS_H

#include "mlir/Support/LLVM.h"
#include <cstdint>
#include <vector>

namespace mlir::xf {

/// Whether a row-major [depth, columns] weight has at most 2 nonzeros in
/// each aligned group of 4 along K (its rows) in every column.
bool isTwoFourAlongK(ArrayRef<float> weight, int64_t depth, int64_t columns);

/// A 2:4 weight packed as xf.sparse_matmul_buffers reads it.
struct PackedTwoFourWeight {
  std::vector<uint32_t> values, metadata;
};

/// Packs a row-major [depth, columns] weight for which isTwoFourAlongK
/// holds: values rounded to bf16, zero-padded to whole tiles.
PackedTwoFourWeight packTwoFourWeight(ArrayRef<float> weight, int64_t depth,
                                      int64_t columns);

} // namespace mlir::xf

#endif // XFC_LIB_CODEGEN_CUDA_SPARSETENSORCOREWEIGHTS_H

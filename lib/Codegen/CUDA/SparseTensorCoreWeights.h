//===- SparseTensorCoreWeights.h - 2:4 weights for mma.sp -------*- C++ -*-===//
//
// How 2:4 constant weights are packed for the sparse tensor cores
// (xf.sparse_matmul_buffers' layout), by xf-cuda-sparse-weights.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CODEGEN_CUDA_SPARSETENSORCOREWEIGHTS_H
#define XFC_LIB_CODEGEN_CUDA_SPARSETENSORCOREWEIGHTS_H

#include "mlir/Support/LLVM.h"
#include <cstdint>
#include <vector>

namespace mlir::xf {

/// A 2:4 weight packed as xf.sparse_matmul_buffers reads it.
struct PackedTwoFourWeight {
  std::vector<uint32_t> values, metadata;
};

/// Packs a row-major [depth, columns] weight for which isTwoFourAlongK
/// (ProductWeights.h) holds: values rounded to bf16, zero-padded to whole
/// tiles.
PackedTwoFourWeight packTwoFourWeight(ArrayRef<float> weight, int64_t depth,
                                      int64_t columns);

} // namespace mlir::xf

#endif // XFC_LIB_CODEGEN_CUDA_SPARSETENSORCOREWEIGHTS_H

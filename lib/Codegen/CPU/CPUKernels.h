//===- CPUKernels.h - the ops the CPU kernel generators take ----*- C++ -*-===//
//
// Shared by xf-select-cpu-kernel-configs, which configures these ops, and
// the generators that build them from their #xf.kernel_config, so that
// both see the same ops and read a configuration the same way.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CODEGEN_CPU_CPUKERNELS_H
#define XFC_LIB_CODEGEN_CPU_CPUKERNELS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include <optional>

namespace mlir::xf {

class AttentionOp;
class ConstantOp;
class MatMulOp;

/// Attention xf-cpu-attention builds as a loop nest: f32, with a known
/// scale and a mask the nest reads.
bool isCPUAttention(AttentionOp op);

/// A product xf-vectorize-contractions register-blocks: f32 or i32 on
/// tensors, loops (batch..., m, n, k) with k the only reduction, the output
/// indexed (batch..., m, n) and the right operand read along n
/// contiguously.
bool isBlockableContraction(linalg::LinalgOp op);

/// A product's register blocks, from its #xf.kernel_config (vector,
/// tile = [M, N, N1]): M x N blocks of the output, and 1 x N1 blocks for
/// the rows past the last multiple of M.
struct ProductTiles {
  int64_t rows, columns, restColumns;

  /// The blocks `config` describes, if it configures a product.
  static std::optional<ProductTiles> get(KernelConfigAttr config);
};

/// A weight kernel's tiles (xf-cpu-quantized-matmul, xf-cpu-sparse-matmul)
/// from the #xf.kernel_config on its weight (`tile = [rows, columns]`): rows
/// of the left operand taken at a time, columns per tile, and the vector
/// lanes of its kind (16 with avx512, else 8).
struct WeightTiles {
  int64_t rows, columns, lanes;
  KernelKind kind;

  /// The tiles `weight`'s configuration gives, if it has one of `kinds`.
  static std::optional<WeightTiles> get(Operation *weight,
                                        ArrayRef<KernelKind> kinds);
};

/// The bytes xf-cpu-sparse-matmul stores for a [K, N] weight with
/// `nonzeros` nonzero values in the layout of `tiles`.
int64_t sparseWeightBytes(int64_t k, int64_t n, int64_t nonzeros,
                          const WeightTiles &tiles);

/// The least fraction of zeros that makes a constant weight sparse: its
/// values and one mask bit per weight are then at most 0.63 of its bytes.
constexpr double kSparseZeroFraction = 0.4;

/// The constant [K, N] weight `value` is, with `transposed` set when it is
/// the transpose of a constant [N, K] one; null if it is neither.
ConstantOp getConstantWeight(Value value, bool &transposed);

/// Splits each xf.linear and xf.gated_mlp under `func` that reads a weight
/// `isKernelWeight` accepts into its products (which a weight kernel then
/// takes).
LogicalResult decomposeLayersReading(func::FuncOp func,
                                     function_ref<bool(Value)> isKernelWeight);

/// Replaces the product `op` ([..., K] times a [K, N] weight) by the
/// [M, N] result `buildRows` makes of its left operand as [M, K] rows.
void replaceProductByRows(MatMulOp op, int64_t k, int64_t n,
                          function_ref<Value(OpBuilder &, Value)> buildRows);

/// `input` [M, K] with zero columns appended up to `columns`.
Value padColumns(OpBuilder &b, Location loc, Value input, int64_t columns);

} // namespace mlir::xf

#endif // XFC_LIB_CODEGEN_CPU_CPUKERNELS_H

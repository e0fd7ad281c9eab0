//===- CPUKernels.h - the ops the CPU kernel generators take ----*- C++ -*-===//
//
// Shared by xf-select-cpu-kernel-configs, which configures these ops, and
// the generators that build them from their #xf.kernel_config, so that
// both see the same ops and read a configuration the same way.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CODEGEN_CPU_CPUKERNELS_H
#define XFC_LIB_CODEGEN_CPU_CPUKERNELS_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include <optional>

namespace mlir::xf {

class AttentionOp;

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

} // namespace mlir::xf

#endif // XFC_LIB_CODEGEN_CPU_CPUKERNELS_H

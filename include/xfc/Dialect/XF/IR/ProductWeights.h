//===- ProductWeights.h - the operands matrix products read as weights -*- C++
//-*-===//
//
// One definition of "a product's weight", shared by the passes that prune
// weights (xf-sparsify), give them sparse kernels
// (xf-select-cpu-kernel-configs) and report on them (--report=sparsity).
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECT_XF_IR_PRODUCTWEIGHTS_H
#define XFC_DIALECT_XF_IR_PRODUCTWEIGHTS_H

#include "mlir/IR/Operation.h"

namespace mlir::xf {

/// Calls `visit` on each operand of `op` that a matrix product reads as its
/// weight (xf.matmul's right operand, xf.gemm's B, xf.linear's weight,
/// xf.gated_mlp's three) with whether the weight's rows are K.
void forEachWeightOperand(Operation *op,
                          function_ref<void(OpOperand &, bool kIsRows)> visit);

/// Whether `value` has uses and each is a product's weight operand, directly
/// or through a 2-D xf.transpose whose uses all are. Where it is and
/// `kIsRows` is given, sets it to whether `value`'s rows are K for its first
/// product.
bool isReadOnlyAsWeight(Value value, bool *kIsRows = nullptr);

/// Whether a [K, N] weight (`values` row-major, or its [N, K] transpose
/// when K is not its rows) has at most 2 nonzeros in each aligned group of
/// 4 along K in every column: 2:4, as the sparse tensor cores take it.
bool isTwoFourAlongK(ArrayRef<float> values, int64_t k, int64_t n,
                     bool kIsRows = true);

} // namespace mlir::xf

#endif // XFC_DIALECT_XF_IR_PRODUCTWEIGHTS_H

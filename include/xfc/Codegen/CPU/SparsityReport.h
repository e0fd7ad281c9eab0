//===- SparsityReport.h - which weights are sparse, and what they cost -*- C++
//-*-===//

#ifndef XFC_CODEGEN_CPU_SPARSITYREPORT_H
#define XFC_CODEGEN_CPU_SPARSITYREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xf {

/// Which sparse kernels a target has: the CPU's (after
/// xf-select-cpu-kernel-configs, whose configurations decide), CUDA's bf16
/// tensor cores (2:4 weights on mma.sp), or none (CUDA in f32 or tf32).
enum class SparseKernels { CPU, TensorCores, None };

/// For each f32 weight matrix of `module`'s products (after pruning and
/// raising): its pattern (2:4 along K, unstructured, dense), the fraction
/// nonzero, its bytes dense and as its kernel stores them, and which
/// kernel reads it; then the totals. xfc --report=sparsity.
void printSparsityReport(ModuleOp module, StringRef target,
                         SparseKernels kernels, llvm::raw_ostream &os);

} // namespace mlir::xf

#endif // XFC_CODEGEN_CPU_SPARSITYREPORT_H

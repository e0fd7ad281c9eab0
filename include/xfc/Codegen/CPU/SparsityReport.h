//===- SparsityReport.h - which weights are sparse, and what they cost -*- C++
//-*-===//

#ifndef XFC_CODEGEN_CPU_SPARSITYREPORT_H
#define XFC_CODEGEN_CPU_SPARSITYREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xf {

/// For each f32 weight matrix of `module`'s products (after pruning and
/// raising, and after xf-select-cpu-kernel-configs where `target` has
/// sparse kernels): its pattern (2:4 along K, unstructured, dense), the
/// fraction nonzero, its bytes dense and as its kernel stores them, and
/// which kernel reads it; then the totals. xfc --report=sparsity.
void printSparsityReport(ModuleOp module, StringRef target,
                         llvm::raw_ostream &os);

} // namespace mlir::xf

#endif // XFC_CODEGEN_CPU_SPARSITYREPORT_H

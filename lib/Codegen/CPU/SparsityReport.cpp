//===- SparsityReport.cpp - which weights are sparse, and what they cost --===//

#include "xfc/Codegen/CPU/SparsityReport.h"
#include "CPUKernels.h"
#include "xfc/Dialect/XF/IR/ProductWeights.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ElementsBytes.h"
#include "xfc/Support/ModelDiagnostics.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::xf;

namespace {
/// What the report says of one weight.
struct WeightSummary {
  std::string where;
  int64_t k, n, nonzeros;
  bool twoOfFour;
  /// Its bytes as its kernel stores them, and whether that is a sparse one.
  int64_t stored;
  bool sparseKernel;
};
} // namespace

/// A weight's bytes on `kernels`' target and whether a sparse kernel reads
/// it.
static std::pair<int64_t, bool> getKernelBytes(ConstantOp constant, int64_t k,
                                               int64_t n, int64_t nonzeros,
                                               bool twoOfFour,
                                               SparseKernels kernels) {
  switch (kernels) {
  case SparseKernels::CPU:
    if (std::optional<WeightTiles> tiles = WeightTiles::get(
            constant, {KernelKind::Avx512, KernelKind::Vector}))
      return {sparseWeightBytes(k, n, nonzeros, *tiles), true};
    return {4 * k * n, false};
  case SparseKernels::TensorCores:
    // The packed values and metadata of mma.sp, or a bf16 copy.
    if (twoOfFour)
      return {SparseMatmulBuffersOp::getTileCount(k, n) *
                  (SparseMatmulBuffersOp::kValueWords +
                   SparseMatmulBuffersOp::kMetadataWords) *
                  4,
              true};
    return {2 * k * n, false};
  case SparseKernels::None:
    return {4 * k * n, false};
  }
  llvm_unreachable("every target's kernels are handled");
}

void mlir::xf::printSparsityReport(ModuleOp module, StringRef target,
                                   SparseKernels kernels,
                                   llvm::raw_ostream &os) {
  SmallVector<WeightSummary> weights;
  module.walk([&](ConstantOp constant) {
    auto type = cast<RankedTensorType>(constant.getType());
    bool rows;
    std::optional<ArrayRef<float>> elements =
        getF32Elements(constant.getValue());
    if (type.getRank() != 2 || !type.hasStaticShape() || !elements ||
        !isReadOnlyAsWeight(constant.getResult(), &rows))
      return;
    ArrayRef<float> values = *elements;
    int64_t k = type.getDimSize(rows ? 0 : 1),
            n = type.getDimSize(rows ? 1 : 0);
    bool twoOfFour = isTwoFourAlongK(values, k, n, rows);
    std::string where = describeModelLocation(constant.getLoc());
    if (where.empty())
      for (Operation *user : constant->getUsers())
        if (where = describeModelLocation(user->getLoc()); !where.empty())
          break;
    int64_t nonzeros = type.getNumElements() - llvm::count(values, 0.0f);
    auto [stored, sparseKernel] =
        getKernelBytes(constant, k, n, nonzeros, twoOfFour, kernels);
    weights.push_back({where.empty() ? "(no model location)" : where, k, n,
                       nonzeros, twoOfFour, stored, sparseKernel});
  });

  auto megabytes = [](int64_t bytes) {
    return llvm::format("%.2f MB", bytes / 1e6);
  };
  os << "sparsity report (" << target << "; sparse kernels: ";
  if (kernels == SparseKernels::TensorCores)
    os << "2:4 weights, on the sparse tensor cores)\n";
  else
    os << "weights with at least "
       << llvm::format("%.0f", 100 * kSparseZeroFraction)
       << "% zeros, on avx512 CPU targets)\n";
  int64_t before = 0, after = 0, sparse = 0;
  for (const WeightSummary &w : weights) {
    int64_t size = w.k * w.n, dense = 4 * size;
    double zeros = 1.0 - static_cast<double>(w.nonzeros) / size;
    StringRef pattern = w.twoOfFour && zeros >= 0.5    ? "2:4"
                        : zeros >= kSparseZeroFraction ? "unstructured"
                                                       : "dense";
    before += dense;
    after += w.stored;
    sparse += w.sparseKernel;
    os << "  " << w.where << ": K " << w.k << " x N " << w.n << ", " << pattern
       << ", " << llvm::format("%.1f", 100.0 * w.nonzeros / size)
       << "% nonzero, " << megabytes(dense) << " -> " << megabytes(w.stored)
       << (w.sparseKernel ? " (sparse kernel)" : " (dense kernel)") << "\n";
  }
  os << "  weights: " << weights.size() << ", on sparse kernels: " << sparse
     << ", bytes " << megabytes(before) << " -> " << megabytes(after) << "\n";
}

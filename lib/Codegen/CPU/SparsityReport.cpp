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
  /// The sparse kernel's tiles, where one reads the weight.
  std::optional<WeightTiles> sparseKernel;
};
} // namespace

void mlir::xf::printSparsityReport(ModuleOp module, StringRef target,
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
    auto at = [&](int64_t kk, int64_t col) {
      return rows ? values[kk * n + col] : values[col * k + kk];
    };
    // 2:4: at most 2 nonzeros in each group of 4 along K.
    bool twoOfFour = true;
    for (int64_t col = 0; col < n && twoOfFour; ++col)
      for (int64_t k0 = 0; k0 < k && twoOfFour; k0 += 4) {
        int64_t count = 0;
        for (int64_t kk = k0; kk < std::min(k, k0 + 4); ++kk)
          count += at(kk, col) != 0.0f;
        twoOfFour = count <= 2;
      }
    std::string where = describeModelLocation(constant.getLoc());
    if (where.empty())
      for (Operation *user : constant->getUsers())
        if (where = describeModelLocation(user->getLoc()); !where.empty())
          break;
    weights.push_back(
        {where.empty() ? "(no model location)" : where, k, n,
         type.getNumElements() - llvm::count(values, 0.0f), twoOfFour,
         WeightTiles::get(constant, {KernelKind::Avx512, KernelKind::Vector})});
  });

  auto megabytes = [](int64_t bytes) {
    return llvm::format("%.2f MB", bytes / 1e6);
  };
  os << "sparsity report (" << target
     << "; sparse kernels: weights with at least "
     << llvm::format("%.0f", 100 * kSparseZeroFraction)
     << "% zeros, on avx512 CPU targets)\n";
  int64_t before = 0, after = 0, sparse = 0;
  for (const WeightSummary &w : weights) {
    int64_t size = w.k * w.n, dense = 4 * size;
    double zeros = 1.0 - static_cast<double>(w.nonzeros) / size;
    StringRef pattern = w.twoOfFour && zeros >= 0.5    ? "2:4"
                        : zeros >= kSparseZeroFraction ? "unstructured"
                                                       : "dense";
    int64_t stored = w.sparseKernel ? sparseWeightBytes(w.k, w.n, w.nonzeros,
                                                        *w.sparseKernel)
                                    : dense;
    before += dense;
    after += stored;
    sparse += w.sparseKernel.has_value();
    os << "  " << w.where << ": K " << w.k << " x N " << w.n << ", " << pattern
       << ", " << llvm::format("%.1f", 100.0 * w.nonzeros / size)
       << "% nonzero, " << megabytes(dense) << " -> " << megabytes(stored)
       << (w.sparseKernel ? " (sparse kernel)" : " (dense kernel)") << "\n";
  }
  os << "  weights: " << weights.size() << ", on sparse kernels: " << sparse
     << ", bytes " << megabytes(before) << " -> " << megabytes(after) << "\n";
}

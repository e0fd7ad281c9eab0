//===- SparsifyWeights.cpp - magnitude pruning of product weights ---------===//
//
// The rules are exact so that a user can apply them to the ONNX model and
// compare (scripts/prune-onnx.py): 2:4 keeps the 2 largest magnitudes of
// each 4 consecutive weights along K, unstructured:R zeroes the floor(R *
// size) smallest of each matrix. Ties go to the lower index (K for 2:4,
// row-major order for unstructured); NaN counts as the largest magnitude.
//
//===----------------------------------------------------------------------===//

#include "xfc/Dialect/XF/IR/ProductWeights.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Support/ElementsBytes.h"
#include "llvm/Support/Format.h"
#include <cmath>
#include <cstring>
#include <numeric>

namespace mlir::xf {
#define GEN_PASS_DEF_SPARSIFYWEIGHTSPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// A pruning rule: 2:4, or the fraction of each matrix to zero.
struct Rule {
  bool twoOfFour = true;
  double fraction = 0;
};

/// A weight matrix in row-major storage, its reduction dimension K either
/// its rows or its columns.
struct WeightMatrix {
  int64_t rows, columns;
  bool kIsRows;
};
} // namespace

static FailureOr<Rule> parseRule(StringRef pattern) {
  if (pattern == "2:4")
    return Rule{};
  double fraction;
  if (pattern.consume_front("unstructured:") &&
      !pattern.getAsDouble(fraction) && fraction > 0 && fraction < 1)
    return Rule{false, fraction};
  return failure();
}

/// The magnitude ordering of the rules: NaN the largest.
static float magnitude(float v) {
  return std::isnan(v) ? INFINITY : std::fabs(v);
}

/// Zeroes the weights `rule` prunes in `w` (row-major, `m`'s shape).
static void prune(MutableArrayRef<float> w, const WeightMatrix &m,
                  const Rule &rule) {
  if (!rule.twoOfFour) {
    // The floor(R * size) smallest, ties to the earlier element.
    auto count = static_cast<size_t>(std::floor(rule.fraction * w.size()));
    std::vector<int64_t> order(w.size());
    std::iota(order.begin(), order.end(), 0);
    std::nth_element(order.begin(), order.begin() + count, order.end(),
                     [&](int64_t a, int64_t b) {
                       float ma = magnitude(w[a]), mb = magnitude(w[b]);
                       return ma < mb || (ma == mb && a < b);
                     });
    for (size_t i = 0; i < count; ++i)
      w[order[i]] = 0.0f;
    return;
  }
  int64_t k = m.kIsRows ? m.rows : m.columns;
  int64_t n = m.kIsRows ? m.columns : m.rows;
  auto at = [&](int64_t kk, int64_t nn) -> float & {
    return m.kIsRows ? w[kk * m.columns + nn] : w[nn * m.columns + kk];
  };
  for (int64_t nn = 0; nn < n; ++nn)
    for (int64_t k0 = 0; k0 < k; k0 += 4) {
      int64_t size = std::min<int64_t>(4, k - k0);
      if (size <= 2)
        continue;
      // The 2 largest stay; among equal magnitudes the lower k first.
      SmallVector<int64_t, 4> group(size);
      std::iota(group.begin(), group.end(), k0);
      llvm::sort(group, [&](int64_t a, int64_t b) {
        float ma = magnitude(at(a, nn)), mb = magnitude(at(b, nn));
        return ma > mb || (ma == mb && a < b);
      });
      for (int64_t i = 2; i < size; ++i)
        at(group[i], nn) = 0.0f;
    }
}

namespace {
struct SparsifyWeightsPass
    : xf::impl::SparsifyWeightsPassBase<SparsifyWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<Rule> rule = parseRule(pattern);
    if (failed(rule)) {
      getOperation().emitError() << "xf-sparsify: pattern is 2:4 or "
                                    "unstructured:R with 0 < R < 1, not '"
                                 << pattern << "'";
      return signalPassFailure();
    }
    // Each weight operand and whether its rows are K.
    SmallVector<std::pair<OpOperand *, bool>> weights;
    getOperation().walk([&](Operation *op) {
      forEachWeightOperand(op, [&](OpOperand &operand, bool kIsRows) {
        weights.push_back({&operand, kIsRows});
      });
    });
    for (auto [operand, kIsRows] : weights)
      sparsify(*operand, kIsRows, *rule);
  }

  void sparsify(OpOperand &operand, bool kIsRows, const Rule &rule) {
    auto constant = operand.get().getDefiningOp<ConstantOp>();
    // A weight another op reads too (a tied embedding) stays dense.
    if (!constant || !constant->hasOneUse())
      return;
    auto type = dyn_cast<RankedTensorType>(constant.getType());
    std::optional<ArrayRef<float>> values =
        getF32Elements(constant.getValueAttr());
    if (!type || type.getRank() != 2 || !type.hasStaticShape() || !values)
      return;
    WeightMatrix matrix{type.getDimSize(0), type.getDimSize(1), kIsRows};
    std::vector<float> pruned(values->begin(), values->end());
    prune(pruned, matrix, rule);

    double change = 0, norm = 0;
    int64_t kept = 0;
    for (auto [before, after] : llvm::zip_equal(*values, pruned)) {
      change += (before - after) * static_cast<double>(before - after);
      norm += before * static_cast<double>(before);
      kept += after != 0.0f;
    }
    OpBuilder b(constant);
    // Resource weights stay resources; dense ones (small) stay readable.
    Attribute attr =
        isa<DenseElementsAttr>(constant.getValueAttr())
            ? Attribute(DenseElementsAttr::get(type, ArrayRef<float>(pruned)))
            : Attribute(deriveResource(
                  constant.getValueAttr(), type,
                  rule.twoOfFour ? ".2of4" : ".unstructured", [&](char *out) {
                    std::memcpy(out, pruned.data(),
                                pruned.size() * sizeof(float));
                  }));
    Value sparse = ConstantOp::create(b, constant.getLoc(), type,
                                      cast<ElementsAttr>(attr));
    operand.set(sparse);
    std::string summary;
    llvm::raw_string_ostream(summary)
        << llvm::format("%.1f", 100.0 * kept / pruned.size())
        << "% nonzero, relative change "
        << llvm::format("%.2e", norm > 0 ? std::sqrt(change / norm) : 0.0);
    emitRemark(operand.getOwner()->getLoc())
        << "weight sparsified (" << pattern << "): " << summary;
    constant->erase();
  }
};
} // namespace

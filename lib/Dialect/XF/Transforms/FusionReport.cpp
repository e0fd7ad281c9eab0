//===- FusionReport.cpp - what raising formed and what it left ------------===//

#include "xfc/Dialect/XF/Transforms/FusionReport.h"
#include "AttentionMatch.h"
#include "Matching.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ModelDiagnostics.h"
#include "llvm/ADT/MapVector.h"

using namespace mlir;
using namespace mlir::xf;

void xf::printFusionReport(ModuleOp module, llvm::raw_ostream &os) {
  llvm::MapVector<StringRef, unsigned> formed;
  for (StringRef name :
       {"xf.attention", "xf.layer_norm", "xf.rms_norm", "xf.linear",
        "xf.gated_mlp", "xf.rope", "xf.gelu", "xf.moe"})
    formed[name] = 0;
  SmallVector<std::pair<Location, std::string>> unfused, unfusedDense,
      unraisedRouting;
  // Data-dependent index ops (NonZero, ScatterND) are how exporters write
  // a mixture of experts' token selection; raised blocks leave none.
  unsigned dataDependent = 0;
  module.walk([&](Operation *op) {
    auto *it = formed.find(op->getName().getStringRef());
    if (it != formed.end())
      ++it->second;
    if (isa<NonZeroOp, ScatterNDOp>(op))
      ++dataDependent;
    // A product by weights (values computed from constants alone) outside
    // xf.linear is a dense layer left unfused.
    if (isa<MatMulOp, GemmOp, MatMulIntegerOp>(op) &&
        isComputedFromConstants(op->getOperand(1)))
      unfusedDense.emplace_back(
          op->getLoc(),
          isa<MatMulIntegerOp>(op)
              ? "an integer product not of a per-tensor quantized "
                "activation by constant 8-bit weights"
              : "its operands are not ones xf.linear takes");
    // The top-k of a softmax is a mixture of experts' routing; left, it
    // runs every expert or loops over them.
    if (auto topk = dyn_cast<TopKOp>(op);
        topk && topk.getInput().getDefiningOp<SoftmaxOp>())
      unraisedRouting.emplace_back(
          op->getLoc(), "its experts are in no form xf-raise-moe knows "
                        "(gathered expert matrices; per-expert scatter-adds; "
                        "dense masked sums)");
    // A softmax whose probabilities weight a matrix product is attention
    // left unfused; others (a router's) are not attention.
    auto softmax = dyn_cast<SoftmaxOp>(op);
    if (!softmax || llvm::none_of(softmax->getUsers(), [](Operation *user) {
          return isa<MatMulOp>(user);
        }))
      return;
    std::string why;
    if (succeeded(matchAttention(
            softmax, [&](const Twine &reason) { why = reason.str(); })))
      why = "matches, but xf.attention does not accept its shapes";
    unfused.emplace_back(op->getLoc(), why);
  });
  os << "fusion report\n";
  for (auto [name, count] : formed)
    os << "  " << name << ": " << count << "\n";
  auto list = [&](StringRef what,
                  ArrayRef<std::pair<Location, std::string>> items) {
    os << "  " << what << ": " << items.size() << "\n";
    for (auto &[loc, why] : items) {
      std::string where = describeModelLocation(loc);
      os << "    " << (where.empty() ? "(no model location)" : where) << ": "
         << why << "\n";
    }
  };
  list("unfused attention subgraphs (softmax left)", unfused);
  list("products by weights outside xf.linear", unfusedDense);
  list("MoE routings outside xf.moe", unraisedRouting);
  os << "  NonZero and ScatterND left: " << dataDependent << "\n";
}

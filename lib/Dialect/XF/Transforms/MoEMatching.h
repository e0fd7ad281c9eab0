//===- MoEMatching.h - what the MoE forms' matchers share ------*- C++ -*-===//
//
// xf-raise-moe's matchers (RaiseGatheredExperts.cpp, RaisePerExpertSums.cpp)
// find the routing, the token rows and the experts' weights of one MoE
// form each; RaiseMoE.cpp turns what they find into xf.moe.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_DIALECT_XF_TRANSFORMS_MOEMATCHING_H
#define XFC_LIB_DIALECT_XF_TRANSFORMS_MOEMATCHING_H

#include "mlir/IR/PatternMatch.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/ADT/DenseMap.h"
#include <functional>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

namespace mlir::xf::moe {

/// The routing a form's weights and expert indices come from.
struct Routing {
  Value values, indices, logits;
  int64_t k, experts;
  bool normalize;
};

/// The experts' weights as xf.moe takes them, [E, in, out], each element
/// read from the model's constants by `at(e, row, column)`.
using WeightReader = std::function<float(int64_t, int64_t, int64_t)>;
struct ExpertWeights {
  Attribute origin; // names the stacked copies
  int64_t experts, features, hidden;
  WeightReader gate, up, down;
};

/// What a matcher found: the token rows ([T, D]), the routing, the weights.
using MatchedMoe = std::tuple<Value, Routing, ExpertWeights>;

/// The f32 values of constants, read once per match: the per-expert forms
/// read each expert's matrix from the same stacks.
using Floats = std::shared_ptr<const std::vector<float>>;
using FloatsCache = llvm::DenseMap<Attribute, Floats>;
Floats floatsOf(ConstantOp constant, FloatsCache &cache);

/// silu(gate) * up where gate and up are column ranges of one value: that
/// value, the ranges' offsets and their width.
struct GatedHalves {
  Value whole;
  int64_t gateOffset, upOffset, width;
};

int64_t rankOf(Value v);

/// Whether `axes` (normalized for `rank`) are `expected`.
bool isAxes(std::optional<ArrayRef<int64_t>> axes, int64_t rank,
            ArrayRef<int64_t> expected);

/// The routing whose weights `w` ([T, k]) are: the top-k values of a
/// softmax over [T, E] logits, or them divided by their sum.
std::optional<Routing> matchRoutingWeights(Value w);

/// `v` before ops that only regroup its elements (reshape, unsqueeze,
/// squeeze, flatten), which never reorder them.
Value beforeRegrouping(Value v);

/// The columns [offset, offset + size) of the last axis of `whole` that
/// `part` is: a Split result or a Slice.
std::optional<int64_t> columnsOf(Value part, Value &whole);

/// silu(gate) * up as `hidden` computes it, if it does.
std::optional<GatedHalves> gatedHalves(Value hidden);

/// Hugging Face's stacked experts as xf.moe's readers: gate_up
/// [E, 2F, D] (gate and up at `halves`' row offsets) and down [E, D, F],
/// f32 constants.
std::optional<ExpertWeights> fusedStacks(ConstantOp gateUp, ConstantOp down,
                                         const GatedHalves &halves,
                                         FloatsCache &cache);

/// The gathered form (Hugging Face's batched_mm experts), from its final
/// sum over the k choices.
FailureOr<MatchedMoe> matchGatheredExperts(ReduceSumOp sum,
                                           PatternRewriter &rewriter);

/// The per-expert and dense forms, from the last step of their sum over
/// the experts (a ScatterND or an Add).
FailureOr<MatchedMoe> matchPerExpertSums(Operation *last,
                                         PatternRewriter &rewriter);

} // namespace mlir::xf::moe

#endif // XFC_LIB_DIALECT_XF_TRANSFORMS_MOEMATCHING_H

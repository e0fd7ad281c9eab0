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
#include <optional>
#include <tuple>

namespace mlir::xf::moe {

/// The routing a form's weights and expert indices come from.
struct Routing {
  Value values, indices, logits;
  int64_t k, experts;
  bool normalize;
};

/// One expert's matrix, read in place from a constant's f32 elements:
/// element (r, c) is data[r * rowStride + c * columnStride] (both strides 0
/// for a splat).
struct MatrixView {
  const float *data;
  int64_t rowStride, columnStride;
};

/// The f32 elements of a static-shaped constant, in place, and whether it
/// is a splat (one element stands for all); nullopt for other constants.
std::optional<std::pair<const float *, bool>> f32Elements(ConstantOp constant);

/// The experts' weights as xf.moe takes them, [E, in, out]: one view per
/// expert of each matrix.
struct ExpertWeights {
  Attribute origin; // names the stacked copies
  int64_t experts, features, hidden;
  SmallVector<MatrixView> gate, up, down;
};

/// What a matcher found: the token rows ([T, D]), the routing, the weights.
using MatchedMoe = std::tuple<Value, Routing, ExpertWeights>;

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

/// Hugging Face's stacked experts as views in xf.moe's layout: gate_up
/// [E, 2F, D] (gate and up at `halves`' row offsets) and down [E, D, F],
/// f32 constants.
std::optional<ExpertWeights> fusedStacks(ConstantOp gateUp, ConstantOp down,
                                         const GatedHalves &halves);

/// The gathered form (Hugging Face's batched_mm experts), from its final
/// sum over the k choices (a ReduceSum).
FailureOr<MatchedMoe> matchGatheredExperts(Operation *root,
                                           PatternRewriter &rewriter);

/// The per-expert and dense forms, from the last step of their sum over
/// the experts (a ScatterND or an Add).
FailureOr<MatchedMoe> matchPerExpertSums(Operation *last,
                                         PatternRewriter &rewriter);

} // namespace mlir::xf::moe

#endif // XFC_LIB_DIALECT_XF_TRANSFORMS_MOEMATCHING_H

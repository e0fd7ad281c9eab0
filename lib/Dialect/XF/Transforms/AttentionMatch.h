//===- AttentionMatch.h - the attention subgraph around a softmax ---------===//
//
// Shared by the pattern that raises the subgraph and the fusion report,
// which prints why a softmax was left.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_DIALECT_XF_TRANSFORMS_ATTENTIONMATCH_H
#define XFC_LIB_DIALECT_XF_TRANSFORMS_ATTENTIONMATCH_H

#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::xf {

/// The parts of `matmul(softmax(matmul(q, kt) * scale + mask), v)`.
struct AttentionParts {
  Value query, keyTransposed, value, mask;
  float scale = 1.0f;
  MatMulOp output;
  SmallVector<Operation *> interior; // removed once the output is replaced
  // Shapes of the (masked) scores that the graph asks for; they are
  // computed from the shapes of the inputs instead.
  SmallVector<ShapeOp> scoreShapes;
};

/// The attention subgraph whose probabilities `softmax` computes; when
/// there is none, `reject` is told why.
FailureOr<AttentionParts>
matchAttention(SoftmaxOp softmax,
               llvm::function_ref<void(const Twine &)> reject);

} // namespace mlir::xf

#endif // XFC_LIB_DIALECT_XF_TRANSFORMS_ATTENTIONMATCH_H

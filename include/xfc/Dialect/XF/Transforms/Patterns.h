//===- Patterns.h - the raise passes' rewrite patterns ----------*- C++ -*-===//
//
// Each raise pass applies one of these sets with the greedy driver (see
// applyRaisePatterns); a pipeline that wants several raisings at once can
// gather them into one set. A pattern says why it declines a subgraph through
// notifyMatchFailure: -debug-only=greedy-rewriter prints it where MLIR has
// assertions, and the passes pass it on as a missed remark
// (--remarks-filter-missed='xf-raise.*' --remark-format=emitRemark).
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECT_XF_TRANSFORMS_PATTERNS_H
#define XFC_DIALECT_XF_TRANSFORMS_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::xf {

/// matmul(softmax(matmul(q, kt) [* scale] [+ mask]), v) as xf.attention
/// (xf-raise-attention).
void populateRaiseAttentionPatterns(RewritePatternSet &patterns);

/// RMSNorm formulas as xf.rms_norm (xf-raise-norms).
void populateRaiseNormsPatterns(RewritePatternSet &patterns);

/// GELU formulas as xf.gelu, products by constant weights as xf.linear and
/// three linears around a product as xf.gated_mlp (xf-raise-mlp).
void populateRaiseMLPPatterns(RewritePatternSet &patterns);

/// Products by 8-bit constant weights, dequantized (QDQ) or multiplied as
/// integers (dynamic quantization), as products by xf.quantized_weight (in
/// xf-raise-mlp's set, before the linears are formed).
void populateRaiseQuantizedProductPatterns(RewritePatternSet &patterns);

/// Rotate-half rotary embeddings as xf.rope (xf-raise-rope).
void populateRaiseRopePatterns(RewritePatternSet &patterns);

/// Applies `patterns` to `op`'s regions the way the raise passes do: the
/// greedy driver, one bottom-up sweep, without folding or constant
/// deduplication (the passes change only what their patterns match, and
/// erase what that leaves dead; the canonicalizer folds after them). Why a
/// pattern declined a subgraph becomes a missed remark of category `pass`.
void applyRaisePatterns(Operation *op, RewritePatternSet &&patterns,
                        StringRef pass);

} // namespace mlir::xf

#endif // XFC_DIALECT_XF_TRANSFORMS_PATTERNS_H

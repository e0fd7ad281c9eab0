//===- AttentionScale.h - the scale xf.attention applies -------*- C++ -*-===//
//
// One definition for the decomposition and both targets' kernels.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECT_XF_IR_ATTENTIONSCALE_H
#define XFC_DIALECT_XF_IR_ATTENTIONSCALE_H

namespace mlir::xf {

class AttentionOp;

/// The op's scale: the attribute, or 1/sqrt of its head size (which must
/// then be static).
double getAttentionScale(AttentionOp op);

} // namespace mlir::xf

#endif // XFC_DIALECT_XF_IR_ATTENTIONSCALE_H

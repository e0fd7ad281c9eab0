//===- Decompose.cpp - composite xf ops through their decompositions ------===//
//
// An xf op that declares linalg::AggregatedOpInterface (softmax, the
// normalizations, dense layers, gated MLPs, RoPE, attention) and that no
// direct lowering took is replaced by its decomposition (defined with the
// op, lib/Dialect/XF/IR/Decompositions.cpp); the conversion then lowers
// the simpler xf ops it is made of.
//
//===----------------------------------------------------------------------===//

#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

namespace {
/// One instance per decomposable op name, at benefit 1. Rooted on the name
/// (not on the interface, whose patterns the conversion ranks in a list of
/// their own) so that each op's direct lowerings (benefit 2, such as fused
/// attention) are tried first.
struct DecomposeAggregatedOp : ConversionPattern {
  DecomposeAggregatedOp(const TypeConverter &converter, OperationName name)
      : ConversionPattern(converter, name.getStringRef(), /*benefit=*/1,
                          name.getContext()) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    // The decomposition builds on the op's operands: it gets the converted
    // ones, which every other lowering builds on too, while it runs. The op
    // then has its own back: lowerings of its users trace sizes through it.
    SmallVector<Value> original(op->getOperands());
    op->setOperands(operands);
    FailureOr<SmallVector<Value>> results =
        cast<linalg::AggregatedOpInterface>(op).decomposeOperation(rewriter);
    op->setOperands(original);
    // The decomposition reported why at the op; the conversion then fails
    // to legalize it, naming it.
    if (failed(results))
      return rewriter.notifyMatchFailure(op, "decomposition failed");
    rewriter.replaceOp(op, *results);
    return success();
  }
};
} // namespace

void populateDecompositionPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  for (RegisteredOperationName name : context->getRegisteredOperationsByDialect(
           XFDialect::getDialectNamespace()))
    if (name.hasInterface<linalg::AggregatedOpInterface>())
      patterns.add<DecomposeAggregatedOp>(converter, name);
}

} // namespace mlir::xf

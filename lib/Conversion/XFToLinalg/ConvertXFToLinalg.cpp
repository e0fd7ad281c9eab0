//===- ConvertXFToLinalg.cpp - the xf-convert-to-linalg pass --------------===//

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/Passes.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

#define DEBUG_TYPE "xf-convert-to-linalg"

namespace mlir::xf {
#define GEN_PASS_DEF_CONVERTXFTOLINALGPASS
#include "xfc/Conversion/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
struct ConvertXFToLinalgPass
    : xf::impl::ConvertXFToLinalgPassBase<ConvertXFToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ConversionTarget target(*context);
    target.addLegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                           func::FuncDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    target.addIllegalDialect<XFDialect>();
    RewritePatternSet patterns(context);
    populateElementwiseToLinalgPatterns(patterns);
    populateMatmulToLinalgPatterns(patterns);
    populateReductionToLinalgPatterns(patterns);
    populateReshapeToTensorPatterns(patterns);
    populateDecompositionPatterns(patterns);
    populateIndexingToLinalgPatterns(patterns);
    populateQuantizationToLinalgPatterns(patterns);
    populateScatterToLinalgPatterns(patterns);
    populateDataMovementToLinalgPatterns(patterns);
    // Every xf op must go: one without a lowering is reported at its node.
    if (failed(
            applyFullConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

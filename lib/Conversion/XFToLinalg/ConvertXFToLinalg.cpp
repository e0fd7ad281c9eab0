//===- ConvertXFToLinalg.cpp - the xf-convert-to-linalg pass --------------===//

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
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

RankedTensorType xf::toSignless(RankedTensorType type) {
  auto integer = dyn_cast<IntegerType>(type.getElementType());
  if (!integer || integer.getWidth() == 1 ||
      (integer.isSignless() && integer.getWidth() >= 8))
    return type;
  return type.clone(
      IntegerType::get(type.getContext(), std::max(8u, integer.getWidth())));
}

SignlessTypeConverter::SignlessTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RankedTensorType type) { return toSignless(type); });
}

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
    target.addLegalDialect<bufferization::BufferizationDialect,
                           memref::MemRefDialect>();
    // What the CPU's kernel generators wrote before this pass.
    target.addLegalDialect<vector::VectorDialect, LLVM::LLVMDialect>();
    target.addLegalOp<AttentionBuffersOp, ExpandLanesOp, MultiplyAddPairsOp,
                      RunCheckOp>();
    // Unsigned model inputs and outputs become signless too; the library's
    // C interface was described from the xf types before this pass.
    SignlessTypeConverter converter;
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    RewritePatternSet patterns(context);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateElementwiseToLinalgPatterns(converter, patterns);
    populateMatmulToLinalgPatterns(converter, patterns);
    populateReductionToLinalgPatterns(converter, patterns);
    populateReshapeToTensorPatterns(converter, patterns);
    populateDecompositionPatterns(converter, patterns);
    populateIndexingToLinalgPatterns(converter, patterns);
    populateQuantizationToLinalgPatterns(converter, patterns);
    populateScatterToLinalgPatterns(converter, patterns, copySlices);
    populateDataMovementToLinalgPatterns(converter, patterns);
    // Every xf op must go: one without a lowering is reported at its node.
    if (failed(
            applyFullConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

//===- CopiesToLinalg.cpp - memref.copy as linalg.copy --------------------===//

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "xfc/Codegen/Common/Passes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_COPIESTOLINALGPASS
#include "xfc/Codegen/Common/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
struct CopiesToLinalgPass
    : xf::impl::CopiesToLinalgPassBase<CopiesToLinalgPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](memref::CopyOp copy) {
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    });
  }
};
} // namespace

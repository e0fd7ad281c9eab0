//===- LowerMultiplyAddPairs.cpp - the integer kernels' dot step ----------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {
#define GEN_PASS_DEF_LOWERMULTIPLYADDPAIRSPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

/// Even and odd lanes widened to 32 bits, multiplied and added: what the
/// intrinsics compute, for targets without them.
static Value portableMultiplyAddPairs(OpBuilder &b, xf::MultiplyAddPairsOp op) {
  Location loc = op.getLoc();
  int64_t sums = op.getType().getDimSize(0);
  auto product = [&](int64_t first) {
    SmallVector<int64_t> lanes;
    for (int64_t i = 0; i < sums; ++i)
      lanes.push_back(2 * i + first);
    auto widen = [&](Value v) {
      return arith::ExtSIOp::create(
          b, loc, op.getType(), vector::ShuffleOp::create(b, loc, v, v, lanes));
    };
    return arith::MulIOp::create(b, loc, widen(op.getLhs()),
                                 widen(op.getRhs()));
  };
  return arith::AddIOp::create(b, loc, product(0), product(1));
}

namespace {
struct LowerMultiplyAddPairsPass
    : xf::impl::LowerMultiplyAddPairsPassBase<LowerMultiplyAddPairsPass> {
  void runOnOperation() override {
    SmallVector<xf::MultiplyAddPairsOp> ops;
    getOperation().walk([&](xf::MultiplyAddPairsOp op) { ops.push_back(op); });
    for (xf::MultiplyAddPairsOp op : ops) {
      OpBuilder b(op);
      Value result =
          op.getIntrinsic()
              ? LLVM::CallIntrinsicOp::create(
                    b, op.getLoc(), op.getType(), op.getIntrinsicAttr(),
                    ValueRange{op.getLhs(), op.getRhs()})
                    .getResult(0)
              : portableMultiplyAddPairs(b, op);
      op.replaceAllUsesWith(result);
      op.erase();
    }
  }
};
} // namespace

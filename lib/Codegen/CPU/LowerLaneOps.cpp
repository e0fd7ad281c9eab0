//===- LowerLaneOps.cpp - the CPU kernels' lane ops as LLVM intrinsics ----===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {
#define GEN_PASS_DEF_LOWERLANEOPSPASS
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

/// The source through a stack slot and back with an expanding load: LLVM
/// has no register form outside x86's intrinsics.
static Value portableExpandLanes(OpBuilder &b, xf::ExpandLanesOp op) {
  Location loc = op.getLoc();
  VectorType type = op.getType();
  auto slotType = MemRefType::get({type.getDimSize(0)}, type.getElementType());
  Value slot = memref::AllocaOp::create(b, loc, slotType);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  vector::StoreOp::create(b, loc, op.getSource(), slot, ValueRange{c0});
  Value zeros = arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
  return vector::ExpandLoadOp::create(b, loc, type, slot, ValueRange{c0},
                                      op.getMask(), zeros);
}

namespace {
struct LowerLaneOpsPass : xf::impl::LowerLaneOpsPassBase<LowerLaneOpsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<xf::MultiplyAddPairsOp, xf::ExpandLanesOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      OpBuilder b(op);
      Location loc = op->getLoc();
      Value result;
      if (auto pairs = dyn_cast<xf::MultiplyAddPairsOp>(op)) {
        result = pairs.getIntrinsic()
                     ? LLVM::CallIntrinsicOp::create(
                           b, loc, pairs.getType(), pairs.getIntrinsicAttr(),
                           ValueRange{pairs.getLhs(), pairs.getRhs()})
                           .getResult(0)
                     : portableMultiplyAddPairs(b, pairs);
      } else {
        auto expand = cast<xf::ExpandLanesOp>(op);
        VectorType type = expand.getType();
        result = expand.getIntrinsic()
                     ? LLVM::CallIntrinsicOp::create(
                           b, loc, type, expand.getIntrinsicAttr(),
                           ValueRange{expand.getSource(),
                                      arith::ConstantOp::create(
                                          b, loc, type, b.getZeroAttr(type)),
                                      expand.getMask()})
                           .getResult(0)
                     : portableExpandLanes(b, expand);
      }
      op->getResult(0).replaceAllUsesWith(result);
      op->erase();
    }
  }
};
} // namespace

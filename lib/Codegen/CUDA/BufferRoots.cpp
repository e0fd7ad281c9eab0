//===- BufferRoots.cpp - which buffers an operation reads and writes ------===//

#include "BufferRoots.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::xf {

Value getBufferRoot(Value memref) {
  while (true) {
    if (auto view = memref.getDefiningOp<ViewLikeOpInterface>();
        view && view.getViewDest() == memref) {
      memref = view.getViewSource();
      continue;
    }
    // A loop carrying a buffer (bufferized in place) carries its initial
    // one; a branch yields the buffer it was given.
    if (auto argument = dyn_cast<BlockArgument>(memref)) {
      auto loop = dyn_cast<scf::ForOp>(argument.getOwner()->getParentOp());
      if (!loop || argument.getArgNumber() == 0)
        return memref;
      memref = loop.getTiedLoopInit(argument)->get();
      continue;
    }
    if (auto loop = memref.getDefiningOp<scf::ForOp>()) {
      memref = loop.getTiedLoopInit(cast<OpResult>(memref))->get();
      continue;
    }
    if (auto branch = memref.getDefiningOp<scf::IfOp>()) {
      memref = branch.thenYield().getOperand(
          cast<OpResult>(memref).getResultNumber());
      continue;
    }
    return memref;
  }
}

void collectAccessedRoots(Operation *op, llvm::SetVector<Value> &reads,
                          llvm::SetVector<Value> &writes) {
  op->walk([&](Operation *nested) {
    // A reshape is a view, but building it reads its shape operand.
    if (auto reshape = dyn_cast<memref::ReshapeOp>(nested)) {
      reads.insert(getBufferRoot(reshape.getShape()));
      return;
    }
    if (auto effects = dyn_cast<MemoryEffectOpInterface>(nested)) {
      SmallVector<MemoryEffects::EffectInstance> instances;
      effects.getEffects(instances);
      for (const MemoryEffects::EffectInstance &effect : instances) {
        Value value = effect.getValue();
        if (!value || !isa<BaseMemRefType>(value.getType()))
          continue;
        if (isa<MemoryEffects::Read>(effect.getEffect()))
          reads.insert(getBufferRoot(value));
        else if (isa<MemoryEffects::Write>(effect.getEffect()))
          writes.insert(getBufferRoot(value));
      }
      return;
    }
    if (nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return;
    for (Value operand : nested->getOperands())
      if (isa<BaseMemRefType>(operand.getType())) {
        reads.insert(getBufferRoot(operand));
        writes.insert(getBufferRoot(operand));
      }
  });
}

bool accessesBuffers(Operation *op) {
  llvm::SetVector<Value> reads, writes;
  collectAccessedRoots(op, reads, writes);
  return !reads.empty() || !writes.empty();
}

} // namespace mlir::xf

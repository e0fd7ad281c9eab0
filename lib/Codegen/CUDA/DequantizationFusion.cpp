//===- DequantizationFusion.cpp - computing B while staging it ------------===//

#include "DequantizationFusion.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

linalg::GenericOp mlir::xf::findFusableProducer(Value rhs, Operation *product) {
  auto alloc = rhs.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return {};
  linalg::GenericOp producer;
  for (Operation *user : alloc->getUsers()) {
    if (user == product || isa<memref::DeallocOp>(user))
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || producer)
      return {};
    producer = generic;
  }
  if (!producer || producer.getNumDpsInits() != 1 ||
      producer.getDpsInits()[0] != rhs ||
      producer.getNumLoops() != producer.getNumParallelLoops() ||
      !producer.getMatchingIndexingMap(producer.getDpsInitOperand(0))
           .isPermutation() ||
      producer.payloadUsesValueFromOperand(producer.getDpsInitOperand(0)) ||
      producer->getBlock() != product->getBlock() ||
      !producer->isBeforeInBlock(product))
    return {};
  for (Value input : producer.getDpsInputs())
    if (!input.getDefiningOp<memref::GetGlobalOp>())
      return {};
  return producer;
}

Value mlir::xf::computeProducedElement(ImplicitLocOpBuilder &b,
                                       linalg::GenericOp producer,
                                       ValueRange indices) {
  AffineMap outputMap =
      producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
  SmallVector<Value> loops(producer.getNumLoops());
  for (unsigned i = 0; i < outputMap.getNumResults(); ++i)
    loops[outputMap.getDimPosition(i)] = indices[i];
  IRMapping mapping;
  Block &body = producer.getRegion().front();
  for (OpOperand *input : producer.getDpsInputOperands()) {
    AffineMap map = producer.getMatchingIndexingMap(input);
    SmallVector<Value> at;
    for (unsigned j = 0; j < map.getNumResults(); ++j)
      at.push_back(affine::AffineApplyOp::create(b, map.getSubMap({j}), loops));
    mapping.map(body.getArgument(input->getOperandNumber()),
                memref::LoadOp::create(b, input->get(), at).getResult());
  }
  for (Operation &op : body.without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(op))
      mapping.map(index.getResult(), loops[index.getDim()]);
    else
      b.clone(op, mapping);
  }
  return mapping.lookup(body.getTerminator()->getOperand(0));
}

void mlir::xf::eraseFusedProducer(linalg::GenericOp producer) {
  auto alloc = producer.getDpsInits()[0].getDefiningOp<memref::AllocOp>();
  producer.erase();
  for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
    user->erase();
  alloc.erase();
}

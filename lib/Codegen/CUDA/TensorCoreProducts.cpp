//===- TensorCoreProducts.cpp - the products the tensor cores take --------===//

#include "TensorCoreProducts.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "xfc/Codegen/CUDA/DeviceCopies.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"

using namespace mlir;

std::optional<std::array<Value, 3>>
mlir::xf::matchTensorCoreProduct(Operation *op, bool &batched) {
  auto contraction = dyn_cast<linalg::LinalgOp>(op);
  // Products kept in f32 (MoE routers) run as f32 loops.
  if (!contraction || !contraction.hasPureBufferSemantics() ||
      op->hasAttr(XFDialect::kFullPrecisionAttrName))
    return std::nullopt;
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
    batched = false;
  else if (isa<linalg::BatchMatmulOp>(op))
    batched = true;
  else
    return std::nullopt;
  // Transposed operands come as explicit indexing maps.
  if (contraction.getIndexingMapsArray() !=
      (batched ? linalg::BatchMatmulOp::getDefaultIndexingMaps(op->getContext())
               : linalg::MatmulOp::getDefaultIndexingMaps(op->getContext())))
    return std::nullopt;
  std::array<Value, 3> operands = {op->getOperand(0), op->getOperand(1),
                                   op->getOperand(2)};
  for (Value operand : operands) {
    auto type = cast<MemRefType>(operand.getType());
    if (!type.getElementType().isF32() &&
        !(operand == operands[1] && !batched &&
          type.getElementType().isBF16() && hasChunkedRows(type)))
      return std::nullopt;
  }
  return operands;
}

bool mlir::xf::hasChunkedRows(MemRefType type) {
  return type.getRank() == 2 && type.hasStaticShape() &&
         type.getLayout().isIdentity() &&
         type.getDimSize(1) % kBF16ChunkElements == 0;
}

memref::GlobalOp mlir::xf::getConstantWeightSource(Value rhs,
                                                   SymbolTable &symbols) {
  auto get = rhs.getDefiningOp<memref::GetGlobalOp>();
  if (!get || !get.getType().hasStaticShape())
    return {};
  auto device = symbols.lookup<memref::GlobalOp>(get.getName());
  FlatSymbolRefAttr source = device ? getDeviceCopySource(device) : nullptr;
  auto global = source ? symbols.lookup<memref::GlobalOp>(source.getAttr())
                       : memref::GlobalOp();
  if (!global || !global.getConstant() ||
      !global.getType().getElementType().isF32())
    return {};
  return global;
}

FailureOr<xf::KernelConfigAttr>
mlir::xf::getSingleStageConfig(Operation *op, KernelKind kind, StringRef pass) {
  auto config = op->getAttrOfType<KernelConfigAttr>(KernelConfigAttr::kName);
  if (!config)
    return op->emitError() << pass
                           << ": the product has no xf.kernel_config "
                              "(xf-select-cuda-kernel-configs chooses one)";
  if (config.getKind() != kind)
    return op->emitError() << pass << ": builds " << stringifyKernelKind(kind)
                           << " kernels, not "
                           << stringifyKernelKind(config.getKind());
  if (config.getStages() != 1)
    return op->emitError() << pass
                           << ": stages one reduction step at a time, not "
                           << config.getStages();
  return config;
}

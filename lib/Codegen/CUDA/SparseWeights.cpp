//===- SparseWeights.cpp - 2:4 constant weights packed for mma.sp ---------===//
//
// A product configured mma_sp reads its constant weight as the sparse
// tensor cores take it: packed once at compile time, so the kernel moves
// 1.125 bytes per weight instead of bf16's 2 and prepares nothing.
//
//===----------------------------------------------------------------------===//

#include "SparseTensorCoreWeights.h"
#include "TensorCoreProducts.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"
#include "xfc/Codegen/CUDA/DeviceCopies.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Dialect/XF/IR/ProductWeights.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ElementsBytes.h"
#include <cstring>

namespace mlir::xf {
#define GEN_PASS_DEF_CUDASPARSEWEIGHTSPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// A weight's packed globals (device copies).
struct PackedGlobals {
  memref::GlobalOp values, metadata;
};

/// A private constant of `words` right after `after`, named NAME`suffix`.
memref::GlobalOp createWordsGlobal(memref::GlobalOp after,
                                   ArrayRef<uint32_t> words, StringRef suffix,
                                   SymbolTable &symbols) {
  OpBuilder b(after);
  b.setInsertionPointAfter(after);
  auto type = MemRefType::get({int64_t(words.size())}, b.getI32Type());
  auto data = deriveResource(
      after.getInitialValueAttr(),
      RankedTensorType::get(type.getShape(), b.getI32Type()), suffix,
      [&](char *out) { std::memcpy(out, words.data(), words.size() * 4); });
  auto global = memref::GlobalOp::create(
      b, after.getLoc(), (after.getSymName() + suffix).str(),
      b.getStringAttr("private"), type, data, /*constant=*/true,
      b.getI64IntegerAttr(16));
  symbols.insert(global);
  return global;
}

/// Packs `source`; an error at `product` when it is not 2:4 along K.
FailureOr<PackedGlobals> pack(memref::GlobalOp source, Operation *product,
                              SymbolTable &symbols,
                              DeviceCopies &deviceCopies) {
  ArrayRef<int64_t> shape = source.getType().getShape();
  auto value = dyn_cast_or_null<ElementsAttr>(source.getInitialValueAttr());
  std::optional<ArrayRef<float>> weight =
      value ? getF32Elements(value) : std::nullopt;
  if (shape.size() != 2 || !weight ||
      !isTwoFourAlongK(*weight, shape[0], shape[1]))
    return product->emitError()
           << "xf-cuda-sparse-weights: the mma_sp product's weight @"
           << source.getSymName()
           << " is not a [K, N] f32 constant with at most 2 nonzeros in "
              "each group of 4 along K";
  PackedTwoFourWeight packed = packTwoFourWeight(*weight, shape[0], shape[1]);
  memref::GlobalOp metadata =
      createWordsGlobal(source, packed.metadata, "__sp24_metadata", symbols);
  memref::GlobalOp values =
      createWordsGlobal(source, packed.values, "__sp24_values", symbols);
  return PackedGlobals{deviceCopies.getOrCreate(values),
                       deviceCopies.getOrCreate(metadata)};
}

struct CUDASparseWeightsPass
    : xf::impl::CUDASparseWeightsPassBase<CUDASparseWeightsPass> {
  // A module pass: the packed weights are module globals.
  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> products;
    getOperation().walk([&](linalg::MatmulOp op) {
      auto config =
          op->getAttrOfType<KernelConfigAttr>(KernelConfigAttr::kName);
      if (config && config.getKind() == KernelKind::MmaSp)
        products.push_back(op);
    });
    SymbolTable symbols(getOperation());
    DeviceCopies deviceCopies(symbols);
    llvm::DenseMap<Operation *, PackedGlobals> packedWeights;
    for (linalg::MatmulOp op : products) {
      bool batched;
      Value rhs = op->getOperand(1);
      memref::GlobalOp source = matchTensorCoreProduct(op, batched) && !batched
                                    ? getConstantWeightSource(rhs, symbols)
                                    : memref::GlobalOp();
      if (!source) {
        op->emitError() << "xf-cuda-sparse-weights: an mma_sp product "
                           "multiplies f32 buffers by a constant weight";
        return signalPassFailure();
      }
      auto known = packedWeights.find(source);
      if (known == packedWeights.end()) {
        FailureOr<PackedGlobals> packed =
            pack(source, op, symbols, deviceCopies);
        if (failed(packed))
          return signalPassFailure();
        known = packedWeights.try_emplace(source, *packed).first;
      }
      ImplicitLocOpBuilder b(op.getLoc(), op);
      auto read = [&](memref::GlobalOp global) {
        return memref::GetGlobalOp::create(b, global.getType(),
                                           global.getSymName());
      };
      // The kernel's K and N are the weight's: operands whose types leave
      // them dynamic are cast to them (the product already requires them).
      ArrayRef<int64_t> shape = source.getType().getShape();
      auto withColumns = [&](Value buffer, int64_t columns) -> Value {
        auto type = cast<MemRefType>(buffer.getType());
        if (!type.isDynamicDim(1))
          return buffer;
        return memref::CastOp::create(
            b,
            MemRefType::get({type.getDimSize(0), columns},
                            type.getElementType(), type.getLayout(),
                            type.getMemorySpace()),
            buffer);
      };
      auto sparse = SparseMatmulBuffersOp::create(
          b, withColumns(op->getOperand(0), shape[0]),
          read(known->second.values), read(known->second.metadata),
          withColumns(op->getOperand(2), shape[1]));
      sparse->setDiscardableAttrs(op->getDiscardableAttrDictionary());
      op.erase();
      if (rhs.use_empty())
        rhs.getDefiningOp()->erase();
    }
  }
};
} // namespace

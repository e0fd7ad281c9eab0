//===- BF16Weights.cpp - constant right operands of products in bf16 ------===//
//
// A bf16 tensor-core product rounds its operands to bf16 as it stages them.
// A right operand that is a constant's device copy is rounded once instead,
// at compile time: the product reads a bf16 copy of the constant (with its
// own device copy), half the bytes, which its kernel moves into shared
// memory with 16-byte asynchronous copies.
//
//===----------------------------------------------------------------------===//

#include "TensorCoreProducts.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"
#include "xfc/Codegen/CUDA/DeviceCopies.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Support/ElementsBytes.h"
#include <cstring>

namespace mlir::xf {
#define GEN_PASS_DEF_CUDABF16WEIGHTSPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

/// `source` rounded to bf16 (to nearest even; NaNs stay NaNs), a private
/// constant right after it; null if its value is not f32 bytes.
static memref::GlobalOp createBF16Copy(memref::GlobalOp source,
                                       SymbolTable &symbols) {
  MemRefType type = source.getType();
  auto value = dyn_cast_or_null<ElementsAttr>(source.getInitialValueAttr());
  std::optional<ArrayRef<char>> bytes =
      value ? getElementsBytes(value) : std::nullopt;
  if (!bytes || bytes->size() != size_t(type.getNumElements()) * 4)
    return {};
  OpBuilder b(source);
  b.setInsertionPointAfter(source);
  auto copyType = MemRefType::get(type.getShape(), b.getBF16Type());
  auto tensorType = RankedTensorType::get(type.getShape(), b.getBF16Type());
  auto data = deriveResource(value, tensorType, "__bf16", [&](char *out) {
    for (size_t i = 0; i < bytes->size() / 4; ++i) {
      float element;
      std::memcpy(&element, bytes->data() + 4 * i, 4);
      uint16_t rounded = roundToBF16(element);
      std::memcpy(out + 2 * i, &rounded, 2);
    }
  });
  auto copy = memref::GlobalOp::create(
      b, source.getLoc(), (source.getSymName() + "__bf16").str(),
      b.getStringAttr("private"), copyType, data,
      /*constant=*/true, source.getAlignmentAttr());
  symbols.insert(copy);
  return copy;
}

namespace {
struct CUDABF16WeightsPass
    : xf::impl::CUDABF16WeightsPassBase<CUDABF16WeightsPass> {
  // A module pass: the bf16 copies are module globals.
  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> products;
    getOperation().walk([&](linalg::MatmulOp op) {
      bool batched;
      if (matchTensorCoreProduct(op, batched) &&
          cast<MemRefType>(op->getOperand(1).getType())
              .getElementType()
              .isF32())
        products.push_back(op);
    });
    SymbolTable symbols(getOperation());
    DeviceCopies deviceCopies(symbols);
    llvm::DenseMap<Operation *, memref::GlobalOp> bf16Copies;
    for (linalg::MatmulOp op : products) {
      Value rhs = op->getOperand(1);
      memref::GlobalOp source = getConstantWeightSource(rhs, symbols);
      if (!source || !hasChunkedRows(source.getType()))
        continue;
      auto [known, inserted] = bf16Copies.try_emplace(source);
      if (inserted)
        known->second = createBF16Copy(source, symbols);
      memref::GlobalOp copy = known->second;
      if (!copy)
        continue;
      memref::GlobalOp device = deviceCopies.getOrCreate(copy);
      // The same product, of B's bf16 copy; the configuration stays.
      ImplicitLocOpBuilder b(op.getLoc(), op);
      Value read =
          memref::GetGlobalOp::create(b, device.getType(), device.getSymName());
      linalg::MatmulOp::create(b, ValueRange{op->getOperand(0), read},
                               ValueRange{op->getOperand(2)},
                               llvm::to_vector(op->getDiscardableAttrs()));
      op.erase();
      if (rhs.use_empty())
        rhs.getDefiningOp()->erase();
    }
  }
};
} // namespace

//===- DeviceCopies.cpp - the device copies of a module's globals ---------===//

#include "xfc/Codegen/CUDA/DeviceCopies.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::xf;

DeviceCopies::DeviceCopies(SymbolTable &symbols) : symbols(symbols) {
  for (auto global : symbols.getOp()->getRegion(0).getOps<memref::GlobalOp>())
    if (FlatSymbolRefAttr source = getDeviceCopySource(global))
      copyOf[source.getAttr()] = global;
}

memref::GlobalOp DeviceCopies::getOrCreate(memref::GlobalOp global) {
  Operation *&copy = copyOf[global.getSymNameAttr()];
  if (copy)
    return cast<memref::GlobalOp>(copy);
  OpBuilder builder(global);
  builder.setInsertionPointAfter(global);
  // A public declaration: the library's runtime fills it.
  auto device = memref::GlobalOp::create(
      builder, global.getLoc(), (global.getSymName() + "__device").str(),
      /*sym_visibility=*/StringAttr(), global.getType(),
      /*initial_value=*/Attribute(), global.getConstant(),
      global.getAlignmentAttr());
  device->setAttr(XFDialect::kDeviceCopyOfAttrName,
                  FlatSymbolRefAttr::get(global.getSymNameAttr()));
  symbols.insert(device);
  copy = device;
  return device;
}

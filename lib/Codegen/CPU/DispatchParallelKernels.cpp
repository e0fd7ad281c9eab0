//===- DispatchParallelKernels.cpp - parallel kernels on runtime threads --===//

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"

namespace mlir::xf {
#define GEN_PASS_DEF_DISPATCHPARALLELKERNELSPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

namespace {
struct DispatchParallelKernelsPass
    : xf::impl::DispatchParallelKernelsPassBase<DispatchParallelKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<LLVM::LLVMFuncOp, LLVM::LLVMFuncOp>> entries;
    for (auto entry : module.getOps<LLVM::LLVMFuncOp>()) {
      auto of = entry->getAttrOfType<FlatSymbolRefAttr>(
          xf::XFDialect::kParallelEntryOfAttrName);
      if (!of || !entry.isExternal())
        continue;
      // Defined here: the link is used up.
      entry->removeAttr(xf::XFDialect::kParallelEntryOfAttrName);
      auto kernel = module.lookupSymbol<LLVM::LLVMFuncOp>(of.getAttr());
      if (kernel && !kernel.isExternal())
        entries.emplace_back(entry, kernel);
    }
    if (entries.empty())
      return;

    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    Type i64 = b.getI64Type(), ptr = LLVM::LLVMPointerType::get(ctx);
    b.setInsertionPointToEnd(module.getBody());
    auto parallelFor =
        module.lookupSymbol<LLVM::LLVMFuncOp>("xfc_parallel_for");
    if (!parallelFor)
      parallelFor = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), "xfc_parallel_for",
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                      {i64, ptr, ptr}));

    for (auto [entry, kernel] : entries) {
      Location loc = kernel.getLoc();
      ArrayRef<Type> params = kernel.getFunctionType().getParams();
      // The frame: the kernel's other arguments, then where the range
      // begins (xfc_parallel_for counts from 0).
      SmallVector<Type> fields(params.drop_back(2));
      unsigned baseField = fields.size();
      fields.push_back(i64);
      auto frameType = LLVM::LLVMStructType::getLiteral(ctx, fields);
      auto field = [&](OpBuilder &fb, Value frame, unsigned i) -> Value {
        return LLVM::GEPOp::create(fb, loc, ptr, frameType, frame,
                                   ArrayRef<LLVM::GEPArg>{0, (int32_t)i});
      };

      // <kernel>_chunk(frame, begin, end): the kernel on part of the range.
      b.setInsertionPoint(entry);
      auto chunk = LLVM::LLVMFuncOp::create(
          b, loc, (kernel.getName() + "_chunk").str(),
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                      {ptr, i64, i64}),
          LLVM::Linkage::Internal);
      Block *chunkBody = chunk.addEntryBlock(b);
      OpBuilder cb = OpBuilder::atBlockEnd(chunkBody);
      SmallVector<Value> args;
      for (auto [i, type] : llvm::enumerate(fields))
        args.push_back(LLVM::LoadOp::create(
            cb, loc, type, field(cb, chunkBody->getArgument(0), i)));
      Value base = args.pop_back_val();
      args.push_back(
          LLVM::AddOp::create(cb, loc, base, chunkBody->getArgument(1)));
      args.push_back(
          LLVM::AddOp::create(cb, loc, base, chunkBody->getArgument(2)));
      LLVM::CallOp::create(cb, loc, kernel, args);
      LLVM::ReturnOp::create(cb, loc, ValueRange{});

      // <kernel>_parallel(args..., begin, end): the frame, then the pool.
      entry.setLinkage(LLVM::Linkage::Internal);
      Block *body = entry.addEntryBlock(b);
      OpBuilder eb = OpBuilder::atBlockEnd(body);
      Value one = LLVM::ConstantOp::create(eb, loc, i64, 1);
      Value frame = LLVM::AllocaOp::create(eb, loc, ptr, frameType, one);
      Value begin = body->getArgument(params.size() - 2),
            end = body->getArgument(params.size() - 1);
      for (unsigned i = 0; i < baseField; ++i)
        LLVM::StoreOp::create(eb, loc, body->getArgument(i),
                              field(eb, frame, i));
      LLVM::StoreOp::create(eb, loc, begin, field(eb, frame, baseField));
      Value count = LLVM::SubOp::create(eb, loc, end, begin);
      Value function = LLVM::AddressOfOp::create(eb, loc, chunk);
      LLVM::CallOp::create(eb, loc, parallelFor,
                           ValueRange{count, function, frame});
      LLVM::ReturnOp::create(eb, loc, ValueRange{});
    }
  }
};
} // namespace

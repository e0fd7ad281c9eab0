//===- PlaceHostComputations.cpp - what runs on the host of a CUDA model --===//
//
// A bufferized model function mostly computes on the device, but the host
// reads some of its buffers: the sizes of dynamic shapes (a Reshape's shape
// tensor, a Range's limit, a NonZero's count) come from small tensors the
// graph computes at run time. This pass finds that host work by walking
// back from each host read to the operations writing the buffer read, and
// the small buffers those read, and so on. Those buffers get host memory
// (stack allocations); a large or input buffer the host reads is copied
// from the device instead; a host buffer a device operation reads is copied
// to the device; device reads of a global go to its device copy, a
// declaration marked `xf.device_copy_of`, which the library's runtime
// uploads once.
//
//===----------------------------------------------------------------------===//

#include "BufferRoots.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "xfc/Codegen/CUDA/DeviceCopies.h"
#include "xfc/Codegen/CUDA/Passes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_PLACEHOSTCOMPUTATIONSPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

/// Host buffers live on the stack: shape tensors have a few elements.
static constexpr int64_t kMaxHostBufferBytes = int64_t{64} * 1024;

/// A load at the top level whose value only loops use moves into them, so
/// that the device reads it where it is needed.
static void sinkLoadsIntoLoops(Block &body) {
  for (auto load : llvm::make_early_inc_range(body.getOps<memref::LoadOp>())) {
    if (llvm::any_of(load->getUsers(), [&](Operation *user) {
          return user->getBlock() == &body;
        }))
      continue;
    for (OpOperand &use : llvm::make_early_inc_range(load->getUses())) {
      OpBuilder builder(use.getOwner());
      use.set(builder.clone(*load)->getResult(0));
    }
    load.erase();
  }
}

/// Whether `root` is a buffer the host may compute rather than copy when
/// it reads it: a small one of static shape that the function allocates.
static bool fitsOnHost(Value root) {
  auto type = dyn_cast<MemRefType>(root.getType());
  if (!root.getDefiningOp<memref::AllocOp>() || !type.hasStaticShape())
    return false;
  Type element = type.getElementType();
  unsigned bits = element.isIndex()        ? 64
                  : element.isIntOrFloat() ? element.getIntOrFloatBitWidth()
                                           : 0;
  return bits && type.getNumElements() * llvm::divideCeil(bits, 8) <=
                     kMaxHostBufferBytes;
}

/// A copy of `from` in a new buffer: on the stack (host) or device memory.
static Value copyBuffer(OpBuilder &builder, Location loc, Value from,
                        bool toHost) {
  auto type = cast<MemRefType>(from.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(memref::DimOp::create(builder, loc, from, d));
  Value copy =
      toHost ? memref::AllocaOp::create(builder, loc, type, sizes).getResult()
             : memref::AllocOp::create(builder, loc, type, sizes).getResult();
  // xf-map-loops-to-gpu makes it a gpu.memcpy once deallocations are
  // placed (their pipeline does not know gpu ops).
  memref::CopyOp::create(builder, loc, from, copy);
  return copy;
}

/// Whether the host must run `op`: it produces a value the host uses from
/// buffer data, or builds a view from a shape buffer.
static bool readsForHost(Operation *op) {
  if (isa<memref::ReshapeOp>(op))
    return true;
  if (isa<gpu::GPUDialect>(op->getDialect()))
    return false;
  llvm::SetVector<Value> reads, writes;
  collectAccessedRoots(op, reads, writes);
  return !reads.empty() && llvm::any_of(op->getResultTypes(), [](Type type) {
    return !isa<BaseMemRefType>(type);
  });
}

/// A view of `root` (through the view ops from `root` to `value`) rebuilt
/// on `replacement`, before `before`.
static Value rebuildView(OpBuilder &builder, Value value, Value root,
                         Value replacement) {
  // A loop or branch result aliasing the root is the root itself.
  auto view = value.getDefiningOp<ViewLikeOpInterface>();
  if (value == root || !view || view.getViewDest() != value)
    return replacement;
  Value source = rebuildView(builder, view.getViewSource(), root, replacement);
  IRMapping mapping;
  mapping.map(view.getViewSource(), source);
  Operation *copy = builder.clone(*view, mapping);
  return copy->getResult(cast<OpResult>(value).getResultNumber());
}

/// Makes `op` read `replacement` wherever it reads `root` or a view of it.
static void redirectReads(Operation *op, Value root, Value replacement) {
  // A root made inside `op` (a global's address) is replaced where made.
  if (op->isAncestor(root.getParentBlock()->getParentOp())) {
    root.replaceAllUsesWith(replacement);
    return;
  }
  llvm::SetVector<Value> used;
  getUsedValuesDefinedAbove(op->getRegions(), used);
  used.insert(op->operand_begin(), op->operand_end());
  OpBuilder builder(op);
  for (Value value : used) {
    if (!isa<BaseMemRefType>(value.getType()) || getBufferRoot(value) != root)
      continue;
    Value rebuilt = rebuildView(builder, value, root, replacement);
    if (rebuilt.getType() != value.getType())
      rebuilt = memref::CastOp::create(builder, op->getLoc(), value.getType(),
                                       rebuilt);
    value.replaceUsesWithIf(rebuilt, [&](OpOperand &use) {
      return op->isAncestor(use.getOwner());
    });
  }
}

namespace {
struct PlaceHostComputationsPass
    : xf::impl::PlaceHostComputationsPassBase<PlaceHostComputationsPass> {
  // A module pass: it adds the device copies' declarations to the module.
  void runOnOperation() override {
    SymbolTable symbols(getOperation());
    DeviceCopies deviceCopies(symbols);
    for (auto function : getOperation().getOps<func::FuncOp>())
      if (!function.isExternal() &&
          failed(place(function, symbols, deviceCopies)))
        return signalPassFailure();
  }

  LogicalResult place(func::FuncOp function, SymbolTable &symbols,
                      DeviceCopies &deviceCopies) {
    Block &body = function.getBody().front();
    sinkLoadsIntoLoops(body);

    // Host work: the top-level operations that read for the host, and every
    // top-level operation writing a buffer that host work reads.
    llvm::DenseMap<Value, SmallVector<Operation *>> writers;
    llvm::SetVector<Operation *> hostOps;
    for (Operation &op : body) {
      llvm::SetVector<Value> reads, writes;
      collectAccessedRoots(&op, reads, writes);
      for (Value root : writes)
        writers[root].push_back(&op);
      if (readsForHost(&op))
        hostOps.insert(&op);
    }
    // Buffers host work writes, and small ones of static shape it reads,
    // move to the host with all their writers; the host reads others
    // (inputs, large buffers) from a copy.
    llvm::SetVector<Value> hostRoots;
    SmallVector<std::pair<Operation *, Value>> hostReads;
    for (size_t next = 0; next < hostOps.size(); ++next) {
      Operation *op = hostOps[next];
      llvm::SetVector<Value> reads, writes;
      collectAccessedRoots(op, reads, writes);
      for (Value root : reads)
        if (!root.getDefiningOp<memref::GetGlobalOp>())
          hostReads.push_back({op, root});
      llvm::SetVector<Value> moving;
      for (Value root : writes) {
        if (!root.getDefiningOp<memref::AllocOp>()) {
          op->emitError("host work writes a buffer the function does not "
                        "allocate");
          return failure();
        }
        moving.insert(root);
      }
      for (Value root : reads)
        if (fitsOnHost(root))
          moving.insert(root);
      for (Value root : moving)
        if (hostRoots.insert(root))
          hostOps.insert(writers[root].begin(), writers[root].end());
    }

    // Device work that reads a host buffer reads a device copy of it; device
    // reads of globals go to their device copies.
    for (Operation &op : llvm::make_early_inc_range(body)) {
      if (hostOps.contains(&op) || isa<gpu::GPUDialect>(op.getDialect()))
        continue;
      llvm::SetVector<Value> reads, writes;
      collectAccessedRoots(&op, reads, writes);
      for (Value root : writes)
        if (hostRoots.contains(root)) {
          op.emitError() << "device work writes a buffer the host reads";
          return failure();
        }
      for (Value root : reads) {
        OpBuilder builder(&op);
        Location loc = op.getLoc();
        if (auto get = root.getDefiningOp<memref::GetGlobalOp>()) {
          auto global = symbols.lookup<memref::GlobalOp>(get.getName());
          if (!global || !global.getInitialValue())
            continue;
          memref::GlobalOp device = deviceCopies.getOrCreate(global);
          redirectReads(&op, root,
                        memref::GetGlobalOp::create(builder, loc, get.getType(),
                                                    device.getSymName()));
          continue;
        }
        if (hostRoots.contains(root))
          redirectReads(&op, root, copyBuffer(builder, loc, root, false));
      }
    }
    for (auto [op, root] : hostReads) {
      if (hostRoots.contains(root))
        continue;
      OpBuilder builder(op);
      redirectReads(op, root, copyBuffer(builder, op->getLoc(), root, true));
    }
    // Host buffers go on the stack (last: the steps above compare roots).
    for (Value root : hostRoots) {
      auto alloc = root.getDefiningOp<memref::AllocOp>();
      auto type = cast<MemRefType>(root.getType());
      OpBuilder builder(alloc);
      alloc.replaceAllUsesWith(
          memref::AllocaOp::create(
              builder, alloc.getLoc(), type, alloc.getDynamicSizes(),
              alloc.getSymbolOperands(), alloc.getAlignmentAttr())
              .getResult());
      alloc.erase();
    }
    return success();
  }
};
} // namespace

//===- MapLoopsToGPU.cpp - device work of a bufferized function as launches
//===//
//
// After xf-place-host-computations, the top-level operations of a model
// function that touch device memory are its device work. Each parallel loop
// nest becomes one `gpu.launch` with a thread per iteration: the iteration
// space is linearized with its last dimension fastest, so that neighbouring
// threads touch neighbouring elements, and split into blocks of
// `threads-per-block`. A sequential loop that only sequences parallel loops
// stays on the host and launches them in turn. Any other operation that
// touches device memory (a scalar store, a loop carrying a reduction) runs
// as a launch of one thread.
//
//===----------------------------------------------------------------------===//

#include "BufferRoots.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "xfc/Codegen/CUDA/DeviceCopies.h"
#include "xfc/Codegen/CUDA/Passes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_MAPLOOPSTOGPUPASS
#include "xfc/Codegen/CUDA/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

/// Whether `root` is host memory: a stack buffer or a global's host copy
/// (a global that is not a device copy).
static bool isHostMemory(Value root, SymbolTableCollection &symbols) {
  if (root.getDefiningOp<memref::AllocaOp>())
    return true;
  if (auto get = root.getDefiningOp<memref::GetGlobalOp>()) {
    auto global = symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
        get, get.getNameAttr());
    return !global || !getDeviceCopySource(global);
  }
  return false;
}

/// Whether `op` touches device memory.
static bool touchesDevice(Operation *op, SymbolTableCollection &symbols) {
  llvm::SetVector<Value> reads, writes;
  collectAccessedRoots(op, reads, writes);
  reads.insert(writes.begin(), writes.end());
  return llvm::any_of(reads,
                      [&](Value root) { return !isHostMemory(root, symbols); });
}

/// Whether `loop` only sequences parallel loops (and index arithmetic), so
/// the host can run it and launch the parallel loops in turn.
static bool sequencesParallelLoops(scf::ForOp loop) {
  if (loop.getNumResults())
    return false;
  return llvm::all_of(loop.getBody()->without_terminator(), [](Operation &op) {
    if (isa<scf::ParallelOp>(op))
      return true;
    if (auto inner = dyn_cast<scf::ForOp>(op))
      return sequencesParallelLoops(inner);
    return !accessesBuffers(&op);
  });
}

static gpu::LaunchOp createLaunch(OpBuilder &builder, Location loc,
                                  Value blocks, Value threads) {
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  auto launch =
      gpu::LaunchOp::create(builder, loc, blocks, one, one, threads, one, one);
  builder.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(builder, loc);
  builder.setInsertionPointToStart(&launch.getBody().front());
  return launch;
}

/// `loop` as a launch of one thread per iteration.
static void launchParallelLoop(scf::ParallelOp loop, int64_t threadsPerBlock) {
  OpBuilder builder(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> counts;
  Value total = arith::ConstantIndexOp::create(builder, loc, 1);
  for (auto [lb, ub, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    Value span = arith::SubIOp::create(builder, loc, ub, lb);
    counts.push_back(arith::CeilDivSIOp::create(builder, loc, span, step));
    total = arith::MulIOp::create(builder, loc, total, counts.back());
  }
  Value threads = arith::ConstantIndexOp::create(builder, loc, threadsPerBlock);
  Value blocks = arith::CeilDivUIOp::create(builder, loc, total, threads);
  gpu::LaunchOp launch = createLaunch(builder, loc, blocks, threads);

  Value base = arith::MulIOp::create(builder, loc, launch.getBlockIds().x,
                                     launch.getBlockSizeX());
  Value id = arith::AddIOp::create(builder, loc, base, launch.getThreadIds().x);
  Value inside =
      arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult, id, total);
  auto guard = scf::IfOp::create(builder, loc, inside);
  builder.setInsertionPointToStart(&guard.getThenRegion().front());
  // Last dimension fastest.
  IRMapping mapping;
  Value rest = id;
  for (int64_t d = counts.size() - 1; d >= 0; --d) {
    Value index =
        d ? arith::RemUIOp::create(builder, loc, rest, counts[d]).getResult()
          : rest;
    if (d)
      rest = arith::DivUIOp::create(builder, loc, rest, counts[d]);
    Value scaled =
        arith::MulIOp::create(builder, loc, index, loop.getStep()[d]);
    mapping.map(
        loop.getInductionVars()[d],
        arith::AddIOp::create(builder, loc, loop.getLowerBound()[d], scaled)
            .getResult());
  }
  for (Operation &op : loop.getBody()->without_terminator())
    builder.clone(op, mapping);
  loop.erase();
}

/// A copy between host and device memory (xf-place-host-computations made
/// it) as a copy on the runtime's stream.
static void copyOnStream(memref::CopyOp copy) {
  OpBuilder builder(copy);
  Location loc = copy.getLoc();
  auto tokenType = gpu::AsyncTokenType::get(builder.getContext());
  Value start = gpu::WaitOp::create(builder, loc, tokenType, ValueRange())
                    .getAsyncToken();
  Value copied =
      gpu::MemcpyOp::create(builder, loc, tokenType, ValueRange{start},
                            copy.getTarget(), copy.getSource())
          .getAsyncToken();
  gpu::WaitOp::create(builder, loc, Type(), ValueRange{copied});
  copy.erase();
}

/// `ops` (in block order) as a launch of one thread, where the last of
/// them was.
static void launchSingleThread(ArrayRef<Operation *> ops) {
  OpBuilder builder(ops.back());
  Location loc = ops.front()->getLoc();
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  gpu::LaunchOp launch = createLaunch(builder, loc, one, one);
  for (Operation *op : ops)
    op->moveBefore(launch.getBody().front().getTerminator());
}

/// The straight-line scalar work that starts at `first`, whose results are
/// read on the host: `first` and the ops after it that use what it computes
/// (a 0-d buffer's load, arithmetic on it, the store of the result), up to
/// where nothing computed is read outside them. Ops between them that
/// neither read what they compute nor touch memory stay where they are.
/// Failure where the values escape to anything else.
static FailureOr<SmallVector<Operation *>> scalarRun(Operation *first) {
  SmallVector<Operation *> run;
  llvm::SmallPtrSet<Operation *, 8> inRun;
  Block *block = first->getBlock();
  auto readsRun = [&](Operation *op) {
    return llvm::any_of(op->getOperands(), [&](Value v) {
      return inRun.contains(v.getDefiningOp());
    });
  };
  auto escapes = [&]() {
    for (Operation *op : run)
      for (Operation *user : op->getUsers())
        if (!inRun.contains(block->findAncestorOpInBlock(*user)))
          return true;
    return false;
  };
  for (Operation *op = first; op; op = op->getNextNode()) {
    bool simple = op->getNumRegions() == 0 &&
                  !op->hasTrait<OpTrait::IsTerminator>() &&
                  !isa<memref::AllocOp, memref::DeallocOp, memref::CopyOp>(op);
    if (op != first && !readsRun(op)) {
      if (isMemoryEffectFree(op))
        continue;
      return failure();
    }
    if (!simple)
      return failure();
    run.push_back(op);
    inRun.insert(op);
    if (!escapes())
      return run;
  }
  return failure();
}

namespace {
struct MapLoopsToGPUPass : xf::impl::MapLoopsToGPUPassBase<MapLoopsToGPUPass> {
  using Base::Base;

  LogicalResult mapBlock(Block &block, SymbolTableCollection &symbols) {
    // A snapshot: ops after the current one may move into its launch.
    SmallVector<Operation *> ops =
        llvm::map_to_vector(block, [](Operation &op) { return &op; });
    for (Operation *current : ops) {
      if (current->getBlock() != &block)
        continue; // moved into a launch
      Operation &op = *current;
      if (isa<gpu::GPUDialect>(op.getDialect()) ||
          op.hasTrait<OpTrait::IsTerminator>() || !touchesDevice(&op, symbols))
        continue;
      if (auto copy = dyn_cast<memref::CopyOp>(op)) {
        copyOnStream(copy);
        continue;
      }
      if (auto parallel = dyn_cast<scf::ParallelOp>(op)) {
        if (parallel.getNumReductions())
          return op.emitError("a parallel loop with reductions has no GPU "
                              "mapping yet");
        launchParallelLoop(parallel, threadsPerBlock);
        continue;
      }
      auto loop = dyn_cast<scf::ForOp>(op);
      if (loop && sequencesParallelLoops(loop)) {
        if (failed(mapBlock(*loop.getBody(), symbols)))
          return failure();
        continue;
      }
      if (!op.getNumResults()) {
        launchSingleThread({&op});
        continue;
      }
      FailureOr<SmallVector<Operation *>> run = scalarRun(&op);
      if (failed(run))
        return op.emitError("the CUDA target cannot yet use on the host a "
                            "value computed from device memory");
      launchSingleThread(*run);
    }
    return success();
  }

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    // Reads the module's globals, which no function pass changes.
    SymbolTableCollection symbols;
    if (function.isExternal() ||
        failed(mapBlock(function.getBody().front(), symbols)))
      return signalPassFailure();
    // Kernels cannot allocate device memory, nor read the host's.
    WalkResult found = function.walk([&](gpu::LaunchOp launch) {
      WalkResult inner = launch.walk([](memref::AllocOp alloc) {
        alloc.emitError("a kernel allocates memory; the CUDA target needs "
                        "every allocation on the host");
        return WalkResult::interrupt();
      });
      if (inner.wasInterrupted())
        return inner;
      llvm::SetVector<Value> reads, writes;
      collectAccessedRoots(launch, reads, writes);
      reads.insert(writes.begin(), writes.end());
      // (A stack buffer the kernel makes itself is its own.)
      for (Value root : reads)
        if (isHostMemory(root, symbols) &&
            !(root.getDefiningOp<memref::AllocaOp>() &&
              launch->isAncestor(root.getDefiningOp()))) {
          launch.emitError("a kernel would touch host memory");
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    if (found.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

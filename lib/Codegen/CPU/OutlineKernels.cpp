//===- OutlineKernels.cpp - one function per top-level loop nest ----------===//
//
// Each top-level loop nest of a function becomes a private function. A nest
// whose outer iterations are independent (an `scf.parallel`, or an `scf.for`
// that xf-vectorize-contractions marked `xf.parallel`) is written over a
// range [begin, end) of its outer iterations, given as the function's last
// two arguments, and is also declared as `<kernel>_parallel` with the same
// signature: xf-dispatch-parallel-kernels defines that one to split the
// range over the runtime's threads. The call site takes the parallel entry
// only when the work is large enough to pay for waking threads.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"

namespace mlir::xf {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

/// Operations executed per outer iteration, roughly: nested loops count
/// their static trip count (a dynamic one counts as 16).
static int64_t workPerIteration(Block &body) {
  int64_t work = 0;
  for (Operation &op : body) {
    int64_t trips = 1;
    if (auto loop = dyn_cast<LoopLikeOpInterface>(op)) {
      std::optional<SmallVector<OpFoldResult>> lbs = loop.getLoopLowerBounds(),
                                               ubs = loop.getLoopUpperBounds(),
                                               steps = loop.getLoopSteps();
      for (size_t i = 0; lbs && ubs && steps && i < lbs->size(); ++i) {
        std::optional<int64_t> lb = getConstantIntValue((*lbs)[i]),
                               ub = getConstantIntValue((*ubs)[i]),
                               step = getConstantIntValue((*steps)[i]);
        trips *= lb && ub && step && *step > 0
                     ? std::max<int64_t>(1, (*ub - *lb + *step - 1) / *step)
                     : 16;
      }
    }
    int64_t inner = 0;
    for (Region &region : op.getRegions())
      for (Block &block : region)
        inner += workPerIteration(block);
    work += std::max<int64_t>(1, inner) * trips;
  }
  return work;
}

/// Rewrites `loop` (at the rewriter's insertion point) as a loop over the
/// outer iterations [begin, end) of its original space; returns the number
/// of outer iterations and the new loop, or nulls if the loop is not one
/// this pass splits. All dimensions of an `scf.parallel` but the last are
/// linearized and split; the last stays a loop inside each outer
/// iteration, where it may vectorize.
static std::pair<Value, Operation *> restrictOuterRange(RewriterBase &rewriter,
                                                        Operation *loop,
                                                        Value begin,
                                                        Value end) {
  Location loc = loop->getLoc();
  SmallVector<Value> lbs, ubs, steps, ivs;
  Block *body;
  if (auto forOp = dyn_cast<scf::ForOp>(loop)) {
    if (!forOp->hasAttr("xf.parallel") || forOp.getNumResults())
      return {};
    lbs = {forOp.getLowerBound()};
    ubs = {forOp.getUpperBound()};
    steps = {forOp.getStep()};
    ivs = {forOp.getInductionVar()};
    body = forOp.getBody();
  } else if (auto parallel = dyn_cast<scf::ParallelOp>(loop)) {
    if (parallel.getNumReductions())
      return {};
    lbs = parallel.getLowerBound();
    ubs = parallel.getUpperBound();
    steps = parallel.getStep();
    ivs = llvm::to_vector(parallel.getInductionVars());
    body = parallel.getBody();
  } else {
    return {};
  }
  unsigned rank = ivs.size(), outer = std::max(1u, rank - 1);
  SmallVector<Value> counts;
  Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
  for (unsigned d = 0; d < outer; ++d) {
    counts.push_back(arith::CeilDivUIOp::create(
        rewriter, loc, arith::SubIOp::create(rewriter, loc, ubs[d], lbs[d]),
        steps[d]));
    count = arith::MulIOp::create(rewriter, loc, count, counts.back());
  }
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  auto linear = scf::ForOp::create(rewriter, loc, begin, end, one);
  rewriter.setInsertionPointToStart(linear.getBody());
  IRMapping mapping;
  Value rest = linear.getInductionVar();
  for (int d = outer - 1; d >= 0; --d) {
    Value index = rest;
    if (d > 0) {
      index = arith::RemUIOp::create(rewriter, loc, rest, counts[d]);
      rest = arith::DivUIOp::create(rewriter, loc, rest, counts[d]);
    }
    mapping.map(ivs[d],
                arith::AddIOp::create(
                    rewriter, loc, lbs[d],
                    arith::MulIOp::create(rewriter, loc, index, steps[d])));
  }
  if (rank > 1) {
    auto last =
        scf::ForOp::create(rewriter, loc, lbs[outer], ubs[outer], steps[outer]);
    mapping.map(ivs[outer], last.getInductionVar());
    rewriter.setInsertionPointToStart(last.getBody());
  }
  for (Operation &op : body->without_terminator())
    rewriter.clone(op, mapping);
  rewriter.eraseOp(loop);
  return {count, linear};
}

/// Moves arguments `first` and `second` of `function` (and of `call`) to
/// the end of its argument list.
static void moveArgumentsLast(RewriterBase &rewriter, func::FuncOp function,
                              func::CallOp call, Value first, Value second) {
  SmallVector<Value> operands(call.getOperands());
  unsigned n = operands.size();
  unsigned i = llvm::find(operands, first) - operands.begin(),
           j = llvm::find(operands, second) - operands.begin();
  Block &entry = function.getBody().front();
  Type index = rewriter.getIndexType();
  (void)function.insertArguments({n, n}, {index, index}, {{}, {}},
                                 {call.getLoc(), call.getLoc()});
  rewriter.replaceAllUsesWith(entry.getArgument(i), entry.getArgument(n));
  rewriter.replaceAllUsesWith(entry.getArgument(j), entry.getArgument(n + 1));
  llvm::BitVector erase(n + 2);
  erase.set(i);
  erase.set(j);
  (void)function.eraseArguments(erase);
  SmallVector<Value> reordered;
  for (unsigned k = 0; k < n; ++k)
    if (k != i && k != j)
      reordered.push_back(operands[k]);
  reordered.append({first, second});
  rewriter.modifyOpInPlace(
      call, [&] { call.getOperandsMutable().assign(reordered); });
}

/// Copies the scalar and vector constants `region` uses from above into
/// it: passed as a kernel's arguments, LLVM would not know their values
/// (shift amounts, masks and splats become registers loaded per call).
static void sinkConstants(RewriterBase &rewriter, Region &region) {
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(region, above);
  for (Value value : above) {
    Operation *def = value.getDefiningOp();
    if (!def || !def->hasTrait<OpTrait::ConstantLike>() ||
        def->getNumResults() != 1 ||
        (isa<ShapedType>(value.getType()) && !isa<VectorType>(value.getType())))
      continue;
    rewriter.setInsertionPointToStart(&region.front());
    Value copy = rewriter.clone(*def)->getResult(0);
    replaceAllUsesInRegionWith(value, copy, region);
  }
}

/// Below this many operations a loop nest runs on the calling thread.
static constexpr int64_t kParallelWork = 1 << 16;

namespace {
struct OutlineKernelsPass
    : xf::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(module.getContext());
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp function : functions) {
      if (function.isExternal())
        continue;
      SmallVector<Operation *> nests;
      for (Block &block : function.getBody())
        for (Operation &op : block)
          if (isa<scf::ForOp, scf::ParallelOp>(op))
            nests.push_back(&op);
      for (auto [index, nest] : llvm::enumerate(nests))
        if (failed(outline(rewriter, function, nest, index)))
          return signalPassFailure();
    }
  }

  LogicalResult outline(IRRewriter &rewriter, func::FuncOp function,
                        Operation *nest, size_t index) {
    Location loc = nest->getLoc();
    rewriter.setInsertionPoint(nest);
    int64_t work = 0;
    for (Region &region : nest->getRegions())
      for (Block &block : region)
        work += workPerIteration(block);
    // The range of outer iterations, as values the outliner passes in (not
    // index constants: it would copy those into the kernel instead).
    auto placeholder = [&] {
      return arith::IndexCastOp::create(
          rewriter, loc, rewriter.getIndexType(),
          arith::ConstantIntOp::create(rewriter, loc, rewriter.getI64Type(),
                                       0));
    };
    Value begin = placeholder(), end = placeholder();
    auto [count, restricted] = restrictOuterRange(rewriter, nest, begin, end);
    auto erase = [&](Value v) {
      Operation *cast = v.getDefiningOp();
      Operation *constant = cast->getOperand(0).getDefiningOp();
      rewriter.eraseOp(cast);
      rewriter.eraseOp(constant);
    };
    if (count) {
      nest = restricted;
      rewriter.replaceAllUsesWith(end, count);
      erase(end);
      end = count;
    } else {
      erase(begin);
      erase(end);
    }

    // The outliner takes a region: wrap the nest in one that yields what
    // the nest yields.
    rewriter.setInsertionPoint(nest);
    auto wrapper =
        scf::ExecuteRegionOp::create(rewriter, loc, nest->getResultTypes());
    Block *body = rewriter.createBlock(&wrapper.getRegion());
    rewriter.replaceAllUsesWith(nest->getResults(), wrapper.getResults());
    rewriter.moveOpBefore(nest, body, body->end());
    rewriter.setInsertionPointToEnd(body);
    scf::YieldOp::create(rewriter, loc, nest->getResults());
    sinkConstants(rewriter, wrapper.getRegion());
    std::string name = (function.getSymName() + "_kernel" + Twine(index)).str();
    func::CallOp call;
    FailureOr<func::FuncOp> outlined = outlineSingleBlockRegion(
        rewriter, loc, wrapper.getRegion(), name, &call);
    if (failed(outlined))
      return wrapper.emitError("xfc: could not outline this loop nest");
    outlined->setPrivate();
    // The wrapper now holds only the call; take the call out of it.
    rewriter.moveOpBefore(call, wrapper);
    rewriter.replaceOp(wrapper, call.getResults());
    if (!count)
      return success();

    moveArgumentsLast(rewriter, *outlined, call, begin, end);
    rewriter.setInsertionPoint(*outlined);
    auto parallel = func::FuncOp::create(rewriter, loc, name + "_parallel",
                                         outlined->getFunctionType());
    parallel.setPrivate();
    parallel->setAttr(xf::XFDialect::kParallelEntryOfAttrName,
                      FlatSymbolRefAttr::get(outlined->getSymNameAttr()));
    // Enough work for threads: the parallel entry; else the kernel itself.
    rewriter.setInsertionPoint(call);
    Value big = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::uge,
        arith::MulIOp::create(rewriter, loc, count,
                              arith::ConstantIndexOp::create(
                                  rewriter, loc, std::max<int64_t>(1, work))),
        arith::ConstantIndexOp::create(rewriter, loc, kParallelWork));
    auto choice = scf::IfOp::create(rewriter, loc, big, /*withElse=*/true);
    rewriter.setInsertionPointToStart(choice.thenBlock());
    func::CallOp::create(rewriter, loc, parallel, call.getOperands());
    rewriter.moveOpBefore(call, choice.elseBlock(),
                          choice.elseBlock()->begin());
    return success();
  }
};
} // namespace

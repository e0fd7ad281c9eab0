//===- DimTracing.cpp - where a symbolic dimension comes from -------------===//

#include "xfc/Dialect/XF/IR/DimTracing.h"

#include "ConstantFolding.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::xf {

static int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

static int64_t dimOf(Value v, int64_t d) {
  return cast<RankedTensorType>(v.getType()).getDimSize(d);
}

/// The result dimension `d` of a broadcast of `operands`: the operands whose
/// aligned dimension is not a static 1 must all trace to one dimension
/// (a dynamic size might be 1 at run time and be stretched).
static std::optional<DimRef> traceBroadcast(ValueRange operands,
                                            int64_t resultRank, int64_t d) {
  std::optional<DimRef> found;
  for (Value operand : operands) {
    int64_t offset = resultRank - rankOf(operand);
    if (d < offset || dimOf(operand, d - offset) == 1)
      continue;
    DimRef traced = traceDim({operand, d - offset});
    if (found && !(*found == traced))
      return std::nullopt;
    found = traced;
  }
  return found;
}

static std::optional<DimRef> traceInferredReshapeDim(ReshapeOp op, int64_t d);

/// The tensor dimension a size was read from (`tensor.dim` at a constant
/// index), if it was.
static std::optional<DimRef> traceSize(Value size) {
  auto dim = size.getDefiningOp<tensor::DimOp>();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  if (!index)
    return std::nullopt;
  return DimRef{dim.getSource(), *index};
}

/// One step back: the operand dimension that result dimension `ref`
/// equals, or nullopt where the defining op computes it.
static std::optional<DimRef> traceStep(DimRef ref) {
  auto result = dyn_cast<OpResult>(ref.value);
  if (!result)
    return std::nullopt;
  Operation *op = result.getOwner();
  int64_t d = ref.dim, rank = rankOf(ref.value);
  auto same = [&](Value operand) -> std::optional<DimRef> {
    return DimRef{operand, d};
  };
  return llvm::TypeSwitch<Operation *, std::optional<DimRef>>(op)
      // Ops whose result has their first operand's shape.
      .Case<SqrtOp, ReciprocalOp, ExpOp, LogOp, TanhOp, ErfOp, SigmoidOp, CosOp,
            SinOp, NegOp, AbsOp, ReluOp, NotOp, IdentityOp, GeluOp, CastOp,
            SoftmaxOp, LogSoftmaxOp, CumSumOp, TriluOp, RmsNormOp, LayerNormOp,
            RopeOp, DequantizeLinearOp, QuantizeLinearOp, ScatterNDOp>(
          [&](Operation *op) { return same(op->getOperand(0)); })
      .Case<AddOp, SubOp, MulOp, DivOp, PowOp, EqualOp, LessOp, LessOrEqualOp,
            GreaterOp, GreaterOrEqualOp, AndOp, OrOp, MaxOp, MinOp, WhereOp>(
          [&](Operation *op) -> std::optional<DimRef> {
            // traceBroadcast already traced to the end.
            return traceBroadcast(op->getOperands(), rank, d);
          })
      .Case([&](MatMulOp op) -> std::optional<DimRef> {
        int64_t lhsRank = rankOf(op.getLhs()), rhsRank = rankOf(op.getRhs());
        if (lhsRank < 2 || rhsRank < 2)
          return std::nullopt;
        if (d == rank - 1)
          return DimRef{op.getRhs(), rhsRank - 1};
        if (d == rank - 2)
          return DimRef{op.getLhs(), lhsRank - 2};
        return traceBroadcast({op.getLhs(), op.getRhs()}, rank, d);
      })
      .Case([&](GemmOp op) -> std::optional<DimRef> {
        if (d == 0)
          return DimRef{op.getA(), op.getTransA() ? 1 : 0};
        return DimRef{op.getB(), op.getTransB() ? 0 : 1};
      })
      .Case([&](LinearOp op) -> std::optional<DimRef> {
        if (d < rank - 1)
          return DimRef{op.getInput(), d};
        return DimRef{op.getWeight(), op.getTransposeWeight() ? 0 : 1};
      })
      .Case([&](TransposeOp op) -> std::optional<DimRef> {
        if (std::optional<ArrayRef<int64_t>> perm = op.getPerm())
          return DimRef{op.getData(), (*perm)[d]};
        return DimRef{op.getData(), rank - 1 - d};
      })
      .Case([&](UnsqueezeOp op) -> std::optional<DimRef> {
        std::optional<SmallVector<int64_t>> axes =
            normalizeAxes(op.getAxes(), rank);
        if (!axes || llvm::is_contained(*axes, d))
          return std::nullopt;
        return DimRef{op.getData(), d - llvm::count_if(*axes, [&](int64_t a) {
                                      return a < d;
                                    })};
      })
      .Case([&](SqueezeOp op) -> std::optional<DimRef> {
        int64_t inputRank = rankOf(op.getData()), kept = -1;
        std::optional<SmallVector<int64_t>> axes =
            op.getAxes() ? normalizeAxes(*op.getAxes(), inputRank)
                         : std::nullopt;
        if (!axes)
          return std::nullopt;
        for (int64_t i = 0; i < inputRank; ++i)
          if (!llvm::is_contained(*axes, i) && ++kept == d)
            return DimRef{op.getData(), i};
        return std::nullopt;
      })
      .Case([&](ReshapeOp op) -> std::optional<DimRef> {
        // An entry that copies (0) or names a traced dimension.
        std::optional<ShapeElement> element = getShapeElement(op.getShape(), d);
        if (!element)
          return std::nullopt;
        if (element->constant && *element->constant == -1)
          return traceInferredReshapeDim(op, d);
        if (element->constant && *element->constant == 0 &&
            !op.getAllowzero() && d < rankOf(op.getData()))
          return DimRef{op.getData(), d};
        return element->dim;
      })
      .Case<ConcatOp, SplitOp, SliceOp, TopKOp>(
          [&](Operation *op) -> std::optional<DimRef> {
            // Every dimension but the one cut or joined passes through.
            int64_t axis = -1;
            if (auto concat = dyn_cast<ConcatOp>(op))
              axis = *normalizeAxis(concat.getAxis(), rank);
            else if (auto split = dyn_cast<SplitOp>(op))
              axis = *normalizeAxis(split.getAxis(), rank);
            else if (auto topk = dyn_cast<TopKOp>(op))
              axis = *normalizeAxis(topk.getAxis(), rank);
            if (auto slice = dyn_cast<SliceOp>(op)) {
              SmallVector<int64_t> axes =
                  slice.getAxes() ? SmallVector<int64_t>(*slice.getAxes())
                                  : SmallVector<int64_t>();
              std::optional<int64_t> count =
                  getStaticVectorLength(slice.getStarts());
              if (!slice.getAxes() && count)
                axes = llvm::to_vector(llvm::seq<int64_t>(0, *count));
              std::optional<SmallVector<int64_t>> normalized =
                  normalizeAxes(axes, rank);
              if (!normalized || llvm::is_contained(*normalized, d) ||
                  (!slice.getAxes() && !count))
                return std::nullopt;
              return DimRef{slice.getData(), d};
            }
            if (d == axis)
              return std::nullopt;
            return DimRef{op->getOperand(0), d};
          })
      .Case([&](GatherOp op) -> std::optional<DimRef> {
        int64_t axis = *normalizeAxis(op.getAxis(), rankOf(op.getData()));
        int64_t indicesRank = rankOf(op.getIndices());
        if (d < axis)
          return DimRef{op.getData(), d};
        if (d < axis + indicesRank)
          return DimRef{op.getIndices(), d - axis};
        return DimRef{op.getData(), d - indicesRank + 1};
      })
      .Case([&](ConstantOfShapeOp op) -> std::optional<DimRef> {
        std::optional<ShapeElement> element = getShapeElement(op.getShape(), d);
        return element ? element->dim : std::nullopt;
      })
      .Case([&](ExpandOp op) -> std::optional<DimRef> {
        // The input's dimension where the shape asks for 1 of it; the
        // shape's where the input's is a static 1 (or absent).
        int64_t p = d - (rank - rankOf(op.getInput()));
        std::optional<int64_t> length = getStaticVectorLength(op.getShape());
        if (!length)
          return std::nullopt;
        int64_t q = d - (rank - *length);
        std::optional<ShapeElement> element =
            q >= 0 ? getShapeElement(op.getShape(), q) : std::nullopt;
        if (p >= 0 && dimOf(op.getInput(), p) != 1) {
          if (q < 0 || (element && element->constant == 1))
            return DimRef{op.getInput(), p};
          return std::nullopt;
        }
        return element ? element->dim : std::nullopt;
      })
      .Case([&](RangeOp op) -> std::optional<DimRef> {
        // range(0, n, 1) has n elements: the size n names, if it names one.
        std::optional<SmallVector<int64_t>> start =
            getConstantIntValues(op.getStart());
        std::optional<SmallVector<int64_t>> delta =
            getConstantIntValues(op.getDelta());
        if (!start || !delta || (*start)[0] != 0 || (*delta)[0] != 1)
          return std::nullopt;
        std::optional<ShapeElement> limit = getShapeElement(op.getLimit(), 0);
        return limit ? limit->dim : std::nullopt;
      })
      .Case([&](AttentionOp op) -> std::optional<DimRef> {
        if (d == 3)
          return DimRef{op.getValue(), 3};
        return DimRef{op.getQuery(), d};
      })
      // What a target writes for an xf op before the rest is lowered (the
      // CPU's attention loops, the CUDA attention's buffers): a cast, a
      // loop that updates its destination in place, and the empty tensor
      // or allocated buffer sized by dimensions it starts from keep the
      // sizes they were given.
      .Case([&](tensor::CastOp op) { return same(op.getSource()); })
      .Case([&](tensor::EmptyOp op) { return traceSize(op.getDynamicSize(d)); })
      .Case([&](bufferization::ToTensorOp op) -> std::optional<DimRef> {
        auto alloc = op.getBuffer().getDefiningOp<memref::AllocOp>();
        if (!alloc)
          return std::nullopt;
        return traceSize(
            alloc.getDynamicSizes()[alloc.getType().getDynamicDimIndex(d)]);
      })
      .Case([&](scf::ForOp op) -> std::optional<DimRef> {
        unsigned i = result.getResultNumber();
        Value carried = op.getRegionIterArgs()[i];
        Value yielded = op.getYieldedValues()[i];
        auto update = yielded.getDefiningOp<tensor::InsertSliceOp>();
        if (yielded != carried && !(update && update.getDest() == carried))
          return std::nullopt;
        return same(op.getInitArgs()[i]);
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// The -1 entry of a reshape equals the input's element count divided by the
/// other entries: when the static sizes cancel and the symbolic ones cancel
/// but for one input dimension, it is that dimension ([B, S] -> [-1, S]).
static std::optional<DimRef> traceInferredReshapeDim(ReshapeOp op, int64_t d) {
  int64_t staticIn = 1, staticOut = 1;
  SmallVector<DimRef> symbolic;
  Value data = op.getData();
  for (int64_t i = 0, e = rankOf(data); i < e; ++i) {
    int64_t size = dimOf(data, i);
    if (ShapedType::isDynamic(size))
      symbolic.push_back(traceDim({data, i}));
    else
      staticIn *= size;
  }
  std::optional<int64_t> length = getStaticVectorLength(op.getShape());
  for (int64_t j = 0; length && j < *length; ++j) {
    if (j == d)
      continue;
    std::optional<ShapeElement> element = getShapeElement(op.getShape(), j);
    if (!element)
      return std::nullopt;
    std::optional<DimRef> dim = element->dim;
    if (element->constant) {
      bool copies = *element->constant == 0 && !op.getAllowzero();
      if (!copies) {
        staticOut *= *element->constant;
        continue;
      }
      if (j >= rankOf(data))
        return std::nullopt;
      if (!ShapedType::isDynamic(dimOf(data, j))) {
        staticOut *= dimOf(data, j);
        continue;
      }
      dim = traceDim({data, j});
    }
    auto *it = llvm::find(symbolic, *dim);
    if (it == symbolic.end())
      return std::nullopt;
    symbolic.erase(it);
  }
  if (staticIn != staticOut || symbolic.size() != 1)
    return std::nullopt;
  return symbolic.front();
}

namespace {
/// What the outermost traceDim call has traced so far. A residual stream
/// reaches a tensor along many paths (x + f(x) in every layer), so without
/// remembering, tracing through broadcasts is exponential in the depth. The
/// IR does not change during one call, so the entries stay true within it.
using TraceCache = llvm::DenseMap<std::pair<Value, int64_t>, DimRef>;
thread_local TraceCache *activeCache = nullptr;
} // namespace

DimRef traceDim(DimRef ref) {
  TraceCache outermostCache;
  bool outermost = !activeCache;
  if (outermost)
    activeCache = &outermostCache;
  llvm::scope_exit uninstall([&] {
    if (outermost)
      activeCache = nullptr;
  });
  SmallVector<std::pair<Value, int64_t>> walked;
  // Static sizes need no source; stop there.
  while (ShapedType::isDynamic(dimOf(ref.value, ref.dim))) {
    auto known = activeCache->find({ref.value, ref.dim});
    if (known != activeCache->end()) {
      ref = known->second;
      break;
    }
    walked.push_back({ref.value, ref.dim});
    std::optional<DimRef> previous = traceStep(ref);
    if (!previous)
      break;
    ref = *previous;
  }
  for (const std::pair<Value, int64_t> &key : walked)
    (*activeCache)[key] = ref;
  return ref;
}

std::optional<ShapeElement> getShapeElement(Value vector, int64_t index) {
  // Callers pass indices from the model (Gather, Slice): never past a shape.
  if (index < 0)
    return std::nullopt;
  if (std::optional<SmallVector<int64_t>> values =
          getConstantIntValues(vector)) {
    if (index >= static_cast<int64_t>(values->size()))
      return std::nullopt;
    return ShapeElement{(*values)[index], std::nullopt};
  }
  Operation *op = vector.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (auto shape = dyn_cast<ShapeOp>(op)) {
    auto [start, end] = shape.getDimRange();
    if (index >= end - start)
      return std::nullopt;
    int64_t dim = start + index;
    int64_t size = dimOf(shape.getData(), dim);
    if (!ShapedType::isDynamic(size))
      return ShapeElement{size, DimRef{shape.getData(), dim}};
    return ShapeElement{std::nullopt, traceDim({shape.getData(), dim})};
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    if (rankOf(vector) == 1) {
      for (Value piece : concat.getInputs()) {
        std::optional<int64_t> length = getStaticVectorLength(piece);
        if (!length)
          return std::nullopt;
        if (index < *length)
          return getShapeElement(piece, index);
        index -= *length;
      }
      return std::nullopt;
    }
    // A small static table ([n, 2] pairs): the piece holding the element's
    // position along the axis, at the element's position within it.
    auto type = cast<RankedTensorType>(vector.getType());
    if (!type.hasStaticShape() || index >= type.getNumElements())
      return std::nullopt;
    SmallVector<int64_t> at = delinearize(index, type.getShape());
    int64_t axis = *normalizeAxis(concat.getAxis(), type.getRank());
    for (Value piece : concat.getInputs()) {
      auto pieceType = cast<RankedTensorType>(piece.getType());
      if (!pieceType.hasStaticShape())
        return std::nullopt;
      if (at[axis] < pieceType.getDimSize(axis)) {
        SmallVector<int64_t> strides = computeStrides(pieceType.getShape());
        int64_t linear = 0;
        for (auto [position, stride] : llvm::zip_equal(at, strides))
          linear += position * stride;
        return getShapeElement(piece, linear);
      }
      at[axis] -= pieceType.getDimSize(axis);
    }
    return std::nullopt;
  }
  if (auto cast = dyn_cast<CastOp>(op)) {
    // Integers widened (or kept) are the same numbers.
    auto from =
        dyn_cast<IntegerType>(cast.getInput().getType().getElementType());
    auto to = dyn_cast<IntegerType>(cast.getType().getElementType());
    if (!from || !to || from.getWidth() == 1 || from.getWidth() > to.getWidth())
      return std::nullopt;
    return getShapeElement(cast.getInput(), index);
  }
  // Reshapes never reorder: element i is the data's element i.
  if (isa<UnsqueezeOp, SqueezeOp, IdentityOp, ReshapeOp, FlattenOp>(op))
    return getShapeElement(op->getOperand(0), index);
  if (auto where = dyn_cast<WhereOp>(op)) {
    // A constant condition picks the branch; branches of one element or of
    // the result's own shape.
    std::optional<SmallVector<int64_t>> condition =
        getConstantIntValues(where.getCondition());
    auto type = cast<RankedTensorType>(vector.getType());
    if (!condition || !type.hasStaticShape() ||
        index >= type.getNumElements() ||
        (condition->size() != 1 &&
         static_cast<int64_t>(condition->size()) != type.getNumElements()))
      return std::nullopt;
    bool first = (*condition)[condition->size() == 1 ? 0 : index] != 0;
    Value branch = first ? where.getX() : where.getY();
    auto branchType = cast<RankedTensorType>(branch.getType());
    if (branchType.hasStaticShape() && branchType.getNumElements() == 1)
      return getShapeElement(branch, 0);
    if (branchType.getShape() == type.getShape())
      return getShapeElement(branch, index);
    return std::nullopt;
  }
  if (auto gather = dyn_cast<GatherOp>(op)) {
    // One element picked from a shape vector by a constant index.
    std::optional<SmallVector<int64_t>> indices =
        getConstantIntValues(gather.getIndices());
    std::optional<int64_t> length = getStaticVectorLength(gather.getData());
    if (!indices || !length || index >= static_cast<int64_t>(indices->size()))
      return std::nullopt;
    int64_t picked = (*indices)[index];
    if (picked < -*length || picked >= *length)
      return std::nullopt;
    return getShapeElement(gather.getData(),
                           picked < 0 ? picked + *length : picked);
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    std::optional<SmallVector<int64_t>> starts =
        getConstantIntValues(slice.getStarts());
    std::optional<int64_t> length = getStaticVectorLength(slice.getData());
    if (!starts || starts->size() != 1 || !length ||
        (slice.getSteps() && (*slice.getSteps())[0] != 1))
      return std::nullopt;
    // ONNX clamps starts into the data; the element must lie before its end.
    int64_t start = (*starts)[0] < 0 ? (*starts)[0] + *length : (*starts)[0];
    start = std::clamp<int64_t>(start, 0, *length);
    if (index >= *length - start)
      return std::nullopt;
    return getShapeElement(slice.getData(), start + index);
  }
  return std::nullopt;
}

} // namespace mlir::xf

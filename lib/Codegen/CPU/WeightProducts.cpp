//===- WeightProducts.cpp - products the weight kernels take over ---------===//
//
// What xf-cpu-quantized-matmul and xf-cpu-sparse-matmul share: the layers
// whose products they take are split into those products, and a product's
// left operand [..., K] reaches the kernel as [M, K] rows and its result
// goes back to [..., N].
//
//===----------------------------------------------------------------------===//

#include "CPUKernels.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

using namespace mlir;
using namespace mlir::xf;

LogicalResult
mlir::xf::decomposeLayersReading(func::FuncOp func,
                                 function_ref<bool(Value)> isKernelWeight) {
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<LinearOp, GatedMlpOp>(op) &&
        llvm::any_of(op->getOperands(), isKernelWeight))
      layers.push_back(op);
  });
  for (Operation *op : layers) {
    OpBuilder b(op);
    FailureOr<SmallVector<Value>> parts =
        cast<linalg::AggregatedOpInterface>(op).decomposeOperation(b);
    if (failed(parts))
      return failure();
    op->replaceAllUsesWith(*parts);
    op->erase();
  }
  return success();
}

void mlir::xf::replaceProductByRows(
    MatMulOp op, int64_t k, int64_t n,
    function_ref<Value(OpBuilder &, Value)> buildRows) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto lhsType = op.getLhs().getType();
  int64_t rank = lhsType.getRank();
  SmallVector<ReassociationIndices> collapse(2);
  for (int64_t d = 0; d + 1 < rank; ++d)
    collapse[0].push_back(d);
  collapse[1].push_back(rank - 1);
  // [M, K] with M a run-time count (the kernel's rows) and K as the weight
  // has it, where shape inference left it dynamic.
  Value input = op.getLhs();
  if (rank > 2)
    input = tensor::CollapseShapeOp::create(b, loc, input, collapse);
  auto kernelType = RankedTensorType::get({ShapedType::kDynamic, k},
                                          lhsType.getElementType());
  if (input.getType() != kernelType)
    input = tensor::CastOp::create(b, loc, kernelType, input);
  Value result = buildRows(b, input);
  auto resultType = cast<RankedTensorType>(op.getType());
  if (rank > 2) {
    auto collapsedType =
        tensor::CollapseShapeOp::inferCollapsedType(resultType, collapse);
    if (result.getType() != collapsedType)
      result = tensor::CastOp::create(b, loc, collapsedType, result);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d + 1 < rank; ++d)
      sizes.push_back(tensor::getMixedSize(b, loc, op.getLhs(), d));
    sizes.push_back(b.getIndexAttr(n));
    result = tensor::ExpandShapeOp::create(b, loc, resultType, result, collapse,
                                           sizes);
  }
  if (result.getType() != resultType)
    result = tensor::CastOp::create(b, loc, resultType, result);
  op.replaceAllUsesWith(result);
  op.erase();
}

Value mlir::xf::padColumns(OpBuilder &b, Location loc, Value input,
                           int64_t columns) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t k = type.getDimSize(1);
  if (k == columns)
    return input;
  // Zeros past K (a fill and a copy: both lower on every path).
  Value rows = tensor::DimOp::create(b, loc, input, 0);
  Value padded = tensor::EmptyOp::create(
      b, loc,
      RankedTensorType::get({ShapedType::kDynamic, columns},
                            type.getElementType()),
      ValueRange{rows});
  Value zero =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  padded = linalg::FillOp::create(b, loc, zero, padded).getResult(0);
  return tensor::InsertSliceOp::create(
      b, loc, input, padded,
      ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{rows, b.getIndexAttr(k)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
}

ConstantOp mlir::xf::getConstantWeight(Value value, bool &transposed) {
  transposed = false;
  if (auto transpose = value.getDefiningOp<TransposeOp>()) {
    // Rank 2: no perm, or [1, 0], swaps the two.
    std::optional<ArrayRef<int64_t>> perm = transpose.getPerm();
    if (perm && (perm->size() != 2 || (*perm)[0] != 1))
      return {};
    transposed = true;
    value = transpose.getData();
  }
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant || constant.getType().getRank() != 2 ||
      !constant.getType().hasStaticShape())
    return {};
  return constant;
}

std::optional<WeightTiles> WeightTiles::get(Operation *weight,
                                            ArrayRef<KernelKind> kinds) {
  auto config =
      weight->getAttrOfType<KernelConfigAttr>(KernelConfigAttr::kName);
  if (!config || config.getTile().size() != 2 ||
      !llvm::is_contained(kinds, config.getKind()))
    return std::nullopt;
  ArrayRef<int64_t> tile = config.getTile();
  if (tile[0] < 1 || tile[1] < 1)
    return std::nullopt;
  int64_t lanes = config.getKind() == KernelKind::Avx512 ? 16 : 8;
  return WeightTiles{tile[0], tile[1], lanes, config.getKind()};
}

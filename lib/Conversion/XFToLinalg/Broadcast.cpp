//===- Broadcast.cpp - ONNX broadcasting as linalg indexing maps ----------===//

#include "Broadcast.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/DimTracing.h"

namespace mlir::xf {

Value createZero(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

Value buildBroadcastGeneric(OpBuilder &b, Location loc,
                            RankedTensorType resultType, ValueRange operands,
                            ValueRange original, ScalarBuilder body) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  SmallVector<Value> dynamicSizes;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t offset = rank - type.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < type.getRank(); ++i)
      exprs.push_back(type.getDimSize(i) == 1 &&
                              resultType.getDimSize(offset + i) != 1
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(offset + i));
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));

  // The result's sizes; where an operand's dynamic size stands in for the
  // result's, check that it is not a size-1 dimension meant to broadcast.
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = resultType.getDimSize(d);
    Value source;
    std::optional<DimRef> sourceRef;
    SmallVector<DimRef> checked; // dimensions already compared with source
    for (auto [k, operand] : llvm::enumerate(operands)) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t i = d - (rank - type.getRank());
      if (i < 0 || !ShapedType::isDynamic(type.getDimSize(i)))
        continue;
      Value dim = tensor::DimOp::create(b, loc, operand, i);
      std::optional<DimRef> ref;
      if (k < original.size())
        ref = traceDim({original[k], i});
      if (!ShapedType::isDynamic(size)) {
        Value expected = arith::ConstantIndexOp::create(b, loc, size);
        Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dim,
                                         expected);
        cf::AssertOp::create(
            b, loc, ok,
            "a dynamic dimension differs from the broadcast's static size");
        continue;
      }
      if (!source) {
        source = dim;
        sourceRef = ref;
        continue;
      }
      if (ref && sourceRef && *ref == *sourceRef)
        continue;
      if (ref && llvm::is_contained(checked, *ref))
        continue;
      if (ref)
        checked.push_back(*ref);
      Value ok =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dim, source);
      cf::AssertOp::create(b, loc, ok,
                           "dynamic dimensions that broadcast must be equal "
                           "at run time");
    }
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(source);
  }

  Value init = tensor::EmptyOp::create(b, loc, resultType, dynamicSizes);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

} // namespace mlir::xf

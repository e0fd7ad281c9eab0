//===- Broadcast.cpp - ONNX broadcasting as linalg indexing maps ----------===//

#include "Broadcast.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/DimTracing.h"

namespace mlir::xf {

/// Converts a scalar between element types as ONNX Cast does (signless
/// integers are signed unless the flags say otherwise; i1 converts from any
/// non-zero value).
Value castScalar(OpBuilder &b, Location loc, Value v, Type to,
                 bool fromUnsigned, bool toUnsigned) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (auto toInt = dyn_cast<IntegerType>(to)) {
    if (toInt.getWidth() == 1) {
      if (isa<FloatType>(from))
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                     createZero(b, loc, from));
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                   createZero(b, loc, from));
    }
    if (isa<FloatType>(from)) {
      if (toUnsigned)
        return arith::FPToUIOp::create(b, loc, to, v);
      return arith::FPToSIOp::create(b, loc, to, v);
    }
    unsigned fromWidth = from.getIntOrFloatBitWidth();
    if (fromWidth > toInt.getWidth())
      return arith::TruncIOp::create(b, loc, to, v);
    if (fromWidth == toInt.getWidth())
      return v;
    if (fromWidth == 1 || fromUnsigned)
      return arith::ExtUIOp::create(b, loc, to, v);
    return arith::ExtSIOp::create(b, loc, to, v);
  }
  if (isa<FloatType>(from)) {
    if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(b, loc, to, v);
    return arith::TruncFOp::create(b, loc, to, v);
  }
  if (from.isInteger(1) || fromUnsigned)
    return arith::UIToFPOp::create(b, loc, to, v);
  return arith::SIToFPOp::create(b, loc, to, v);
}

Value floatConstant(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
}

bool isUnsignedTensor(Value v) {
  return cast<RankedTensorType>(v.getType())
      .getElementType()
      .isUnsignedInteger();
}

Value createZero(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

/// Whether every operand that has result dimension `d` as a dynamic size
/// provably has the same size there (traced to one source).
static bool dynamicSizesAgree(ValueRange operands, ValueRange original,
                              int64_t rank, int64_t d) {
  std::optional<DimRef> first;
  for (auto [k, operand] : llvm::enumerate(operands)) {
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t i = d - (rank - type.getRank());
    if (i < 0 || !ShapedType::isDynamic(type.getDimSize(i)))
      continue;
    if (k >= original.size())
      return false;
    DimRef ref = traceDim({original[k], i});
    if (first && !(*first == ref))
      return false;
    first = ref;
  }
  return true;
}

Value buildBroadcastGeneric(OpBuilder &b, Location loc,
                            RankedTensorType resultType, ValueRange operands,
                            ValueRange original, ScalarBuilder body,
                            ArrayRef<Value> resultSizes) {
  int64_t rank = resultType.getRank();
  SmallVector<bool> agree;
  for (int64_t d = 0; d < rank; ++d)
    agree.push_back(resultSizes.empty() &&
                    dynamicSizesAgree(operands, original, rank, d));

  // The result's sizes: given, or the shared size where the operands agree,
  // else the largest (ONNX broadcasting: the others are that size or 1).
  SmallVector<Value> dynamicSizes(resultSizes);
  for (int64_t d = 0; d < rank && resultSizes.empty(); ++d) {
    if (!resultType.isDynamicDim(d))
      continue;
    Value size;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t i = d - (rank - type.getRank());
      if (i < 0 || !type.isDynamicDim(i))
        continue;
      Value dim = tensor::DimOp::create(b, loc, operand, i);
      size =
          !size ? dim : arith::MaxUIOp::create(b, loc, size, dim).getResult();
      if (agree[d])
        break;
    }
    dynamicSizes.push_back(size);
  }

  // Splat constants become scalars in the body, where folding and math
  // simplification see them (x^3 is then two multiplications). Operands
  // whose dynamic sizes may be 1 where others are not are read element by
  // element at (index or 0); the rest through indexing maps.
  SmallVector<Value> direct;
  SmallVector<AffineMap> maps;
  SmallVector<int64_t> position(operands.size(), -1);
  SmallVector<TypedAttr> splats(operands.size());
  for (auto [k, operand] : llvm::enumerate(operands)) {
    DenseElementsAttr constant;
    if (matchPattern(operand, m_Constant(&constant)) && constant.isSplat()) {
      splats[k] = constant.getSplatValue<TypedAttr>();
      continue;
    }
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t offset = rank - type.getRank();
    bool mayStretch = false;
    for (int64_t i = 0; i < type.getRank(); ++i)
      mayStretch |= type.isDynamicDim(i) && !agree[offset + i];
    if (mayStretch)
      continue;
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < type.getRank(); ++i)
      exprs.push_back(type.getDimSize(i) == 1 &&
                              resultType.getDimSize(offset + i) != 1
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(offset + i));
    position[k] = direct.size();
    direct.push_back(operand);
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));

  Value init = tensor::EmptyOp::create(b, loc, resultType, dynamicSizes);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, direct, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> elements;
        for (auto [k, operand] : llvm::enumerate(operands)) {
          if (splats[k]) {
            elements.push_back(
                arith::ConstantOp::create(nested, nestedLoc, splats[k]));
            continue;
          }
          if (position[k] >= 0) {
            elements.push_back(args[position[k]]);
            continue;
          }
          auto type = cast<RankedTensorType>(operand.getType());
          int64_t offset = rank - type.getRank();
          Value zero = arith::ConstantIndexOp::create(nested, nestedLoc, 0);
          SmallVector<Value> at;
          for (int64_t i = 0; i < type.getRank(); ++i) {
            Value index =
                linalg::IndexOp::create(nested, nestedLoc, offset + i);
            if (type.getDimSize(i) == 1) {
              at.push_back(zero);
            } else if (type.isDynamicDim(i)) {
              Value isOne = arith::CmpIOp::create(
                  nested, nestedLoc, arith::CmpIPredicate::eq,
                  tensor::DimOp::create(nested, nestedLoc, operand, i),
                  arith::ConstantIndexOp::create(nested, nestedLoc, 1));
              at.push_back(arith::SelectOp::create(nested, nestedLoc, isOne,
                                                   zero, index));
            } else {
              at.push_back(index);
            }
          }
          elements.push_back(
              tensor::ExtractOp::create(nested, nestedLoc, operand, at));
        }
        Value result = body(nested, nestedLoc, elements);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

} // namespace mlir::xf

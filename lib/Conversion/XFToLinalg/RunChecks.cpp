//===- RunChecks.cpp - facts checked when the model runs ------------------===//

#include "RunChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ModelDiagnostics.h"

namespace mlir::xf {

std::string describeForRun(Operation *op) {
  // "file: node 'n' (Op)": the library's user knows the model, not where
  // it was compiled from.
  std::string where = describeModelLocation(op->getLoc());
  size_t node = where.find(": node '");
  std::string text = node == std::string::npos
                         ? op->getName().getStringRef().str()
                         : where.substr(node + 2);
  std::string escaped;
  for (char c : text)
    escaped += c == '%' ? std::string("%%") : std::string(1, c);
  return escaped;
}

Value castToI64(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isIndex())
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
  if (v.getType().getIntOrFloatBitWidth() < 64)
    return arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
  return v;
}

void emitRunCheck(OpBuilder &b, Location loc, Value ok, const Twine &message,
                  Value first, Value second) {
  RunCheckOp::create(b, loc, ok, b.getStringAttr(message),
                     castToI64(b, loc, first), castToI64(b, loc, second));
}

/// Stops the run unless every element of `indices` is in [-extent,
/// extent), ONNX's range: the smallest and largest index are found in one
/// pass over them (indices from an input: token ids, positions).
void checkIndexRange(OpBuilder &b, Location loc, Operation *op, Value indices,
                     Value extent, int64_t axis) {
  auto type = cast<RankedTensorType>(indices.getType());
  auto element = cast<IntegerType>(type.getElementType());
  unsigned width = element.getWidth();
  auto scalar = RankedTensorType::get({}, element);
  auto filled = [&](APInt value) {
    Value init = tensor::EmptyOp::create(b, loc, scalar, ValueRange{});
    Value c =
        arith::ConstantOp::create(b, loc, b.getIntegerAttr(element, value));
    return linalg::FillOp::create(b, loc, c, init).getResult(0);
  };
  int64_t rank = type.getRank();
  AffineMap all = b.getMultiDimIdentityMap(rank);
  AffineMap none = AffineMap::get(rank, 0, {}, b.getContext());
  auto bounds = linalg::GenericOp::create(
      b, loc, TypeRange{scalar, scalar}, ValueRange{indices},
      ValueRange{filled(APInt::getSignedMaxValue(width)),
                 filled(APInt::getSignedMinValue(width))},
      ArrayRef<AffineMap>{all, none, none},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::MinSIOp::create(nb, l, args[0], args[1]),
                       arith::MaxSIOp::create(nb, l, args[0], args[2])});
      });
  auto scalarI64 = [&](Value v) {
    return castToI64(b, loc,
                     tensor::ExtractOp::create(b, loc, v, ValueRange{}));
  };
  Value lowest = scalarI64(bounds.getResult(0)),
        highest = scalarI64(bounds.getResult(1));
  Value size = castToI64(b, loc, extent);
  Value negated = arith::SubIOp::create(
      b, loc, arith::ConstantIntOp::create(b, loc, b.getI64Type(), 0), size);
  Value tooLow =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, lowest, negated);
  Value tooHigh =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, highest, size);
  Value ok = arith::XOrIOp::create(
      b, loc, arith::OrIOp::create(b, loc, tooLow, tooHigh),
      arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
  Value bad = arith::SelectOp::create(b, loc, tooLow, lowest, highest);
  emitRunCheck(b, loc, ok,
               describeForRun(op) + ": index %lld is out of range for axis " +
                   Twine(axis) +
                   " of size %lld (valid indices: -size to size-1)",
               bad, size);
}

} // namespace mlir::xf

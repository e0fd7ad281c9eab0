//===- XFBuilder.h - building chains of xf ops with inferred types -*- C++
//-*-===//
//
// The decompositions (Decompositions.cpp, MoeDispatch.cpp) write composite
// ops as chains of simpler xf ops; this builder infers each op's type and
// stops at the first op whose operands break its rules.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_DIALECT_XF_IR_XFBUILDER_H
#define XFC_LIB_DIALECT_XF_IR_XFBUILDER_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

/// Builds xf ops with inferred types; after the first failure (reported at
/// the location by createInferred) it builds nothing and `failed()` says so.
class XFBuilder {
public:
  XFBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  template <typename OpTy>
  Value op(ValueRange operands, ArrayRef<NamedAttribute> attrs = {},
           Type elementType = {}) {
    if (hasFailed || llvm::is_contained(operands, Value()))
      return fail();
    FailureOr<Value> v =
        createInferred<OpTy>(b, loc, operands, attrs, elementType);
    return succeeded(v) ? *v : fail();
  }

  /// An op with several results (TopK, Split), each of its inferred type.
  template <typename OpTy>
  SmallVector<Value> ops(ValueRange operands, unsigned numResults,
                         ArrayRef<NamedAttribute> attrs = {}) {
    if (hasFailed || llvm::is_contained(operands, Value())) {
      fail();
      return SmallVector<Value>(numResults);
    }
    FailureOr<Operation *> op = createInferred(b, loc, OpTy::getOperationName(),
                                               operands, attrs, numResults);
    if (failed(op)) {
      fail();
      return SmallVector<Value>(numResults);
    }
    return SmallVector<Value>((*op)->getResults());
  }

  /// A scalar constant of `type`.
  Value scalar(Type type, double value) {
    auto tensorType = RankedTensorType::get({}, type);
    auto attr = cast<ElementsAttr>(DenseElementsAttr::get(
        tensorType, isa<FloatType>(type)
                        ? Attribute(b.getFloatAttr(type, value))
                        : b.getIntegerAttr(type, value)));
    return ConstantOp::create(b, loc, tensorType, attr);
  }

  /// A constant i64 vector (shapes, slice bounds).
  Value i64s(ArrayRef<int64_t> values) {
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      b.getI64Type());
    return ConstantOp::create(
        b, loc, type, cast<ElementsAttr>(DenseElementsAttr::get(type, values)));
  }

  NamedAttribute axis(int64_t axis) {
    return b.getNamedAttr("axis", b.getI64IntegerAttr(axis));
  }

  NamedAttribute axes(ArrayRef<int64_t> axes) {
    return b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes));
  }

  NamedAttribute i64Array(StringRef name, ArrayRef<int64_t> values) {
    return b.getNamedAttr(name, b.getDenseI64ArrayAttr(values));
  }

  NamedAttribute i64Attr(StringRef name, int64_t value) {
    return b.getNamedAttr(name, b.getI64IntegerAttr(value));
  }

  NamedAttribute boolAttr(StringRef name, bool value) {
    return b.getNamedAttr(name, b.getBoolAttr(value));
  }

  Location location() const { return loc; }

  /// The op's one result: `result`, cast to the op's type where inference
  /// found a more (or less) static one; an error at the op if building
  /// failed.
  FailureOr<SmallVector<Value>> finish(Operation *op, Value result) {
    if (hasFailed)
      return op->emitOpError("could not be decomposed");
    Type type = op->getResult(0).getType();
    if (result.getType() != type)
      result = tensor::CastOp::create(b, loc, type, result);
    return SmallVector<Value>{result};
  }

  OpBuilder &builder() { return b; }

private:
  Value fail() {
    hasFailed = true;
    return {};
  }
  OpBuilder &b;
  Location loc;
  bool hasFailed = false;
};

/// `activation(value)` as xf ops.
Value applyActivation(XFBuilder &x, Value value, Activation activation);

} // namespace mlir::xf

#endif // XFC_LIB_DIALECT_XF_IR_XFBUILDER_H

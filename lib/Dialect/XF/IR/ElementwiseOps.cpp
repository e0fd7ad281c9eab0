//===- ElementwiseOps.cpp - broadcasting and unary ops --------------------===//
//
// Shape functions and folders of the element-wise ops. Folders evaluate small
// constants only (shape arithmetic); see ConstantFolding.h.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "ShapeFunctions.h"
#include "mlir/IR/Matchers.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/ADT/APSInt.h"

using namespace mlir;
using namespace mlir::xf;

LogicalResult
mlir::xf::inferBroadcastResultType(ValueRange operands, Type elementType,
                                   SmallVectorImpl<Type> &inferred,
                                   ErrorEmitter emitError) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value operand : operands)
    shapes.push_back(cast<RankedTensorType>(operand.getType()).getShape());
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (!shape) {
    InFlightDiagnostic diag = emitError();
    diag << "operand shapes do not broadcast:";
    for (ArrayRef<int64_t> s : shapes)
      diag << " [" << formatShape(s) << "]";
    return diag;
  }
  inferred.push_back(RankedTensorType::get(*shape, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Element evaluation for folders
//===----------------------------------------------------------------------===//

namespace {
/// An element-wise function on integers or floats, for folders.
using IntFn =
    llvm::function_ref<std::optional<APInt>(const APInt &, const APInt &)>;
using FloatFn = llvm::function_ref<APFloat(const APFloat &, const APFloat &)>;
} // namespace

static Attribute evalArith(ArrayRef<Attribute> operands, Type resultType,
                           IntFn intFn, FloatFn floatFn) {
  return foldElementwise(
      operands, resultType, [&](ArrayRef<Attribute> e, Type type) -> Attribute {
        if (auto a = dyn_cast<IntegerAttr>(e[0])) {
          std::optional<APInt> v =
              intFn(a.getValue(), cast<IntegerAttr>(e[1]).getValue());
          return v ? IntegerAttr::get(type, *v) : Attribute();
        }
        return FloatAttr::get(type, floatFn(cast<FloatAttr>(e[0]).getValue(),
                                            cast<FloatAttr>(e[1]).getValue()));
      });
}

/// Compares two elements: -1, 0 or 1, or nullopt for an unordered float.
static std::optional<int> compareElements(Attribute lhs, Attribute rhs) {
  if (auto a = dyn_cast<IntegerAttr>(lhs)) {
    const APInt &x = a.getValue(), &y = cast<IntegerAttr>(rhs).getValue();
    bool isUnsigned = a.getType().isUnsignedInteger() || x.getBitWidth() == 1;
    if (isUnsigned ? x.ult(y) : x.slt(y))
      return -1;
    return x == y ? 0 : 1;
  }
  APFloat::cmpResult c =
      cast<FloatAttr>(lhs).getValue().compare(cast<FloatAttr>(rhs).getValue());
  if (c == APFloat::cmpUnordered)
    return std::nullopt;
  return c == APFloat::cmpLessThan ? -1 : c == APFloat::cmpEqual ? 0 : 1;
}

static Attribute
evalCompare(ArrayRef<Attribute> operands, Type resultType,
            llvm::function_ref<bool(std::optional<int>)> pred) {
  return foldElementwise(
      operands, resultType, [&](ArrayRef<Attribute> e, Type type) -> Attribute {
        return IntegerAttr::get(type, pred(compareElements(e[0], e[1])));
      });
}

static Attribute evalLogic(ArrayRef<Attribute> operands, Type resultType,
                           llvm::function_ref<bool(bool, bool)> fn) {
  return foldElementwise(
      operands, resultType, [&](ArrayRef<Attribute> e, Type type) -> Attribute {
        bool x = cast<IntegerAttr>(e[0]).getValue().getBoolValue();
        bool y = cast<IntegerAttr>(e[1]).getValue().getBoolValue();
        return IntegerAttr::get(type, fn(x, y));
      });
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return evalArith(
      adaptor.getOperands(), getType(),
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      },
      [](const APFloat &a, const APFloat &b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return evalArith(
      adaptor.getOperands(), getType(),
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      },
      [](const APFloat &a, const APFloat &b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return evalArith(
      adaptor.getOperands(), getType(),
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      },
      [](const APFloat &a, const APFloat &b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return evalArith(
      adaptor.getOperands(), getType(),
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt; // division by zero is left to run time
        return isUnsigned ? a.udiv(b) : a.sdiv(b);
      },
      [](const APFloat &a, const APFloat &b) { return a / b; });
}

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return evalCompare(adaptor.getOperands(), getType(),
                     [](std::optional<int> c) { return c && *c == 0; });
}
OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return evalCompare(adaptor.getOperands(), getType(),
                     [](std::optional<int> c) { return c && *c < 0; });
}
OpFoldResult LessOrEqualOp::fold(FoldAdaptor adaptor) {
  return evalCompare(adaptor.getOperands(), getType(),
                     [](std::optional<int> c) { return c && *c <= 0; });
}
OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return evalCompare(adaptor.getOperands(), getType(),
                     [](std::optional<int> c) { return c && *c > 0; });
}
OpFoldResult GreaterOrEqualOp::fold(FoldAdaptor adaptor) {
  return evalCompare(adaptor.getOperands(), getType(),
                     [](std::optional<int> c) { return c && *c >= 0; });
}

OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  return evalLogic(adaptor.getOperands(), getType(),
                   [](bool a, bool b) { return a && b; });
}
OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  return evalLogic(adaptor.getOperands(), getType(),
                   [](bool a, bool b) { return a || b; });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(
      adaptor.getOperands(), getType(),
      [](ArrayRef<Attribute> e, Type type) -> Attribute {
        return IntegerAttr::get(
            type, !cast<IntegerAttr>(e[0]).getValue().getBoolValue());
      });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(adaptor.getOperands(), getType(),
                         [](ArrayRef<Attribute> e, Type type) -> Attribute {
                           if (auto i = dyn_cast<IntegerAttr>(e[0]))
                             return IntegerAttr::get(type, -i.getValue());
                           return FloatAttr::get(
                               type, -cast<FloatAttr>(e[0]).getValue());
                         });
}

OpFoldResult IdentityOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  // A uniform condition selects one operand whole.
  if (auto cond = dyn_cast_or_null<SplatElementsAttr>(adaptor.getCondition())) {
    Value chosen = cond.getSplatValue<bool>() ? getX() : getY();
    if (chosen.getType() == getType())
      return chosen;
  }
  return foldElementwise(
      {adaptor.getCondition(), adaptor.getX(), adaptor.getY()}, getType(),
      [](ArrayRef<Attribute> e, Type) -> Attribute {
        return cast<IntegerAttr>(e[0]).getValue().getBoolValue() ? e[1] : e[2];
      });
}

/// Converts one element to another element type as ONNX Cast does, or null
/// for conversions a folder leaves to run time (out-of-range float to int).
static Attribute castElement(Attribute element, Type to) {
  if (auto i = dyn_cast<IntegerAttr>(element)) {
    bool isUnsigned =
        i.getType().isUnsignedInteger() || i.getType().isInteger(1);
    if (auto toInt = dyn_cast<IntegerType>(to)) {
      if (toInt.getWidth() == 1)
        return IntegerAttr::get(to, !i.getValue().isZero());
      return IntegerAttr::get(
          to, isUnsigned ? i.getValue().zextOrTrunc(toInt.getWidth())
                         : i.getValue().sextOrTrunc(toInt.getWidth()));
    }
    APFloat value(cast<FloatType>(to).getFloatSemantics());
    value.convertFromAPInt(i.getValue(), !isUnsigned,
                           APFloat::rmNearestTiesToEven);
    return FloatAttr::get(to, value);
  }
  APFloat value = cast<FloatAttr>(element).getValue();
  if (auto toInt = dyn_cast<IntegerType>(to)) {
    if (toInt.getWidth() == 1)
      return IntegerAttr::get(to, !value.isZero());
    APSInt result(toInt.getWidth(), toInt.isUnsigned());
    bool exact;
    if (value.convertToInteger(result, APFloat::rmTowardZero, &exact) &
        APFloat::opInvalidOp)
      return {};
    return IntegerAttr::get(to, result);
  }
  bool losesInfo;
  value.convert(cast<FloatType>(to).getFloatSemantics(),
                APFloat::rmNearestTiesToEven, &losesInfo);
  return FloatAttr::get(to, value);
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return foldElementwise(
      adaptor.getOperands(), getType(),
      [](ArrayRef<Attribute> e, Type type) { return castElement(e[0], type); });
}

//===----------------------------------------------------------------------===//
// Shape functions not shared through TableGen base classes
//===----------------------------------------------------------------------===//

LogicalResult WhereOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                        ErrorEmitter emitError) {
  if (getX().getType().getElementType() != getY().getType().getElementType())
    return emitError() << "x and y must have the same element type";
  return inferBroadcastResultType(
      getOperands(), getX().getType().getElementType(), inferred, emitError);
}

LogicalResult GeluOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                       ErrorEmitter emitError) {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitError() << "approximate must be \"none\" or \"tanh\", not \""
                       << getApproximate() << "\"";
  inferred.push_back(getInput().getType());
  return success();
}

LogicalResult CastOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                       ErrorEmitter) {
  inferred.push_back(getInput().getType().clone(getType().getElementType()));
  return success();
}

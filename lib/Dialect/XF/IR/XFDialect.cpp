//===- XFDialect.cpp - registration, constants and result verification ----===//

#include "xfc/Dialect/XF/IR/XFDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::xf;

#include "xfc/Dialect/XF/IR/XFDialect.cpp.inc"
#include "xfc/Dialect/XF/IR/XFEnums.cpp.inc"
#include "xfc/Dialect/XF/IR/XFInterfaces.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "xfc/Dialect/XF/IR/XFAttrs.cpp.inc"

void XFDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "xfc/Dialect/XF/IR/XFOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "xfc/Dialect/XF/IR/XFAttrs.cpp.inc"
      >();
}

Operation *XFDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}

LogicalResult mlir::xf::verifyInferredResultTypes(Operation *op) {
  auto emitError = [op] { return op->emitOpError(); };
  SmallVector<Type> inferred;
  if (failed(cast<ShapeInferenceOpInterface>(op).inferResultTypes(inferred,
                                                                  emitError)))
    return failure();
  if (inferred.size() != op->getNumResults())
    return op->emitOpError()
           << "has " << op->getNumResults()
           << " results but its operands imply " << inferred.size();
  for (auto [index, actual, expected] :
       llvm::enumerate(op->getResultTypes(), inferred)) {
    auto actualType = dyn_cast<RankedTensorType>(actual);
    auto expectedType = dyn_cast<RankedTensorType>(expected);
    if (!actualType || !expectedType || !joinTypes(actualType, expectedType))
      return op->emitOpError()
             << "result #" << index << " has type " << actualType
             << ", which contradicts the inferred type " << expectedType;
  }
  return success();
}

FailureOr<Operation *>
mlir::xf::createInferred(OpBuilder &b, Location loc, StringRef opName,
                         ValueRange operands,
                         ArrayRef<NamedAttribute> attributes,
                         unsigned numResults, Type elementType) {
  // Built detached with placeholder result types; inserted only once the
  // op's own shape function has given the real ones.
  OperationState state(loc, opName);
  state.addOperands(operands);
  state.addAttributes(attributes);
  Type placeholder =
      RankedTensorType::get({}, elementType ? elementType : b.getI8Type());
  state.addTypes(SmallVector<Type>(numResults, placeholder));
  Operation *op = Operation::create(state);
  SmallVector<Type> inferred;
  // Reported without printing the op: its result types are placeholders.
  auto emitOpError = [&] {
    return mlir::emitError(loc) << "'" << opName << "' op ";
  };
  if (failed(cast<ShapeInferenceOpInterface>(op).inferResultTypes(
          inferred, emitOpError))) {
    op->destroy();
    return failure();
  }
  // Constant shape operands (Reshape, Expand, ConstantOfShape) can ask for
  // sizes no machine holds; they end here, not in generated code.
  for (auto [index, type] : llvm::enumerate(inferred)) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    std::string problem =
        tensor ? checkTensorShape(tensor.getShape(), tensor.getElementType())
               : "";
    if (!problem.empty()) {
      op->destroy();
      return emitOpError() << "result #" << index << " " << problem;
    }
  }
  for (auto [result, type] : llvm::zip_equal(op->getResults(), inferred))
    result.setType(type);
  return b.insert(op);
}

/// The dialect's attributes on ops of other dialects.
LogicalResult XFDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attribute) {
  if (attribute.getName() == KernelConfigAttr::kName &&
      !isa<KernelConfigAttr>(attribute.getValue()))
    return op->emitError() << "'" << KernelConfigAttr::kName
                           << "' must be a #xf.kernel_config";
  StringAttr name = attribute.getName();
  if ((name == kDeviceCopyOfAttrName || name == kParallelEntryOfAttrName) &&
      (!isa<FlatSymbolRefAttr>(attribute.getValue()) ||
       !isa<SymbolOpInterface>(op)))
    return op->emitError() << "'" << name.getValue()
                           << "' must be a flat symbol reference on a symbol";
  if (name == kFullPrecisionAttrName && !isa<UnitAttr>(attribute.getValue()))
    return op->emitError() << "'" << name.getValue()
                           << "' must be a unit attribute";
  return success();
}

//===- NodeImporter.cpp - what an op importer sees of its node ------------===//

#include "NodeImporter.h"

#include "TensorImporter.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"

namespace mlir::xf::onnx_import {

InFlightDiagnostic NodeImporter::emitError() {
  return mlir::emitError(location);
}

Value NodeImporter::optionalInput(size_t i) {
  if (i >= numInputs() || node.input(i).empty())
    return {};
  return values.lookup(node.input(i));
}

FailureOr<Value> NodeImporter::input(size_t i, StringRef name) {
  if (Value value = optionalInput(i))
    return value;
  return emitError() << node.op_type() << " needs input " << i << " (" << name
                     << ")";
}

FailureOr<SmallVector<Value>>
NodeImporter::requiredInputs(ArrayRef<StringRef> names) {
  SmallVector<Value> values;
  for (auto [i, name] : llvm::enumerate(names)) {
    FailureOr<Value> v = input(i, name);
    if (failed(v))
      return failure();
    values.push_back(*v);
  }
  return values;
}

FailureOr<std::optional<SmallVector<int64_t>>>
NodeImporter::constantInts(size_t i, StringRef name) {
  Value value = optionalInput(i);
  if (!value)
    return std::optional<SmallVector<int64_t>>();
  std::optional<SmallVector<int64_t>> ints = getConstantIntValues(value);
  if (!ints)
    return emitError() << "input " << i << " (" << name << ") of "
                       << node.op_type()
                       << " must be a constant: xfc needs it at compile time";
  return ints;
}

const onnx::AttributeProto *NodeImporter::attribute(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeImporter::intAttr(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->i() : defaultValue;
}

float NodeImporter::floatAttr(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->f() : defaultValue;
}

std::string NodeImporter::stringAttr(StringRef name,
                                     StringRef defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->s() : defaultValue.str();
}

std::optional<SmallVector<int64_t>>
NodeImporter::intsAttr(StringRef name) const {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return std::nullopt;
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

FailureOr<ElementsAttr> NodeImporter::tensorAttr(StringRef name) {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr || !attr->has_t())
    return emitError() << node.op_type() << " has no tensor attribute '" << name
                       << "'";
  std::string error;
  FailureOr<ElementsAttr> value = tensors.import(attr->t(), error);
  if (failed(value))
    return emitError() << "attribute '" << name << "' " << error;
  return value;
}

FailureOr<Operation *> NodeImporter::create(StringRef opName,
                                            ValueRange operands,
                                            ArrayRef<NamedAttribute> attributes,
                                            unsigned numResults,
                                            Type elementType) {
  return createInferred(b, location, opName, operands, attributes, numResults,
                        elementType);
}

Value NodeImporter::constant(ElementsAttr value) {
  return ConstantOp::create(b, location, value.getType(), value);
}

Value NodeImporter::constantI64(ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI64Type());
  return constant(cast<ElementsAttr>(DenseElementsAttr::get(type, values)));
}

LogicalResult NodeImporter::setResults(ValueRange results) {
  for (auto [i, name] : llvm::enumerate(node.output())) {
    if (name.empty())
      continue;
    if (i >= results.size())
      return emitError() << "output " << i << " ('" << name << "') of "
                         << node.op_type() << " is not supported";
    values[name] = results[i];
  }
  return success();
}

LogicalResult NodeImporter::checkUnusedOutputs(size_t first, StringRef why) {
  for (int i = first; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      return emitError() << "output " << i << " ('" << node.output(i)
                         << "') of " << node.op_type()
                         << " is not supported: " << why;
  return success();
}

} // namespace mlir::xf::onnx_import

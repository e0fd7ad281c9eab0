//===- NodeSignature.cpp - a node's inputs and attributes vs its op row ---===//
//
// Every node is checked against its op table row before its importer reads
// anything: shape functions and importers may then take the inputs the row
// requires as present and the attributes it lists as well-typed.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

namespace mlir::xf::onnx_import {

/// The attribute's type; models from old exporters leave it UNDEFINED and
/// set only the field of the value.
static onnx::AttributeProto::AttributeType
getAttributeType(const onnx::AttributeProto &attr) {
  if (attr.type() != onnx::AttributeProto::UNDEFINED)
    return attr.type();
  if (attr.has_f())
    return onnx::AttributeProto::FLOAT;
  if (attr.has_i())
    return onnx::AttributeProto::INT;
  if (attr.has_s())
    return onnx::AttributeProto::STRING;
  if (attr.has_t())
    return onnx::AttributeProto::TENSOR;
  if (attr.floats_size())
    return onnx::AttributeProto::FLOATS;
  if (attr.ints_size())
    return onnx::AttributeProto::INTS;
  return onnx::AttributeProto::UNDEFINED;
}

/// Whether the field `type` names holds the value (a STRING attribute with
/// no `s`, say, is malformed).
static bool holdsValue(const onnx::AttributeProto &attr,
                       onnx::AttributeProto::AttributeType type) {
  switch (type) {
  case onnx::AttributeProto::FLOAT:
    return attr.has_f();
  case onnx::AttributeProto::INT:
    return attr.has_i();
  case onnx::AttributeProto::STRING:
    return attr.has_s();
  case onnx::AttributeProto::TENSOR:
    return attr.has_t();
  default:
    return true; // an empty list is a list
  }
}

static StringRef getTypeName(onnx::AttributeProto::AttributeType type) {
  return onnx::AttributeProto::AttributeType_Name(type);
}

static std::string describeCount(const InputCount &count) {
  if (count.variadic)
    return std::to_string(count.min) + " or more inputs";
  if (count.min == count.max)
    return std::to_string(count.min) + " input" + (count.min == 1 ? "" : "s");
  return std::to_string(count.min) + " to " + std::to_string(count.max) +
         " inputs";
}

LogicalResult checkNodeSignature(NodeImporter &n, const OpEntry &entry) {
  const onnx::NodeProto &node = n.proto();
  const InputCount &count = entry.inputs;
  unsigned given = node.input_size();
  if (given < count.min || (!count.variadic && given > count.max))
    return n.emitError() << entry.opType << " takes " << describeCount(count)
                         << ", but the node has " << given;
  for (unsigned i = 0; i < given; ++i)
    if (node.input(i).empty() && (count.variadic || i < count.min))
      return n.emitError() << "input " << i << " of " << entry.opType
                           << " is required but the node leaves it empty";

  for (const AttrSpec &spec : entry.attributes) {
    const onnx::AttributeProto *attr = n.attribute(spec.name);
    if (!attr) {
      if (spec.required)
        return n.emitError()
               << entry.opType << " needs the attribute '" << spec.name << "' ("
               << getTypeName(spec.type) << ")";
      continue;
    }
    onnx::AttributeProto::AttributeType type = getAttributeType(*attr);
    if (type != spec.type || !holdsValue(*attr, type))
      return n.emitError() << "attribute '" << spec.name << "' of "
                           << entry.opType << " must be "
                           << getTypeName(spec.type) << ", not "
                           << (type == spec.type ? "empty"
                                                 : getTypeName(type).str());
  }
  return success();
}

} // namespace mlir::xf::onnx_import

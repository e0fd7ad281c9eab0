//===- NodeImporter.h - what an op importer sees of its node ----*- C++ -*-===//
//
// Private to the importer. Each ONNX operator has a function that reads its
// node through a NodeImporter (inputs, attributes, constant inputs) and
// builds xf ops; the op table maps (domain, op type, opset) to it.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_NODEIMPORTER_H
#define XFC_LIB_IMPORT_ONNX_NODEIMPORTER_H

#include "mlir/IR/Builders.h"
#include "onnx/onnx_pb.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::xf::onnx_import {

class TensorImporter;

/// The node being imported, and the means to build its ops.
class NodeImporter {
public:
  NodeImporter(const onnx::NodeProto &node, int64_t opset, Location loc,
               OpBuilder &builder, llvm::StringMap<Value> &values,
               TensorImporter &tensors)
      : node(node), opsetVersion(opset), location(loc), b(builder),
        values(values), tensors(tensors) {}

  const onnx::NodeProto &proto() const { return node; }
  /// The opset version of the node's domain.
  int64_t opset() const { return opsetVersion; }
  Location loc() const { return location; }
  OpBuilder &builder() { return b; }
  MLIRContext *context() { return b.getContext(); }

  /// Starts an error at the node's location.
  InFlightDiagnostic emitError();

  //===--------------------------------------------------------------------===//
  // Inputs
  //===--------------------------------------------------------------------===//

  /// The number of inputs, counting empty (omitted) optional ones.
  size_t numInputs() const { return node.input_size(); }
  /// Input `i`, or null when it is absent or empty (an omitted optional).
  Value optionalInput(size_t i);
  /// Input `i`; reports the node when it is missing.
  FailureOr<Value> input(size_t i, StringRef name);
  /// The first inputs, one per name, all required.
  FailureOr<SmallVector<Value>> requiredInputs(ArrayRef<StringRef> names);
  /// The integer values of input `i`, which must be a constant (axes, k, ...);
  /// nullopt-in-success when the input is absent.
  FailureOr<std::optional<SmallVector<int64_t>>> constantInts(size_t i,
                                                              StringRef name);

  //===--------------------------------------------------------------------===//
  // Attributes
  //===--------------------------------------------------------------------===//

  const onnx::AttributeProto *attribute(StringRef name) const;
  int64_t intAttr(StringRef name, int64_t defaultValue) const;
  float floatAttr(StringRef name, float defaultValue) const;
  std::string stringAttr(StringRef name, StringRef defaultValue) const;
  std::optional<SmallVector<int64_t>> intsAttr(StringRef name) const;
  /// A tensor attribute as an elements attribute.
  FailureOr<ElementsAttr> tensorAttr(StringRef name);

  //===--------------------------------------------------------------------===//
  // Building
  //===--------------------------------------------------------------------===//

  /// Creates an xf op and gives its results the types the op infers. For
  /// ops whose result element type is not implied by the operands (Cast),
  /// `elementType` names it. Fails, with the op's own diagnostic at the
  /// node, when the operands break the op's rules.
  FailureOr<Operation *> create(StringRef opName, ValueRange operands,
                                ArrayRef<NamedAttribute> attributes = {},
                                unsigned numResults = 1, Type elementType = {});

  template <typename OpTy>
  FailureOr<Value> create1(ValueRange operands,
                           ArrayRef<NamedAttribute> attributes = {},
                           Type elementType = {}) {
    FailureOr<Operation *> op =
        create(OpTy::getOperationName(), operands, attributes, 1, elementType);
    if (failed(op))
      return failure();
    return (*op)->getResult(0);
  }

  /// An xf.constant at the node.
  Value constant(ElementsAttr value);
  /// A constant i64 vector, for shape operands the importer makes up.
  Value constantI64(ArrayRef<int64_t> values);

  NamedAttribute namedAttr(StringRef name, Attribute value) {
    return b.getNamedAttr(name, value);
  }
  Attribute i64Attr(int64_t v) { return b.getI64IntegerAttr(v); }
  Attribute f32Attr(float v) { return b.getF32FloatAttr(v); }
  Attribute boolAttr(bool v) { return b.getBoolAttr(v); }
  Attribute i64ArrayAttr(ArrayRef<int64_t> v) {
    return b.getDenseI64ArrayAttr(v);
  }

  /// Binds the node's outputs to `results`, in order; fewer results than
  /// outputs is an error only if a missing one is used (name non-empty).
  LogicalResult setResults(ValueRange results);

  /// Reports outputs from `first` on as unsupported if the graph names them.
  LogicalResult checkUnusedOutputs(size_t first, StringRef why);

  TensorImporter &tensorImporter() { return tensors; }

private:
  const onnx::NodeProto &node;
  int64_t opsetVersion;
  Location location;
  OpBuilder &b;
  llvm::StringMap<Value> &values;
  TensorImporter &tensors;
};

/// Imports one node; reports through the node on failure.
using ImportFn = LogicalResult (*)(NodeImporter &);

/// How many inputs a node of an operator may have. Inputs before `min` are
/// required (named, not ''); the rest, up to `max`, are optional and may be
/// ''. A variadic operator takes `min` or more inputs, every one named.
struct InputCount {
  unsigned min;
  unsigned max;
  bool variadic = false;
};
constexpr InputCount inputs(unsigned min, unsigned max) { return {min, max}; }
constexpr InputCount inputs(unsigned exactly) { return {exactly, exactly}; }
constexpr InputCount variadicInputs(unsigned min) { return {min, min, true}; }

/// An attribute an importer reads, with the type it must have.
struct AttrSpec {
  StringRef name;
  onnx::AttributeProto::AttributeType type;
  bool required = false;
};
constexpr auto kInt = onnx::AttributeProto::INT;
constexpr auto kInts = onnx::AttributeProto::INTS;
constexpr auto kFloat = onnx::AttributeProto::FLOAT;
constexpr auto kFloats = onnx::AttributeProto::FLOATS;
constexpr auto kString = onnx::AttributeProto::STRING;
constexpr auto kTensor = onnx::AttributeProto::TENSOR;

/// One row of the op table: an operator in a range of opset versions, the
/// inputs and attributes its importer reads (checked before it runs), and
/// the importer.
struct OpEntry {
  StringRef domain; // "" for the default domain
  StringRef opType;
  int64_t sinceVersion;
  InputCount inputs;
  SmallVector<AttrSpec, 2> attributes;
  ImportFn import;
  StringRef note; // what a user should know (limits), for the docs
};

/// Checks a node against its row (input count, empty required inputs,
/// attribute types), reporting at the node; importers then read only what
/// the row allows.
LogicalResult checkNodeSignature(NodeImporter &n, const OpEntry &entry);

/// Each family file contributes its rows.
void addElementwiseOps(SmallVectorImpl<OpEntry> &table);
void addMatrixOps(SmallVectorImpl<OpEntry> &table);
void addNormalizationOps(SmallVectorImpl<OpEntry> &table);
void addShapeOps(SmallVectorImpl<OpEntry> &table);
void addIndexingOps(SmallVectorImpl<OpEntry> &table);
void addContribOps(SmallVectorImpl<OpEntry> &table);
void addQuantizationOps(SmallVectorImpl<OpEntry> &table);
void addAttentionOps(SmallVectorImpl<OpEntry> &table);
void addCompositeOps(SmallVectorImpl<OpEntry> &table);
void addMixtureOfExpertsOps(SmallVectorImpl<OpEntry> &table);

/// ONNX RMSNormalization and ONNX Runtime's SimplifiedLayerNormalization,
/// which compute the same thing.
LogicalResult importRMSNormalization(NodeImporter &n);

/// The bytes of a constant, dense or a resource blob. A splat's bytes are
/// written out into `splatBytes`, which the result then points into.
std::optional<ArrayRef<char>> getConstantBytes(Value value,
                                               std::string &splatBytes);

/// One byte per element from `bits`-wide fields, low bits first.
std::string unpackBits(ArrayRef<char> packed, int64_t count, int bits);

/// Zero points of `type` ([..., perRow] over `rows` rows) from `zp`, which
/// packs them `bits` to a byte along each row (rows padded to whole bytes):
/// one byte each; 2^(bits-1) everywhere when `zp` is null. Reports `what`
/// when `zp` is not a constant of that size.
FailureOr<Value> unpackedZeroPoints(NodeImporter &n, Value zp, int64_t rows,
                                    int64_t perRow, int bits,
                                    RankedTensorType type, const Twine &what);

/// The whole table, sorted by domain and op type.
ArrayRef<OpEntry> getOpTable();

/// The row for an operator at an opset, or null.
const OpEntry *lookupOp(StringRef domain, StringRef opType, int64_t opset);

} // namespace mlir::xf::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_NODEIMPORTER_H

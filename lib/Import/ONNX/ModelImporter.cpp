//===- ModelImporter.cpp - an ONNX model into one xf function -------------===//
//
// Reads the protobuf, checks the opsets and that every operator is
// supported (listing all that are not, in one report), orders the nodes,
// and hands each to its op importer. Every problem is a diagnostic that
// names the node, tensor or file involved.
//
//===----------------------------------------------------------------------===//

#include "xfc/Import/ONNX/ONNXImporter.h"

#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Support/DTypes.h"
#include "xfc/Support/ModelDiagnostics.h"

#include "NodeImporter.h"
#include "TensorImporter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <deque>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <map>

namespace mlir::xf {

using namespace onnx_import;

/// "" and "ai.onnx" both name the default domain.
static StringRef canonicalDomain(StringRef domain) {
  return domain == "ai.onnx" ? StringRef() : domain;
}

/// A node's location names it (or, if unnamed, its first output) and its op
/// type, so diagnostics point at what Netron shows.
static Location getNodeLocation(MLIRContext *context, StringRef modelPath,
                                const onnx::NodeProto &node, int index) {
  std::string name = node.name();
  if (name.empty())
    name = node.output_size() ? node.output(0) : "#" + std::to_string(index);
  return getModelNodeLoc(context, modelPath, name, node.op_type());
}

namespace {
/// State of one import.
class ModelImporter {
public:
  ModelImporter(StringRef path, StringRef externalDataDir, MLIRContext *context,
                const ONNXImportOptions &options)
      : path(path), context(context), options(options),
        fileLoc(getModelFileLoc(context, path)),
        tensors(context, externalDataDir.str()) {}

  /// Imports the serialized model `input` reads.
  OwningOpRef<ModuleOp> run(google::protobuf::io::ZeroCopyInputStream &input);

private:
  LogicalResult parseModel(google::protobuf::io::ZeroCopyInputStream &input);
  LogicalResult checkOpsets();
  LogicalResult checkSupported();
  FailureOr<SmallVector<int>> orderNodes();
  FailureOr<Type> getInputType(const onnx::ValueInfoProto &input,
                               ArrayAttr &dimNames);

  StringRef path;
  MLIRContext *context;
  const ONNXImportOptions &options;
  Location fileLoc;
  TensorImporter tensors;
  onnx::ModelProto model;
  llvm::StringMap<int64_t> opsets;
};
} // namespace

LogicalResult
ModelImporter::parseModel(google::protobuf::io::ZeroCopyInputStream &input) {
  google::protobuf::io::CodedInputStream stream(&input);
  stream.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return emitError(fileLoc)
           << "'" << path
           << "' is not a valid ONNX model (truncated or not an ONNX protobuf)";
  if (!model.has_graph())
    return emitError(fileLoc) << "'" << path << "' holds no graph";
  return success();
}

LogicalResult ModelImporter::checkOpsets() {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    opsets[canonicalDomain(opset.domain())] = opset.version();
  auto it = opsets.find("");
  if (it == opsets.end())
    return emitError(fileLoc) << "the model imports no opset of the default "
                                 "ONNX domain";
  if (it->second < kMinONNXOpset || it->second > kMaxONNXOpset)
    return emitError(fileLoc)
           << "opset " << it->second
           << " of the default ONNX domain is not supported (xfc imports "
              "opsets "
           << kMinONNXOpset << " to " << kMaxONNXOpset
           << "; convert the model with onnx.version_converter)";
  return success();
}

LogicalResult ModelImporter::checkSupported() {
  // Every unsupported operator at once, with the nodes that use it.
  llvm::MapVector<std::string, SmallVector<std::string>,
                  std::map<std::string, unsigned>>
      missing;
  for (const onnx::NodeProto &node : model.graph().node()) {
    StringRef domain = canonicalDomain(node.domain());
    auto opset = opsets.find(domain);
    int64_t version = opset == opsets.end() ? -1 : opset->second;
    if (lookupOp(domain, node.op_type(), version))
      continue;
    std::string key =
        node.op_type() + " (domain '" +
        (domain.empty() ? "ai.onnx" : domain.str()) + "', opset " +
        (version < 0 ? "not imported" : std::to_string(version)) + ")";
    missing[key].push_back(node.name().empty()
                               ? (node.output_size() ? node.output(0) : "?")
                               : node.name());
  }
  if (missing.empty())
    return success();
  InFlightDiagnostic diag = emitError(fileLoc);
  diag << missing.size() << " unsupported operator"
       << (missing.size() == 1 ? "" : "s") << " in '" << path << "':";
  for (auto &[op, nodes] : missing) {
    diag << "\n  " << op << " at node";
    diag << (nodes.size() == 1 ? " " : "s ");
    for (size_t i = 0; i < std::min<size_t>(nodes.size(), 3); ++i)
      diag << (i ? ", " : "") << "'" << nodes[i] << "'";
    if (nodes.size() > 3)
      diag << " and " << nodes.size() - 3 << " more";
  }
  diag << "\n(docs/supported-ops.md lists what xfc imports)";
  return diag;
}

FailureOr<SmallVector<int>> ModelImporter::orderNodes() {
  // Kahn's algorithm over value names: a node is ready once every input it
  // names is a graph input, an initializer or an output already produced.
  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> available;
  for (const onnx::ValueInfoProto &input : graph.input())
    available.insert(input.name());
  for (const onnx::TensorProto &init : graph.initializer())
    available.insert(init.name());
  llvm::StringMap<int> producer;
  for (auto [i, node] : llvm::enumerate(graph.node()))
    for (const std::string &output : node.output())
      if (!output.empty())
        producer[output] = i;

  int n = graph.node_size();
  SmallVector<int> waiting(n, 0);
  SmallVector<SmallVector<int>> consumers(n);
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    for (const std::string &input : node.input()) {
      if (input.empty() || available.contains(input))
        continue;
      auto it = producer.find(input);
      if (it == producer.end())
        return emitError(getNodeLocation(context, path, node, i))
               << "input '" << input
               << "' is not a graph input, an initializer or any node's output";
      ++waiting[i];
      consumers[it->second].push_back(i);
    }
  }
  SmallVector<int> order;
  std::deque<int> ready;
  for (int i = 0; i < n; ++i)
    if (waiting[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (int consumer : consumers[i])
      if (--waiting[consumer] == 0)
        ready.push_back(consumer);
  }
  if (static_cast<int>(order.size()) != n) {
    InFlightDiagnostic diag = emitError(fileLoc);
    diag << "the graph has a cycle through node";
    int shown = 0;
    for (int i = 0; i < n && shown < 4; ++i)
      if (waiting[i] > 0)
        diag << (shown++ ? ", '" : "s '")
             << (graph.node(i).name().empty() ? graph.node(i).output(0)
                                              : graph.node(i).name())
             << "'";
    return diag;
  }
  return order;
}

FailureOr<Type> ModelImporter::getInputType(const onnx::ValueInfoProto &input,
                                            ArrayAttr &dimNames) {
  if (!input.type().has_tensor_type())
    return emitError(fileLoc)
           << "graph input '" << input.name()
           << "' is not a tensor; xfc does not support sequences, maps or "
              "optionals";
  const onnx::TypeProto::Tensor &tensor = input.type().tensor_type();
  Type element = getDTypeElementType(context, tensor.elem_type());
  if (!element)
    return emitError(fileLoc) << "graph input '" << input.name() << "' has "
                              << getDTypeName(tensor.elem_type())
                              << ", which xfc does not support";
  auto pinned = options.pinnedShapes.find(input.name());
  if (!tensor.has_shape() && pinned == options.pinnedShapes.end())
    return emitError(fileLoc) << "graph input '" << input.name()
                              << "' has no shape; give one with --shape "
                              << input.name() << "=DIMSxDIMS";
  SmallVector<int64_t> shape;
  SmallVector<Attribute> names;
  if (tensor.has_shape())
    for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
      // A dimension without a value is symbolic; a negative value is the
      // model's mistake.
      bool isStatic = dim.has_dim_value();
      if (isStatic && dim.dim_value() < 0)
        return emitError(fileLoc)
               << "graph input '" << input.name() << "' has dimension "
               << shape.size() << " of negative size " << dim.dim_value();
      shape.push_back(isStatic ? dim.dim_value() : ShapedType::kDynamic);
      names.push_back(
          StringAttr::get(context, isStatic ? "" : dim.dim_param()));
    }
  if (pinned != options.pinnedShapes.end()) {
    ArrayRef<int64_t> dims = pinned->second;
    if (tensor.has_shape() && dims.size() != shape.size())
      return emitError(fileLoc)
             << "--shape gives " << dims.size() << " dimensions for input '"
             << input.name() << "' of rank " << shape.size();
    for (auto [i, dim] : llvm::enumerate(dims))
      if (i < shape.size() && !ShapedType::isDynamic(shape[i]) &&
          shape[i] != dim)
        return emitError(fileLoc)
               << "--shape sets dimension " << i << " of input '"
               << input.name() << "' to " << dim
               << ", but the model fixes it to " << shape[i];
    shape.assign(dims.begin(), dims.end());
    names.assign(dims.size(), StringAttr::get(context, ""));
  }
  std::string problem = checkTensorShape(shape, element);
  if (!problem.empty())
    return emitError(fileLoc)
           << "graph input '" << input.name() << "' " << problem;
  dimNames = ArrayAttr::get(context, names);
  return RankedTensorType::get(shape, element);
}

OwningOpRef<ModuleOp>
ModelImporter::run(google::protobuf::io::ZeroCopyInputStream &input) {
  if (failed(parseModel(input)) || failed(checkOpsets()) ||
      failed(checkSupported()))
    return {};
  FailureOr<SmallVector<int>> order = orderNodes();
  if (failed(order))
    return {};
  const onnx::GraphProto &graph = model.graph();

  for (const auto &entry : options.pinnedShapes)
    if (llvm::none_of(graph.input(), [&](const onnx::ValueInfoProto &input) {
          return input.name() == entry.getKey();
        })) {
      emitError(fileLoc) << "--shape names '" << entry.getKey()
                         << "', which is not a graph input";
      return {};
    }

  OpBuilder b(context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  llvm::StringMap<Value> values;

  // Initializers that share a graph input's name are constants (their
  // declared role as default values is not something a compiled library
  // can offer), so only the other inputs become arguments.
  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &init : graph.initializer())
    initializerNames.insert(init.name());
  SmallVector<Type> argTypes;
  SmallVector<Attribute> argAttrs;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    ArrayAttr dims;
    FailureOr<Type> type = getInputType(input, dims);
    if (failed(type))
      return {};
    argTypes.push_back(*type);
    argNames.push_back(input.name());
    argAttrs.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("xf.name", b.getStringAttr(input.name())),
         b.getNamedAttr("xf.dims", dims)}));
  }

  auto func =
      func::FuncOp::create(fileLoc, "main", b.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  module->push_back(func);
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  for (auto [name, arg] : llvm::zip_equal(argNames, entry->getArguments()))
    values[name] = arg;

  for (onnx::TensorProto &init :
       *model.mutable_graph()->mutable_initializer()) {
    std::string error;
    FailureOr<ElementsAttr> value = tensors.import(init, error);
    if (failed(value)) {
      emitError(getModelTensorLoc(context, path, init.name()))
          << "initializer " << error;
      return {};
    }
    // The constant holds the bytes now; swapped out, the protobuf's copy
    // is freed (clearing would keep its capacity).
    std::string().swap(*init.mutable_raw_data());
    values[init.name()] = ConstantOp::create(
        b, NameLoc::get(b.getStringAttr(init.name()), fileLoc),
        value->getType(), *value);
  }

  for (int index : *order) {
    const onnx::NodeProto &node = graph.node(index);
    StringRef domain = canonicalDomain(node.domain());
    int64_t version = opsets.lookup(domain);
    const OpEntry *entry = lookupOp(domain, node.op_type(), version);
    NodeImporter importer(node, version,
                          getNodeLocation(context, path, node, index), b,
                          values, tensors);
    if (failed(checkNodeSignature(importer, *entry)) ||
        failed(entry->import(importer)))
      return {};
  }

  SmallVector<Value> results;
  SmallVector<Attribute> resultAttrs;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Value value = values.lookup(output.name());
    if (!value) {
      emitError(fileLoc) << "graph output '" << output.name()
                         << "' is produced by no node";
      return {};
    }
    results.push_back(value);
    resultAttrs.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("xf.name", b.getStringAttr(output.name()))}));
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  func.setAllResultAttrs(resultAttrs);

  if (failed(verify(*module)))
    return {};
  return module;
}

OwningOpRef<ModuleOp> importONNXModel(StringRef path, MLIRContext *context,
                                      const ONNXImportOptions &options) {
  // Read in pieces, not mapped whole: the parsed model holds its own copy
  // of every weight, and the file's pages would double the compile's
  // memory.
  int fd;
  if (std::error_code ec = llvm::sys::fs::openFileForRead(path, fd)) {
    emitError(getModelFileLoc(context, path))
        << "cannot read '" << path << "': " << ec.message();
    return {};
  }
  google::protobuf::io::FileInputStream input(fd);
  input.SetCloseOnDelete(true);
  StringRef folder = llvm::sys::path::parent_path(path);
  context->loadDialect<XFDialect, func::FuncDialect>();
  return ModelImporter(path, folder.empty() ? "." : folder, context, options)
      .run(input);
}

OwningOpRef<ModuleOp>
importONNXModelFromBytes(StringRef bytes, StringRef name,
                         StringRef externalDataDir, MLIRContext *context,
                         const ONNXImportOptions &options) {
  context->loadDialect<XFDialect, func::FuncDialect>();
  google::protobuf::io::ArrayInputStream input(bytes.data(), bytes.size());
  return ModelImporter(name, externalDataDir, context, options).run(input);
}

LogicalResult parsePinnedShape(StringRef text, ONNXImportOptions &options,
                               std::string &message) {
  auto [name, dims] = text.rsplit('=');
  if (name.empty() || dims.empty()) {
    message = "--shape takes NAME=DIMS, such as input_ids=2x16, not '" +
              text.str() + "'";
    return failure();
  }
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0) {
      message = "--shape " + text.str() + ": '" + part.str() +
                "' is not a dimension size";
      return failure();
    }
    shape.push_back(dim);
  }
  options.pinnedShapes[name] = shape;
  return success();
}

} // namespace mlir::xf

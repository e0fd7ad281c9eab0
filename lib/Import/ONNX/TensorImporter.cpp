//===- TensorImporter.cpp - ONNX tensors into elements attributes ---------===//

#include "TensorImporter.h"

#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Support/DTypes.h"
#include "xfc/Support/WeightBlobs.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <cstring>

namespace mlir::xf::onnx_import {

/// Tensors up to this many elements stay inline (shape arithmetic, index
/// tables, scalars) so folders can read them; larger ones are weights.
static constexpr int64_t kMaxInlineElements = 64;
static constexpr int64_t kMaxInlineIntegerElements = 4096;

/// Bytes one element takes in MLIR's dense storage (sub-byte types take a
/// byte; i1 is handled apart).
static size_t storageBytes(Type element) {
  return std::max<size_t>(1, element.getIntOrFloatBitWidth() / 8);
}

/// Appends `count` little-endian values of `width` bytes, each taken from
/// the low bytes of `values`.
template <typename T>
static void appendTruncated(std::string &out, const T &values, size_t width) {
  for (auto value : values) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(value));
    out.append(reinterpret_cast<const char *>(&bits), width);
  }
}

/// Unpacks two 4-bit values per byte (low nibble first) into one byte each,
/// sign-extending for INT4.
static std::string unpackNibbles(StringRef packed, int64_t count,
                                 bool isSigned) {
  std::string out;
  out.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    uint8_t nibble =
        (static_cast<uint8_t>(packed[i / 2]) >> (4 * (i % 2))) & 0xF;
    if (isSigned && (nibble & 0x8))
      nibble |= 0xF0;
    out.push_back(static_cast<char>(nibble));
  }
  return out;
}

FailureOr<AsmResourceBlob>
TensorImporter::readExternalData(const onnx::TensorProto &tensor,
                                 size_t expectedBytes, size_t alignment,
                                 std::string &error) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    auto parse = [&](uint64_t &out) {
      if (StringRef(entry.value()).getAsInteger(10, out)) {
        error = "external data " + entry.key() + " '" + entry.value() +
                "' is not a number";
        return false;
      }
      return true;
    };
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset") {
      if (!parse(offset))
        return failure();
    } else if (entry.key() == "length") {
      uint64_t value;
      if (!parse(value))
        return failure();
      length = value;
    }
  }
  if (location.empty()) {
    error = "external data has no location";
    return failure();
  }
  // Weights come only from the model's own folder: no absolute paths, no
  // `..`, and no symbolic link that leads outside.
  namespace path = llvm::sys::path;
  if (path::is_absolute(location) ||
      llvm::any_of(llvm::make_range(path::begin(location), path::end(location)),
                   [](StringRef part) { return part == ".."; })) {
    error = "external data location '" + location +
            "' is outside the model's folder";
    return failure();
  }
  SmallString<256> full(modelDirectory);
  path::append(full, location);
  SmallString<256> realFile, realDirectory;
  if (llvm::sys::fs::real_path(full, realFile) ||
      llvm::sys::fs::real_path(modelDirectory, realDirectory)) {
    error = "external data file '" + std::string(full) + "' does not exist";
    return failure();
  }
  if (!StringRef(realFile).starts_with(std::string(realDirectory) + "/")) {
    error = "external data location '" + location +
            "' resolves outside the model's folder";
    return failure();
  }
  if (length && *length != expectedBytes) {
    error = "external data length " + std::to_string(*length) +
            " does not match the " + std::to_string(expectedBytes) +
            " bytes its shape and type need";
    return failure();
  }
  uint64_t size = 0;
  if (llvm::sys::fs::file_size(realFile, size) || offset > size ||
      size - offset < expectedBytes) {
    error = "external data file '" + location + "' holds " +
            std::to_string(size) + " bytes, too few for " +
            std::to_string(expectedBytes) + " bytes at offset " +
            std::to_string(offset);
    return failure();
  }
  std::string why;
  FailureOr<AsmResourceBlob> blob =
      mapFileBlob(realFile, offset, expectedBytes, alignment, why);
  if (failed(blob))
    error = "external data: " + why;
  return blob;
}

FailureOr<ElementsAttr> TensorImporter::import(const onnx::TensorProto &tensor,
                                               std::string &error) {
  int32_t dataType = tensor.data_type();
  Type element = getDTypeElementType(context, dataType);
  if (!element) {
    error = "has unsupported " + getDTypeName(dataType);
    return failure();
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  error = checkTensorShape(shape, element);
  if (!error.empty())
    return failure();
  int64_t count = ShapedType::getNumElements(shape);
  auto type = RankedTensorType::get(shape, element);
  unsigned bits = element.getIntOrFloatBitWidth();
  // The bytes ONNX stores: 4-bit types two to a byte, others whole bytes.
  size_t onnxBytes =
      bits == 4 ? (count + 1) / 2 : count * storageBytes(element);

  // Gather the data as ONNX lays it out, from whichever field holds it:
  // external data stays mapped, raw data is not copied.
  std::optional<AsmResourceBlob> external;
  std::string converted;
  StringRef bytes;
  auto mismatch = [&](size_t have) {
    error = "holds " + std::to_string(have) + " bytes but its shape [" +
            std::to_string(count) + " elements] of " + getDTypeName(dataType) +
            " needs " + std::to_string(onnxBytes) + " bytes";
    return failure();
  };
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<AsmResourceBlob> blob = readExternalData(
        tensor, onnxBytes, bits == 4 ? 1 : storageBytes(element), error);
    if (failed(blob))
      return failure();
    external = std::move(*blob);
    ArrayRef<char> data = external->getData();
    bytes = StringRef(data.data(), data.size());
  } else if (tensor.has_raw_data()) {
    if (tensor.raw_data().size() != onnxBytes)
      return mismatch(tensor.raw_data().size());
    bytes = tensor.raw_data();
  } else {
    size_t width = bits == 4 ? 1 : storageBytes(element);
    switch (dataType) {
    case onnx::TensorProto::FLOAT:
      appendTruncated(converted, tensor.float_data(), 4);
      break;
    case onnx::TensorProto::DOUBLE:
      appendTruncated(converted, tensor.double_data(), 8);
      break;
    case onnx::TensorProto::INT64:
      appendTruncated(converted, tensor.int64_data(), 8);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      appendTruncated(converted, tensor.uint64_data(), width);
      break;
    default: // 8- and 16-bit types, bool, packed 4-bit: in int32_data
      appendTruncated(converted, tensor.int32_data(), width);
      break;
    }
    if (converted.size() != onnxBytes)
      return mismatch(converted.size());
    bytes = converted;
  }
  if (bits == 4) {
    converted = unpackNibbles(
        bytes, count, element.isSignedInteger() || element.isSignlessInteger());
    bytes = converted;
    external.reset();
  }

  if (element.isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  bool isInteger = isa<IntegerType>(element);
  if (count <= kMaxInlineElements ||
      (isInteger && count <= kMaxInlineIntegerElements))
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(bytes.data(), bytes.size())));
  std::string name = tensor.name().empty() ? "weight" : tensor.name();
  AsmResourceBlob blob =
      external ? std::move(*external)
               : allocateBlob(bytes.size(), alignof(uint64_t), [&](char *out) {
                   std::memcpy(out, bytes.data(), bytes.size());
                 });
  return cast<ElementsAttr>(
      DenseResourceElementsAttr::get(type, name, std::move(blob)));
}

} // namespace mlir::xf::onnx_import

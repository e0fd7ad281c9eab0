//===- TensorImporter.h - ONNX tensors into elements attributes -*- C++ -*-===//

#ifndef XFC_LIB_IMPORT_ONNX_TENSORIMPORTER_H
#define XFC_LIB_IMPORT_ONNX_TENSORIMPORTER_H

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "onnx/onnx_pb.h"

namespace mlir::xf::onnx_import {

/// The MLIR element type of an ONNX data type, or null for types xfc does
/// not handle (strings, complex numbers, unknown codes).
Type getElementType(MLIRContext *context, int32_t dataType);

/// The ONNX name of a data type code, for messages.
std::string getDataTypeName(int32_t dataType);

/// Turns TensorProtos into attributes: small ones (shape arithmetic) as
/// dense elements, weights as dense_resource blobs. External data is read
/// from files beside the model, never from outside its folder.
class TensorImporter {
public:
  TensorImporter(MLIRContext *context, std::string modelDirectory)
      : context(context), modelDirectory(std::move(modelDirectory)) {}

  /// The tensor's value; on a problem (unknown type, size mismatch, bad
  /// external reference) returns failure with the reason in `error`.
  FailureOr<ElementsAttr> import(const onnx::TensorProto &tensor,
                                 std::string &error);

private:
  /// The tensor's external data, mapped (not read) when large.
  FailureOr<AsmResourceBlob> readExternalData(const onnx::TensorProto &tensor,
                                              size_t expectedBytes,
                                              size_t alignment,
                                              std::string &error);

  MLIRContext *context;
  std::string modelDirectory;
};

} // namespace mlir::xf::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_TENSORIMPORTER_H

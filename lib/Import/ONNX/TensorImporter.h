//===- TensorImporter.h - ONNX tensors into elements attributes -*- C++ -*-===//

#ifndef XFC_LIB_IMPORT_ONNX_TENSORIMPORTER_H
#define XFC_LIB_IMPORT_ONNX_TENSORIMPORTER_H

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "onnx/onnx_pb.h"

namespace mlir::xf::onnx_import {

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

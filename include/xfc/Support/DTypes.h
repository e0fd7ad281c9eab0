//===- DTypes.h - the one table of element types xfc knows ------*- C++ -*-===//
//
// ONNX's TensorProto.DataType codes, their names, the MLIR element types
// the importer gives them and, for the types the libraries' C interface
// carries, xfc_dtype's enumerator (xfc_runtime.h numbers xfc_dtype as ONNX
// does). The C runtime (names and sizes in runtime.c), xfc-run (NumPy's
// type strings, without LLVM) and the Python package cannot include this
// and keep their own lists: test/unit/DTypesTest.cpp checks the runtime's
// sizes against this table, test_library_interface.py Python's codes
// against xfc_runtime.h.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_SUPPORT_DTYPES_H
#define XFC_SUPPORT_DTYPES_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace mlir::xf {

struct DType {
  /// ONNX's TensorProto.DataType code.
  int32_t code;
  /// ONNX's name for the code ("FLOAT", "INT64", ...).
  llvm::StringLiteral onnxName;
  /// xfc_dtype's enumerator ("XFC_FLOAT32", ...); empty for types the C
  /// interface does not carry.
  llvm::StringLiteral enumerator;
  /// The element type xfc gives it; null for types xfc does not handle
  /// (strings, complex numbers).
  Type (*getElementType)(MLIRContext *context);
};

/// Every ONNX code from UNDEFINED (0) to INT4 (22), in order.
llvm::ArrayRef<DType> getDTypes();

/// The entry of an ONNX code, or null for a code beyond the table.
const DType *lookupDType(int32_t code);

/// The entry whose element type is `type`, or null (signed integers,
/// index, and types ONNX has no code for).
const DType *lookupDType(Type type);

/// The element type of an ONNX code, or null for codes xfc does not handle.
Type getDTypeElementType(MLIRContext *context, int32_t code);

/// ONNX's name of a code for messages, "data type N" for unknown codes.
std::string getDTypeName(int32_t code);

} // namespace mlir::xf

#endif // XFC_SUPPORT_DTYPES_H

//===- DTypesTest.cpp - the dtype table against ONNX and the runtime ------===//
//
// xfc's one dtype table (xfc/Support/DTypes.h) must agree with ONNX's
// protobuf enum, with the element types it claims to map both ways, and
// with the C runtime's element sizes, which C code keeps apart.
//
//===----------------------------------------------------------------------===//

#include "xfc/Support/DTypes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "onnx/onnx_pb.h"
#include "xfc/Runtime/xfc_runtime.h"
#include "gtest/gtest.h"

extern "C" size_t xfc__dtype_bytes(xfc_dtype dtype);

using namespace mlir;
using namespace mlir::xf;

TEST(DTypes, IndexedByCode) {
  for (auto [i, dtype] : llvm::enumerate(getDTypes())) {
    EXPECT_EQ(dtype.code, static_cast<int32_t>(i));
    EXPECT_EQ(lookupDType(dtype.code), &dtype);
  }
  EXPECT_EQ(lookupDType(-1), nullptr);
  EXPECT_EQ(lookupDType(static_cast<int32_t>(getDTypes().size())), nullptr);
}

TEST(DTypes, NamesAreONNXs) {
  for (const DType &dtype : getDTypes())
    if (onnx::TensorProto_DataType_IsValid(dtype.code))
      EXPECT_EQ(dtype.onnxName.str(),
                onnx::TensorProto_DataType_Name(
                    static_cast<onnx::TensorProto_DataType>(dtype.code)));
  EXPECT_EQ(getDTypeName(1), "FLOAT");
  EXPECT_EQ(getDTypeName(23), "data type 23");
}

TEST(DTypes, ElementTypesMapBothWays) {
  MLIRContext context;
  for (const DType &dtype : getDTypes()) {
    Type type = getDTypeElementType(&context, dtype.code);
    EXPECT_EQ(bool(type), dtype.getElementType != nullptr)
        << dtype.onnxName.str();
    if (type)
      EXPECT_EQ(lookupDType(type), &dtype) << dtype.onnxName.str();
  }
  // Signed integers have no ONNX code: ONNX's are signless or unsigned.
  EXPECT_EQ(lookupDType(IntegerType::get(&context, 8, IntegerType::Signed)),
            nullptr);
}

// The runtime knows a size (xfc__dtype_bytes, 0 for other codes) for just
// the codes the table gives an xfc_dtype enumerator, and the same size.
TEST(DTypes, CarriedTypesAreTheRuntimes) {
  MLIRContext context;
  for (int32_t code = 0; code < 64; ++code) {
    size_t runtimeBytes = xfc__dtype_bytes(static_cast<xfc_dtype>(code));
    const DType *dtype = lookupDType(code);
    if (!dtype || dtype->enumerator.empty()) {
      EXPECT_EQ(runtimeBytes, 0u) << "code " << code;
      continue;
    }
    unsigned bits = dtype->getElementType(&context).getIntOrFloatBitWidth();
    EXPECT_EQ(runtimeBytes, std::max(1u, bits / 8)) << dtype->enumerator.str();
  }
}

//===- DTypes.cpp - the one table of element types xfc knows --------------===//

#include "xfc/Support/DTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "xfc/Runtime/xfc_runtime.h"

using namespace mlir;
using namespace mlir::xf;

template <typename T> static Type get(MLIRContext *context) {
  return T::get(context);
}

template <unsigned Width,
          IntegerType::SignednessSemantics Signedness = IntegerType::Signless>
static Type getInteger(MLIRContext *context) {
  return IntegerType::get(context, Width, Signedness);
}

static constexpr IntegerType::SignednessSemantics kUnsigned =
    IntegerType::Unsigned;

// A type the C interface carries: its code is xfc_dtype's enumerator, so
// this table and xfc_runtime.h cannot disagree on a number.
#define CARRIED(enumerator, onnxName, getType)                                 \
  {enumerator, onnxName, #enumerator, getType}

static const DType kDTypes[] = {
    {0, "UNDEFINED", "", nullptr},
    CARRIED(XFC_FLOAT32, "FLOAT", get<Float32Type>),
    CARRIED(XFC_UINT8, "UINT8", (getInteger<8, kUnsigned>)),
    CARRIED(XFC_INT8, "INT8", getInteger<8>),
    CARRIED(XFC_UINT16, "UINT16", (getInteger<16, kUnsigned>)),
    CARRIED(XFC_INT16, "INT16", getInteger<16>),
    CARRIED(XFC_INT32, "INT32", getInteger<32>),
    CARRIED(XFC_INT64, "INT64", getInteger<64>),
    {8, "STRING", "", nullptr},
    CARRIED(XFC_BOOL, "BOOL", getInteger<1>),
    CARRIED(XFC_FLOAT16, "FLOAT16", get<Float16Type>),
    CARRIED(XFC_FLOAT64, "DOUBLE", get<Float64Type>),
    CARRIED(XFC_UINT32, "UINT32", (getInteger<32, kUnsigned>)),
    CARRIED(XFC_UINT64, "UINT64", (getInteger<64, kUnsigned>)),
    {14, "COMPLEX64", "", nullptr},
    {15, "COMPLEX128", "", nullptr},
    CARRIED(XFC_BFLOAT16, "BFLOAT16", get<BFloat16Type>),
    {17, "FLOAT8E4M3FN", "", get<Float8E4M3FNType>},
    {18, "FLOAT8E4M3FNUZ", "", get<Float8E4M3FNUZType>},
    {19, "FLOAT8E5M2", "", get<Float8E5M2Type>},
    {20, "FLOAT8E5M2FNUZ", "", get<Float8E5M2FNUZType>},
    {21, "UINT4", "", (getInteger<4, kUnsigned>)},
    {22, "INT4", "", getInteger<4>},
};

#undef CARRIED

ArrayRef<DType> xf::getDTypes() { return kDTypes; }

const DType *xf::lookupDType(int32_t code) {
  // The table is indexed by code; the unit test keeps it so.
  if (code < 0 || code >= static_cast<int32_t>(std::size(kDTypes)))
    return nullptr;
  return &kDTypes[code];
}

const DType *xf::lookupDType(Type type) {
  for (const DType &dtype : kDTypes)
    if (dtype.getElementType && dtype.getElementType(type.getContext()) == type)
      return &dtype;
  return nullptr;
}

Type xf::getDTypeElementType(MLIRContext *context, int32_t code) {
  const DType *dtype = lookupDType(code);
  return dtype && dtype->getElementType ? dtype->getElementType(context)
                                        : Type();
}

std::string xf::getDTypeName(int32_t code) {
  if (const DType *dtype = lookupDType(code))
    return dtype->onnxName.str();
  return "data type " + std::to_string(code);
}

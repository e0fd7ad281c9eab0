//===- TensorCoreProducts.h - the products the tensor cores take -*- C++
//-*-===//
//
// Shared by the passes that configure the products' kernels, give their
// constant right operands bf16 copies and build the kernels, so all see the
// same ops.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CODEGEN_CUDA_TENSORCOREPRODUCTS_H
#define XFC_LIB_CODEGEN_CUDA_TENSORCOREPRODUCTS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

namespace mlir {
class SymbolTable;
namespace memref {
class GlobalOp;
} // namespace memref
} // namespace mlir

namespace mlir::xf {

/// bf16 elements per 16-byte asynchronous copy.
constexpr int64_t kBF16ChunkElements = 8;

/// The operands (A, B, C) of a product xf-tensor-core-matmul builds a
/// kernel for, if `op` is one: `linalg.matmul` or (`batched`)
/// `linalg.batch_matmul` on f32 buffers, operands not transposed; B of a
/// `linalg.matmul` may instead be bf16 with chunked rows, which the kernel
/// copies as it is.
std::optional<std::array<Value, 3>> matchTensorCoreProduct(Operation *op,
                                                           bool &batched);

/// `op`'s #xf.kernel_config, of `kind` and one stage (what `pass`'s
/// generator builds); an error at `op` naming `pass` otherwise.
FailureOr<KernelConfigAttr> getSingleStageConfig(Operation *op, KernelKind kind,
                                                 StringRef pass);

/// Whether a [K, N] buffer of `type` can be copied into shared memory in
/// 16-byte asynchronous copies of bf16: static shape, rows contiguous, N a
/// multiple of 8.
bool hasChunkedRows(MemRefType type);

/// The f32 constant global of static shape whose device copy `rhs` reads
/// (a `memref.get_global` of a declaration marked `xf.device_copy_of`);
/// null for anything else.
memref::GlobalOp getConstantWeightSource(Value rhs, SymbolTable &symbols);

/// `value` rounded to bf16, to nearest even (NaNs stay NaNs), as bits.
inline uint16_t roundToBF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  if ((bits & 0x7fffffff) > 0x7f800000)
    return uint16_t((bits >> 16) | 0x40);
  return uint16_t((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}

} // namespace mlir::xf

#endif // XFC_LIB_CODEGEN_CUDA_TENSORCOREPRODUCTS_H

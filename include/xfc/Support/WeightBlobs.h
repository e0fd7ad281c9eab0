//===- WeightBlobs.h - weight bytes that need not stay resident -----------===//
//
// A model's weights can be larger than the memory the compiler should need:
// large blobs are file mappings (the ONNX external data itself, or an
// unlinked temporary file for weights the compiler derives), which the
// kernel pages in while a pass reads them and drops when the blob goes.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_SUPPORT_WEIGHTBLOBS_H
#define XFC_SUPPORT_WEIGHTBLOBS_H

#include "mlir/IR/AsmState.h"
#include "mlir/Support/LLVM.h"
#include <string>

namespace mlir::xf {

/// Blobs from this size on are file-backed.
constexpr size_t kFileBackedBlobBytes = 1 << 20;

/// The bytes [offset, offset + bytes) of the file `path` as a blob aligned
/// to `alignment`: mapped read-only, or read into memory when small or when
/// the offset leaves the data misaligned. Fails with `error` set.
FailureOr<AsmResourceBlob> mapFileBlob(StringRef path, uint64_t offset,
                                       size_t bytes, size_t alignment,
                                       std::string &error);

/// A blob of `bytes` bytes aligned to `alignment`, written by `fill`: a
/// mapped unlinked temporary file when large (the written pages leave the
/// compiler's memory once `fill` returns), on the heap when small or when
/// no temporary file can be had.
AsmResourceBlob allocateBlob(size_t bytes, size_t alignment,
                             function_ref<void(char *)> fill);

} // namespace mlir::xf

#endif // XFC_SUPPORT_WEIGHTBLOBS_H

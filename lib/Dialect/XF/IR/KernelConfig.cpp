//===- KernelConfig.cpp - what a kernel generator can build ---------------===//
//
// A configuration is checked where it is made or parsed, against what the
// generators build: a tile that does not split into whole warps, or
// threads that do not match them, is an error here rather than a wrong
// kernel.
//
//===----------------------------------------------------------------------===//

#include "xfc/Dialect/XF/IR/XFDialect.h"

using namespace mlir;
using namespace mlir::xf;

LogicalResult
KernelConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         KernelKind kind, ArrayRef<int64_t> tile,
                         ArrayRef<int64_t> warpTile, int64_t threads,
                         int64_t stages) {
  if (llvm::any_of(tile, [](int64_t size) { return size <= 0; }) ||
      llvm::any_of(warpTile, [](int64_t size) { return size <= 0; }) ||
      threads <= 0 || stages <= 0)
    return emitError() << "sizes, threads and stages must be positive";
  if (threads % 32 != 0)
    return emitError() << "threads must be whole warps of 32, not " << threads;
  switch (kind) {
  case KernelKind::MmaSync: {
    if (tile.size() != 3 || warpTile.size() != 2)
      return emitError() << "mma_sync needs tile = [M, N, K] and warp_tile "
                            "= [M, N]";
    if (warpTile[0] % 16 != 0 || warpTile[1] % 8 != 0)
      return emitError() << "a warp's tile is made of 16x8 mma.sync tiles";
    if (tile[0] % warpTile[0] != 0 || tile[1] % warpTile[1] != 0)
      return emitError() << "the block's tile must split into warp tiles";
    int64_t warps = (tile[0] / warpTile[0]) * (tile[1] / warpTile[1]);
    if (threads != 32 * warps)
      return emitError() << "a [" << tile[0] << ", " << tile[1] << "] tile of ["
                         << warpTile[0] << ", " << warpTile[1]
                         << "] warp tiles takes " << 32 * warps
                         << " threads, not " << threads;
    if (tile[2] % 16 != 0)
      return emitError() << "the reduction step must be a multiple of 16";
    return success();
  }
  case KernelKind::Simt:
    if (tile.size() != 2 || !warpTile.empty())
      return emitError() << "simt needs tile = [queries, keys] and no "
                            "warp_tile";
    if (threads % tile[0] != 0)
      return emitError() << "threads must be a multiple of the queries";
    return success();
  }
  llvm_unreachable("every kernel kind is handled");
}

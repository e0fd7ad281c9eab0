//===- KernelConfig.cpp - what a kernel generator can build ---------------===//
//
// A configuration is checked where it is made or parsed, against what the
// generators build: a tile that does not split into whole warps, threads
// that do not match them, or CPU blocks for the leftover rows that are not
// whole blocks, is an error here rather than a wrong kernel.
//
//===----------------------------------------------------------------------===//

#include "xfc/Dialect/XF/IR/XFDialect.h"

using namespace mlir;
using namespace mlir::xf;

/// The CPU's vector kernels: tiles only.
static LogicalResult
verifyVectorConfig(function_ref<InFlightDiagnostic()> emitError,
                   ArrayRef<int64_t> tile, ArrayRef<int64_t> warpTile,
                   int64_t threads, int64_t stages) {
  if (!warpTile.empty() || threads != 0 || stages != 0)
    return emitError() << "vector kernels take a tile only, no warp_tile, "
                          "threads or stages";
  if (llvm::any_of(tile, [](int64_t size) { return size <= 0; }))
    return emitError() << "tile sizes must be positive";
  if (tile.size() == 2)
    return success();
  if (tile.size() != 3)
    return emitError() << "vector needs tile = [M, N, N1] (a product) or "
                          "[queries, keys] (attention)";
  if (tile[2] % tile[1] != 0)
    return emitError() << "the leftover rows' blocks of " << tile[2]
                       << " columns are not whole blocks of " << tile[1];
  return success();
}

/// A tensor-core product's tiles: a block's [M, N, K] of warp tiles [M, N],
/// each made of whole instruction tiles [M, N, K], one warp per warp tile.
static LogicalResult
verifyWarpTiles(function_ref<InFlightDiagnostic()> emitError, StringRef kind,
                ArrayRef<int64_t> tile, ArrayRef<int64_t> warpTile,
                int64_t threads, std::array<int64_t, 3> instruction) {
  if (tile.size() != 3 || warpTile.size() != 2)
    return emitError() << kind
                       << " needs tile = [M, N, K] and warp_tile = [M, N]";
  if (warpTile[0] % instruction[0] != 0 || warpTile[1] % instruction[1] != 0)
    return emitError() << "a warp's tile is made of " << instruction[0] << "x"
                       << instruction[1] << " " << kind << " tiles";
  if (tile[0] % warpTile[0] != 0 || tile[1] % warpTile[1] != 0)
    return emitError() << "the block's tile must split into warp tiles";
  int64_t warps = (tile[0] / warpTile[0]) * (tile[1] / warpTile[1]);
  if (threads != 32 * warps)
    return emitError() << "a [" << tile[0] << ", " << tile[1] << "] tile of ["
                       << warpTile[0] << ", " << warpTile[1]
                       << "] warp tiles takes " << 32 * warps
                       << " threads, not " << threads;
  if (tile[2] % instruction[2] != 0)
    return emitError() << "the reduction step must be a multiple of "
                       << instruction[2];
  return success();
}

LogicalResult
KernelConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         KernelKind kind, ArrayRef<int64_t> tile,
                         ArrayRef<int64_t> warpTile, int64_t threads,
                         int64_t stages) {
  if (kind == KernelKind::Vector || kind == KernelKind::Avx2 ||
      kind == KernelKind::Avx512)
    return verifyVectorConfig(emitError, tile, warpTile, threads, stages);
  // The CUDA kernels: threads in whole warps.
  if (llvm::any_of(tile, [](int64_t size) { return size <= 0; }) ||
      llvm::any_of(warpTile, [](int64_t size) { return size <= 0; }) ||
      threads <= 0 || stages <= 0)
    return emitError() << "sizes, threads and stages must be positive";
  if (threads % 32 != 0)
    return emitError() << "threads must be whole warps of 32, not " << threads;
  switch (kind) {
  case KernelKind::MmaSync:
    return verifyWarpTiles(emitError, "mma_sync", tile, warpTile, threads,
                           /*instruction=*/{16, 8, 16});
  case KernelKind::MmaSp:
    // The weight's transpose is the sparse operand: a warp's rows are in
    // 8-row B operands, its columns in 16-column A operands.
    return verifyWarpTiles(emitError, "mma_sp", tile, warpTile, threads,
                           /*instruction=*/{8, 16, 32});
  case KernelKind::Simt:
    if (tile.size() != 2 || !warpTile.empty())
      return emitError() << "simt needs tile = [queries, keys] and no "
                            "warp_tile";
    if (threads % tile[0] != 0)
      return emitError() << "threads must be a multiple of the queries";
    return success();
  case KernelKind::Vector:
  case KernelKind::Avx2:
  case KernelKind::Avx512:
    llvm_unreachable("vector configurations are verified above");
  }
  llvm_unreachable("every kernel kind is handled");
}

Attribute KernelConfigAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef kindName;
  if (parser.parseLess() || parser.parseKeyword(&kindName))
    return {};
  std::optional<KernelKind> kind = symbolizeKernelKind(kindName);
  if (!kind) {
    parser.emitError(loc)
        << "unknown kernel kind '" << kindName
        << "': mma_sync, mma_sp, simt, vector, avx2 or avx512";
    return {};
  }
  auto parseSizes = [&](SmallVector<int64_t> &sizes) {
    return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
      return parser.parseInteger(sizes.emplace_back());
    });
  };
  SmallVector<int64_t> tile, warpTile;
  int64_t threads = 0, stages = 0;
  if (parser.parseComma() || parser.parseKeyword("tile") ||
      parser.parseEqual() || parseSizes(tile))
    return {};
  // The fields a kind may have, each at most once.
  bool hasWarpTile = false, hasThreads = false, hasStages = false;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc fieldLoc = parser.getCurrentLocation();
    StringRef field;
    if (parser.parseKeyword(&field) || parser.parseEqual())
      return {};
    ParseResult parsed = failure();
    if (field == "warp_tile" && !hasWarpTile) {
      hasWarpTile = true;
      parsed = parseSizes(warpTile);
    } else if (field == "threads" && !hasThreads) {
      hasThreads = true;
      parsed = parser.parseInteger(threads);
    } else if (field == "stages" && !hasStages) {
      hasStages = true;
      parsed = parser.parseInteger(stages);
    } else {
      parser.emitError(fieldLoc) << "expected warp_tile, threads or stages, "
                                    "each once, not '"
                                 << field << "'";
    }
    if (failed(parsed))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return KernelConfigAttr::getChecked(
      [&] { return parser.emitError(loc); }, parser.getContext(), *kind,
      ArrayRef<int64_t>(tile), ArrayRef<int64_t>(warpTile), threads, stages);
}

void KernelConfigAttr::print(AsmPrinter &printer) const {
  printer << '<' << stringifyKernelKind(getKind()) << ", tile = [";
  llvm::interleaveComma(getTile(), printer);
  printer << ']';
  if (!getWarpTile().empty()) {
    printer << ", warp_tile = [";
    llvm::interleaveComma(getWarpTile(), printer);
    printer << ']';
  }
  if (getThreads())
    printer << ", threads = " << getThreads();
  if (getStages())
    printer << ", stages = " << getStages();
  printer << '>';
}

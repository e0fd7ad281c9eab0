//===- CUDATarget.cpp - what a CUDA library needs beyond the CPU's --------===//

#include "xfc/Target/CUDA/CUDATarget.h"
#include "xfc/Codegen/CUDA/DeviceCopies.h"
#include "xfc/Target/Library/WeightFile.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

namespace mlir::xf {

/// The table kernels' weights are read through (see runtime_internal.h).
static constexpr llvm::StringLiteral kDeviceWeightTable = "xfc__device_weights";

FailureOr<std::string> findCUDAToolkit(std::string &error) {
  std::optional<std::string> root = llvm::sys::Process::GetEnv("CUDA_PATH");
  std::string path = root ? *root : "/usr/local/cuda";
  SmallString<256> ptxas(path);
  llvm::sys::path::append(ptxas, "bin", "ptxas");
  if (llvm::sys::fs::can_execute(ptxas))
    return path;
  error = "--target=cuda compiles kernels with the CUDA toolkit's ptxas, "
          "which is not at '" +
          std::string(ptxas) + "'" +
          (root ? " (from CUDA_PATH)" : " (set CUDA_PATH to the toolkit)") +
          "; or pass --embed=ptx to ship PTX for the driver to compile";
  return failure();
}

SmallVector<DeviceCopy> takeDeviceCopies(ModuleOp module) {
  SmallVector<DeviceCopy> copies;
  for (auto global : module.getOps<LLVM::GlobalOp>())
    if (FlatSymbolRefAttr source = getDeviceCopySource(global)) {
      copies.push_back({global.getSymName().str(), source.getValue().str()});
      global->removeDiscardableAttr(XFDialect::kDeviceCopyOfAttrName);
    }
  return copies;
}

FailureOr<SmallVector<DeviceWeight>>
bindDeviceWeights(ModuleOp module, ArrayRef<DeviceCopy> copies,
                  ArrayRef<WeightBlob> blobs, std::string &error) {
  llvm::StringMap<size_t> blobIndex;
  for (auto [i, blob] : llvm::enumerate(blobs))
    blobIndex[blob.symbol] = i;
  SmallVector<DeviceWeight> weights;
  SmallVector<std::string> symbols;
  for (const DeviceCopy &copy : copies) {
    StringRef source = copy.source;
    DeviceWeight weight;
    if (auto found = blobIndex.find(source); found != blobIndex.end()) {
      weight.bytes = blobs[found->second].bytes;
      weight.fileIndex = found->second;
    } else {
      auto host = module.lookupSymbol<LLVM::GlobalOp>(source);
      auto value =
          host ? dyn_cast_or_null<ElementsAttr>(host.getValueAttr()) : nullptr;
      if (!value) {
        error = "the device copy of '" + source.str() +
                "' has no constant to upload";
        return failure();
      }
      // The glue names it; LLVM stores an i1 in a byte.
      host.setLinkage(LLVM::Linkage::External);
      host.setVisibility_(LLVM::Visibility::Hidden);
      unsigned bits = value.getElementType().getIntOrFloatBitWidth();
      weight.bytes = value.getNumElements() * llvm::divideCeil(bits, 8);
      weight.hostSymbol = source.str();
    }
    weights.push_back(std::move(weight));
    symbols.push_back(copy.declaration);
  }
  if (failed(readThroughTable(module, symbols, kDeviceWeightTable, error)))
    return failure();
  return weights;
}

void printPTX(ModuleOp module, llvm::raw_ostream &os) {
  module.walk([&](gpu::BinaryOp binary) {
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      os << "// kernel module @" << binary.getSymName() << "\n"
         << object.getObject().getValue() << "\n";
    }
  });
}

} // namespace mlir::xf

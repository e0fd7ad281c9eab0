//===- CUDATarget.h - what a CUDA library needs beyond the CPU's -*- C++
//-*-===//

#ifndef XFC_TARGET_CUDA_CUDATARGET_H
#define XFC_TARGET_CUDA_CUDATARGET_H

#include "xfc/Target/Library/LibraryWriter.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xf {

/// The CUDA toolkit xfc compiles kernels with: $CUDA_PATH, else
/// /usr/local/cuda. Fails, saying where it looked, if `bin/ptxas` is not
/// there.
FailureOr<std::string> findCUDAToolkit(std::string &error);

/// A device copy's declaration and the global it copies, by symbol name.
struct DeviceCopy {
  std::string declaration, source;
};

/// The module's device copies (the globals marked `xf.device_copy_of`), in
/// module order, their marks removed: a mark is a symbol use of a weight,
/// which the weights table could not serve.
SmallVector<DeviceCopy> takeDeviceCopies(ModuleOp module);

/// Points the device's reads of each global NAME (through its device copy's
/// declaration in `copies`) at the table xfc__device_weights and returns,
/// in table order, where the runtime uploads each from: its entry in the
/// weights file when `blobs` holds it, else NAME in the library (made
/// visible to the glue).
FailureOr<SmallVector<DeviceWeight>>
bindDeviceWeights(ModuleOp module, ArrayRef<DeviceCopy> copies,
                  ArrayRef<WeightBlob> blobs, std::string &error);

/// Prints the PTX of every kernel module (a module compiled with
/// `embedPTX`).
void printPTX(ModuleOp module, llvm::raw_ostream &os);

} // namespace mlir::xf

#endif // XFC_TARGET_CUDA_CUDATARGET_H

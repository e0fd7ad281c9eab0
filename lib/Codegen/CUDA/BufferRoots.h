//===- BufferRoots.h - which buffers an operation reads and writes -*- C++
//-*-===//
//
// The CUDA target splits a bufferized function between host and device by
// the buffers each top-level operation touches. A buffer is named by its
// root: the allocation, global or argument that its views come from.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CONVERSION_LOOPSTOGPU_BUFFERROOTS_H
#define XFC_LIB_CONVERSION_LOOPSTOGPU_BUFFERROOTS_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::xf {

/// The buffer `memref` is a view of: follows view-like operations (subview,
/// casts, reshapes) to the value they start from.
Value getBufferRoot(Value memref);

/// The roots of the buffers `op` and the operations nested in it read and
/// write. An operation that does not describe its effects counts as reading
/// and writing every buffer it is given.
void collectAccessedRoots(Operation *op, llvm::SetVector<Value> &reads,
                          llvm::SetVector<Value> &writes);

/// Whether `op` reads or writes buffer data (allocation, deallocation and
/// views do not).
bool accessesBuffers(Operation *op);

} // namespace mlir::xf

#endif // XFC_LIB_CONVERSION_LOOPSTOGPU_BUFFERROOTS_H

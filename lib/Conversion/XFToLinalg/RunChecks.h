//===- RunChecks.h - facts checked when the model runs ----------*- C++ -*-===//
//
// Lowerings that would read out of bounds or divide by zero on bad run-time
// values (indices from an input, shapes computed from data) first emit an
// xf.run_check that stops the run with a message naming the model node.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CONVERSION_XFTOLINALG_RUNCHECKS_H
#define XFC_LIB_CONVERSION_XFTOLINALG_RUNCHECKS_H

#include "mlir/IR/Builders.h"
#include <string>

namespace mlir::xf {

/// How a run-time error names `op`: "node 'NAME' (OpType)" from its model
/// location, else the op's name; escaped for a run_check message.
std::string describeForRun(Operation *op);

/// `v` (an integer or index) as an i64, sign-extended.
Value castToI64(OpBuilder &b, Location loc, Value v);

/// Stops the run with `message` (`first` and `second`, integers, for its
/// %lld) unless `ok`.
void emitRunCheck(OpBuilder &b, Location loc, Value ok, const Twine &message,
                  Value first, Value second);

/// Stops the run unless every element of `indices` (an integer tensor) is
/// in [-extent, extent), ONNX's range, naming `op` and `axis` (of the data
/// the indices select along) in the message.
void checkIndexRange(OpBuilder &b, Location loc, Operation *op, Value indices,
                     Value extent, int64_t axis);

} // namespace mlir::xf

#endif // XFC_LIB_CONVERSION_XFTOLINALG_RUNCHECKS_H

//===- RunChecks.cpp - facts checked when the model runs ------------------===//

#include "RunChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ModelDiagnostics.h"

namespace mlir::xf {

std::string describeForRun(Operation *op) {
  // "file: node 'n' (Op)": the library's user knows the model, not where
  // it was compiled from.
  std::string where = describeModelLocation(op->getLoc());
  size_t node = where.find(": node '");
  std::string text = node == std::string::npos
                         ? op->getName().getStringRef().str()
                         : where.substr(node + 2);
  std::string escaped;
  for (char c : text)
    escaped += c == '%' ? std::string("%%") : std::string(1, c);
  return escaped;
}

Value castToI64(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isIndex())
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
  if (v.getType().getIntOrFloatBitWidth() < 64)
    return arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
  return v;
}

void emitRunCheck(OpBuilder &b, Location loc, Value ok, const Twine &message,
                  Value first, Value second) {
  RunCheckOp::create(b, loc, ok, b.getStringAttr(message),
                     castToI64(b, loc, first), castToI64(b, loc, second));
}

} // namespace mlir::xf

//===- FusedAttention.cpp - what the attention kernels share --------------===//

#include "xfc/Codegen/Common/FusedAttention.h"

#include "mlir/IR/BuiltinTypes.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

bool isFusedAttentionMask(Value mask) {
  if (!mask)
    return true;
  auto type = cast<RankedTensorType>(mask.getType());
  return type.getRank() <= 4 &&
         (type.getElementType().isF32() || type.getElementType().isInteger(1));
}

} // namespace mlir::xf

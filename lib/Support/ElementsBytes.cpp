//===- ElementsBytes.cpp - releasing the bytes of replaced constants ------===//

#include "xfc/Support/ElementsBytes.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::xf {

void releaseUnusedResources(Operation *root,
                            ArrayRef<DenseResourceElementsAttr> resources) {
  if (resources.empty())
    return;
  llvm::StringSet<> used;
  root->walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs())
      attr.getValue().walk([&](DenseResourceElementsAttr resource) {
        used.insert(resource.getRawHandle().getKey());
      });
  });
  for (DenseResourceElementsAttr resource : resources) {
    DenseResourceElementsHandle handle = resource.getRawHandle();
    if (!used.contains(handle.getKey()) && handle.getBlob())
      handle.getResource()->setBlob(AsmResourceBlob());
  }
}

} // namespace mlir::xf

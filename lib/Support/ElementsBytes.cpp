//===- ElementsBytes.cpp - freeing the bytes of replaced weights ----------===//

#include "xfc/Support/ElementsBytes.h"

#include "mlir/IR/Operation.h"

namespace mlir::xf {

ResourceReferences::ResourceReferences(Operation *root) {
  root->walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs())
      attr.getValue().walk([&](DenseResourceElementsAttr resource) {
        ++counts[resource.getRawHandle().getKey()];
      });
  });
}

void ResourceReferences::drop(DenseResourceElementsAttr resource) {
  DenseResourceElementsHandle handle = resource.getRawHandle();
  auto it = counts.find(handle.getKey());
  if (it == counts.end() || --it->second != 0 || !handle.getBlob())
    return;
  handle.getResource()->setBlob(AsmResourceBlob());
}

} // namespace mlir::xf

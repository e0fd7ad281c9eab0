//===- InitAll.cpp - register everything xfc's tools offer ----------------===//

#include "xfc/InitAll.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Codegen/CUDA/Passes.h"
#include "xfc/Conversion/Passes.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Pipelines/Pipelines.h"

void mlir::xf::registerAllDialects(DialectRegistry &registry) {
  registry.insert<XFDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates kernel modules to LLVM IR itself.
  mlir::registerAllGPUToLLVMIRTranslations(registry);
}

void mlir::xf::registerAllPasses() {
  mlir::registerAllPasses();
  registerXFPasses();
  registerXFConversionPasses();
  registerXFCodegenCommonPasses();
  registerXFCodegenCPUPasses();
  registerXFCodegenCUDAPasses();
  registerPipelines();
}

//===- Pipelines.cpp - the one definition of xfc's pass order -------------===//

#include "xfc/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::xf;

ArrayRef<StageInfo> mlir::xf::getStages() {
  static const StageInfo stages[] = {
      {Stage::XFGraph, "xf-graph",
       "the imported graph, one xf op per ONNX node"},
      {Stage::XF, "xf",
       "after shape inference and folding of shape arithmetic"},
  };
  return stages;
}

std::optional<Stage> mlir::xf::parseStage(StringRef name) {
  for (const StageInfo &info : getStages())
    if (info.name == name)
      return info.stage;
  return std::nullopt;
}

void mlir::xf::buildGraphCleanupPipeline(OpPassManager &pm) {
  // The import contract is checked first, so later diagnostics can assume it.
  pm.addPass(createVerifyGraphLevelPass());
  // Shapes first: folders need static types to turn shape arithmetic into
  // constants; folding exposes new constant shapes, hence the second round.
  pm.addNestedPass<func::FuncOp>(createInferShapesPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createInferShapesPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::xf::buildPipelineUpTo(OpPassManager &pm, Stage stop) {
  if (stop == Stage::XFGraph)
    return;
  buildGraphCleanupPipeline(pm);
}

void mlir::xf::registerPipelines() {
  PassPipelineRegistration<>(
      "xf-graph-cleanup",
      "Infer shapes and fold shape arithmetic on an imported xf graph",
      buildGraphCleanupPipeline);
}

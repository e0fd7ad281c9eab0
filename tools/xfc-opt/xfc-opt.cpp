//===- xfc-opt.cpp - run xf and upstream passes on MLIR files -------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "xfc/InitAll.h"

int main(int argc, char **argv) {
  mlir::xf::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::xf::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "xfc optimizer driver\n", registry));
}

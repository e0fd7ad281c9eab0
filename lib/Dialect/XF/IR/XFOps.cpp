//===- XFOps.cpp - the generated op classes -------------------------------===//
//
// Op behaviour (shape functions, folders) lives in one file per op family;
// this file only instantiates what TableGen generated.
//
//===----------------------------------------------------------------------===//

#include "xfc/Dialect/XF/IR/XFOps.h"

#include "ShapeFunctions.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::xf;

#define GET_OP_CLASSES
#include "xfc/Dialect/XF/IR/XFOps.cpp.inc"

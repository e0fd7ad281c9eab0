//===- Passes.h - the CPU target's code generation ------------*- C++ -*-===//

#ifndef XFC_CODEGEN_CPU_PASSES_H
#define XFC_CODEGEN_CPU_PASSES_H

#include "xfc/Codegen/Common/Passes.h"

namespace mlir::xf {

#define GEN_PASS_DECL
#include "xfc/Codegen/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "xfc/Codegen/CPU/Passes.h.inc"

} // namespace mlir::xf

#endif // XFC_CODEGEN_CPU_PASSES_H

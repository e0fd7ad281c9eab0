//===- IRDumper.h - the IR after every pass, one file each ------*- C++ -*-===//

#ifndef XFC_SUPPORT_IRDUMPER_H
#define XFC_SUPPORT_IRDUMPER_H

#include "mlir/Pass/PassManager.h"

namespace mlir::xf {

/// Makes `pm` write the module after every pass to `directory` as
/// `NNN-<pass argument>.mlir` (000 is the input; passes nested on functions
/// one file per group, `NNN-<pass>+<pass>.mlir`), printed with `flags`, so
/// that any two stages can be diffed. Creates the directory; reports
/// failure if it cannot. Files it cannot write are named on `messages`.
LogicalResult enableIRDumps(PassManager &pm, Operation *module,
                            StringRef directory, OpPrintingFlags flags,
                            llvm::raw_ostream &messages);

} // namespace mlir::xf

#endif // XFC_SUPPORT_IRDUMPER_H

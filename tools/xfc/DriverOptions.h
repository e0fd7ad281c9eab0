//===- DriverOptions.h - xfc's command line, checked ------------*- C++ -*-===//
//
// The command line parsed into plain values. Everything a user can type is
// checked here, with the valid choices named, before any work starts.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_TOOLS_XFC_DRIVEROPTIONS_H
#define XFC_TOOLS_XFC_DRIVEROPTIONS_H

#include "xfc/Compiler/Compiler.h"
#include <optional>

namespace xfc {

struct DriverOptions : mlir::xf::CompileOptions {
  bool printSupportedOps = false;
};

/// Parses and checks the command line. Returns the options, or the exit
/// code when xfc should stop (--version, --print-supported-ops printed
/// elsewhere: they are in the options; an error: 1).
std::optional<DriverOptions> parseCommandLine(int argc, char **argv,
                                              int &exitCode);

} // namespace xfc

#endif // XFC_TOOLS_XFC_DRIVEROPTIONS_H

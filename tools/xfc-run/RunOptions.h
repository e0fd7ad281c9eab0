//===- RunOptions.h - xfc-run's command line --------------------*- C++ -*-===//
//
// Parsed strictly: a number that does not parse, an option xfc-run does not
// know or a size it cannot use is an error naming it, never a default.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_TOOLS_XFC_RUN_RUNOPTIONS_H
#define XFC_TOOLS_XFC_RUN_RUNOPTIONS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xfc::run {

struct Options {
  std::string library, inputsPath, outputPath, expectPath;
  std::string cPrefix = "xfc";
  unsigned seed = 0, benchRuns = 0;
  int threads = 0; // 0: the library's default
  double rtol = 1e-4;
  /// Sizes of symbolic dimensions, by dimKey.
  std::map<std::string, int64_t> dims;
};

/// Fills `options` from the command line. Returns -1 to go on, or the exit
/// code when xfc-run should stop (--help, --version, an error).
int parseOptions(int argc, char **argv, Options &options);

/// How --dim names a symbolic dimension: its name, or INPUT:D when the
/// model left it unnamed.
std::string dimKey(const char *input, int32_t dim, const char *dimName);

/// Whether every --dim names one of `symbolic` (dimKeys); else says which
/// do not and what could be named.
bool checkDimNames(const Options &options,
                   const std::vector<std::string> &symbolic);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_RUNOPTIONS_H

//===- RunOptions.cpp - xfc-run's command line ----------------------------===//

#include "RunOptions.h"
#include "xfc/Version.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace xfc::run {

static const char kUsage[] =
    "usage: xfc-run MODEL.so [options]\n"
    "\n"
    "Runs a library xfc compiled, on inputs from an .npz or random ones.\n"
    "\n"
    "  --inputs IN.npz     inputs by name (default: random, from --seed)\n"
    "  --seed N            seed of the random inputs (default 0)\n"
    "  --dim NAME=SIZE     size of a symbolic dimension of the random inputs;\n"
    "                      INPUT:D=SIZE for an unnamed one (dimension D of\n"
    "                      input INPUT). Every symbolic size needs one.\n"
    "  --output OUT.npz    write the outputs\n"
    "  --expect REF.npz    compare the outputs with REF's (entries NAME or\n"
    "                      out:NAME); exit 1 when one differs\n"
    "  --rtol R            tolerance of --expect, relative to the largest\n"
    "                      reference magnitude (default 1e-4)\n"
    "  --bench N           time N more runs: median, p90, p99, min, mean\n"
    "  --threads N         threads the library's kernels use (default: one\n"
    "                      per core, or XFC_NUM_THREADS)\n"
    "  --c-prefix NAME     the library's C functions are NAME_run, ... (xfc\n"
    "                      --c-prefix=NAME); default xfc\n"
    "  --help, --version\n";

static int usageError(const char *format, const char *value) {
  std::fprintf(stderr, "xfc-run: ");
  std::fprintf(stderr, format, value);
  std::fprintf(stderr, "\nRun 'xfc-run --help' for the options.\n");
  return 2;
}

/// A whole number in [min, max], all of `text`.
static bool parseInteger(const char *text, long long min, long long max,
                         long long &value) {
  char *end = nullptr;
  errno = 0;
  value = std::strtoll(text, &end, 10);
  return *text && !*end && errno == 0 && value >= min && value <= max;
}

int parseOptions(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!std::strcmp(arg, "--help") || !std::strcmp(arg, "-h")) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (!std::strcmp(arg, "--version")) {
      std::printf("xfc-run version %s\n", XFC_VERSION_STRING);
      return 0;
    }
    if (arg[0] != '-') {
      if (!options.library.empty())
        return usageError("more than one library given: '%s'", arg);
      options.library = arg;
      continue;
    }
    if (i + 1 >= argc)
      return usageError("%s needs a value", arg);
    const char *value = argv[++i];
    long long n;
    if (!std::strcmp(arg, "--inputs")) {
      options.inputsPath = value;
    } else if (!std::strcmp(arg, "--output")) {
      options.outputPath = value;
    } else if (!std::strcmp(arg, "--expect")) {
      options.expectPath = value;
    } else if (!std::strcmp(arg, "--c-prefix")) {
      options.cPrefix = value;
    } else if (!std::strcmp(arg, "--seed")) {
      if (!parseInteger(value, 0, UINT32_MAX, n))
        return usageError("--seed takes a whole number, not '%s'", value);
      options.seed = unsigned(n);
    } else if (!std::strcmp(arg, "--bench")) {
      if (!parseInteger(value, 1, 1000000, n))
        return usageError("--bench takes a number of runs (1 or more), not "
                          "'%s'",
                          value);
      options.benchRuns = unsigned(n);
    } else if (!std::strcmp(arg, "--threads")) {
      if (!parseInteger(value, 1, 1024, n))
        return usageError("--threads takes a number from 1 to 1024, not '%s'",
                          value);
      options.threads = int(n);
    } else if (!std::strcmp(arg, "--rtol")) {
      char *end = nullptr;
      options.rtol = std::strtod(value, &end);
      if (!*value || *end || !(options.rtol >= 0))
        return usageError("--rtol takes a number >= 0, not '%s'", value);
    } else if (!std::strcmp(arg, "--dim")) {
      const char *eq = std::strchr(value, '=');
      if (!eq || eq == value)
        return usageError("--dim takes NAME=SIZE, not '%s'", value);
      if (!parseInteger(eq + 1, 0, INT64_MAX, n))
        return usageError("--dim %s: the size must be a whole number >= 0",
                          value);
      options.dims[std::string(value, eq)] = n;
    } else {
      return usageError("unknown option '%s'", arg);
    }
  }
  if (options.library.empty())
    return usageError("%s", "no library given");
  return -1;
}

std::string dimKey(const char *input, int32_t dim, const char *dimName) {
  if (dimName && *dimName)
    return dimName;
  return std::string(input) + ":" + std::to_string(dim);
}

bool checkDimNames(const Options &options,
                   const std::vector<std::string> &symbolic) {
  bool ok = true;
  for (const auto &[name, size] : options.dims) {
    bool known = false;
    for (const std::string &s : symbolic)
      known |= s == name;
    if (known)
      continue;
    std::string names;
    for (const std::string &s : symbolic)
      if (names.find("'" + s + "'") == std::string::npos)
        names += (names.empty() ? "'" : ", '") + s + "'";
    std::fprintf(stderr,
                 "xfc-run: --dim %s: the model has no symbolic dimension "
                 "named '%s' (it has: %s)\n",
                 name.c_str(), name.c_str(),
                 names.empty() ? "none" : names.c_str());
    ok = false;
  }
  return ok;
}

} // namespace xfc::run

//===- CompilerCAPI.cpp - xfc_compiler.h over lib/Compiler ---------------===//
//
// The command line is parsed into LLVM options global to the process, and
// MLIR's IR-printing flags are read from them during the compile: a lock
// keeps one compile at a time.
//
//===----------------------------------------------------------------------===//

#include "xfc/Compiler/xfc_compiler.h"

#include "xfc/Compiler/CommandLine.h"
#include "xfc/Version.h"
#include "llvm/Support/Path.h"
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>

using namespace mlir;

namespace {
/// Options that would end the calling process (LLVM prints and exits).
bool endsTheProcess(llvm::StringRef arg) {
  llvm::StringRef name = arg.ltrim('-').split('=').first;
  return arg.starts_with("-") &&
         (name.starts_with("help") || name == "version" ||
          name.starts_with("print-options") ||
          name.starts_with("print-all-options"));
}

/// The installation's bin/, beside this library's lib/: where the runtime
/// a compiled library links is found from.
std::string toolsDirectory() {
  Dl_info info;
  if (!dladdr(reinterpret_cast<void *>(&xfc_compiler_run), &info) ||
      !info.dli_fname)
    return "";
  llvm::SmallString<256> path(info.dli_fname);
  llvm::sys::path::remove_filename(path);
  llvm::sys::path::append(path, "..", "bin");
  return path.str().str();
}

char *copyOut(llvm::StringRef text) {
  char *copy = static_cast<char *>(std::malloc(text.size() + 1));
  if (copy) {
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
  }
  return copy;
}
} // namespace

extern "C" int xfc_compiler_run(int count, const char *const *args,
                                char **messages) {
  static std::mutex oneAtATime;
  std::lock_guard<std::mutex> lock(oneAtATime);
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::SmallVector<const char *> commandLine = {"xfc"};
  bool refused = false;
  for (int i = 0; i < count; ++i) {
    if (endsTheProcess(args[i])) {
      os << "xfc: " << args[i]
         << " is for the xfc command, not the compiler library\n";
      refused = true;
    }
    commandLine.push_back(args[i]);
  }
  bool ok = false;
  if (!refused) {
    FailureOr<xf::Invocation> invocation =
        xf::parseCommandLine(commandLine, os);
    if (succeeded(invocation)) {
      invocation->options.toolsDir = toolsDirectory();
      ok = succeeded(xf::runInvocation(std::move(*invocation), os));
    }
  }
  if (messages)
    *messages = copyOut(text);
  return ok ? 0 : 1;
}

extern "C" const char *xfc_compiler_version(void) { return XFC_VERSION_STRING; }

extern "C" void xfc_compiler_free(char *messages) { std::free(messages); }

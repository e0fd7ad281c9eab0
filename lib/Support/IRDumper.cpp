//===- IRDumper.cpp - the IR after every pass, one file each --------------===//
//
// Files are numbered in the order passes finish: NNN-PASS.mlir, each the
// whole module. Passes nested on functions run one function at a time, all
// of a group's passes on one function before the next function, so the
// module never is "after pass P" in between: a group gets one file, after
// its last function, named by its passes (NNN-canonicalize+cse.mlir).
//
//===----------------------------------------------------------------------===//

#include "xfc/Support/IRDumper.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xf {

namespace {
class IRDumper : public PassInstrumentation {
public:
  IRDumper(std::string directory, OpPrintingFlags flags,
           llvm::raw_ostream &messages)
      : directory(std::move(directory)), flags(flags), messages(messages) {}

  /// Writes the whole module, whichever op the pass ran on.
  void write(Operation *op, StringRef name) {
    while (Operation *parent = op->getParentOp())
      op = parent;
    SmallString<256> path(directory);
    llvm::sys::path::append(
        path, llvm::formatv("{0:03}-{1}.mlir", counter++, name).str());
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec) {
      messages << "xfc: cannot write " << path << ": " << ec.message() << "\n";
      return;
    }
    op->print(os, flags);
  }

  void runAfterPass(Pass *pass, Operation *op) override {
    StringRef name = pass->getArgument();
    if (op->getParentOp()) {
      // A pass on one function: its group is written once, after it.
      if (!name.empty() && !llvm::is_contained(nested, name))
        nested.push_back(name);
      return;
    }
    if (!name.empty()) {
      write(op, name);
    } else if (!nested.empty()) {
      // A pass manager's adaptor that ran a nested group on every function.
      write(op, llvm::join(nested, "+"));
      nested.clear();
    }
  }

private:
  std::string directory;
  OpPrintingFlags flags;
  llvm::raw_ostream &messages;
  unsigned counter = 0;
  /// The passes of the nested group running now (pass arguments are
  /// static strings).
  SmallVector<StringRef> nested;
};
} // namespace

LogicalResult enableIRDumps(PassManager &pm, Operation *module,
                            StringRef directory, OpPrintingFlags flags,
                            llvm::raw_ostream &messages) {
  // create_directories accepts an existing file of that name.
  std::error_code ec = llvm::sys::fs::create_directories(directory);
  if (!ec && !llvm::sys::fs::is_directory(directory))
    ec = std::make_error_code(std::errc::not_a_directory);
  if (ec) {
    messages << "xfc: cannot create " << directory << ": " << ec.message()
             << "\n";
    return failure();
  }
  // Passes on functions run in parallel threads; the files are numbered in
  // the order passes run, so dump from one thread.
  pm.getContext()->disableMultithreading();
  auto dumper = std::make_unique<IRDumper>(directory.str(), flags, messages);
  dumper->write(module, "input");
  pm.addInstrumentation(std::move(dumper));
  return success();
}

} // namespace mlir::xf

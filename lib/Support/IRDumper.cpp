//===- IRDumper.cpp - the IR after every pass, one file each --------------===//

#include "xfc/Support/IRDumper.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xf {

namespace {
class IRDumper : public PassInstrumentation {
public:
  explicit IRDumper(std::string directory) : directory(std::move(directory)) {}

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
      llvm::errs() << "xfc: cannot write " << path << ": " << ec.message()
                   << "\n";
      return;
    }
    op->print(os, OpPrintingFlags().elideLargeElementsAttrs(16));
  }

  void runAfterPass(Pass *pass, Operation *op) override {
    // Pass managers' own adaptors (nesting into functions) have no flag.
    if (!pass->getArgument().empty())
      write(op, pass->getArgument());
  }

private:
  std::string directory;
  unsigned counter = 0;
};
} // namespace

LogicalResult enableIRDumps(PassManager &pm, Operation *module,
                            StringRef directory) {
  if (std::error_code ec = llvm::sys::fs::create_directories(directory)) {
    llvm::errs() << "xfc: cannot create " << directory << ": " << ec.message()
                 << "\n";
    return failure();
  }
  // Passes on functions run in parallel threads; the files are numbered in
  // the order passes run, so dump from one thread.
  pm.getContext()->disableMultithreading();
  auto dumper = std::make_unique<IRDumper>(directory.str());
  dumper->write(module, "input");
  pm.addInstrumentation(std::move(dumper));
  return success();
}

} // namespace mlir::xf

//===- MergeIdenticalKernels.cpp - one copy of each distinct kernel -------===//
//
// The layers of a transformer repeat, so xf-outline-kernels writes the same
// kernel once per layer. Keeping one function per distinct body makes LLVM
// compile each kernel once: a 12-layer model has a twelfth of the code.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Dialect/XF/IR/XFDialect.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::xf {
#define GEN_PASS_DEF_MERGEIDENTICALKERNELSPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

/// The function's text with its name left out: equal texts, equal kernels.
static std::string bodyText(func::FuncOp function) {
  StringAttr name = function.getSymNameAttr();
  function.setSymName("kernel");
  std::string text;
  llvm::raw_string_ostream os(text);
  function->print(os, OpPrintingFlags().printGenericOpForm().useLocalScope());
  function.setSymNameAttr(name);
  return text;
}

namespace {
struct MergeIdenticalKernelsPass
    : xf::impl::MergeIdenticalKernelsPassBase<MergeIdenticalKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    llvm::StringMap<func::FuncOp> firstWithText;
    // Each merged function's name, and the name of the one it merges into.
    DenseMap<StringAttr, FlatSymbolRefAttr> replacement;
    SmallVector<func::FuncOp> kernels;
    // Each kernel's parallel entry, if it has one.
    DenseMap<StringAttr, func::FuncOp> parallelEntry;
    for (func::FuncOp function : module.getOps<func::FuncOp>()) {
      if (function.isPrivate() && !function.isExternal())
        kernels.push_back(function);
      if (auto kernel = function->getAttrOfType<FlatSymbolRefAttr>(
              xf::XFDialect::kParallelEntryOfAttrName))
        parallelEntry[kernel.getAttr()] = function;
    }
    for (func::FuncOp kernel : kernels) {
      auto [it, inserted] = firstWithText.try_emplace(bodyText(kernel), kernel);
      if (inserted)
        continue;
      func::FuncOp kept = it->second;
      replacement[kernel.getSymNameAttr()] =
          FlatSymbolRefAttr::get(kept.getSymNameAttr());
      // Its parallel entry, when it has one, goes with it (identical
      // bodies have identical loops: the kept kernel has one too).
      func::FuncOp entry = parallelEntry.lookup(kernel.getSymNameAttr());
      func::FuncOp keptEntry = parallelEntry.lookup(kept.getSymNameAttr());
      symbols.erase(kernel);
      if (entry && keptEntry) {
        replacement[entry.getSymNameAttr()] =
            FlatSymbolRefAttr::get(keptEntry.getSymNameAttr());
        symbols.erase(entry);
      }
    }
    // Kernels are only called: one walk redirects every call.
    module.walk([&](func::CallOp call) {
      auto it = replacement.find(call.getCalleeAttr().getAttr());
      if (it != replacement.end())
        call.setCalleeAttr(it->second);
    });
  }
};
} // namespace

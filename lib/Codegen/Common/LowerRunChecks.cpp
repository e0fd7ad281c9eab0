//===- LowerRunChecks.cpp - run-time checks as calls into the runtime -----===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "xfc/Codegen/Common/Passes.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {
#define GEN_PASS_DEF_LOWERRUNCHECKSPASS
#include "xfc/Codegen/Common/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;

/// The runtime's entry (lib/Runtime): void xfc__fail_run(const char *,
/// int64_t, int64_t).
static constexpr llvm::StringLiteral kFailRun = "xfc__fail_run";

namespace {
struct LowerRunChecksPass
    : xf::impl::LowerRunChecksPassBase<LowerRunChecksPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<xf::RunCheckOp> checks;
    module.walk([&](xf::RunCheckOp check) { checks.push_back(check); });
    if (checks.empty())
      return;
    MLIRContext *context = &getContext();
    OpBuilder b(context);
    auto fail = module.lookupSymbol<func::FuncOp>(kFailRun);
    if (!fail) {
      b.setInsertionPointToStart(module.getBody());
      Type i64 = b.getI64Type();
      fail = func::FuncOp::create(
          b, module.getLoc(), kFailRun,
          b.getFunctionType({LLVM::LLVMPointerType::get(context), i64, i64},
                            {}));
      fail.setPrivate();
    }
    unsigned counter = 0;
    for (xf::RunCheckOp check : checks) {
      Location loc = check.getLoc();
      b.setInsertionPoint(check);
      Value failed = arith::XOrIOp::create(
          b, loc, check.getOk(),
          arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
      auto branch = scf::IfOp::create(b, loc, failed, /*withElse=*/false);
      b.setInsertionPointToStart(branch.thenBlock());
      std::string text = check.getMessage().str();
      text.push_back('\0');
      Value message = LLVM::createGlobalString(
          loc, b, ("xfc_run_check_" + Twine(counter++)).str(), text,
          LLVM::Linkage::Internal);
      func::CallOp::create(b, loc, fail,
                           ValueRange{message, check.getA(), check.getB()});
      check.erase();
    }
  }
};
} // namespace

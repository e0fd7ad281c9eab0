//===- ModelDiagnostics.cpp - diagnostics that name model nodes -----------===//

#include "xfc/Support/ModelDiagnostics.h"

#include "mlir/IR/Location.h"

namespace mlir::xf {

// A model file location is line 0: no MLIR text has a line 0.
Location getModelFileLoc(MLIRContext *context, StringRef file) {
  return FileLineColLoc::get(context, file, 0, 0);
}

Location getModelNodeLoc(MLIRContext *context, StringRef file, StringRef node,
                         StringRef opType) {
  return NameLoc::get(StringAttr::get(context, node),
                      NameLoc::get(StringAttr::get(context, opType),
                                   getModelFileLoc(context, file)));
}

Location getModelTensorLoc(MLIRContext *context, StringRef file,
                           StringRef tensor) {
  return NameLoc::get(StringAttr::get(context, tensor),
                      getModelFileLoc(context, file));
}

std::string describeModelLocation(Location loc) {
  // Fused locations (ops merged by a pass) are described by their first
  // model location.
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location part : fused.getLocations())
      if (std::string text = describeModelLocation(part); !text.empty())
        return text;
    return {};
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file.getLine() == 0 ? file.getFilename().str() : std::string();
  auto name = dyn_cast<NameLoc>(loc);
  if (!name)
    return {};
  if (auto inner = dyn_cast<NameLoc>(name.getChildLoc())) {
    auto file = dyn_cast<FileLineColLoc>(inner.getChildLoc());
    if (!file || file.getLine() != 0)
      return {};
    return (file.getFilename().str() + ": node '" + name.getName().str() +
            "' (" + inner.getName().str() + ")");
  }
  auto file = dyn_cast<FileLineColLoc>(name.getChildLoc());
  if (!file || file.getLine() != 0)
    return {};
  return file.getFilename().str() + ": '" + name.getName().str() + "'";
}

static StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  llvm_unreachable("unknown severity");
}

ModelDiagnosticHandler::ModelDiagnosticHandler(MLIRContext *context,
                                               llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(context) {
  setHandler([&os](Diagnostic &diag) -> LogicalResult {
    std::string where = describeModelLocation(diag.getLocation());
    if (where.empty())
      return failure(); // MLIR text: the source manager's handler shows it
    os << where << ": " << severityName(diag.getSeverity()) << ": " << diag
       << "\n";
    for (Diagnostic &note : diag.getNotes()) {
      std::string noteWhere = describeModelLocation(note.getLocation());
      os << (noteWhere.empty() ? where : noteWhere) << ": note: " << note
         << "\n";
    }
    return success();
  });
}

} // namespace mlir::xf

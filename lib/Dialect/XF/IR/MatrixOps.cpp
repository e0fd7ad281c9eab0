//===- MatrixOps.cpp - MatMul, Gemm and Einsum ----------------------------===//

#include "ShapeFunctions.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace mlir::xf;

LogicalResult MatMulOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                         ErrorEmitter emitError) {
  ArrayRef<int64_t> lhs = getLhs().getType().getShape();
  ArrayRef<int64_t> rhs = getRhs().getType().getShape();
  if (lhs.empty() || rhs.empty())
    return emitError() << "operands must have rank 1 or more";
  // Rank-1 operands are promoted to matrices (row vector on the left, column
  // vector on the right); the added dimension is not in the result.
  SmallVector<int64_t> a(lhs), b(rhs);
  if (a.size() == 1)
    a.insert(a.begin(), 1);
  if (b.size() == 1)
    b.push_back(1);
  int64_t k = a.back(), kB = b[b.size() - 2];
  if (!areCompatibleDims(k, kB))
    return emitError() << "contraction dimensions differ: " << k << " and "
                       << kB;
  std::optional<SmallVector<int64_t>> batch =
      broadcastShapes({ArrayRef(a).drop_back(2), ArrayRef(b).drop_back(2)});
  if (!batch)
    return emitError() << "batch dimensions do not broadcast: ["
                       << formatShape(lhs) << "] and [" << formatShape(rhs)
                       << "]";
  SmallVector<int64_t> shape = *batch;
  if (lhs.size() > 1)
    shape.push_back(a[a.size() - 2]);
  if (rhs.size() > 1)
    shape.push_back(b.back());
  inferred.push_back(
      RankedTensorType::get(shape, getLhs().getType().getElementType()));
  return success();
}

LogicalResult GemmOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                       ErrorEmitter emitError) {
  RankedTensorType a = getA().getType(), b = getB().getType();
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitError() << "a and b must have rank 2";
  if (a.getElementType() != b.getElementType())
    return emitError() << "a and b must have the same element type";
  int64_t m = a.getDimSize(getTransA() ? 1 : 0);
  int64_t kA = a.getDimSize(getTransA() ? 0 : 1);
  int64_t kB = b.getDimSize(getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(getTransB() ? 0 : 1);
  if (!areCompatibleDims(kA, kB))
    return emitError() << "contraction dimensions differ: " << kA << " and "
                       << kB;
  SmallVector<int64_t> shape = {m, n};
  if (Value c = getC()) {
    auto cType = cast<RankedTensorType>(c.getType());
    if (!isUnidirectionalBroadcastable(cType.getShape(), shape))
      return emitError() << "c of shape [" << formatShape(cType.getShape())
                         << "] does not broadcast to [" << formatShape(shape)
                         << "]";
  }
  inferred.push_back(RankedTensorType::get(shape, a.getElementType()));
  return success();
}

LogicalResult EinsumOp::inferResultTypes(SmallVectorImpl<Type> &inferred,
                                         ErrorEmitter emitError) {
  std::string equation;
  for (char c : getEquation())
    if (c != ' ')
      equation.push_back(c);
  if (equation.find('.') != std::string::npos)
    return emitError() << "ellipses in the equation are not supported";
  StringRef text(equation);
  auto [inputsText, outputText] = text.split("->");
  bool explicitOutput = text.contains("->");
  SmallVector<StringRef> terms;
  inputsText.split(terms, ',');
  if (terms.size() != getInputs().size())
    return emitError() << "equation has " << terms.size() << " input terms for "
                       << getInputs().size() << " operands";
  llvm::StringMap<int64_t> sizes;
  llvm::StringMap<int> counts;
  for (auto [term, input] : llvm::zip_equal(terms, getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (static_cast<int64_t>(term.size()) != type.getRank())
      return emitError() << "term '" << term << "' has " << term.size()
                         << " labels for an operand of rank " << type.getRank();
    for (auto [i, label] : llvm::enumerate(term)) {
      if (!llvm::isAlpha(label))
        return emitError() << "invalid label '" << label << "' in equation";
      StringRef key(&term.data()[i], 1);
      int64_t dim = type.getDimSize(i);
      auto [it, inserted] = sizes.try_emplace(key, dim);
      if (!inserted) {
        if (!areCompatibleDims(it->second, dim))
          return emitError() << "label '" << key << "' has sizes " << it->second
                             << " and " << dim;
        it->second = joinDims(it->second, dim);
      }
      ++counts[key];
    }
  }
  // An implicit output lists the labels used once, in alphabetical order.
  std::string implicitOutput;
  if (!explicitOutput) {
    for (char c = 'A'; c <= 'z'; ++c)
      if (counts.lookup(StringRef(&c, 1)) == 1)
        implicitOutput.push_back(c);
    outputText = implicitOutput;
  }
  SmallVector<int64_t> shape;
  for (auto [i, label] : llvm::enumerate(outputText)) {
    StringRef key(&outputText.data()[i], 1);
    auto it = sizes.find(key);
    if (it == sizes.end())
      return emitError() << "output label '" << key
                         << "' appears in no input term";
    shape.push_back(it->second);
  }
  inferred.push_back(RankedTensorType::get(
      shape,
      cast<RankedTensorType>(getInputs().front().getType()).getElementType()));
  return success();
}

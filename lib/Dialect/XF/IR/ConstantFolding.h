//===- ConstantFolding.h - evaluating xf ops on small constants -*- C++ -*-===//
//
// Folders evaluate shape arithmetic (Shape, Gather, Concat, Add on i64
// vectors...) at compile time. They only touch constants up to
// kMaxFoldedElements elements: anything larger is a weight, which later
// passes transform as a whole.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_DIALECT_XF_IR_CONSTANTFOLDING_H
#define XFC_LIB_DIALECT_XF_IR_CONSTANTFOLDING_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::xf {

constexpr int64_t kMaxFoldedElements = 4096;

/// `attr` as a dense constant small enough to fold, or null.
DenseElementsAttr getFoldableConstant(Attribute attr);

/// True when `type` is static and small enough to materialize.
bool isFoldableResultType(Type type);

/// Computes one result element from the operands' elements (IntegerAttr or
/// FloatAttr each); returns null when this element cannot be folded.
using ElementFn = llvm::function_ref<Attribute(ArrayRef<Attribute> elements,
                                               Type resultElement)>;

/// Evaluates an element-wise op with ONNX broadcasting on constant operands.
/// Null unless every operand is a foldable constant and the result type is
/// foldable.
Attribute foldElementwise(ArrayRef<Attribute> operands, Type resultType,
                          ElementFn fn);

/// The same data under another static shape, when foldable: a small dense
/// constant, or a resource blob of any size (shared, not copied).
Attribute foldReshape(Attribute input, Type resultType);

/// Row-major strides of a static shape.
SmallVector<int64_t> computeStrides(ArrayRef<int64_t> shape);

/// The multi-index of a linear position in a static shape.
SmallVector<int64_t> delinearize(int64_t position, ArrayRef<int64_t> shape);

} // namespace mlir::xf

#endif // XFC_LIB_DIALECT_XF_IR_CONSTANTFOLDING_H

//===- XFGraphOps.td - one op per ONNX operator ----------------------------===//
//
// Graph-level ops: what the ONNX importer writes. Semantics follow the ONNX
// operator of the same name at the newest opset xfc imports; the description
// of each op says where it differs (inputs turned into attributes).
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECT_XF_IR_XFGRAPHOPS_TD
#define XFC_DIALECT_XF_IR_XFGRAPHOPS_TD

include "xfc/Dialect/XF/IR/XFBase.td"

//===----------------------------------------------------------------------===//
// Element-wise binary ops (multidirectional broadcasting)
//===----------------------------------------------------------------------===//

class XF_ArithOp<string mnemonic, string what>
    : XF_BroadcastOp<mnemonic, XF_NumericTensor, XF_NumericTensor,
                     "getLhs().getType().getElementType()",
                     [SameOperandsElementType, SameOperandsAndResultElementType]> {
  let summary = "element-wise " # what # " with broadcasting";
  let description = [{
    Applies the operation element by element after broadcasting both operands
    to a common shape (ONNX multidirectional broadcasting: shapes are aligned
    from the right, and a dimension of size 1 stretches to the other's size).

    Example:
    ```mlir
    %r = xf.}] # mnemonic # [{ %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
    ```
  }];
  let hasFolder = 1;
}

def XF_AddOp : XF_ArithOp<"add", "addition">;
def XF_SubOp : XF_ArithOp<"sub", "subtraction">;
def XF_MulOp : XF_ArithOp<"mul", "multiplication">;
def XF_DivOp : XF_ArithOp<"div", "division (truncating for integers)">;

def XF_PowOp : XF_BroadcastOp<"pow", XF_NumericTensor, XF_NumericTensor,
                              "getLhs().getType().getElementType()"> {
  let summary = "element-wise power with broadcasting";
  let description = [{
    `result = lhs ^ rhs`, broadcast as ONNX `Pow`. The exponent may have another
    element type than the base; the result has the base's element type.
  }];
}

class XF_CompareOp<string mnemonic, string what>
    : XF_BroadcastOp<mnemonic, XF_NumericTensor, XF_BoolTensor,
                     "::mlir::IntegerType::get(getContext(), 1)",
                     [SameOperandsElementType]> {
  let summary = "element-wise " # what # " comparison with broadcasting";
  let description = [{
    Compares the broadcast operands element by element; the result is `i1`.
  }];
  let hasFolder = 1;
}

def XF_EqualOp : XF_CompareOp<"equal", "equality">;
def XF_LessOp : XF_CompareOp<"less", "less-than">;
def XF_LessOrEqualOp : XF_CompareOp<"less_or_equal", "less-or-equal">;
def XF_GreaterOp : XF_CompareOp<"greater", "greater-than">;
def XF_GreaterOrEqualOp : XF_CompareOp<"greater_or_equal", "greater-or-equal">;

class XF_LogicOp<string mnemonic, string what>
    : XF_BroadcastOp<mnemonic, XF_BoolTensor, XF_BoolTensor,
                     "::mlir::IntegerType::get(getContext(), 1)"> {
  let summary = "element-wise logical " # what # " with broadcasting";
  let description = [{ Logical }] # what # [{ of broadcast `i1` tensors. }];
  let hasFolder = 1;
}

def XF_AndOp : XF_LogicOp<"and", "and">;
def XF_OrOp : XF_LogicOp<"or", "or">;

class XF_VariadicExtremumOp<string mnemonic, string what>
    : XF_GraphOp<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = "element-wise " # what # " of one or more tensors";
  let description = [{
    The element-wise }] # what # [{ of all operands after broadcasting them to
    a common shape. At least one operand.
  }];
  let arguments = (ins Variadic<XF_NumericTensor>:$inputs);
  let results = (outs XF_NumericTensor:$result);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred,
        ::mlir::xf::ErrorEmitter emitError) {
      if (getInputs().empty())
        return emitError() << "needs at least one operand";
      return ::mlir::xf::inferBroadcastResultType(getInputs(),
          ::llvm::cast<::mlir::RankedTensorType>(getInputs().front().getType())
              .getElementType(), inferred, emitError);
    }
  }];
}

def XF_MaxOp : XF_VariadicExtremumOp<"max", "maximum">;
def XF_MinOp : XF_VariadicExtremumOp<"min", "minimum">;

def XF_WhereOp : XF_GraphOp<"where"> {
  let summary = "element-wise selection with broadcasting";
  let description = [{
    `result = condition ? x : y`, with all three operands broadcast to a common
    shape. `x` and `y` have the same element type.
  }];
  let arguments = (ins XF_BoolTensor:$condition, XF_Tensor:$x, XF_Tensor:$y);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Element-wise unary ops
//===----------------------------------------------------------------------===//

class XF_FloatUnaryOp<string mnemonic, string what>
    : XF_UnaryOp<mnemonic, XF_FloatTensor> {
  let summary = "element-wise " # what;
  let description = [{ Applies }] # what # [{ to each element. }];
}

def XF_SqrtOp : XF_FloatUnaryOp<"sqrt", "the square root">;
def XF_ReciprocalOp : XF_FloatUnaryOp<"reciprocal", "`1 / x`">;
def XF_ExpOp : XF_FloatUnaryOp<"exp", "the natural exponential">;
def XF_LogOp : XF_FloatUnaryOp<"log", "the natural logarithm">;
def XF_TanhOp : XF_FloatUnaryOp<"tanh", "the hyperbolic tangent">;
def XF_ErfOp : XF_FloatUnaryOp<"erf", "the Gauss error function">;
def XF_SigmoidOp : XF_FloatUnaryOp<"sigmoid", "the logistic function `1 / (1 + exp(-x))`">;
def XF_CosOp : XF_FloatUnaryOp<"cos", "the cosine">;
def XF_SinOp : XF_FloatUnaryOp<"sin", "the sine">;

class XF_NumericUnaryOp<string mnemonic, string what>
    : XF_UnaryOp<mnemonic, XF_NumericTensor> {
  let summary = "element-wise " # what;
  let description = [{ Applies }] # what # [{ to each element. }];
}

def XF_NegOp : XF_NumericUnaryOp<"neg", "negation"> { let hasFolder = 1; }
def XF_AbsOp : XF_NumericUnaryOp<"abs", "the absolute value">;
def XF_ReluOp : XF_NumericUnaryOp<"relu", "`max(x, 0)`">;

def XF_NotOp : XF_UnaryOp<"not", XF_BoolTensor> {
  let summary = "element-wise logical negation";
  let description = [{ Logical not of an `i1` tensor. }];
  let hasFolder = 1;
}

def XF_IdentityOp : XF_UnaryOp<"identity", XF_Tensor> {
  let summary = "the operand, unchanged";
  let description = [{ Folds away; kept only so that import is one op per node. }];
  let hasFolder = 1;
}

def XF_GeluOp : XF_GraphOp<"gelu", [SameOperandsAndResultElementType]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    ONNX `Gelu` (opset 20): `x * 0.5 * (1 + erf(x / sqrt(2)))`, or with
    `approximate = "tanh"` the tanh approximation
    `x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.
  }];
  let arguments = (ins XF_FloatTensor:$input,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$approximate);
  let results = (outs XF_FloatTensor:$result);
}

def XF_CastOp : XF_GraphOp<"cast"> {
  let summary = "element type conversion";
  let description = [{
    ONNX `Cast`: converts each element to the result's element type (the
    operator's `to` attribute). Float to integer truncates toward zero; any
    non-zero value converts to `true`.
  }];
  let arguments = (ins XF_Tensor:$input);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

def XF_MatMulOp : XF_GraphOp<"matmul", [SameOperandsAndResultElementType]> {
  let summary = "NumPy-style matrix product";
  let description = [{
    ONNX `MatMul`: the product of the last two dimensions, broadcasting the
    leading (batch) dimensions. A rank-1 `lhs` is treated as a row vector and a
    rank-1 `rhs` as a column vector; the added dimension is removed again.

    Example:
    ```mlir
    %y = xf.matmul %x, %w : (tensor<?x?x96xf32>, tensor<96x288xf32>) -> tensor<?x?x288xf32>
    ```
  }];
  let arguments = (ins XF_NumericTensor:$lhs, XF_NumericTensor:$rhs);
  let results = (outs XF_NumericTensor:$result);
}

def XF_GemmOp : XF_GraphOp<"gemm"> {
  let summary = "general matrix multiply with optional bias";
  let description = [{
    ONNX `Gemm`: `alpha * op(a) * op(b) + beta * c`, where `op` transposes when
    `trans_a` / `trans_b` is set. `a` and `b` are rank 2; `c`, if present,
    broadcasts unidirectionally to the `M x N` result.
  }];
  let arguments = (ins XF_FloatTensor:$a, XF_FloatTensor:$b,
                       Optional<XF_FloatTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs XF_FloatTensor:$result);
}

def XF_EinsumOp : XF_GraphOp<"einsum"> {
  let summary = "Einstein summation";
  let description = [{
    ONNX `Einsum` with an explicit or implicit output (`"bhqd,bhkd->bhqk"`).
    Ellipses are not supported.
  }];
  let arguments = (ins Variadic<XF_NumericTensor>:$inputs, StrAttr:$equation);
  let results = (outs XF_NumericTensor:$result);
}

//===----------------------------------------------------------------------===//
// Normalizations and reductions
//===----------------------------------------------------------------------===//

class XF_SoftmaxBase<string mnemonic, string what>
    : XF_GraphOp<mnemonic, [SameOperandsAndResultElementType,
                            XF_Decomposable]> {
  let summary = what # " along one axis";
  let description = [{
    ONNX `}] # what # [{` (opset 13 semantics: normalizes along the single
    axis `axis`, which may be negative).
  }];
  let arguments = (ins XF_FloatTensor:$input,
                       DefaultValuedAttr<XF_I64Attr, "-1">:$axis);
  let results = (outs XF_FloatTensor:$result);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred,
        ::mlir::xf::ErrorEmitter emitError) {
      if (failed(::mlir::xf::checkAxis(getAxis(), getInput().getType().getRank(),
                                       emitError)))
        return ::mlir::failure();
      inferred.push_back(getInput().getType());
      return ::mlir::success();
    }
  }];
}

def XF_SoftmaxOp : XF_SoftmaxBase<"softmax", "Softmax">;
def XF_LogSoftmaxOp : XF_SoftmaxBase<"log_softmax", "LogSoftmax">;

def XF_ReduceMeanOp : XF_ReduceOp<"reduce_mean"> {
  let summary = "mean over axes";
  let description = [{
    ONNX `ReduceMean` (opset 18 semantics, with the axes as an attribute):
    without `axes`, reduces every dimension unless `noop_with_empty_axes`.
  }];
}
def XF_ReduceSumOp : XF_ReduceOp<"reduce_sum"> {
  let summary = "sum over axes";
  let description = [{ ONNX `ReduceSum`; axes as for `xf.reduce_mean`. }];
}
def XF_ReduceMaxOp : XF_ReduceOp<"reduce_max"> {
  let summary = "maximum over axes";
  let description = [{ ONNX `ReduceMax`; axes as for `xf.reduce_mean`. }];
}

def XF_CumSumOp : XF_GraphOp<"cumsum", [SameOperandsAndResultElementType]> {
  let summary = "cumulative sum along an axis";
  let description = [{
    ONNX `CumSum` with the axis as an attribute; `exclusive` leaves out the
    current element, `reverse` sums from the end.
  }];
  let arguments = (ins XF_NumericTensor:$input, XF_I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs XF_NumericTensor:$result);
}

def XF_TopKOp : XF_GraphOp<"topk"> {
  let summary = "the k largest or smallest elements along an axis";
  let description = [{
    ONNX `TopK` with `k` as an attribute: `values` and their `i64` `indices`
    along `axis`, largest first unless `largest` is false.
  }];
  let arguments = (ins XF_NumericTensor:$input, XF_I64Attr:$k,
                       DefaultValuedAttr<XF_I64Attr, "-1">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs XF_NumericTensor:$values, XF_I64Tensor:$indices);
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

def XF_ReshapeOp : XF_GraphOp<"reshape"> {
  let summary = "reshape to a shape given as a tensor";
  let description = [{
    ONNX `Reshape`: `shape` is a rank-1 `i64` tensor; an entry of 0 copies the
    input's dimension at that position (unless `allowzero`), -1 is inferred
    from the element count.
  }];
  let arguments = (ins XF_Tensor:$data, XF_I64Tensor:$shape,
                       DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def XF_TransposeOp : XF_GraphOp<"transpose"> {
  let summary = "permute dimensions";
  let description = [{
    ONNX `Transpose`: result dimension `i` is input dimension `perm[i]`; no
    `perm` reverses the dimensions.
  }];
  let arguments = (ins XF_Tensor:$data, OptionalAttr<DenseI64ArrayAttr>:$perm);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

def XF_ConcatOp : XF_GraphOp<"concat"> {
  let summary = "concatenate along an axis";
  let description = [{ ONNX `Concat` of one or more tensors along `axis`. }];
  let arguments = (ins Variadic<XF_Tensor>:$inputs, XF_I64Attr:$axis);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

def XF_SplitOp : XF_GraphOp<"split"> {
  let summary = "split along an axis";
  let description = [{
    ONNX `Split` with the sizes as an attribute: `split` gives each result's
    extent along `axis`; without it the dimension is divided evenly (the last
    part smaller when it does not divide, as in opset 18).
  }];
  let arguments = (ins XF_Tensor:$input, DefaultValuedAttr<XF_I64Attr, "0">:$axis,
                       OptionalAttr<DenseI64ArrayAttr>:$split);
  let results = (outs Variadic<XF_Tensor>:$outputs);
}

def XF_SliceOp : XF_GraphOp<"slice"> {
  let summary = "strided slice with bounds given as tensors";
  let description = [{
    ONNX `Slice`: `starts` and `ends` are rank-1 integer tensors (possibly
    computed at run time) with one entry per axis in `axes` (default: the
    leading dimensions); `steps` defaults to 1. Bounds are clamped as ONNX
    specifies, and negative bounds count from the end.
  }];
  let arguments = (ins XF_Tensor:$data, XF_IndexTensor:$starts,
                       XF_IndexTensor:$ends,
                       OptionalAttr<DenseI64ArrayAttr>:$axes,
                       OptionalAttr<DenseI64ArrayAttr>:$steps);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

def XF_ExpandOp : XF_GraphOp<"expand"> {
  let summary = "broadcast to a shape given as a tensor";
  let description = [{
    ONNX `Expand`: the result's shape is the broadcast of the input's shape and
    `shape` (a rank-1 `i64` tensor), so a 1 in `shape` keeps the input's size.
  }];
  let arguments = (ins XF_Tensor:$input, XF_I64Tensor:$shape);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def XF_UnsqueezeOp : XF_GraphOp<"unsqueeze", [SameOperandsAndResultElementType]> {
  let summary = "insert size-1 dimensions";
  let description = [{
    ONNX `Unsqueeze` with the axes as an attribute; axes index the result and
    may be negative.
  }];
  let arguments = (ins XF_Tensor:$data, DenseI64ArrayAttr:$axes);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

def XF_SqueezeOp : XF_GraphOp<"squeeze", [SameOperandsAndResultElementType]> {
  let summary = "remove size-1 dimensions";
  let description = [{
    ONNX `Squeeze` with the axes as an attribute; without axes, removes every
    dimension of static size 1.
  }];
  let arguments = (ins XF_Tensor:$data, OptionalAttr<DenseI64ArrayAttr>:$axes);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

def XF_FlattenOp : XF_GraphOp<"flatten", [SameOperandsAndResultElementType]> {
  let summary = "flatten to a matrix";
  let description = [{
    ONNX `Flatten`: dimensions before `axis` become the rows, the rest the
    columns.
  }];
  let arguments = (ins XF_Tensor:$input, DefaultValuedAttr<XF_I64Attr, "1">:$axis);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

def XF_ShapeOp : XF_GraphOp<"shape"> {
  let summary = "the shape of a tensor as an i64 tensor";
  let description = [{
    ONNX `Shape`, optionally of dimensions `start..end` only. Folds to a
    constant when those dimensions are static.
  }];
  let arguments = (ins XF_Tensor:$data,
                       DefaultValuedAttr<XF_I64Attr, "0">:$start,
                       OptionalAttr<XF_I64Attr>:$end);
  let results = (outs XF_I64Tensor:$shape);
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The dimensions [first, end) returned, after ONNX's clamping.
    std::pair<int64_t, int64_t> getDimRange();
  }];
}

//===----------------------------------------------------------------------===//
// Constants and generators
//===----------------------------------------------------------------------===//

def XF_ConstantOp : XF_GraphOp<"constant",
    [ConstantLike, AllTypesMatch<["value", "result"]>]> {
  let summary = "a constant tensor";
  let description = [{
    ONNX `Constant` and initializers. Large weights are `dense_resource`
    blobs, so printing the IR never copies them.

    Example:
    ```mlir
    %c = xf.constant dense<[0, 1]> : tensor<2xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs XF_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def XF_ConstantOfShapeOp : XF_GraphOp<"constant_of_shape"> {
  let summary = "a tensor of one repeated value, shape given as a tensor";
  let description = [{
    ONNX `ConstantOfShape`: `value` is a one-element tensor whose element type
    is the result's.
  }];
  let arguments = (ins XF_I64Tensor:$shape, ElementsAttr:$value);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
}

def XF_RangeOp : XF_GraphOp<"range"> {
  let summary = "an arithmetic sequence";
  let description = [{
    ONNX `Range`: `start, start + delta, ...` up to but not including `limit`;
    `max(ceil((limit - start) / delta), 0)` elements. The operands are scalars
    (rank 0) of the result's element type.
  }];
  let arguments = (ins XF_NumericTensor:$start, XF_NumericTensor:$limit,
                       XF_NumericTensor:$delta);
  let results = (outs XF_NumericTensor:$result);
  let hasFolder = 1;
}

def XF_TriluOp : XF_GraphOp<"trilu"> {
  let summary = "upper or lower triangle of the last two dimensions";
  let description = [{
    ONNX `Trilu`: keeps elements on and above (`upper`) or on and below the
    `k`-th diagonal, zeroing the rest. `k` is an optional scalar (or
    one-element) i64 operand, 0 when absent; it may be known only at run time.
  }];
  let arguments = (ins XF_Tensor:$input, Optional<XF_I64Tensor>:$k,
                       DefaultValuedAttr<BoolAttr, "true">:$upper);
  let results = (outs XF_Tensor:$result);
}

def XF_NonZeroOp : XF_GraphOp<"nonzero"> {
  let summary = "indices of non-zero elements";
  let description = [{
    ONNX `NonZero`: an `i64` tensor of shape `rank x count`, in row-major order.
    The count is known only at run time.
  }];
  let arguments = (ins XF_Tensor:$input);
  let results = (outs XF_I64Tensor:$indices);
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

def XF_GatherOp : XF_GraphOp<"gather"> {
  let summary = "gather slices along an axis";
  let description = [{
    ONNX `Gather`: result shape is `data.shape[:axis] + indices.shape +
    data.shape[axis+1:]`; negative indices count from the end.
  }];
  let arguments = (ins XF_Tensor:$data, XF_IndexTensor:$indices,
                       DefaultValuedAttr<XF_I64Attr, "0">:$axis);
  let results = (outs XF_Tensor:$result);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def XF_GatherElementsOp : XF_GraphOp<"gather_elements"> {
  let summary = "gather single elements along an axis";
  let description = [{
    ONNX `GatherElements`: the result has the shape of `indices`, which has the
    rank of `data`.
  }];
  let arguments = (ins XF_Tensor:$data, XF_IndexTensor:$indices,
                       DefaultValuedAttr<XF_I64Attr, "0">:$axis);
  let results = (outs XF_Tensor:$result);
}

def XF_GatherNDOp : XF_GraphOp<"gather_nd"> {
  let summary = "gather slices by index tuples";
  let description = [{
    ONNX `GatherND`: the last dimension of `indices` (static) holds index tuples
    into `data` after `batch_dims` shared leading dimensions.
  }];
  let arguments = (ins XF_Tensor:$data, XF_IndexTensor:$indices,
                       DefaultValuedAttr<XF_I64Attr, "0">:$batch_dims);
  let results = (outs XF_Tensor:$result);
}

def XF_ScatterNDOp : XF_GraphOp<"scatter_nd"> {
  let summary = "scatter slices by index tuples";
  let description = [{
    ONNX `ScatterND`: a copy of `data` with slices replaced (or combined with
    `reduction` = `add`, `mul`, `max`, `min`) by `updates` at the tuples of
    `indices`.
  }];
  let arguments = (ins XF_Tensor:$data, XF_IndexTensor:$indices,
                       XF_Tensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs XF_Tensor:$result);
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def XF_DequantizeLinearOp : XF_GraphOp<"dequantize_linear"> {
  let summary = "integers to floating point through a scale and zero point";
  let description = [{
    ONNX `DequantizeLinear` (opset 21): `result = (input - zero_point) * scale`
    in the scale's element type. Per tensor when `scale` has one element; per
    axis when it is rank 1 with `input.shape[axis]` entries; blocked when
    `block_size` > 0 and `scale` has the input's rank with
    `ceil(input.shape[axis] / block_size)` entries along `axis`. The optional
    `zero_point` has the scale's shape and the input's element type (0 when
    absent). A constant 8-bit matrix that products read through this op is
    raised to `xf.quantized_weight`.
  }];
  let arguments = (ins XF_IntTensor:$input, XF_FloatTensor:$scale,
                       Optional<XF_IntTensor>:$zero_point,
                       DefaultValuedAttr<XF_I64Attr, "1">:$axis,
                       DefaultValuedAttr<XF_I64Attr, "0">:$block_size);
  let results = (outs XF_FloatTensor:$result);
}

def XF_QuantizedWeightOp : XF_GraphOp<"quantized_weight"> {
  let summary = "a matrix product's weight, stored packed and quantized";
  let description = [{
    The `[K, N]` floating-point right operand of a matrix product, stored as
    `bits`-bit integers (4 or 8) packed along K: row `n` of `packed` holds
    the N-th output's K values, `8 / bits` to a byte, the first in the low
    bits (the layout of ONNX Runtime's MatMulNBits). Values are unsigned,
    or two's complement when `is_signed` is set. K is `k`; a row may hold more
    values than K (padding to a whole group), which are ignored.

    ```
    result[k, n] = (q(n, k) - zero_points[n, k / group_size])
                   * scales[n, k / group_size]
    ```

    `scales` is `[N, ceil(K / group_size)]` and gives the result's element
    type; the optional `zero_points` (integers of the values' range, one per
    element) has its shape and is 0 when absent. A `group_size` of K is one
    scale per output channel. Every quantized weight is written this way
    (MatMulNBits, DequantizeLinear of a constant before a product), so
    kernels that read packed weights match one op: the CPU's dequantizing
    matrix product reads `packed` without expanding it; elsewhere the op
    lowers to the element-wise dequantization.

    Leading dimensions shared by `packed`, `scales` and `zero_points` stack
    such matrices (`[E, N, bytes]` gives `[E, K, N]`): ONNX Runtime's QMoE
    experts, which `xf-moe-dispatch` reads one matrix at a time.
  }];
  let arguments = (ins RankedTensorOf<[I8, UI8]>:$packed,
                       XF_FloatTensor:$scales,
                       Optional<XF_IntTensor>:$zero_points,
                       XF_I64Attr:$bits, XF_I64Attr:$group_size,
                       XF_I64Attr:$k,
                       DefaultValuedAttr<BoolAttr, "false">:$is_signed);
  let results = (outs XF_FloatTensor:$result);
}

def XF_QuantizeLinearOp : XF_GraphOp<"quantize_linear"> {
  let summary = "floating point to integers through a scale and zero point";
  let description = [{
    ONNX `QuantizeLinear`: `result = saturate(round_half_even(input / scale) +
    zero_point)` in the result's integer type. Scale and zero point as for
    `xf.dequantize_linear`; the zero point, when present, has the result's
    element type.
  }];
  let arguments = (ins XF_FloatTensor:$input, XF_FloatTensor:$scale,
                       Optional<XF_IntTensor>:$zero_point,
                       DefaultValuedAttr<XF_I64Attr, "1">:$axis,
                       DefaultValuedAttr<XF_I64Attr, "0">:$block_size);
  let results = (outs XF_IntTensor:$result);
}

def XF_DynamicQuantizeLinearOp : XF_GraphOp<"dynamic_quantize_linear"> {
  let summary = "quantize to ui8 with a scale computed from the data";
  let description = [{
    ONNX `DynamicQuantizeLinear`: `scale = (max(0, max(x)) - min(0, min(x))) /
    255`, `zero_point = saturate(round(-min(0, min(x)) / scale))`, and the
    input quantized with them; results `y` (ui8, the input's shape), `scale`
    (f32 scalar) and `zero_point` (ui8 scalar).
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input);
  let results = (outs RankedTensorOf<[UI8]>:$y, RankedTensorOf<[F32]>:$y_scale,
                      RankedTensorOf<[UI8]>:$y_zero_point);
}

def XF_MatMulIntegerOp : XF_GraphOp<"matmul_integer"> {
  let summary = "integer matrix product with zero points, in i32";
  let description = [{
    ONNX `MatMulInteger`: `(lhs - lhs_zero_point) * (rhs - rhs_zero_point)`
    with `xf.matmul` shapes, accumulated in i32. The zero points are scalars,
    or per row of `lhs` (`[M]`) and per column of `rhs` (`[N]`); the importer
    writes zero constants for absent ones.
  }];
  let arguments = (ins XF_IntTensor:$lhs, XF_IntTensor:$rhs,
                       XF_IntTensor:$lhs_zero_point,
                       XF_IntTensor:$rhs_zero_point);
  let results = (outs RankedTensorOf<[I32]>:$result);
}

#endif // XFC_DIALECT_XF_IR_XFGRAPHOPS_TD

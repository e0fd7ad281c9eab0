//===- XFBase.td - the xf dialect, its type constraints and op bases ------===//
//
// Everything the op files share: the dialect itself, the tensor types xf ops
// accept, the attribute enums and the base classes that give each op family its
// traits and its textual form.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECT_XF_IR_XFBASE_TD
#define XFC_DIALECT_XF_IR_XFBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Dialect/Linalg/IR/LinalgInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "xfc/Dialect/XF/IR/XFInterfaces.td"

def XF_Dialect : Dialect {
  let name = "xf";
  let cppNamespace = "::mlir::xf";
  let summary = "Transformer graphs, from imported ONNX nodes down to kernels";
  let description = [{
    The one dialect of xfc. Its graph-level ops mirror ONNX operators with ONNX
    semantics (multidirectional broadcasting, negative axes, optional inputs);
    its transformer-level ops (`xf.attention`, `xf.rms_norm`, `xf.layer_norm`,
    `xf.linear`, `xf.gated_mlp`) are what the raise passes form from those
    graphs.

    Every xf tensor is ranked. A dynamic dimension (`?`) stands for a symbolic
    ONNX dimension; verifiers and shape inference treat `?` as compatible with
    any size, so `?` against 4 is never an error.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  // `xf.kernel_config` on any op must be a #xf.kernel_config,
  // `xf.device_copy_of` and `xf.parallel_entry_of` symbol references on
  // symbols, `xf.full_precision` a unit attribute.
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// On the CUDA target, on a global's declaration: the global (a flat
    /// symbol reference) that the declaration is the device copy of, which
    /// the library's runtime uploads into it. Passes and the library
    /// writer find device copies by it, never by their names.
    static constexpr ::llvm::StringLiteral kDeviceCopyOfAttrName =
        "xf.device_copy_of";
    /// On the CPU target, on a function's declaration: the kernel (a flat
    /// symbol reference) that the declaration runs on the runtime's
    /// threads, over a range of its outermost loop; the declaration is
    /// defined when the module is in the LLVM dialect.
    static constexpr ::llvm::StringLiteral kParallelEntryOfAttrName =
        "xf.parallel_entry_of";
    /// A unit attribute on a matrix product (xf, then linalg): computed in
    /// f32 whatever the target's precision. MoE routers carry it, where a
    /// bf16 rounding would flip near-tied expert choices.
    static constexpr ::llvm::StringLiteral kFullPrecisionAttrName =
        "xf.full_precision";
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def XF_FloatTensor : RankedTensorOf<[AnyFloat]>;
def XF_IntTensor : RankedTensorOf<[AnyInteger]>;
def XF_BoolTensor : RankedTensorOf<[I1]>;
def XF_IndexTensor : RankedTensorOf<[I32, I64]>;
def XF_I64Tensor : RankedTensorOf<[I64]>;
def XF_NumericTensor : RankedTensorOf<[AnyFloat, AnyInteger]>;
def XF_Tensor : RankedTensorOf<[AnyType]>;

// An i64 attribute read back as a signed value (upstream's I64Attr yields
// uint64_t, which turns the negative axes ONNX allows into huge ones).
def XF_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                              "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def XF_Activation_None : I32EnumAttrCase<"none", 0>;
def XF_Activation_Relu : I32EnumAttrCase<"relu", 1>;
def XF_Activation_Gelu : I32EnumAttrCase<"gelu", 2>;
def XF_Activation_GeluTanh : I32EnumAttrCase<"gelu_tanh", 3>;
def XF_Activation_Silu : I32EnumAttrCase<"silu", 4>;

def XF_ActivationEnum : I32EnumAttr<"Activation",
    "element-wise function applied to a linear layer's output",
    [XF_Activation_None, XF_Activation_Relu, XF_Activation_Gelu,
     XF_Activation_GeluTanh, XF_Activation_Silu]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xf";
}

def XF_ActivationAttr : EnumAttr<XF_Dialect, XF_ActivationEnum, "activation">;

def XF_KernelKind_MmaSync : I32EnumAttrCase<"MmaSync", 0, "mma_sync">;
def XF_KernelKind_Simt : I32EnumAttrCase<"Simt", 1, "simt">;
def XF_KernelKind_Vector : I32EnumAttrCase<"Vector", 2, "vector">;
def XF_KernelKind_Avx2 : I32EnumAttrCase<"Avx2", 3, "avx2">;
def XF_KernelKind_Avx512 : I32EnumAttrCase<"Avx512", 4, "avx512">;
def XF_KernelKind_MmaSp : I32EnumAttrCase<"MmaSp", 5, "mma_sp">;

def XF_KernelKindEnum : I32EnumAttr<"KernelKind",
    "the instructions a kernel computes with",
    [XF_KernelKind_MmaSync, XF_KernelKind_Simt, XF_KernelKind_Vector,
     XF_KernelKind_Avx2, XF_KernelKind_Avx512, XF_KernelKind_MmaSp]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xf";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def XF_KernelConfigAttr : AttrDef<XF_Dialect, "KernelConfig"> {
  let mnemonic = "kernel_config";
  let summary = "How a kernel is built: instructions, tiles, threads";
  let description = [{
    The configuration a target's selection pass chose for one kernel-level
    op (`xf-select-cuda-kernel-configs`, `xf-select-cpu-kernel-configs`),
    which the kernel generator reads: nothing in a generator fixes a tile
    size. Attached to the op as `xf.kernel_config` and kept on the
    generated kernel's main loop, so `xfc --emit=kernels` shows it; set it
    by hand (in IR given to `xfc-opt`) to try another.

    - `mma_sync` (a matrix product on the tensor cores, `mma.sync`):
      `tile = [M, N, K]` is a block's output tile and reduction step,
      `warp_tile = [M, N]` each warp's part of it (multiples of 16 and 8),
      `threads` = 32 per warp.
    - `mma_sp` (a product by a 2:4 sparse constant weight on the sparse
      tensor cores, `mma.sp`): `tile = [M, N, K]` as for `mma_sync` (K a
      multiple of 32), `warp_tile = [M, N]` (multiples of 8 and 16).
    - `simt` (attention on the CUDA cores): `tile = [queries, keys]`, the
      queries a block takes and the keys it reads per step; `threads` a
      multiple of the queries (lanes per query).
    - `vector` (a CPU kernel: loops of vector code whose outer iterations
      the runtime's threads share; a tile only, no `warp_tile`, `threads`
      or `stages`). For a matrix product, `tile = [M, N, N1]`: M x N
      blocks of the output whose accumulator stays in registers across the
      reduction, and 1 x N1 blocks (N1 a multiple of N) for the rows past
      the last multiple of M (a single token's); a constant right operand
      is stored in panels N columns wide. For attention, `tile = [queries,
      keys]`: the queries a block takes and the keys each step of its
      online softmax reads. For a product by an `xf.quantized_weight`
      (configured on the weight), `tile = [rows, columns]`: the rows that
      share each unpacked step of the weight, and the columns of a tile
      (whole vectors of 8 lanes, 16 with `avx512`).
    - `avx2`, `avx512`: as `vector`, with the x86 extension's 16-bit
      multiply-add of pairs (vpmaddwd) where the kernel multiplies integers.

    `stages` is how many reduction steps are staged in shared memory at a
    time (1: load, then compute).

    ```mlir
    #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 128, stages = 1>
    #xf.kernel_config<vector, tile = [8, 32, 128]>
    ```
  }];
  let parameters = (ins
    EnumParameter<XF_KernelKindEnum>:$kind,
    ArrayRefParameter<"int64_t">:$tile,
    OptionalArrayRefParameter<"int64_t">:$warpTile,
    // 0: none (a vector kernel's).
    OptionalParameter<"int64_t">:$threads,
    OptionalParameter<"int64_t">:$stages
  );
  // `<` kind `,` `tile = [...]` then, each where given, `, warp_tile = [...]`,
  // `, threads = N`, `, stages = N` (KernelConfig.cpp).
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The attribute's name on the ops it configures.
    static constexpr ::llvm::StringLiteral kName = "xf.kernel_config";
  }];
}

//===----------------------------------------------------------------------===//
// Op base classes
//===----------------------------------------------------------------------===//

def XF_GraphOpsGroup : OpDocGroup {
  let summary = "Graph-level ops";
  let description = [{
    One op per ONNX operator, with the operator's semantics at the newest opset
    xfc imports. Inputs that exporters always write as constants (axes, `k`,
    split sizes) are attributes; inputs that can be computed at run time
    (shapes, slice bounds, indices) are operands.
  }];
}

def XF_TransformerOpsGroup : OpDocGroup {
  let summary = "Transformer-level ops";
  let description = [{
    The building blocks of transformer layers that the raise passes form from
    graph-level subgraphs (the importer writes the ONNX operators that are
    one of them, such as LayerNormalization, as it directly), and that the
    kernel generators lower.
  }];
}

// Every xf op is pure, infers its result types (used by the verifier and by
// `xf-infer-shapes`) and prints its operand and result types in one list.
class XF_Op<string mnemonic, list<Trait> traits = []>
    : Op<XF_Dialect, mnemonic,
         !listconcat([Pure, DeclareOpInterfaceMethods<XF_ShapeInferenceOpInterface>],
                     traits)> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

// ONNX operators that map one ONNX node to one op.
class XF_GraphOp<string mnemonic, list<Trait> traits = []>
    : XF_Op<mnemonic, traits> {
  let opDocGroup = XF_GraphOpsGroup;
}

class XF_TransformerOp<string mnemonic, list<Trait> traits = []>
    : XF_Op<mnemonic, traits> {
  let opDocGroup = XF_TransformerOpsGroup;
}

// An op that is defined by simpler xf ops: upstream's decomposition
// interface, implemented in lib/Dialect/XF/IR/Decompositions.cpp. Lowerings
// without a kernel of their own for the op replace it with its
// decomposition (`xf-convert-to-linalg`, `xf-decompose`).
defvar XF_Decomposable =
    DeclareOpInterfaceMethods<AggregatedOpInterface, ["decomposeOperation"]>;

// Element-wise ops with ONNX multidirectional broadcasting.
// `resultElement` is C++ that yields the result's element type.
class XF_BroadcastOp<string mnemonic, TypeConstraint operandType,
                     TypeConstraint resultType, string resultElement,
                     list<Trait> traits = []>
    : XF_GraphOp<mnemonic, traits> {
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs resultType:$result);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred,
        ::mlir::xf::ErrorEmitter emitError) {
      return ::mlir::xf::inferBroadcastResultType(
          getOperation()->getOperands(), }] # resultElement # [{, inferred, emitError);
    }
  }];
}

class XF_UnaryOp<string mnemonic, TypeConstraint type, list<Trait> traits = []>
    : XF_GraphOp<mnemonic, traits # [SameOperandsAndResultElementType]> {
  let arguments = (ins type:$input);
  let results = (outs type:$result);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred, ::mlir::xf::ErrorEmitter) {
      inferred.push_back(getInput().getType());
      return ::mlir::success();
    }
  }];
}

class XF_ReduceOp<string mnemonic> : XF_GraphOp<mnemonic> {
  let arguments = (ins XF_NumericTensor:$data,
                       OptionalAttr<DenseI64ArrayAttr>:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$noop_with_empty_axes);
  let results = (outs XF_NumericTensor:$reduced);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred,
        ::mlir::xf::ErrorEmitter emitError) {
      return ::mlir::xf::inferReduceResultType(getData().getType(), getAxes(),
          getKeepdims(), getNoopWithEmptyAxes(), inferred, emitError);
    }
  }];
}

#endif // XFC_DIALECT_XF_IR_XFBASE_TD

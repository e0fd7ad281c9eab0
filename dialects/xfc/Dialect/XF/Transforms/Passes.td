//===- Passes.td - passes over the xf dialect ------------------------------===//

#ifndef XFC_DIALECT_XF_TRANSFORMS_PASSES_TD
#define XFC_DIALECT_XF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferShapesPass : Pass<"xf-infer-shapes", "func::FuncOp"> {
  let summary = "Refine xf result types from their operands, folding as it goes";
  let description = [{
    Visits the function's xf ops in order and replaces each result type with
    the most static type that agrees with both the current type and the type
    the op infers from its operands (constant shape operands included), then
    folds the op if it can. One sweep thus carries static shapes through
    shape arithmetic that only folds once its inputs are static. The
    function's result types are updated to what it returns. Dynamic
    dimensions that nothing determines stay dynamic.
  }];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def RaiseAttentionPass : Pass<"xf-raise-attention", "func::FuncOp"> {
  let summary = "Recognize scaled dot-product attention and write it as xf.attention";
  let description = [{
    Matches `matmul(softmax(matmul(Q, Kt) [* or / a constant] [+ mask]), V)`
    on rank-4 f32 tensors, softmax along the last axis, as the TorchScript
    and dynamo exporters write it (a constant scale on the scores, a float
    mask added), and replaces it with `xf.attention` on
    `Q`, `transpose(Kt)`, `V` and the mask, with the constant as `scale`
    (1 when there is none). Intermediate results used elsewhere keep the
    subgraph as it is. `xfc --report=fusion` lists what was raised and, for
    each softmax left, why it was not. The rewrite pattern:
    `populateRaiseAttentionPatterns` (`xfc/Dialect/XF/Transforms/Patterns.h`).
    This pass and the other raise passes report why they left a candidate
    as missed remarks of their name:
    `--remarks-filter-missed='xf-raise.*' --remark-format=emitRemark`.
  }];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def RaiseNormsPass : Pass<"xf-raise-norms", "func::FuncOp"> {
  let summary = "Recognize RMS and layer normalizations as transformer ops";
  let description = [{
    `w * (x * 1/sqrt(mean(x^2) + eps))` over the last axis (the square as
    Pow(x, 2) or x * x; the inverse as Div(1, .), Reciprocal, or a Div of
    x; operands of Mul and Add in either order), as Llama-style models
    export RMSNorm, becomes `xf.rms_norm`. Uses of the normalized value's
    shape are answered from the input's shape. (ONNX LayerNormalization and
    RMSNormalization are imported as `xf.layer_norm` and `xf.rms_norm`.)
    The rewrite patterns: `populateRaiseNormsPatterns`.
  }];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def RaiseMLPPass : Pass<"xf-raise-mlp", "func::FuncOp"> {
  let summary = "Recognize GELU, dense layers and gated MLPs as transformer ops";
  let description = [{
    Forms, in this order:
    - `xf.gelu` from `0.5 * x * (1 + erf(x / sqrt(2)))` (the division
      possibly a product by 1/sqrt(2)) and from
      `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))` (the cube
      as Pow or two products), factors in any order and association;
    - `xf.linear` from `MatMul` (or an unscaled `Gemm`; with `trans_b`,
      its constant weight is transposed now) by a `[K, N]` f32 weight
      computed from constants alone (int4 and int8 weights dequantized on
      the way included), taking in
      an `Add` of a constant `[N]` bias and a following ReLU, GELU or SiLU
      (`v * sigmoid(v)`) when nothing else reads the intermediate values;
    - `xf.gated_mlp` from `down(activation(gate(x)) * up(x))`, three
      linears without biases.
    Constants are compared with a relative tolerance of 1e-4 (exporters
    round sqrt(2) and sqrt(2/pi) differently). The rewrite patterns:
    `populateRaiseMLPPatterns`; the order above comes from applying them
    bottom-up (a GELU formula is visited before the product it reads).
  }];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def RaiseRopePass : Pass<"xf-raise-rope", "func::FuncOp"> {
  let summary = "Recognize rotate-half rotary embeddings as xf.rope";
  let description = [{
    `q * cos + concat(-q[..., D/2:], q[..., :D/2]) * sin` on a rank-4
    `[B, H, S, D]` tensor, the slices along the last axis, becomes
    `xf.rope`, when the `[B, 1, S, D]` tables are unsqueezed (at axis 1)
    from `cos(concat(f, f))` and `sin(concat(f, f))`, possibly times a
    scalar (Hugging Face's attention scaling): both halves of such a table
    are `cos(f)`, which is what `xf.rope` takes. Tables of any other origin
    (a constant cache, a gather of one) leave the subgraph as it is. The
    rewrite pattern: `populateRaiseRopePatterns`.
  }];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def RaiseMoEPass : Pass<"xf-raise-moe", "func::FuncOp"> {
  let summary = "Recognize mixture-of-experts blocks and write them as xf.moe";
  let description = [{
    Every form starts from softmax over `[T, E]` router logits, its top-k
    and, optionally, the k weights divided by their sum (`normalize`).
    Forms raised:
    - gathered experts (Hugging Face's `batched_mm`): the token rows, each
      repeated k times (Expand or Tile between the token and feature
      dimensions), multiplied by their chosen experts' matrices gathered
      (`Gather` or `GatherND`, the indices possibly clamped to [0, E-1])
      from constant `[E, 2F, D]` gate/up and `[E, D, F]` down stacks; the
      gate/up product split in halves (Split or Slice), `silu(gate) * up`,
      weighted by the routing and summed over the k choices;
    - per-expert sums (Hugging Face's eager loop, our zoo's moesparse): for
      every expert, the (token, choice) pairs that chose it (NonZero of
      `indices == e`, or of expert e's slice of the transposed one-hot of
      the indices), its SwiGLU MLP (an `xf.gated_mlp`, or products by its
      matrices gathered from the stacks) on those tokens' rows (Gather or
      GatherND), times the pairs' routing weights (GatherND, or Gather of
      the flattened weights at `token * k + choice`), added into the
      tokens' rows of zeros: ScatterND with `add`, or (`index_add_` as
      TorchScript writes it) ScatterND of the rows into zeros plus Add.
      Every expert must be added once. A trace that unrolled the loop over
      the experts it met reads expert i as entry i of NonZero of the
      experts hit, cut by a Split into E pieces: a run reaching fewer
      experts stops at that Split (in ONNX Runtime too), so where the
      graph runs, entry i is expert i; xf.moe runs the chosen experts for
      any input, so such a model computes where ONNX Runtime stops;
    - dense sums: every expert's MLP on every token, times the routing
      weight the token gives it (the sum over k of the weights where
      `indices == e`), added up over all experts.
    The expert weights become stacked constants in xf.moe's layout
    (`[E, D, F]`, `[E, D, F]`, `[E, F, D]`). A subgraph left as it was is
    reported with its reason as a missed remark (category xf-raise-moe);
    `xfc --report=fusion` lists each routing left outside xf.moe.
  }];
  let dependentDialects = ["::mlir::xf::XFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def MoeDispatchPass : Pass<"xf-moe-dispatch", "ModuleOp"> {
  let summary = "Run each token through its chosen experts only";
  let description = [{
    Replaces each `xf.moe` by its decomposition: routing (softmax, top-k,
    renormalization), a counting sort of the T*k (token, choice)
    assignments by expert (counts, exclusive prefix sums, ranks), the rows
    gathered into expert-contiguous order, one `xf.gated_mlp` per expert
    over its rows (a slice sized at run time, so an expert no token chose
    reads none of its weights), and the outputs gathered back per token,
    weighted and summed. A constant weight stack is cut into one constant
    per expert, which the product kernels pack (and `xf-quantize`
    quantizes) like any other weight. With `row-multiple` above 1, each
    expert with more than one row has its rows padded to a multiple of it
    (with copies of token 0's row, whose results are not read), so that its
    products run whole row blocks instead of rereading the weights for each
    row left over; a single row (decoding) stays one row wide.
  }];
  let options = [
    Option<"rowMultiple", "row-multiple", "int64_t", /*default=*/"1",
           "Pad each expert's rows to a multiple of this (the products' row block)">
  ];
  let dependentDialects = ["::mlir::xf::XFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QuantizeWeightsPass : Pass<"xf-quantize", "func::FuncOp"> {
  let summary = "Quantize the constant weights of matrix products";
  let description = [{
    Each f32 constant weight of `xf.linear`, `xf.gated_mlp` and `xf.matmul`
    becomes an `xf.quantized_weight` of `bits`-bit values in groups of
    `group-size` along K, rounded to nearest as ONNX Runtime's
    MatMul4BitsQuantizer does: asymmetric by default (each group's range,
    widened to hold 0, spread over the integers, with a zero point), or
    `symmetric` (the group's largest magnitude maps to -2^(bits-1), zero
    point 2^(bits-1)). Weights whose initializer or ONNX node name matches
    the regular expression `exclude` stay f32. Each quantized weight is
    reported as a remark at its op: bits, group and the relative L2 error of
    the dequantized weight. Products then take the target's quantized
    kernels (xf-cpu-quantized-matmul on the CPU).
  }];
  let options = [
    Option<"bits", "bits", "int64_t", /*default=*/"4",
           "Bits per value: 4 or 8">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"128",
           "Values per scale along K (a multiple of 2; K for one per output)">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"false",
           "No zero points: the largest magnitude of each group sets its scale">,
    Option<"exclude", "exclude", "std::string", /*default=*/"\"\"",
           "A regular expression: weights whose initializer or node name "
           "matches it stay f32">
  ];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def SparsifyWeightsPass : Pass<"xf-sparsify", "func::FuncOp"> {
  let summary = "Prune the constant weights of matrix products by magnitude";
  let description = [{
    Each f32 constant weight of a matrix product (`xf.matmul`'s and
    `xf.gemm`'s right operand, `xf.linear`'s and `xf.gated_mlp`'s weights)
    that no other op reads (a tied embedding stays dense) is pruned by one
    of these rules, which a user can reproduce on the ONNX initializers
    (scripts/prune-onnx.py does):

    - `2:4`: in each group of 4 consecutive weights along the reduction
      dimension K (the last group of a K that is no multiple of 4 included),
      the 2 of largest magnitude stay (ties: the lower index of K); the
      others become 0.
    - `unstructured:R` (0 < R < 1): the floor(R * size) weights of smallest
      magnitude in each weight matrix become 0 (ties: the earlier element in
      the weight's row-major order).

    NaN counts as the largest magnitude. The pipeline runs the pass right
    after import (`xfc --sparsify=...`), before raising fuses or stacks any
    weight, so each rule applies to each ONNX weight as stored. Each pruned
    weight is reported as a remark at its op: the rule, the fraction of
    weights kept and the relative L2 change of the weight.
  }];
  let options = [
    Option<"pattern", "pattern", "std::string", /*default=*/"\"2:4\"",
           "2:4, or unstructured:R with 0 < R < 1">
  ];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def DecomposePass : Pass<"xf-decompose", "func::FuncOp"> {
  let summary = "Replace composite xf ops with the simpler xf ops they are made of";
  let description = [{
    Every xf op that declares upstream's `linalg::AggregatedOpInterface`
    (`xf.softmax`, `xf.log_softmax`, `xf.rms_norm`, `xf.layer_norm`,
    `xf.linear`, `xf.gated_mlp`, `xf.rope`, `xf.attention`) is replaced by
    its decomposition, and so are the decomposable ops a decomposition
    builds (attention's softmax), until none is left. The decompositions
    are those `xf-convert-to-linalg` uses for ops no direct lowering takes;
    this pass shows them at the xf level. An op whose types leave a size
    its decomposition needs unknown is reported and the pass fails.
  }];
  let dependentDialects = ["::mlir::xf::XFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def VerifyGraphLevelPass : Pass<"xf-verify-graph-level", "ModuleOp"> {
  let summary = "Check that a module holds only what the graph level allows";
  let description = [{
    The contract at the end of import: only `func`, `builtin` and xf ops,
    every function argument and result a ranked tensor. Reports each
    offending op at its location (the ONNX node that produced it).
  }];
}

#endif // XFC_DIALECT_XF_TRANSFORMS_PASSES_TD

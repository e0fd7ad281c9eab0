//===- XFTransformerOps.td - the building blocks of transformer layers ----===//
//
// What the raise passes form from graph-level subgraphs and what the kernel
// generators consume. Each op states its semantics exactly, so a lowering and
// a reference implementation can be checked against this text.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECT_XF_IR_XFTRANSFORMEROPS_TD
#define XFC_DIALECT_XF_IR_XFTRANSFORMEROPS_TD

include "xfc/Dialect/XF/IR/XFBase.td"

def XF_AttentionOp : XF_TransformerOp<"attention", [XF_Decomposable]> {
  let summary = "scaled dot-product attention with grouped-query heads";
  let description = [{
    For `query: [B, Hq, Sq, D]`, `key: [B, Hkv, Sk, D]` and
    `value: [B, Hkv, Sk, Dv]`, with `Hq` a multiple of `Hkv`:

    ```
    g = Hq / Hkv                                  // query heads per key/value head
    s[b, h, i, j] = scale * sum_d query[b, h, i, d] * key[b, h / g, j, d]
    s[b, h, i, j] = -inf              if causal and j > i + (Sk - Sq)
    s[b, h, i, j] += mask[b, h, i, j] if mask is floating point
    s[b, h, i, j] = -inf              if mask is i1 and mask[b, h, i, j] is false
    p = softmax over j of s
    result[b, h, i, e] = sum_j p[b, h, i, j] * value[b, h / g, j, e]
    ```

    `scale` defaults to `1 / sqrt(D)`. The optional `mask` broadcasts (ONNX
    rules) to `[B, Hq, Sq, Sk]`. The causal diagonal is aligned to the end of
    the keys, so a query step at the end of a key/value cache sees every key.
    A row whose every score is masked yields zeros.

    Example:
    ```mlir
    %o = xf.attention %q, %k, %v {causal = true}
        : (tensor<1x8x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>)
        -> tensor<1x8x?x64xf32>
    ```
  }];
  let arguments = (ins XF_FloatTensor:$query, XF_FloatTensor:$key,
                       XF_FloatTensor:$value, Optional<XF_Tensor>:$mask,
                       DefaultValuedAttr<BoolAttr, "false">:$causal,
                       OptionalAttr<F32Attr>:$scale);
  let results = (outs XF_FloatTensor:$result);
}

def XF_RmsNormOp : XF_TransformerOp<"rms_norm",
                                    [SameOperandsElementType, XF_Decomposable]> {
  let summary = "root-mean-square normalization";
  let description = [{
    Over the dimensions `axis..rank-1` (the normalized shape):
    `result = input / sqrt(mean(input^2) + epsilon) * scale`, with `scale`
    broadcast to the normalized shape. Statistics are computed in at least
    fp32 whatever the element type.
  }];
  let arguments = (ins XF_FloatTensor:$input, XF_FloatTensor:$scale,
                       DefaultValuedAttr<XF_I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-6">:$epsilon);
  let results = (outs XF_FloatTensor:$result);
}

def XF_LayerNormOp : XF_TransformerOp<"layer_norm",
                                      [SameOperandsElementType, XF_Decomposable]> {
  let summary = "layer normalization";
  let description = [{
    Over the dimensions `axis..rank-1`:
    `result = (input - mean) / sqrt(variance + epsilon) * scale + bias`, the
    variance being the biased one (divided by the element count). `scale` and
    the optional `bias` broadcast to the normalized shape. Statistics are
    computed in at least fp32. ONNX `LayerNormalization` (its `Y` output)
    and ONNX Runtime's `SkipLayerNormalization` import as this op.
  }];
  let arguments = (ins XF_FloatTensor:$input, XF_FloatTensor:$scale,
                       Optional<XF_FloatTensor>:$bias,
                       DefaultValuedAttr<XF_I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs XF_FloatTensor:$result);
}

def XF_LinearOp : XF_TransformerOp<"linear",
                                   [SameOperandsElementType, XF_Decomposable]> {
  let summary = "dense layer: matrix product, bias and activation";
  let description = [{
    `result = activation(input * weight + bias)` for `input: [..., K]`.
    `weight` is `[K, N]`, or `[N, K]` when `transpose_weight` is set (the
    layout of `Gemm` with `transB` and of PyTorch's `nn.Linear`). The optional
    `bias` is `[N]`. `activation` is one of `none`, `relu`, `gelu` (erf),
    `gelu_tanh` and `silu`.

    Example:
    ```mlir
    %y = xf.linear %x, %w, %b {activation = #xf<activation gelu>}
        : (tensor<?x?x96xf32>, tensor<96x384xf32>, tensor<384xf32>) -> tensor<?x?x384xf32>
    ```
  }];
  let arguments = (ins XF_FloatTensor:$input, XF_FloatTensor:$weight,
                       Optional<XF_FloatTensor>:$bias,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_weight,
                       DefaultValuedAttr<XF_ActivationAttr,
                                         "::mlir::xf::Activation::none">:$activation);
  let results = (outs XF_FloatTensor:$result);
}

def XF_GatedMlpOp : XF_TransformerOp<"gated_mlp",
                                     [SameOperandsElementType, XF_Decomposable]> {
  let summary = "gated feed-forward block (SwiGLU, GeGLU)";
  let description = [{
    For `input: [..., D]`, `gate, up: [D, F]` and `down: [F, E]`:

    ```
    result = (activation(input * gate) ⊙ (input * up)) * down
    ```

    `⊙` is the element-wise product and `activation` one of `silu` (the
    default: SwiGLU), `gelu`, `gelu_tanh` and `relu`. Llama, Mistral and
    Qwen write their MLPs this way.
  }];
  let arguments = (ins XF_FloatTensor:$input, XF_FloatTensor:$gate,
                       XF_FloatTensor:$up, XF_FloatTensor:$down,
                       DefaultValuedAttr<XF_ActivationAttr,
                                         "::mlir::xf::Activation::silu">:$activation);
  let results = (outs XF_FloatTensor:$result);
}

def XF_MoeOp : XF_TransformerOp<"moe",
                                [SameOperandsElementType, XF_Decomposable,
                                 AttrSizedOperandSegments]> {
  let summary = "mixture of experts: top-k routing over MLP experts";
  let description = [{
    For `input: [..., D]` (T tokens: its leading dimensions, flattened),
    router `logits: [T, E]` and
    the experts' weights stacked along their first dimension,
    `gate, up: [E, D, F]` and `down: [E, F, D]`, with optional biases
    `gate_bias, up_bias: [E, F]` and `down_bias: [E, D]`:

    ```
    p[t]              = softmax(logits[t])
    w[t], expert[t]   = the k largest of p[t] and their indices, largest
                        first (ties: the lower index), as xf.topk
    w[t]              = w[t] / sum(w[t])                 if normalize
    g                 = x * gate[e] + gate_bias[e]
    u                 = x * up[e] + up_bias[e]
    g, u              = min(g, limit), clamp(u, -limit, limit)   if limit
    a                 = g * sigmoid(alpha * g)       for silu, else
                        activation(g)
    y(e, x)           = (a ⊙ (u + beta)) * down[e] + down_bias[e]  with up
                        a * down[e] + down_bias[e]                 without
    result[t]         = sum over j < k of w[t, j] * y(expert[t, j], input[t])
    ```

    The result has the input's shape. Absent biases are zero. With `up`, the experts are gated MLPs (SwiGLU
    with the default `silu`); without it, plain two-layer MLPs, whose
    `activation` may be `none`. `alpha`, `beta` and `limit` are the clamped
    SwiGLU of ONNX Runtime's MoE (gpt-oss); the defaults give the plain one.

    This is Mixtral's sparse MoE block (`normalize`), Qwen2-MoE's routed
    experts (without it) and ONNX Runtime's `com.microsoft.MoE` and `QMoE`
    (whose quantized stacks are rank-3 `xf.quantized_weight`s). Only the
    chosen experts run for a token: `xf-moe-dispatch` writes the op as
    routing, a permutation of the rows into expert-contiguous order, one MLP
    per expert over its rows and a weighted combination.

    Example:
    ```mlir
    %y = xf.moe %x, %logits gate %gate up %up down %down {top_k = 2 : i64, normalize = true}
        : (tensor<?x96xf32>, tensor<?x4xf32>, tensor<4x96x192xf32>,
           tensor<4x96x192xf32>, tensor<4x192x96xf32>) -> tensor<?x96xf32>
    ```
  }];
  let arguments = (ins XF_FloatTensor:$input, XF_FloatTensor:$logits,
                       XF_FloatTensor:$gate, Optional<XF_FloatTensor>:$up,
                       XF_FloatTensor:$down,
                       Optional<XF_FloatTensor>:$gate_bias,
                       Optional<XF_FloatTensor>:$up_bias,
                       Optional<XF_FloatTensor>:$down_bias,
                       XF_I64Attr:$top_k,
                       DefaultValuedAttr<BoolAttr, "false">:$normalize,
                       DefaultValuedAttr<XF_ActivationAttr,
                                         "::mlir::xf::Activation::silu">:$activation,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.0f">:$beta,
                       OptionalAttr<F32Attr>:$limit);
  let results = (outs XF_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $logits `gate` $gate (`up` $up^)? `down` $down
    (`gate_bias` $gate_bias^)? (`up_bias` $up_bias^)?
    (`down_bias` $down_bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// A gated MLP with no biases and the plain activation: xf.gated_mlp.
    bool hasPlainGatedExperts();
  }];
}

def XF_RopeOp : XF_TransformerOp<"rope",
                                 [SameOperandsElementType, XF_Decomposable]> {
  let summary = "rotary position embedding";
  let description = [{
    Rotates the first `R = 2 * cos.shape[2]` channels of each head of
    `input: [B, H, S, D]` by the angles whose cosines and sines are
    `cos, sin: [B, S, R / 2]` (the same for every head, and for every batch
    row when their first dimension is 1); channels `R..D`
    pass through. Without `interleaved`, channel `i < R/2` pairs with
    `i + R/2` (rotate-half):

    ```
    out[i]       = x[i] * cos[i] - x[i + R/2] * sin[i]
    out[i + R/2] = x[i + R/2] * cos[i] + x[i] * sin[i]
    ```

    with `interleaved`, channel `2i` pairs with `2i + 1` the same way.
  }];
  let arguments = (ins XF_FloatTensor:$input, XF_FloatTensor:$cos,
                       XF_FloatTensor:$sin,
                       DefaultValuedAttr<BoolAttr, "false">:$interleaved);
  let results = (outs XF_FloatTensor:$result);
}

def XF_AttentionBuffersOp : Op<XF_Dialect, "attention_buffers"> {
  let summary = "xf.attention on buffers, for a target's own kernel";
  let description = [{
    `xf.attention` after bufferization: reads `query`, `key`, `value` and the
    optional `mask` (with the shapes and semantics of `xf.attention`) and
    writes the result into `result`. The CUDA target lowers `xf.attention`
    to this op so that the attention travels through bufferization and
    deallocation as one operation with declared effects, and replaces it
    with its kernel afterwards (`xf-gpu-attention`).
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$query,
                       Arg<AnyMemRef, "", [MemRead]>:$key,
                       Arg<AnyMemRef, "", [MemRead]>:$value,
                       Arg<Optional<AnyMemRef>, "", [MemRead]>:$mask,
                       Arg<AnyMemRef, "", [MemWrite]>:$result,
                       BoolAttr:$causal, F32Attr:$scale);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)? `into` $result attr-dict `:`
    type($query) `,` type($key) `,` type($value) (`,` type($mask)^)? `into`
    type($result)
  }];
  let opDocGroup = XF_TransformerOpsGroup;
}

def XF_SparseMatmulBuffersOp : Op<XF_Dialect, "sparse_matmul_buffers"> {
  let summary = "a product by a 2:4 sparse weight packed for `mma.sp`";
  let description = [{
    `result += lhs x W` on buffers, where `lhs` is [M, K] f32, `result`
    [M, N] f32 and W a constant [K, N] weight with at most 2 nonzeros in
    each aligned group of 4 along K, stored as the sparse tensor cores read
    it (xf-cuda-sparse-weights packs it; xf-sparse-tensor-core-matmul
    builds the kernel). W's transpose is cut into tiles of 16 columns by 32
    along K (zero-padded), column tiles outermost; per tile, `values` holds
    the 32 lanes' A fragments of `mma.sp` m16n8k32 (4 words of two bf16
    each per lane, the kept values of each group in K order) and
    `metadata` 16 words: the 2-bit positions of the kept values, one word
    for each lane that supplies them (sparsity selector 0).
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$lhs,
                       Arg<MemRefRankOf<[I32], [1]>, "", [MemRead]>:$values,
                       Arg<MemRefRankOf<[I32], [1]>, "", [MemRead]>:$metadata,
                       Arg<AnyMemRef, "", [MemRead, MemWrite]>:$result);
  let assemblyFormat = [{
    $lhs `,` $values `,` $metadata `into` $result attr-dict `:`
    type($lhs) `,` type($values) `,` type($metadata) `into` type($result)
  }];
  let extraClassDeclaration = [{
    /// A tile of W's transpose: 16 columns of W by 32 along K, one
    /// `mma.sp` m16n8k32 A operand.
    static constexpr int64_t kTileColumns = 16, kTileDepth = 32;
    /// Words per tile: 32 lanes x 4 of values, 16 of metadata.
    static constexpr int64_t kValueWords = 128, kMetadataWords = 16;
    /// The tiles of a [depth, columns] weight, zero-padded.
    static int64_t getTileCount(int64_t depth, int64_t columns) {
      return ((columns + kTileColumns - 1) / kTileColumns) *
             ((depth + kTileDepth - 1) / kTileDepth);
    }
  }];
  let hasVerifier = 1;
  let opDocGroup = XF_TransformerOpsGroup;
}

def XF_MultiplyAddPairsOp : Op<XF_Dialect, "multiply_add_pairs",
                                [Pure, AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "sums of products of adjacent 16-bit lanes, in 32 bits";
  let description = [{
    `result[i] = lhs[2i] * rhs[2i] + lhs[2i + 1] * rhs[2i + 1]` on signed
    16-bit lanes, in 32 bits: x86's `vpmaddwd`, the step of the CPU's
    integer kernels (xf-cpu-quantized-matmul). With `intrinsic`,
    `xf-lower-lane-ops` calls that LLVM intrinsic (the generator
    names the one its configuration's extension has); without, it writes
    the portable arithmetic. An op rather than the call so that the kernel
    passes through bufferization, which needs every op's memory effects.

    ```mlir
    %s = xf.multiply_add_pairs %a, %b {intrinsic = "llvm.x86.avx2.pmadd.wd"} : vector<16xi16> -> vector<8xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I16]>:$lhs,
                       VectorOfRankAndType<[1], [I16]>:$rhs,
                       OptionalAttr<StrAttr>:$intrinsic);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)";
  let hasVerifier = 1;
  let opDocGroup = XF_TransformerOpsGroup;
}

def XF_ExpandLanesOp : Op<XF_Dialect, "expand_lanes",
                           [Pure, AllTypesMatch<["source", "result"]>]> {
  let summary = "the first lanes of a vector spread to a mask's set lanes";
  let description = [{
    Lane `i` of the result is `source[j]` where `mask[i]` is set and `j`
    lanes before `i` are set; 0 where `mask[i]` is clear: x86's `vexpandps`
    on registers, the step of the CPU's sparse kernels
    (xf-cpu-sparse-matmul), which keep only a weight's nonzero values and
    one mask bit per weight. With `intrinsic`, `xf-lower-lane-ops` calls
    that LLVM intrinsic with (source, zeros, mask); without, it stores the
    source and expands it back with `vector.expandload` (correct on any
    CPU; slow where the ISA has no expand).

    ```mlir
    %w = xf.expand_lanes %v, %m {intrinsic = "llvm.x86.avx512.mask.expand.v16f32"} : vector<16xf32>, vector<16xi1>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [F32]>:$source,
                       VectorOfRankAndType<[1], [I1]>:$mask,
                       OptionalAttr<StrAttr>:$intrinsic);
  let results = (outs VectorOfRankAndType<[1], [F32]>:$result);
  let assemblyFormat =
      "$source `,` $mask attr-dict `:` type($source) `,` type($mask)";
  let hasVerifier = 1;
  let opDocGroup = XF_TransformerOpsGroup;
}

def XF_RunCheckOp : Op<XF_Dialect, "run_check",
                       [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Stops the model's run with a message when a fact is false";
  let description = [{
    A fact about run-time values that the model needs and its types cannot
    show: an index within its table, a shape that fits its data. Lowerings
    emit it where they would otherwise read out of bounds or divide by
    zero. When `ok` is false, the library's run stops there and returns
    `XFC_INVALID_ARGUMENT` with `message` as its error, `a` and `b` printed
    in place of its (at most two) `%lld` (`%%` prints `%`); a check whose
    `ok` is the constant true folds away. Lowered to a call of the
    runtime's `xfc__fail_run` (`xf-lower-run-checks`), which does not
    return. Only at the top level of the model function: the runtime stops
    the run from the thread that started it.

    ```mlir
    xf.run_check %ok, "node 'g' (Gather): index %lld is out of range for size %lld" (%index, %size)
    ```
  }];
  let arguments = (ins I1:$ok, StrAttr:$message, I64:$a, I64:$b);
  let assemblyFormat = "$ok `,` $message `(` $a `,` $b `)` attr-dict";
  let hasVerifier = 1;
  let hasCanonicalizeMethod = 1;
  let opDocGroup = XF_TransformerOpsGroup;
}

#endif // XFC_DIALECT_XF_IR_XFTRANSFORMEROPS_TD

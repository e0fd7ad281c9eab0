//===- Passes.td - the CPU target's code generation -----------------------===//

#ifndef XFC_CODEGEN_CPU_PASSES_TD
#define XFC_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def SelectCPUKernelConfigsPass
    : Pass<"xf-select-cpu-kernel-configs", "func::FuncOp"> {
  let summary = "Choose the configuration of each CPU kernel";
  let description = [{
    Attaches `xf.kernel_config` (a `#xf.kernel_config` of kind `vector`)
    to each op a CPU kernel generator builds from: the f32 `xf.attention`
    that xf-cpu-attention writes as a loop nest, and the f32 and i32
    products that xf-vectorize-contractions register-blocks (whose
    configuration xf-pack-constant-weights follows). The pipeline runs it
    twice: before xf-cpu-attention, where the attention ops are, and
    before xf-vectorize-contractions, where the products are (including
    those of the attention's loop nest). Attention gets blocks of 32
    queries by 64 keys. Products get 8x32 register blocks; the rows past
    the last multiple of 8 (a single token's) go one at a time through
    1x128 blocks where 128 divides the columns, through 1x32 blocks
    otherwise. An op that already has a configuration keeps it, so IR
    given to `xfc-opt` can try another. Products by an
    `xf.quantized_weight` (configured on the weight, for
    xf-cpu-quantized-matmul) get tiles of 4 rows by 16 columns (32 with
    avx512), of kind `isa`: the x86 vector extension the target has.
    With avx512, constant f32 [K, N] weights with at least 40% zeros read
    only by products (`xf.matmul`, `xf.linear`, `xf.gated_mlp`; transposed
    or not) get the sparse kernel's configuration on the constant (for
    xf-cpu-sparse-matmul): tiles of 6 rows by 4 columns. Without avx512
    they stay dense: the sparse kernel needs a register expand.
  }];
  let options = [
    Option<"vectorISA", "isa", "std::string", /*default=*/"\"vector\"",
           "The x86 extension integer kernels use: vector (portable code), "
           "avx2 or avx512">
  ];
  let dependentDialects = ["::mlir::xf::XFDialect"];
}

def CPUAttentionPass : Pass<"xf-cpu-attention", "func::FuncOp"> {
  let summary = "Write f32 attention as the CPU's tiled online-softmax loops";
  let description = [{
    Each f32 `xf.attention` with a known scale (the attribute, or a static
    head size) and a mask it can read (none, or f32 or i1 of rank up to 4)
    becomes a loop over batch x heads x query blocks (marked `xf.parallel`,
    carrying the op's configuration) and in it one over key blocks carrying
    an online softmax (running row maximum, sum and output), with causal
    key loops ending at the last visible key, key blocks a mask hides
    wholly skipped once every row has seen a visible key, grouped heads
    read in place and K transposed once. The blocks are the op's
    `#xf.kernel_config` (`vector`, `tile = [queries, keys]`, from
    xf-select-cpu-kernel-configs); an op without one, or with another
    kind, is an error. Other attention is left to xf-convert-to-linalg,
    which decomposes it.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CPUQuantizedMatmulPass : Pass<"xf-cpu-quantized-matmul", "func::FuncOp"> {
  let summary = "Products by quantized weights as integer kernels on packed weights";
  let description = [{
    Each f32 `xf.matmul` whose right operand is an `xf.quantized_weight` of
    constants with an `#xf.kernel_config` (`vector`, `avx2` or `avx512`,
    `tile = [rows, columns]`, from xf-select-cpu-kernel-configs) becomes a
    kernel that never expands the weight: the left operand is quantized per
    run to 16-bit integers (one scale per row and group of K), the weight
    is repacked at compile time into tiles of `columns` columns, and
    16-bit multiply-adds of pairs (`xf.multiply_add_pairs`: vpmaddwd with
    avx2 and avx512, portable arithmetic with vector) sum each group in 32 bits before its scales and
    zero points apply. Column tiles are the parallel loop; rows go `rows`
    at a time. `xf.linear` and `xf.gated_mlp` on quantized weights are
    decomposed first so that their products are taken. Weights whose group
    the kernel cannot close in 32 bits are left to the element-wise
    lowering.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def CPUSparseMatmulPass : Pass<"xf-cpu-sparse-matmul", "func::FuncOp"> {
  let summary = "Products by sparse constant weights as kernels that read only the nonzeros";
  let description = [{
    Each f32 `xf.matmul` whose right operand is a constant [K, N] weight (or
    the transpose of a constant [N, K] one) carrying an `#xf.kernel_config`
    (`avx512` or `vector`, `tile = [rows, columns]`, from
    xf-select-cpu-kernel-configs, which gives it to weights with at least
    40% zeros) becomes a kernel on the weight's nonzero values and one mask
    bit per weight, packed at compile time per tile of `columns` columns and
    chunk of one vector along K. Per chunk the kernel spreads the values to
    the mask's lanes (`xf.expand_lanes`: vexpandps with avx512, portable
    code with vector's 8 lanes) and multiplies the left operand's rows:
    blocks of `rows` rows from the tile expanded once into a dense scratch,
    the rest (one token) one by one, expanding each chunk as they read it.
    Column tiles are the parallel loop. `xf.linear` and
    `xf.gated_mlp` on such weights are decomposed first so that their
    products are taken.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def LowerLaneOpsPass : Pass<"xf-lower-lane-ops", "ModuleOp"> {
  let summary = "xf's lane ops (multiply_add_pairs, expand_lanes) as their intrinsics or portable code";
  let description = [{
    Each `xf.multiply_add_pairs` and `xf.expand_lanes` becomes a call of its
    `intrinsic` (an LLVM intrinsic such as `llvm.x86.avx2.pmadd.wd`, or
    `llvm.x86.avx512.mask.expand.v16f32` called with zeros as the
    pass-through) or, without one, portable code: for pairs, the even and
    odd lanes widened, multiplied and added; for an expansion, the source
    stored to the stack and read back with `vector.expandload`. Runs after
    bufferization, before the vector dialect goes to LLVM.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def InnermostContiguousLoopPass
    : Pass<"xf-innermost-contiguous-loop", "func::FuncOp"> {
  let summary = "Order contraction loops so the innermost one is contiguous";
  let description = [{
    A matrix product's loops come out as (i, j, k): the innermost loop is
    the reduction, which LLVM cannot vectorize without reassociating
    floating-point sums. This pass turns contractions into `linalg.generic`
    and moves the loop over the output's contiguous dimension innermost
    ((i, k, j)), where each step is an independent multiply-add on
    consecutive elements that LLVM's loop vectorizer turns into vector FMAs.
    It applies to what xf-vectorize-contractions leaves as loops: columns
    past the last full tile and products it does not block.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def ApproximateMathPass : Pass<"xf-approximate-math", "func::FuncOp"> {
  let summary = "Write exp, tanh, erf, log and constant powers as arithmetic";
  let description = [{
    Transcendental functions become upstream's polynomial approximations
    (accurate to a few ulp in f32) and powers with small constant exponents
    become multiplications or square roots, instead of calls into libm: a
    call per element keeps LLVM from vectorizing the loop around it, and
    GPT-2's GELU (a cube and a tanh per activation) then dominated a whole
    forward pass.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def VectorizeContractionsPass
    : Pass<"xf-vectorize-contractions", "func::FuncOp"> {
  let summary = "Tile matrix products into register-blocked vector kernels";
  let description = [{
    Each f32 or i32 contraction on tensors whose output's last dimension is the
    right operand's contiguous one (`linalg.matmul`, `linalg.batch_matmul`
    and the generic products the xf lowering writes) is blocked as its
    `#xf.kernel_config` says (`vector`, `tile = [M, N, N1]`, from
    xf-select-cpu-kernel-configs; a product without one, or with another
    kind, is an error): it is tiled into M x N blocks of the output (one
    batch at a time, columns outermost so a panel of the right operand
    stays in cache) and a loop over the reduction, one step at a time,
    which keeps the configuration. The loops are peeled so that full
    blocks have static sizes; those become `vector.contract`s on an M x N
    accumulator that stays in registers across the reduction (its reads
    and writes are hoisted out of it), which
    `convert-vector-to-llvm{vector-contract-lowering=outerproduct}` turns
    into one broadcast and N / lanes FMAs per row and step. Rows past the
    last multiple of M (a single token is such a row) are split off and go
    one at a time through 1 x N1 blocks, so that each reduction step reads
    a long contiguous piece of a weight row. Leftover columns stay scalar
    loops.
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def PackConstantWeightsPass : Pass<"xf-pack-constant-weights", "ModuleOp"> {
  let summary = "Store constant right operands in the panels the kernels read";
  let description = [{
    After xf-vectorize-contractions, a tile of a matrix product reads its
    constant right operand `[K, N]` as `panel`-wide row pieces, one per
    reduction step, `N` elements apart: a stride that defeats the hardware
    prefetchers and maps the rows of a tile to few cache sets. This pass
    rewrites such a constant, at compile time, as `[N / panel, K, panel]`
    (each panel of columns contiguous) and moves every read to it: a read
    of `panel * n` aligned columns becomes `n` contiguous panel reads, an
    aligned `panel`-column block a packed panel; columns past the last full
    panel get a constant of their own. `panel` is the products' block
    width, N of the `#xf.kernel_config` on the register blocks' loops that
    read the constant in vectors (the leftover rows' blocks are whole
    panels wide). A constant with any other use, or read by blocks of
    different widths, is left as it is.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def OutlineKernelsPass : Pass<"xf-outline-kernels", "ModuleOp"> {
  let summary = "Give every top-level loop nest of a function its own function";
  let description = [{
    After lowering to loops, a whole model is one function with a loop nest
    per kernel. LLVM's optimizer is superlinear in a function's size (its
    dominator trees are rebuilt over all of it), so a GPT-2-small-shaped
    model spent minutes there. This pass moves each top-level `scf.for`
    nest into a private function `<name>_kernel<N>` that takes the values it
    uses as arguments, and calls it; the CPU target marks those private
    functions `noinline` so LLVM optimizes them one at a time.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect"];
}

def MergeIdenticalKernelsPass : Pass<"xf-merge-identical-kernels", "ModuleOp"> {
  let summary = "Keep one copy of kernels that are the same but for their name";
  let description = [{
    A transformer's layers repeat, so xf-outline-kernels writes the same
    kernel once per layer. This pass keeps the first private function of
    each distinct body (and its parallel entry), points the calls
    of the others at it and erases them: LLVM then compiles each kernel once.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def DispatchParallelKernelsPass
    : Pass<"xf-dispatch-parallel-kernels", "ModuleOp"> {
  let summary = "Run parallel kernels on the runtime's threads";
  let description = [{
    xf-outline-kernels declares a parallel entry, `<kernel>_parallel` with
    `xf.parallel_entry_of = @<kernel>`, beside each kernel whose outer
    iterations are independent; the kernel takes the range [begin, end) of
    those iterations as its last two arguments. On the LLVM dialect, this
    pass defines each declaration that attribute marks: it stores the other arguments
    in a stack frame and calls the runtime's `xfc_parallel_for(n, chunk,
    frame)`, where `<kernel>_chunk(frame, begin, end)` loads them and runs
    the kernel on one contiguous part of the range.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // XFC_CODEGEN_CPU_PASSES_TD

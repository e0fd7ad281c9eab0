//===- Passes.td - lowerings out of the xf dialect -------------------------===//

#ifndef XFC_CONVERSION_PASSES_TD
#define XFC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertXFToLinalgPass : Pass<"xf-convert-to-linalg", "func::FuncOp"> {
  let summary = "Lower xf ops to linalg, tensor, arith and math";
  let description = [{
    Element-wise ops (with ONNX broadcasting) become `linalg.generic`; matrix
    products become `linalg.matmul` or `linalg.batch_matmul` where they fit
    (so tiling and vectorization apply to named ops), a `linalg.generic`
    contraction otherwise; constants become `arith.constant`; transposes
    `linalg.transpose`; Softmax, the normalizations, dense layers, gated
    MLPs and RoPE are decomposed into reductions, products and element-wise
    ops first. f32 `xf.attention` becomes a loop over batch x heads x 32-query
    blocks (marked `xf.parallel`) and in it one over 64-key blocks carrying
    an online softmax (running row maximum, sum and output), with causal
    key loops ending at the last visible key, key blocks a mask hides
    wholly skipped once every row has seen a visible key, grouped heads
    read in place and K transposed once; other attention is decomposed. A
    dynamic dimension that may be 1 at run time while others are not
    (broadcasting the exporter's types
    did not show) is handled at run time; one that provably equals the
    others (traced to one source) is not. An op without a lowering is
    reported at its location (the ONNX node) and the pass fails.
  }];
  let options = [
    Option<"attention", "attention", "mlir::xf::AttentionLowering",
           /*default=*/"mlir::xf::AttentionLowering::CPULoops",
           "How f32 attention lowers (any attention cpu-loops or buffers "
           "do not take is decomposed)",
           [{::llvm::cl::values(
             clEnumValN(mlir::xf::AttentionLowering::CPULoops, "cpu-loops",
                        "the fused CPU loop nest"),
             clEnumValN(mlir::xf::AttentionLowering::Buffers, "buffers",
                        "xf.attention_buffers, for the CUDA target's kernel"),
             clEnumValN(mlir::xf::AttentionLowering::Decompose, "decompose",
                        "products and a softmax"))}]>,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def LowerExpandShapePass : Pass<"xf-lower-expand-shape", "func::FuncOp"> {
  let summary = "Rewrite memref.expand_shape of contiguous buffers as reinterpret_cast";
  let description = [{
    Upstream's `expand-strided-metadata` in MLIR 22 crashes on a
    `memref.expand_shape` that splits one dimension into several dynamic
    ones (`memref<?xf32> into memref<?x?xf32>`), which dynamic batch and
    sequence sizes produce all the time. For a source with the identity
    layout the result is the same buffer with row-major strides, so this
    pass writes it as `memref.reinterpret_cast` with those strides, computed
    from the output sizes, before that pass runs.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
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

def FuseElementwisePass : Pass<"xf-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuse chains of element-wise ops into one loop nest";
  let description = [{
    Each ONNX op lowers to its own `linalg.generic`, one pass over memory.
    This pass merges an element-wise producer into an element-wise consumer
    that reads each produced element exactly once (a permutation of its
    loops), so chains such as a residual add, a scale and a GELU become one
    loop nest and their intermediate tensors disappear. Producers read
    several times (by a matrix product, or broadcast along a dimension)
    stay separate, as fusing would recompute them per use; so do producers
    of reductions, whose loops keep the accumulator in memory and would
    take the producer's vector code with them. With `fuse-transposes`, a
    `linalg.transpose` of such a producer's sole result becomes a generic
    first, so that the producer writes the transposed layout itself (the
    CUDA target's dequantized weights, which its matrix products then
    compute while staging them).
  }];
  let options = [
    Option<"fuseTransposes", "fuse-transposes", "bool", /*default=*/"false",
           "Fuse element-wise producers into the transposes of their results">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def VectorizeContractionsPass
    : Pass<"xf-vectorize-contractions", "func::FuncOp"> {
  let summary = "Tile matrix products into register-blocked vector kernels";
  let description = [{
    Each f32 or i32 contraction on tensors whose output's last dimension is the
    right operand's contiguous one (`linalg.matmul`, `linalg.batch_matmul`
    and the generic products the xf lowering writes) is tiled into
    `tile-m` x `tile-n` blocks of the output (one batch at a time, columns
    outermost so a panel of the right operand stays in cache) and a loop
    over the reduction, one step at a time. The loops are peeled so that
    full blocks have static sizes; those become `vector.contract`s on a
    `tile-m` x `tile-n` accumulator that stays in registers across the
    reduction (its reads and writes are hoisted out of it), which
    `convert-vector-to-llvm{vector-contract-lowering=outerproduct}` turns
    into one broadcast and `tile-n / lanes` FMAs per row and step. Rows
    past the last multiple of `tile-m` (a single token is such a row) are
    split off and go one at a time through `rest-tile-n`-wide blocks, so
    that each reduction step reads a long contiguous piece of a weight row.
    Leftover columns stay scalar loops.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", "8",
           "output rows per register block">,
    Option<"tileN", "tile-n", "int64_t", "32",
           "output columns per register block (a multiple of the vector width)">,
    Option<"restTileN", "rest-tile-n", "int64_t", "128",
           "output columns per block of the rows left over (one row each), "
           "where they divide the columns (else tile-n)">
  ];
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
    panel get a constant of their own. A constant with any other use is
    left as it is.
  }];
  let options = [
    Option<"panel", "panel", "int64_t", "32",
           "columns per panel (the product tiles' width)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def CopiesToLinalgPass : Pass<"xf-copies-to-linalg", "func::FuncOp"> {
  let summary = "Write memref.copy as linalg.copy, i.e. as loops";
  let description = [{
    Bufferization copies tensors it cannot update in place (a split's
    strided parts, an initial value two reductions share). `memref.copy`
    lowers to a call of a generic runtime function that walks any layout
    element by element: a fifth of a small GPT-2's forward pass. As
    `linalg.copy` the copy becomes a parallel loop nest like any other
    kernel: vectorized by LLVM, outlined, and run on the pool.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
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

def LowerRunChecksPass : Pass<"xf-lower-run-checks", "ModuleOp"> {
  let summary = "xf.run_check to a call of the runtime's xfc__fail_run";
  let description = [{
    Each `xf.run_check` becomes `scf.if` on its condition's negation that
    calls `xfc__fail_run(message, a, b)` (declared here; the runtime linked
    into every library defines it: it records the message and stops the
    run, so the call does not return). The messages are constant strings,
    one global each. Runs on buffers, before the lowering to LLVM.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::scf::SCFDialect"];
}

def MergeIdenticalKernelsPass : Pass<"xf-merge-identical-kernels", "ModuleOp"> {
  let summary = "Keep one copy of kernels that are the same but for their name";
  let description = [{
    A transformer's layers repeat, so xf-outline-kernels writes the same
    kernel once per layer. This pass keeps the first private function of
    each distinct body (and its `_parallel` declaration), points the calls
    of the others at it and erases them: LLVM then compiles each kernel once.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def DispatchParallelKernelsPass
    : Pass<"xf-dispatch-parallel-kernels", "ModuleOp"> {
  let summary = "Run parallel kernels on the runtime's threads";
  let description = [{
    xf-outline-kernels declares `<kernel>_parallel` beside each kernel whose
    outer iterations are independent; the kernel takes the range [begin,
    end) of those iterations as its last two arguments. On the LLVM dialect,
    this pass defines each such declaration: it stores the other arguments
    in a stack frame and calls the runtime's `xfc_parallel_for(n, chunk,
    frame)`, where `<kernel>_chunk(frame, begin, end)` loads them and runs
    the kernel on one contiguous part of the range.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def PlaceHostComputationsPass
    : Pass<"xf-place-host-computations", "ModuleOp"> {
  let summary = "Find the work of a CUDA model's function that the host runs";
  let description = [{
    For the CUDA target, on bufferized functions (before deallocation): the
    host reads some buffers itself (a shape tensor computed at run time
    gives a reshape its sizes, a range its length, a NonZero its count).
    Starting from each top-level operation that reads a buffer for a value
    the host uses, the pass collects the operations writing the buffers
    read, and the small static-shaped buffers those read, and so on; the
    buffers host work writes become stack buffers. A large buffer or an
    input the host reads is copied from the device first; a host buffer a
    device operation reads is copied to the device just before it (the
    copies are `memref.copy`s that xf-map-loops-to-gpu makes `gpu.memcpy`).
    A top-level load whose value only loops use moves into those loops, so
    that the device reads it. Device work that reads a global reads
    `@NAME__device`, a declaration of the global's device copy, which the
    library uploads once per process. Host work writing a buffer the
    function does not allocate, or device work writing a host buffer, is
    reported.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect"];
}

def MapLoopsToGPUPass : Pass<"xf-map-loops-to-gpu", "func::FuncOp"> {
  let summary = "Turn the device work of a CUDA model's function into launches";
  let description = [{
    After xf-place-host-computations, each top-level operation that touches
    device memory (anything but stack buffers and host globals) becomes
    device work. A parallel loop becomes a `gpu.launch` with one thread per
    iteration: the iteration space is linearized, last dimension fastest so
    that neighbouring threads touch neighbouring elements, and cut into
    blocks of `threads-per-block` threads, each checking that its iteration
    exists. A sequential loop that only sequences parallel loops stays on the
    host and launches them in turn. Other device work (a store, a loop that
    carries a reduction) becomes a launch of a single thread. Kernels may not
    allocate memory, and the host may not use a value computed from device
    memory: both are reported.
  }];
  let options = [
    Option<"threadsPerBlock", "threads-per-block", "int64_t",
           /*default=*/"256", "Threads in each block of a loop's launch">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect"];
}

def TensorCoreMatmulPass : Pass<"xf-tensor-core-matmul", "ModuleOp"> {
  let summary = "Compute f32 matrix products on the tensor cores (bf16, tf32)";
  let description = [{
    For the CUDA target, on buffers: each f32 `linalg.matmul` and
    `linalg.batch_matmul` (without transposing indexing maps) becomes a
    `gpu.launch` of 128-thread blocks, each computing a 64x64 tile of the
    output with NVVM's `mma.sync` m16n8k16 (bf16 operands, f32
    accumulators; `nvgpu.mma.sync` has no bf16): for each 32-deep slice of the reduction the block copies
    its operand tiles to shared memory, rounding them to bf16 (rows padded
    against bank conflicts), and each of its 4 warps loads the fragments of
    its 32x32 part with `nvgpu.ldmatrix` (the right operand transposed, as
    it is stored row-major) and accumulates 2x4 products of 16x8 tiles.
    Edge tiles read zeros past the operands and write only inside the
    output. The product is added to the output, as the op defines. With
    `precision=tf32` the operands stay f32 in shared memory and each step is
    `nvgpu.mma.sync` m16n8k8 on tf32 (the tensor cores ignore the low 13
    mantissa bits); A's fragments come from `ldmatrix`, B's element by
    element (ldmatrix transposes only 16-bit elements). With bf16, a right
    operand that is a constant's device copy (`@NAME__device`, [K, N], N a
    multiple of 8) is read from a bf16 copy made at compile time,
    `@NAME__bf16` (and its device copy), with 16-byte asynchronous copies
    (`nvgpu.device_async_copy`, zero-filling past the last row); f32 device
    copies and constants nothing reads any more are removed. A right operand
    written only by an element-wise `linalg.generic` from constants (a
    dequantization: int4/int8 weights, scales, zero points) is not read from
    its buffer: the kernel computes each element while staging it, from the
    quantized constants, and the buffer and its producer go.
  }];
  let options = [
    Option<"precision", "precision", "mlir::xf::TensorCorePrecision",
           /*default=*/"mlir::xf::TensorCorePrecision::BF16",
           "The operands' precision",
           [{::llvm::cl::values(
             clEnumValN(mlir::xf::TensorCorePrecision::BF16, "bf16",
                        "bf16, m16n8k16"),
             clEnumValN(mlir::xf::TensorCorePrecision::TF32, "tf32",
                        "tf32, m16n8k8"))}]>,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def AlignWorkgroupBuffersPass : Pass<"xf-align-workgroup-buffers"> {
  let summary = "Align kernels' shared-memory buffers to 16 bytes";
  let description = [{
    Sets `llvm.align = 16` on every workgroup attribution of every
    `gpu.func`: lowered, such a buffer is otherwise aligned only to its
    element type, and `ldmatrix` and 16-byte asynchronous copies need
    16-byte aligned rows. (`gpu.launch` has no way to say it; run after
    outlining.)
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def GPUAttentionPass : Pass<"xf-gpu-attention", "func::FuncOp"> {
  let summary = "Replace xf.attention_buffers with a fused CUDA kernel";
  let description = [{
    Each `xf.attention_buffers` becomes a `gpu.launch` computing attention
    in f32 without its score matrix: a block per 32 queries of a batch and
    head, four threads per query each holding every fourth element of the
    query and of the output; key and value rows staged 32 at a time in
    shared memory; scores summed across the four threads with shuffles and
    folded into a running maximum, sum and output (online softmax).
    Causal attention stops at the last key the block's last query sees;
    grouped query heads read their key/value head in place; masks (f32
    added, i1 selecting) broadcast at run time; a query that sees no key
    gets zeros. Runs after deallocations are placed (its barriers and
    shuffles declare no memory effects).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // XFC_CONVERSION_PASSES_TD

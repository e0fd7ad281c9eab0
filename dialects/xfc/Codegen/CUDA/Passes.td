//===- Passes.td - the CUDA target's code generation ----------------------===//

#ifndef XFC_CODEGEN_CUDA_PASSES_TD
#define XFC_CODEGEN_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttentionToBuffersPass : Pass<"xf-attention-to-buffers", "func::FuncOp"> {
  let summary = "Carry the attention the CUDA kernel takes on buffers";
  let description = [{
    Before xf-convert-to-linalg, each f32 `xf.attention` with static head
    sizes that are multiples of 4 up to 128 and a mask the kernel reads
    (none, or f32 or i1 of rank up to 4) becomes `xf.attention_buffers` on
    its operands' buffers (`bufferization.to_buffer`, any layout) and a new
    result buffer (read back with `bufferization.to_tensor`), with the
    scale made explicit. It travels through bufferization and deallocation
    as one op with declared effects; xf-gpu-attention replaces it with its
    kernel afterwards. Other attention is left to xf-convert-to-linalg,
    which decomposes it.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

def SelectCUDAKernelConfigsPass
    : Pass<"xf-select-cuda-kernel-configs", "ModuleOp"> {
  let summary = "Choose the configuration of each CUDA kernel";
  let description = [{
    Attaches `xf.kernel_config` (a `#xf.kernel_config`) to each op a CUDA
    kernel generator builds from: the f32 `linalg.matmul` and
    `linalg.batch_matmul` on buffers that xf-tensor-core-matmul takes, and
    `xf.attention_buffers` for xf-gpu-attention. Each kind gets the one
    configuration measured so far: for products a 64x64 output tile per
    block of four warps, each computing 32x32, 32-deep reduction steps
    staged one at a time; for attention 32 queries per block, four lanes
    each, 32 keys a step. The cost model of the Hopper kernels will choose
    by shape here. An op that already has a configuration keeps it,
    so IR given to `xfc-opt` can try another.

    With `sparse`, a `linalg.matmul` whose right operand is a constant's
    device copy with at most 2 nonzeros in each aligned group of 4 along K
    (a 2:4 weight: `xfc --sparsify=2:4`, or pruned elsewhere) gets an
    `mma_sp` configuration instead, for the sparse tensor cores: with at
    most 16 rows (static), one warp per 8 rows by 16 columns, 512 deep a
    step (a decode GEMV: many small blocks, each keeping 8 KB of weights in
    flight per warp); else 64x64 tiles of four warps, 64 deep.
  }];
  let options = [
    Option<"sparse", "sparse", "bool", /*default=*/"false",
           "Give products by 2:4 constant weights mma_sp configurations "
           "(bf16 tensor-core products)">,
  ];
  let dependentDialects = ["::mlir::xf::XFDialect"];
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
    that the device reads it. Device work that reads a global reads a
    declaration of the global's device copy, marked
    `xf.device_copy_of = @NAME` (named `NAME__device`, which means nothing
    to any pass), which the library uploads once per process. Host work writing a buffer the
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

def CUDABF16WeightsPass : Pass<"xf-cuda-bf16-weights", "ModuleOp"> {
  let summary = "Give the constant right operands of bf16 products bf16 copies";
  let description = [{
    For the CUDA target with bf16 products, before xf-tensor-core-matmul:
    each product it takes whose right operand is a constant's device copy
    (a declaration marked `xf.device_copy_of`; [K, N] f32, N a multiple of
    8) reads instead a bf16 copy of the constant made at compile time
    (rounded to nearest even, a private constant `NAME__bf16` right after
    it, made once per constant) through that copy's own device copy: the
    product becomes a `linalg.matmul` of an f32 and a bf16 operand, its
    `xf.kernel_config` kept, and its kernel copies the bf16 rows with
    16-byte asynchronous copies. The f32 device copies left unread are
    dropped by xf-drop-unused-globals.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def CUDASparseWeightsPass : Pass<"xf-cuda-sparse-weights", "ModuleOp"> {
  let summary = "Pack the 2:4 constant weights of mma_sp products";
  let description = [{
    For the CUDA target, before xf-tensor-core-matmul: each `linalg.matmul`
    configured `mma_sp` (xf-select-cuda-kernel-configs) whose right operand
    is a constant's device copy becomes `xf.sparse_matmul_buffers` of the
    constant packed for the sparse tensor cores (values rounded to bf16 in
    the lanes' `mma.sp` fragments, and their 2-bit positions; private
    constants `NAME__sp24_values` and `NAME__sp24_metadata`, made once per
    constant, read through device copies of their own), its configuration
    kept. A weight that is not 2:4 along K, or not a constant, is an error
    naming it. The f32 device copies left unread are dropped by
    xf-drop-unused-globals.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::xf::XFDialect"];
}

def SparseTensorCoreMatmulPass
    : Pass<"xf-sparse-tensor-core-matmul", "ModuleOp"> {
  let summary = "Compute products by 2:4 weights on the sparse tensor cores";
  let description = [{
    Each `xf.sparse_matmul_buffers` becomes a `gpu.launch` computing it with
    NVVM's `mma.sp` m16n8k32 (bf16 operands, f32 accumulators) as its
    `mma_sp` configuration says. The weight's transpose is the sparse A
    operand: a block computes a [M, N] tile of the output as its warps'
    [M, N] tiles, each 16 columns by 8 rows per instruction. Per reduction
    step of K, each warp first loads its A fragments and metadata straight
    from the packed weight (16 bytes and 4 per lane and tile, coalesced;
    no shared memory, as no other warp of the block reads them), then the
    block stages the left operand's [M, K] slice in shared memory rounded
    to bf16 (zeros past the edges), and each warp loads its B fragments
    with `ldmatrix` (the left operand's rows are B's columns) and
    accumulates. The product is added to the output.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
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
    element (ldmatrix transposes only 16-bit elements). A `linalg.matmul`
    whose right operand is already bf16 ([K, N] of static shape, N a
    multiple of 8: xf-cuda-bf16-weights' copies) has its B tiles moved as
    they are with 16-byte asynchronous copies
    (`nvgpu.device_async_copy`, zero-filling past the last row); with
    `precision=tf32` such a product is an error. A right operand
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

def DropUnusedGlobalsPass : Pass<"xf-drop-unused-globals", "ModuleOp"> {
  let summary = "Drop the device copies and private globals nothing uses";
  let description = [{
    After xf-tensor-core-matmul: device copies (declarations marked
    `xf.device_copy_of`) that nothing reads any more, their reads replaced
    by bf16 copies or dequantizations computed in the kernels, are dropped;
    then the private globals nothing uses, such as the host constants of
    those copies (a device copy's `xf.device_copy_of` uses its global).
    Upstream `symbol-dce` would keep the device copies, which are public
    declarations.
  }];
}

def FinalizeMemRefToLLVMPass
    : Pass<"xf-finalize-memref-to-llvm", "ModuleOp"> {
  let summary = "finalize-memref-to-llvm, keeping the globals' attributes";
  let description = [{
    Runs upstream `finalize-memref-to-llvm` (with generic allocation
    functions: generated code allocates through the runtime) and puts each
    `memref.global`'s discardable attributes, which that lowering drops, on
    the `llvm.mlir.global` it became: the library writer finds a device
    copy's global by its `xf.device_copy_of`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
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

#endif // XFC_CODEGEN_CUDA_PASSES_TD

//===- Passes.td - code generation passes both targets run ----------------===//

#ifndef XFC_CODEGEN_COMMON_PASSES_TD
#define XFC_CODEGEN_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

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

#endif // XFC_CODEGEN_COMMON_PASSES_TD

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
    `linalg.transpose`; Softmax and the normalizations are decomposed into
    reductions and element-wise ops first. A dynamic dimension that may be
    1 at run time while others are not (broadcasting the exporter's types
    did not show) is handled at run time; one that provably equals the
    others (traced to one source) is not. An op without a lowering is
    reported at its location (the ONNX node) and the pass fails.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
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
    It stands in until xfc generates tiled vector kernels itself.
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
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // XFC_CONVERSION_PASSES_TD

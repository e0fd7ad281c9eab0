// `xfc --emit=STAGE` stops after a stage of the pipeline; upstream's IR
// printing flags work on the driver as on xfc-opt.
// RUN: xfc %s --emit=xf-graph | FileCheck %s --check-prefix=GRAPH
// RUN: xfc %s --emit=xf | FileCheck %s --check-prefix=XF
// RUN: xfc %s --emit=xf --mlir-print-ir-after=xf-infer-shapes 2>&1 | FileCheck %s --check-prefix=PRINT
// RUN: not xfc %s --emit=nonsense 2>&1 | FileCheck %s --check-prefix=BADSTAGE
// RUN: xfc --help | FileCheck %s --check-prefix=HELP
// RUN: xfc %s --emit=linalg | FileCheck %s --check-prefix=LINALG
// RUN: xfc %s --emit=kernels | FileCheck %s --check-prefix=KERNELS
// RUN: xfc %s --emit=llvm | FileCheck %s --check-prefix=LLVM
// Any stage's output, with the rest of the pipeline, gives the same result.
// RUN: xfc %s --emit=kernels -o %t.kernels.mlir
// RUN: xfc-opt %t.kernels.mlir --pass-pipeline='builtin.module(xf-lower-kernels-to-llvm)' -o %t.from-kernels.mlir
// RUN: xfc %s --emit=llvm -o %t.direct.mlir
// RUN: diff %t.from-kernels.mlir %t.direct.mlir
// RUN: xfc %s --emit=llvm-ir --cpu=x86-64-v3 | FileCheck %s --check-prefix=LLVMIR
// RUN: xfc %s --emit=asm --cpu=x86-64-v3 | FileCheck %s --check-prefix=ASM
// RUN: rm -rf %t && xfc %s --emit=llvm --dump-ir-dir=%t > /dev/null
// RUN: ls %t | FileCheck %s --check-prefix=DUMP
// RUN: xfc-opt %t/002-xf-infer-shapes.mlir --pass-pipeline='builtin.module(canonicalize,cse,func.func(xf-infer-shapes),canonicalize)' | FileCheck %s --check-prefix=XF

// GRAPH: xf.shape
// GRAPH: -> tensor<?x?xf32>
// XF-NOT: xf.shape
// XF: xf.reshape {{.*}} -> tensor<8x12xf32>
// PRINT: IR Dump After InferShapesPass (xf-infer-shapes)
// BADSTAGE: xfc: --emit=nonsense is not a choice; valid: library, obj, ptx, xf-graph, xf, xf-transformer, linalg, kernels, llvm, llvm-ir, asm
// HELP: --emit=<what>
// HELP: xf-graph: the imported graph
// HELP: xf: after shape inference
// HELP: xf-transformer: subgraphs raised to transformer ops
// HELP: linalg: lowered to linalg on tensors
// HELP: kernels: CPU kernels on tensors
// HELP: llvm-ir: LLVM IR
// LINALG: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<8x3x4xf32> into tensor<8x12xf32>
// The product is register-blocked: full 8x32 tiles accumulate in vector
// registers.
// KERNELS: vector.contract {{.*}} into vector<8x32xf32>
// LLVM: llvm.func @main(
// LLVMIR: target triple = "x86_64
// LLVMIR: define {{.*}} @main(
// ASM: main:
// DUMP: 000-input.mlir
// DUMP-NEXT: 001-xf-verify-graph-level.mlir
// DUMP-NEXT: 002-xf-infer-shapes.mlir
// DUMP-NEXT: 003-canonicalize.mlir
// DUMP: xf-convert-to-linalg.mlir
// DUMP: one-shot-bufferize.mlir
// DUMP: reconcile-unrealized-casts.mlir

func.func @main(%x: tensor<8x3x4xf32>, %w: tensor<12x64xf32>) -> tensor<?x64xf32> {
  %shape = xf.shape %x {end = 1 : i64} : (tensor<8x3x4xf32>) -> tensor<1xi64>
  %rest = xf.constant dense<[-1]> : tensor<1xi64>
  %target = xf.concat %shape, %rest {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = xf.reshape %x, %target : (tensor<8x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %p = xf.matmul %r, %w : (tensor<?x?xf32>, tensor<12x64xf32>) -> tensor<?x64xf32>
  return %p : tensor<?x64xf32>
}

// Passes nested on functions write one file per group, after the group ran
// on every function (a model's functions are its outlined kernels: one
// file per function and pass was hundreds of identical names); weights are
// elided. A zoo model's dump is under 100 files and 100 MB.
// RUN: rm -rf %t.zoo && xfc %zoo/gpt2_ts.onnx -o %t.so --dump-ir-dir=%t.zoo 2>/dev/null
// RUN: ls %t.zoo | FileCheck %s --check-prefix=GROUPS
// RUN: ls %t.zoo | wc -l | FileCheck %s --check-prefix=COUNT
// RUN: du -sm %t.zoo | FileCheck %s --check-prefix=SIZE
// GROUPS: 007-xf-raise-attention+xf-raise-norms+xf-raise-mlp+xf-raise-rope+xf-raise-moe.mlir
// GROUPS: xf-fuse-elementwise+xf-approximate-math+xf-select-cpu-kernel-configs+xf-vectorize-contractions.mlir
// COUNT: {{^[1-9][0-9]$}}
// SIZE: {{^[1-9]?[0-9]}}{{[[:space:]]}}

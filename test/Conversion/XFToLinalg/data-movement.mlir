// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s

// Constants become arith.constant, splats included.
// CHECK-LABEL: func.func @constants
// CHECK-DAG: arith.constant dense<[1, 2]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<1.500000e+00> : tensor<4x8xf32>
// CHECK-NOT: xf.
func.func @constants() -> (tensor<2xi64>, tensor<4x8xf32>) {
  %0 = xf.constant dense<[1, 2]> : tensor<2xi64>
  %1 = xf.constant dense<1.5> : tensor<4x8xf32>
  return %0, %1 : tensor<2xi64>, tensor<4x8xf32>
}

// -----

// Transpose is linalg.transpose; the result's dynamic size is the input's.
// CHECK-LABEL: func.func @transpose
// CHECK: %[[N:.+]] = tensor.dim %arg0, %c1 : tensor<2x?x96xf32>
// CHECK: %[[E:.+]] = tensor.empty(%[[N]]) : tensor<96x2x?xf32>
// CHECK: linalg.transpose ins(%arg0 : tensor<2x?x96xf32>) outs(%[[E]] : tensor<96x2x?xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x?x96xf32>) -> tensor<96x2x?xf32> {
  %0 = xf.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x?x96xf32>) -> tensor<96x2x?xf32>
  return %0 : tensor<96x2x?xf32>
}

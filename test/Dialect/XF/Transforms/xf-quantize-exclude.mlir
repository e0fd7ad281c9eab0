// RUN: xfc-opt %s --xf-quantize="exclude=^dense" -verify-diagnostics | FileCheck %s

// Weights named by an initializer (or node) that matches `exclude` stay f32.
// CHECK-LABEL: func.func @excluded
// CHECK: %[[KEPT:.+]] = xf.constant dense<{{.*}}> : tensor<6x2xf32>
// CHECK: xf.linear %{{.*}}, %[[KEPT]]
// CHECK: %[[Q:.+]] = xf.quantized_weight
// CHECK: xf.linear %{{.*}}, %[[Q]]
func.func @excluded(%x: tensor<?x6xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %w = xf.constant dense<[[0.0, 0.5], [1.0, 0.5], [2.0, 0.5], [3.0, 0.5], [4.0, -1.0], [5.0, 1.0]]> : tensor<6x2xf32> loc("dense.weight")
  %v = xf.constant dense<[[1.0, 0.5], [1.0, -0.5], [2.0, 0.5], [3.0, 0.5], [4.0, -1.0], [5.0, 1.0]]> : tensor<6x2xf32> loc("other.weight")
  %0 = xf.linear %x, %w : (tensor<?x6xf32>, tensor<6x2xf32>) -> tensor<?x2xf32>
  // expected-remark @+1 {{weight quantized to int4 in groups of 6: relative error}}
  %1 = xf.linear %x, %v : (tensor<?x6xf32>, tensor<6x2xf32>) -> tensor<?x2xf32>
  return %0, %1 : tensor<?x2xf32>, tensor<?x2xf32>
}

// RUN: xfc-opt %s --xf-sparsify=pattern=unstructured:0.5 --verify-diagnostics | FileCheck %s

// unstructured:0.5 zeroes the floor(0.5 * 6) = 3 smallest magnitudes of
// the weight; of the tied 2s the earlier (row-major) goes first.
// CHECK-LABEL: func.func @unstructured
// CHECK: xf.constant dense<{{\[}}[0.000000e+00, -5.000000e+00, 0.000000e+00], [2.000000e+00, 9.000000e+00, 0.000000e+00]]> : tensor<2x3xf32>
func.func @unstructured(%x: tensor<?x2xf32>) -> tensor<?x3xf32> {
  %w = xf.constant dense<[[2.0, -5.0, 1.0], [2.0, 9.0, -0.5]]> : tensor<2x3xf32>
  // expected-remark @+1 {{weight sparsified (unstructured:0.5): 50.0% nonzero}}
  %y = xf.matmul %x, %w : (tensor<?x2xf32>, tensor<2x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

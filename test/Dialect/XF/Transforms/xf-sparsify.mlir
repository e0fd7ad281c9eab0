// RUN: xfc-opt %s -split-input-file --xf-sparsify --verify-diagnostics | FileCheck %s
// RUN: not xfc-opt %s --xf-sparsify=pattern=3:4 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: xf-sparsify: pattern is 2:4 or unstructured:R with 0 < R < 1, not '3:4'

// 2:4 along K, the rows of a matmul's [K, N] weight: each column's groups
// of 4 keep their 2 largest magnitudes (column 0: 4 and -3; column 1's tie
// of 1s keeps the lower rows), and the last group, of 3 rows, keeps 2
// (-7 and 6 in column 0; 2 and 3 in column 1).
// CHECK-LABEL: func.func @two_of_four_rows
// CHECK: xf.constant dense<{{\[}}[0.000000e+00, 1.000000e+00], [4.000000e+00, 1.000000e+00], [-3.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [-7.000000e+00, 2.000000e+00], [6.000000e+00, 0.000000e+00], [0.000000e+00, 3.000000e+00]]> : tensor<7x2xf32>
func.func @two_of_four_rows(%x: tensor<?x7xf32>) -> tensor<?x2xf32> {
  %w = xf.constant dense<[[1.0, 1.0], [4.0, 1.0], [-3.0, 1.0], [2.0, 1.0], [-7.0, 2.0], [6.0, 1.0], [1.0, 3.0]]> : tensor<7x2xf32>
  // expected-remark @+1 {{weight sparsified (2:4): 57.1% nonzero}}
  %y = xf.matmul %x, %w : (tensor<?x7xf32>, tensor<7x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// Gemm with transB and linear with transpose_weight: K is the columns.
// CHECK-LABEL: func.func @two_of_four_columns
// CHECK: xf.constant dense<{{\[}}[0.000000e+00, 5.000000e+00, -6.000000e+00, 0.000000e+00]]> : tensor<1x4xf32>
// CHECK: xf.constant dense<{{\[}}[9.000000e+00, 0.000000e+00, 0.000000e+00, -8.000000e+00]]> : tensor<1x4xf32>
func.func @two_of_four_columns(%x: tensor<?x4xf32>) -> (tensor<?x1xf32>, tensor<?x1xf32>) {
  %w = xf.constant dense<[[1.0, 5.0, -6.0, 2.0]]> : tensor<1x4xf32>
  %v = xf.constant dense<[[9.0, 1.0, 1.0, -8.0]]> : tensor<1x4xf32>
  // expected-remark @+1 {{weight sparsified (2:4)}}
  %y = xf.gemm %x, %w {trans_b = true} : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x1xf32>
  // expected-remark @+1 {{weight sparsified (2:4)}}
  %z = xf.linear %x, %v {transpose_weight = true} : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x1xf32>
  return %y, %z : tensor<?x1xf32>, tensor<?x1xf32>
}

// -----

// A weight another op reads too (a tied embedding) stays dense, and so do
// products by weights computed at run time.
// CHECK-LABEL: func.func @shared
// CHECK: xf.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]>
func.func @shared(%x: tensor<?x1xf32>, %ids: tensor<?xi64>, %r: tensor<1x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %w = xf.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %y = xf.matmul %x, %w : (tensor<?x1xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  %e = xf.gather %w, %ids : (tensor<1x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %z = xf.matmul %x, %r : (tensor<?x1xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  return %y, %e, %z : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}

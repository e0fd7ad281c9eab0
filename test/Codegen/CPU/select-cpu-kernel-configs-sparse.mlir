// RUN: xfc-opt %s --xf-select-cpu-kernel-configs=isa=avx512 | FileCheck %s
// RUN: xfc-opt %s --xf-select-cpu-kernel-configs=isa=avx2 | FileCheck %s --check-prefix=AVX2

// With avx512, constant f32 weights with at least 40% zeros read only as
// products' weights get the sparse kernel's tiles: 2 zeros of 5 (a product),
// 3 of 5 (a dense layer's transposed weight), 2 of 5 read through a
// transpose. 1 zero of 5 stays dense, and so does a sparse weight that a
// gather reads too (a tied embedding) or that is a product's left operand.
// Without avx512 no weight is sparse.
// CHECK-LABEL: func.func @weights
// CHECK: %[[W40:.+]] = xf.constant {xf.kernel_config = #xf.kernel_config<avx512, tile = [6, 4]>} dense<{{\[}}[1.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00, 3.000000e+00]]>
// CHECK: %[[W60:.+]] = xf.constant {xf.kernel_config = #xf.kernel_config<avx512, tile = [6, 4]>} dense<{{\[}}[1.000000e+00], [0.000000e+00]
// CHECK: %[[WT:.+]] = xf.constant {xf.kernel_config = #xf.kernel_config<avx512, tile = [6, 4]>} dense<{{\[}}[0.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00]]>
// CHECK: %[[W20:.+]] = xf.constant dense<{{\[}}[1.000000e+00, 0.000000e+00, 2.000000e+00, 4.000000e+00, 3.000000e+00]]>
// CHECK: %[[TIED:.+]] = xf.constant dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 3.000000e+00]]>
// CHECK: %[[LEFT:.+]] = xf.constant dense<{{\[}}[0.000000e+00], [0.000000e+00]
// AVX2-LABEL: func.func @weights
// AVX2-NOT: xf.kernel_config
func.func @weights(%x: tensor<?x1xf32>, %ids: tensor<?xi64>, %y: tensor<5x?xf32>)
    -> (tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x1xf32>, tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x5xf32>, tensor<5x5xf32>) {
  %w40 = xf.constant dense<[[1.0, 0.0, 2.0, 0.0, 3.0]]> : tensor<1x5xf32>
  %w60 = xf.constant dense<[[1.0], [0.0], [0.0], [0.0], [2.0]]> : tensor<5x1xf32>
  %wt = xf.constant dense<[[0.0, 0.0, 1.0, 2.0, 3.0]]> : tensor<1x5xf32>
  %w20 = xf.constant dense<[[1.0, 0.0, 2.0, 4.0, 3.0]]> : tensor<1x5xf32>
  %tied = xf.constant dense<[[0.0, 0.0, 0.0, 0.0, 3.0]]> : tensor<1x5xf32>
  %left = xf.constant dense<[[0.0], [0.0], [0.0], [0.0], [2.0]]> : tensor<5x1xf32>
  %0 = xf.matmul %x, %w40 : (tensor<?x1xf32>, tensor<1x5xf32>) -> tensor<?x5xf32>
  %1 = xf.linear %x, %w60 {transpose_weight = true} : (tensor<?x1xf32>, tensor<5x1xf32>) -> tensor<?x5xf32>
  %t = xf.transpose %wt {perm = array<i64: 1, 0>} : (tensor<1x5xf32>) -> tensor<5x1xf32>
  %2 = xf.matmul %0, %t : (tensor<?x5xf32>, tensor<5x1xf32>) -> tensor<?x1xf32>
  %3 = xf.matmul %x, %w20 : (tensor<?x1xf32>, tensor<1x5xf32>) -> tensor<?x5xf32>
  %4 = xf.matmul %x, %tied : (tensor<?x1xf32>, tensor<1x5xf32>) -> tensor<?x5xf32>
  %5 = xf.gather %tied, %ids {axis = 0 : i64} : (tensor<1x5xf32>, tensor<?xi64>) -> tensor<?x5xf32>
  %6 = xf.matmul %left, %w40 : (tensor<5x1xf32>, tensor<1x5xf32>) -> tensor<5x5xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x1xf32>, tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x5xf32>, tensor<5x5xf32>
}

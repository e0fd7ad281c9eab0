// RUN: xfc-opt %s -split-input-file -verify-diagnostics --xf-select-cpu-kernel-configs --xf-vectorize-contractions --canonicalize --cse | FileCheck %s

// With the selected configuration: rows of a dynamic count are split at
// the last multiple of 8. Full row blocks: 8x32 tiles (columns outermost)
// whose accumulator stays in registers across the reduction, the loop over
// which shows the configuration. The rows left (a single token's) go one
// at a time through 1x128 tiles. Both outer loops may run on threads.
// CHECK-LABEL: func.func @matmul_dynamic_rows
// CHECK: affine.min
// CHECK: scf.for %{{.+}} = %c0 to %c256 step %c32
// CHECK: scf.for %{{.+}} = %c0 to %{{.+}} step %c8
// CHECK: %[[ACC:.+]] = vector.transfer_read {{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK: %[[SUM:.+]] = scf.for {{.*}} iter_args(%[[A:.+]] = %[[ACC]]) -> (vector<8x32xf32>)
// CHECK: vector.transfer_read %arg0{{.*}} : tensor<?x96xf32>, vector<8x1xf32>
// CHECK: vector.transfer_read %arg1{{.*}} : tensor<96x256xf32>, vector<1x32xf32>
// CHECK: vector.contract {{.*}} %[[A]] : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK: } {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128]>}
// CHECK: vector.transfer_write %[[SUM]]
// CHECK: } {xf.parallel}
// CHECK: scf.for %{{.+}} = %c0 to %c256 step %c128
// CHECK: scf.for {{.*}} step %c1
// CHECK: scf.for {{.*}} -> (vector<1x128xf32>)
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x128xf32> into vector<1x128xf32>
// CHECK: } {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128]>}
// CHECK: } {xf.parallel}
func.func @matmul_dynamic_rows(%a: tensor<?x96xf32>, %b: tensor<96x256xf32>, %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x96xf32>, tensor<96x256xf32>) outs(%c : tensor<?x256xf32>) -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}

// -----

// A configuration given by hand is followed: 4x16 register blocks, the
// rows past the last multiple of 4 through 1x48 blocks.
// CHECK-LABEL: func.func @configured_blocks
// CHECK: scf.for %{{.+}} = %c0 to %c192 step %c16
// CHECK: scf.for %{{.+}} = %c0 to %{{.+}} step %c4
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK: } {xf.kernel_config = #xf.kernel_config<vector, tile = [4, 16, 48]>}
// CHECK: } {xf.parallel}
// CHECK: scf.for %{{.+}} = %c0 to %c192 step %c48
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x48xf32> into vector<1x48xf32>
// CHECK: } {xf.kernel_config = #xf.kernel_config<vector, tile = [4, 16, 48]>}
// CHECK: } {xf.parallel}
// CHECK-NOT: vector.contract
func.func @configured_blocks(%a: tensor<?x96xf32>, %b: tensor<96x192xf32>, %c: tensor<?x192xf32>) -> tensor<?x192xf32> {
  %r = linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [4, 16, 48]>}
      ins(%a, %b : tensor<?x96xf32>, tensor<96x192xf32>) outs(%c : tensor<?x192xf32>) -> tensor<?x192xf32>
  return %r : tensor<?x192xf32>
}

// -----

// Leftover rows in 1x32 blocks where 128 does not divide the columns.
// CHECK-LABEL: func.func @narrow_rest_tiles
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x32xf32> into vector<1x32xf32>
// CHECK: } {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 32]>}
func.func @narrow_rest_tiles(%a: tensor<?x16xf32>, %b: tensor<16x96xf32>, %c: tensor<?x96xf32>) -> tensor<?x96xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x16xf32>, tensor<16x96xf32>) outs(%c : tensor<?x96xf32>) -> tensor<?x96xf32>
  return %r : tensor<?x96xf32>
}

// -----

func.func @cuda_config(%a: tensor<?x16xf32>, %b: tensor<16x96xf32>, %c: tensor<?x96xf32>) -> tensor<?x96xf32> {
  // expected-error @below {{xf-vectorize-contractions: builds vector kernels with tile = [M, N, N1], not #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 128, stages = 1>}}
  %r = linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 128, stages = 1>}
      ins(%a, %b : tensor<?x16xf32>, tensor<16x96xf32>) outs(%c : tensor<?x96xf32>) -> tensor<?x96xf32>
  return %r : tensor<?x96xf32>
}

// -----

func.func @attention_config(%a: tensor<?x16xf32>, %b: tensor<16x96xf32>, %c: tensor<?x96xf32>) -> tensor<?x96xf32> {
  // expected-error @below {{xf-vectorize-contractions: builds vector kernels with tile = [M, N, N1], not #xf.kernel_config<vector, tile = [32, 64]>}}
  %r = linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>}
      ins(%a, %b : tensor<?x16xf32>, tensor<16x96xf32>) outs(%c : tensor<?x96xf32>) -> tensor<?x96xf32>
  return %r : tensor<?x96xf32>
}

// -----

// A batch at a time; columns that do not fill a tile stay a scalar
// contraction (loops later), full ones are vectorized.
// CHECK-LABEL: func.func @batch_matmul_partial_columns
// CHECK: scf.for {{.*}} step %c1
// CHECK: vector.contract {{.*}} into vector<1x8x32xf32>
// CHECK: linalg.batch_matmul {{.*}} tensor<1x8x8xf32>, tensor<1x8x8xf32>
func.func @batch_matmul_partial_columns(%a: tensor<4x16x8xf32>, %b: tensor<4x8x40xf32>, %c: tensor<4x16x40xf32>) -> tensor<4x16x40xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x16x8xf32>, tensor<4x8x40xf32>) outs(%c : tensor<4x16x40xf32>) -> tensor<4x16x40xf32>
  return %r : tensor<4x16x40xf32>
}

// -----

// Products whose right operand is not read along the output's columns, or
// on other element types, are left alone.
// CHECK-LABEL: func.func @transposed_rhs
// CHECK-NOT: vector.contract
// CHECK: linalg.matmul
func.func @transposed_rhs(%a: tensor<16x8xf32>, %b: tensor<32x8xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<16x8xf32>, tensor<32x8xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// i32 products (MatMulInteger after widening) are blocked the same way.
// CHECK-LABEL: func.func @integer
// CHECK: vector.contract {{.*}} : vector<8x1xi32>, vector<1x32xi32> into vector<8x32xi32>
func.func @integer(%a: tensor<16x8xi32>, %b: tensor<8x32xi32>, %c: tensor<16x32xi32>) -> tensor<16x32xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<16x8xi32>, tensor<8x32xi32>) outs(%c : tensor<16x32xi32>) -> tensor<16x32xi32>
  return %r : tensor<16x32xi32>
}

// CHECK-LABEL: func.func @half
// CHECK-NOT: vector.contract
func.func @half(%a: tensor<16x8xf16>, %b: tensor<8x32xf16>, %c: tensor<16x32xf16>) -> tensor<16x32xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<16x8xf16>, tensor<8x32xf16>) outs(%c : tensor<16x32xf16>) -> tensor<16x32xf16>
  return %r : tensor<16x32xf16>
}

// RUN: xfc-opt %s -split-input-file --xf-vectorize-contractions --canonicalize --cse | FileCheck %s

// Rows of a dynamic count are split at the last multiple of 8. Full row
// blocks: 8x32 tiles (columns outermost) whose accumulator stays in
// registers across the reduction. The rows left (a single token's) go one
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
// CHECK: vector.transfer_write %[[SUM]]
// CHECK: } {xf.parallel}
// CHECK: scf.for %{{.+}} = %c0 to %c256 step %c128
// CHECK: scf.for {{.*}} step %c1
// CHECK: scf.for {{.*}} -> (vector<1x128xf32>)
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x128xf32> into vector<1x128xf32>
// CHECK: } {xf.parallel}
func.func @matmul_dynamic_rows(%a: tensor<?x96xf32>, %b: tensor<96x256xf32>, %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x96xf32>, tensor<96x256xf32>) outs(%c : tensor<?x256xf32>) -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
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

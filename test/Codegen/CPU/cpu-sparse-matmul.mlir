// RUN: xfc-opt %s --split-input-file --xf-cpu-sparse-matmul | FileCheck %s

// A [20, 6] weight with 6 nonzeros, for the avx512 kernel of 4 rows by 4
// columns: 2 tiles of 4 columns (the second half padding), 2 chunks of 16
// along K (the input padded to 32 with zeros); a 16-bit mask per tile,
// chunk and column, the 6 values and 16 zeros of padding, and where each
// tile's values start. Blocks of 4 rows read the tile expanded once; the
// rest expand each chunk as they read it. Columns past N are not written.
// CHECK-LABEL: func.func @avx512
// CHECK-DAG: %[[MASKS:.+]] = arith.constant dense_resource<{{.*}}.sparse_masks> : tensor<2x2x4xi16>
// CHECK-DAG: %[[VALUES:.+]] = arith.constant dense_resource<{{.*}}.sparse_values> : tensor<22xf32>
// CHECK-DAG: %[[STARTS:.+]] = arith.constant dense_resource<{{.*}}.sparse_starts> : tensor<2xi64>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [%{{.*}}, 20] [1, 1] : tensor<?x20xf32> into tensor<?x32xf32>
// CHECK: scf.for %[[TILE:[a-z0-9_]+]] =
// CHECK: scf.if
// CHECK: tensor.empty() : tensor<2x4x16xf32>
// CHECK: tensor.extract %[[STARTS]][%[[TILE]]]
// CHECK: %[[MASK:.+]] = tensor.extract %[[MASKS]][%[[TILE]], %{{.*}}, %{{.*}}] : tensor<2x2x4xi16>
// CHECK: %[[WORD:.+]] = vector.broadcast %[[MASK]] : i16 to vector<1xi16>
// CHECK: %[[BITS:.+]] = vector.bitcast %[[WORD]] : vector<1xi16> to vector<16xi1>
// CHECK: %[[PACKED:.+]] = vector.transfer_read %[[VALUES]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<22xf32>, vector<16xf32>
// CHECK: xf.expand_lanes %[[PACKED]], %[[BITS]] {intrinsic = "llvm.x86.avx512.mask.expand.v16f32"}
// CHECK: math.ctpop %[[MASK]] : i16
// CHECK: vector.transfer_write {{.*}} : vector<16xf32>, tensor<2x4x16xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<2x4x16xf32>, vector<16xf32>
// CHECK-COUNT-4: vector.fma
// CHECK: vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK: vector.from_elements {{.*}} : vector<4xf32>
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : vector<4xf32>, tensor<?x6xf32>
// CHECK: } else {
// CHECK: scf.for
// CHECK: xf.expand_lanes
// CHECK: } {xf.parallel}
// CHECK-NOT: xf.matmul
// CHECK-NOT: xf.constant
func.func @avx512(%x: tensor<?x20xf32>) -> tensor<?x6xf32> {
  %w = xf.constant {xf.kernel_config = #xf.kernel_config<avx512, tile = [4, 4]>} dense<[
    [1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 3.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [5.0, 0.0, 0.0, 0.0, 0.0, 6.0]]> : tensor<20x6xf32>
  %y = xf.matmul %x, %w : (tensor<?x20xf32>, tensor<20x6xf32>) -> tensor<?x6xf32>
  return %y : tensor<?x6xf32>
}

// -----

// A dense layer's [N, K] weight (transpose_weight) on the portable kernel
// (8 lanes, 8-bit masks, no intrinsic): the layer is decomposed, its
// product reads the constant's transpose, and its bias and activation
// stay after the kernel; [2, ?, 8] rows are collapsed and expanded back.
// CHECK-LABEL: func.func @linear_vector
// CHECK-DAG: arith.constant dense_resource<{{.*}}.sparse_masks> : tensor<2x1x2xi8>
// CHECK-DAG: arith.constant dense_resource<{{.*}}.sparse_values> : tensor<12xf32>
// CHECK: tensor.collapse_shape {{.*}} into tensor<?x8xf32>
// CHECK: vector.bitcast %{{.*}} : vector<1xi8> to vector<8xi1>
// CHECK-NOT: intrinsic
// CHECK: xf.expand_lanes %{{.*}}, %{{.*}} : vector<8xf32>, vector<8xi1>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x?x3xf32>
// CHECK: xf.add
// CHECK: xf.relu
// CHECK-NOT: xf.transpose
// CHECK-NOT: xf.linear
func.func @linear_vector(%x: tensor<2x?x8xf32>) -> tensor<2x?x3xf32> {
  %w = xf.constant {xf.kernel_config = #xf.kernel_config<vector, tile = [2, 2]>} dense<[
    [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0],
    [0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0],
    [4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<3x8xf32>
  %b = xf.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = xf.linear %x, %w, %b {activation = #xf<activation relu>, transpose_weight = true} : (tensor<2x?x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x?x3xf32>
  return %y : tensor<2x?x3xf32>
}

// -----

// Without a configuration the weight stays dense.
// CHECK-LABEL: func.func @unconfigured
// CHECK: xf.matmul
// CHECK-NOT: xf.expand_lanes
func.func @unconfigured(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %w = xf.constant dense<[[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 2.0]]> : tensor<4x2xf32>
  %y = xf.matmul %x, %w : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// RUN: xfc-opt %s -split-input-file -verify-diagnostics --xf-select-cpu-kernel-configs --xf-cpu-attention --canonicalize | FileCheck %s

// Grouped-query causal attention: one loop over batch x query heads x
// blocks of 32 queries (for the runtime's threads), and for each a loop
// over blocks of 64 keys that ends after the last key the block can see
// (j <= i + Sk - Sq). Each key block: scores as a matrix product by K^T
// (transposed once), their row maximum, probabilities and correction
// (online softmax), and the product by V into the accumulator. Key/value
// head = head / 2. The blocks are the selected configuration's, which the
// outer loop shows.
// CHECK-LABEL: func.func @causal_gqa
// CHECK:       %[[KT:.*]] = linalg.transpose ins(%arg1 : tensor<1x2x?x16xf32>) {{.*}} permutation = [0, 1, 3, 2]
// CHECK:       %[[BLOCKS:.*]] = arith.ceildivui %{{.*}}, %c32
// CHECK:       %[[N:.*]] = arith.muli %[[BLOCKS]], %c4
// CHECK:       scf.for %{{.*}} = %c0 to %[[N]] step %c1 iter_args
// CHECK:         %[[KVH:.*]] = arith.divui %{{.*}}, %c2
// CHECK:         %[[END:.*]] = arith.maxsi
// CHECK:         scf.for %[[K0:.*]] = %c0 to %[[END]] step %c64 iter_args
// CHECK:             tensor.extract_slice %[[KT]][%{{.*}}, %[[KVH]], 0, %[[K0]]]
// CHECK:             linalg.matmul
// CHECK:             linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK:               arith.cmpi sgt
// CHECK:             linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:               arith.maximumf
// CHECK:             math.exp
// CHECK:             linalg.matmul
// CHECK:           arith.divf
// CHECK:           tensor.insert_slice
// CHECK:       } {xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>, xf.parallel}
func.func @causal_gqa(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %r = xf.attention %q, %k, %v {causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  return %r : tensor<1x4x?x16xf32>
}

// -----

// A padding mask [B, 1, 1, Sk] (additive): read per score, index 0 along
// its unit dimensions (dynamic ones are checked at run time). A key block
// the mask hides wholly (entries <= -1e30), once every row's running
// maximum is a visible score's, is skipped: an scf.if around the block.
// CHECK-LABEL: func.func @padding_mask
// CHECK:       linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK:         tensor.extract %arg3[%{{.*}}, %c0, %c0, %{{.*}}]
// CHECK:         arith.cmpf ole
// CHECK:       linalg.generic {{.*}}iterator_types = ["reduction"]
// CHECK:         arith.cmpf ogt
// CHECK:       scf.if
// CHECK:         linalg.generic
// CHECK:           linalg.index 1
// CHECK:           %[[M:.*]] = tensor.extract %arg3[%{{.*}}, %c0, %c0, %{{.*}}]
// CHECK:           arith.addf %{{.*}}, %[[M]]
func.func @padding_mask(%q: tensor<?x2x?x8xf32>, %k: tensor<?x2x?x8xf32>, %v: tensor<?x2x?x8xf32>, %m: tensor<?x1x1x?xf32>) -> tensor<?x2x?x8xf32> {
  %r = xf.attention %q, %k, %v, %m : (tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x1x1x?xf32>) -> tensor<?x2x?x8xf32>
  return %r : tensor<?x2x?x8xf32>
}

// -----

// The blocks follow a configuration given by hand: 16 queries by 8 keys.
// CHECK-LABEL: func.func @configured_blocks
// CHECK:       arith.ceildivui %{{.*}}, %c16
// CHECK:       scf.for
// CHECK:         arith.minsi %{{.*}}, %c16
// CHECK:         scf.for %{{.*}} = %c0 to %{{.*}} step %c8 iter_args
// CHECK:           arith.minsi %{{.*}}, %c8
// CHECK:       } {xf.kernel_config = #xf.kernel_config<vector, tile = [16, 8]>, xf.parallel}
func.func @configured_blocks(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %r = xf.attention %q, %k, %v {xf.kernel_config = #xf.kernel_config<vector, tile = [16, 8]>} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

// -----

// Attention the nest does not take (f16) is left for xf-convert-to-linalg
// to decompose, and gets no configuration.
// CHECK-LABEL: func.func @half
// CHECK-NOT:   xf.kernel_config
// CHECK:       xf.attention
func.func @half(%q: tensor<1x2x?x8xf16>, %k: tensor<1x2x?x8xf16>, %v: tensor<1x2x?x8xf16>) -> tensor<1x2x?x8xf16> {
  %r = xf.attention %q, %k, %v : (tensor<1x2x?x8xf16>, tensor<1x2x?x8xf16>, tensor<1x2x?x8xf16>) -> tensor<1x2x?x8xf16>
  return %r : tensor<1x2x?x8xf16>
}

// -----

func.func @product_config(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  // expected-error @below {{xf-cpu-attention: builds vector kernels with tile = [queries, keys], not #xf.kernel_config<vector, tile = [8, 32, 128]>}}
  %r = xf.attention %q, %k, %v {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128]>} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

// -----

func.func @cuda_config(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  // expected-error @below {{xf-cpu-attention: builds vector kernels with tile = [queries, keys], not #xf.kernel_config<simt, tile = [32, 32], threads = 128, stages = 1>}}
  %r = xf.attention %q, %k, %v {xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32], threads = 128, stages = 1>} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

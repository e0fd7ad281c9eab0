// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s

// A 2-D product is linalg.matmul into a zero-filled result.
// CHECK-LABEL: func.func @matmul_static
// CHECK: %[[E:.+]] = tensor.empty() : tensor<8x32xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<8x32xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<8x96xf32>, tensor<96x32xf32>) outs(%[[ACC]] : tensor<8x32xf32>)
func.func @matmul_static(%a: tensor<8x96xf32>, %b: tensor<96x32xf32>) -> tensor<8x32xf32> {
  %0 = xf.matmul %a, %b : (tensor<8x96xf32>, tensor<96x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}

// -----

// A vector on the right is a one-column matrix; the leading dimensions of
// the left fold into rows, and the result drops the column again.
// CHECK-LABEL: func.func @matmul_vector
// CHECK: %[[COL:.+]] = tensor.expand_shape %arg1 {{\[}}[0, 1]] output_shape [96, 1] : tensor<96xf32> into tensor<96x1xf32>
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<?x?x96xf32> into tensor<?x96xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %[[COL]] : tensor<?x96xf32>, tensor<96x1xf32>)
// CHECK: %[[OUT:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0, 1], [2]] {{.*}} into tensor<?x?x1xf32>
// CHECK: tensor.collapse_shape %[[OUT]] {{\[}}[0], [1, 2]] : tensor<?x?x1xf32> into tensor<?x?xf32>
func.func @matmul_vector(%x: tensor<?x?x96xf32>, %v: tensor<96xf32>) -> tensor<?x?xf32> {
  %0 = xf.matmul %x, %v : (tensor<?x?x96xf32>, tensor<96xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Batches that broadcast take a linalg.generic contraction: a size-1 batch
// reads index 0, a missing one drops out of the map.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast_batch
// CHECK: %[[ACC:.+]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%[[ACC]] : tensor<2x3x4x5xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %[[S:.+]]: f32):
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.addf %[[S]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @matmul_broadcast_batch(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = xf.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// Gemm: the product (B read transposed through its map), then alpha and
// the broadcast bias C in one element-wise loop.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm
// CHECK: %[[MM:.+]] = linalg.generic {indexing_maps = [#[[A]], #[[BT]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[MM]], %arg2 : tensor<8x288xf32>, tensor<288xf32>)
// CHECK: ^bb0(%[[P:.+]]: f32, %[[BIAS:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[ALPHA:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[SCALED:.+]] = arith.mulf %[[P]], %[[ALPHA]] : f32
// CHECK: arith.addf %[[SCALED]], %[[BIAS]] : f32
func.func @gemm(%a: tensor<8x96xf32>, %b: tensor<288x96xf32>, %c: tensor<288xf32>) -> tensor<8x288xf32> {
  %0 = xf.gemm %a, %b, %c {alpha = 0.5 : f32, trans_b = true} : (tensor<8x96xf32>, tensor<288x96xf32>, tensor<288xf32>) -> tensor<8x288xf32>
  return %0 : tensor<8x288xf32>
}

// -----

// Without C nor alpha, Gemm is the contraction alone; its rows may be
// dynamic.
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func.func @gemm_no_bias
// CHECK: %[[N:.+]] = tensor.dim %arg0, %c0 : tensor<?x96xf32>
// CHECK: tensor.empty(%[[N]]) : tensor<?x288xf32>
// CHECK: %[[MM:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[B]], #{{.+}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: return %[[MM]]
func.func @gemm_no_bias(%a: tensor<?x96xf32>, %w: tensor<96x288xf32>) -> tensor<?x288xf32> {
  %0 = xf.gemm %a, %w : (tensor<?x96xf32>, tensor<96x288xf32>) -> tensor<?x288xf32>
  return %0 : tensor<?x288xf32>
}

// -----

// A product kept in f32 (a MoE router) carries the mark to linalg, and a
// dense layer's decomposition to its product.
// CHECK-LABEL: func.func @full_precision
// CHECK: linalg.matmul {xf.full_precision} ins(%{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<64x8xf32>)
// CHECK: linalg.matmul {xf.full_precision} ins(%{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<64x8xf32>)
func.func @full_precision(%x: tensor<?x64xf32>, %w: tensor<64x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %0 = xf.matmul %x, %w {xf.full_precision} : (tensor<?x64xf32>, tensor<64x8xf32>) -> tensor<?x8xf32>
  %1 = xf.linear %x, %w {xf.full_precision} : (tensor<?x64xf32>, tensor<64x8xf32>) -> tensor<?x8xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<?x8xf32>
}

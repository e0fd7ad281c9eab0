// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s

// A reduction is a linalg.generic whose reduced loops are "reduction"
// iterators, into a result filled with the identity; keepdims reads the
// reduced dimension at 0.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-LABEL: func.func @reduce_sum_keepdims
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x1x16xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%arg0 : tensor<2x8x16xf32>) outs(%[[ACC]] : tensor<2x1x16xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[S:.+]]: f32):
// CHECK-NEXT: arith.addf %[[X]], %[[S]] : f32
func.func @reduce_sum_keepdims(%x: tensor<2x8x16xf32>) -> tensor<2x1x16xf32> {
  %0 = xf.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x8x16xf32>) -> tensor<2x1x16xf32>
  return %0 : tensor<2x1x16xf32>
}

// -----

// Without axes every dimension is reduced; max starts from -inf.
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @reduce_max_all
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<f32>)
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[SCALAR]]], iterator_types = ["reduction", "reduction"]}
// CHECK: arith.maximumf
func.func @reduce_max_all(%x: tensor<2x?xf32>) -> tensor<f32> {
  %0 = xf.reduce_max %x {keepdims = false} : (tensor<2x?xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Mean: the sum, then a division by the count of reduced elements.
// CHECK-LABEL: func.func @reduce_mean_static
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: %[[N:.+]] = tensor.dim %arg0, %{{.+}} : tensor<4x16xf32>
// CHECK: %[[COUNT:.+]] = arith.muli %{{.+}}, %[[N]] : index
// CHECK: %[[I:.+]] = arith.index_castui %[[COUNT]] : index to i64
// CHECK: %[[F:.+]] = arith.uitofp %[[I]] : i64 to f32
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[SUM]] : tensor<4x1xf32>)
// CHECK: arith.divf %{{.+}}, %[[F]] : f32
func.func @reduce_mean_static(%x: tensor<4x16xf32>) -> tensor<4x1xf32> {
  %0 = xf.reduce_mean %x {axes = array<i64: -1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

// A dynamic reduced size is counted at run time; without keepdims the
// reduced dimension leaves the output map.
// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @reduce_mean_dynamic
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[ROWS]]], iterator_types = ["parallel", "reduction"]}
// CHECK: %[[N:.+]] = tensor.dim %arg0, %{{.+}} : tensor<4x?xf32>
// CHECK: %[[COUNT:.+]] = arith.muli %{{.+}}, %[[N]] : index
// CHECK: %[[F:.+]] = arith.uitofp
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<4xf32>)
// CHECK: arith.divf %{{.+}}, %[[F]] : f32
func.func @reduce_mean_dynamic(%x: tensor<4x?xf32>) -> tensor<4xf32> {
  %0 = xf.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x?xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer sums add; integer max starts from the type's minimum.
// CHECK-LABEL: func.func @reduce_integers
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK: linalg.fill ins(%[[ZERO]] : i64)
// CHECK: arith.addi
// CHECK: %[[MIN:.+]] = arith.constant -9223372036854775808 : i64
// CHECK: linalg.fill ins(%[[MIN]] : i64)
// CHECK: arith.maxsi
func.func @reduce_integers(%x: tensor<4x8xi64>) -> (tensor<4xi64>, tensor<4xi64>) {
  %0 = xf.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xi64>) -> tensor<4xi64>
  %1 = xf.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xi64>) -> tensor<4xi64>
  return %0, %1 : tensor<4xi64>, tensor<4xi64>
}

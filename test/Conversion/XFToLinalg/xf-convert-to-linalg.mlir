// RUN: xfc-opt %s -split-input-file -verify-diagnostics --xf-convert-to-linalg | FileCheck %s

// Broadcasting: a static size-1 dimension is a constant index in the
// operand's map. Dynamic sizes that cannot be proven equal may be 1 at run
// time: the result takes the largest, and those operands are read at index
// 0 or the result's index, chosen at run time.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @broadcast
// CHECK: %[[D0:.+]] = tensor.dim %arg0, %{{.*}}
// CHECK: %[[D1:.+]] = tensor.dim %arg1, %{{.*}}
// CHECK: %[[MAX:.+]] = arith.maxui %[[D0]], %[[D1]]
// CHECK: %[[E:.+]] = tensor.empty(%[[MAX]]) : tensor<?x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg2 : tensor<1x8xf32>)
// CHECK: %[[ROW0:.+]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : index
// CHECK: tensor.extract %arg0[%[[ROW0]], %{{.*}}]
// CHECK: tensor.extract %arg1
// CHECK: arith.maximumf
// CHECK: arith.maximumf
func.func @broadcast(%a: tensor<?x8xf32>, %b: tensor<?x8xf32>, %c: tensor<1x8xf32>) -> tensor<?x8xf32> {
  %0 = xf.max %a, %b, %c : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<1x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Sizes that trace to one source are read through indexing maps.
// CHECK-LABEL: func.func @traced_equal
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic
// CHECK: math.tanh
// CHECK: linalg.generic
// CHECK: arith.addf
func.func @traced_equal(%a: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %t = xf.tanh %a : (tensor<?x8xf32>) -> tensor<?x8xf32>
  %0 = xf.add %a, %t : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Rows times a weight matrix: the leading dimensions fold into a
// linalg.matmul; equal batches use linalg.batch_matmul.
// CHECK-LABEL: func.func @matmuls
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<?x?x96xf32> into tensor<?x96xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %arg1 : tensor<?x96xf32>, tensor<96x32xf32>)
// CHECK: tensor.expand_shape %[[MM]] {{\[}}[0, 1], [2]]
// CHECK: tensor.collapse_shape %arg2 {{\[}}[0, 1], [2], [3]] : tensor<2x3x?x32xf32> into tensor<6x?x32xf32>
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<6x?x32xf32>, tensor<6x32x?xf32>)
func.func @matmuls(%x: tensor<?x?x96xf32>, %w: tensor<96x32xf32>, %q: tensor<2x3x?x32xf32>, %k: tensor<2x3x32x?xf32>) -> (tensor<?x?x32xf32>, tensor<2x3x?x?xf32>) {
  %0 = xf.matmul %x, %w : (tensor<?x?x96xf32>, tensor<96x32xf32>) -> tensor<?x?x32xf32>
  %1 = xf.matmul %q, %k : (tensor<2x3x?x32xf32>, tensor<2x3x32x?xf32>) -> tensor<2x3x?x?xf32>
  return %0, %1 : tensor<?x?x32xf32>, tensor<2x3x?x?xf32>
}

// -----

// Weights stay resource blobs.
// CHECK-LABEL: func.func @constants
// CHECK: arith.constant dense_resource<w> : tensor<2xf32>
func.func @constants() -> tensor<2xf32> {
  %0 = xf.constant dense_resource<w> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// An op without a lowering is reported at its location.
func.func @unlowered(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{failed to legalize operation 'xf.cumsum'}}
  %0 = xf.cumsum %x {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

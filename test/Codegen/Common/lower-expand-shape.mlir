// RUN: xfc-opt %s --pass-pipeline='builtin.module(func.func(xf-lower-expand-shape))' | FileCheck %s

// A contiguous buffer split into dynamic sizes is the same buffer with
// row-major strides: the last is 1, each other the product of the sizes
// after it.
// CHECK-LABEL: func.func @split_dynamic
// CHECK-SAME: (%[[M:.+]]: memref<?xf32>, %[[ROWS:.+]]: index, %[[COLS:.+]]: index)
// CHECK-NOT: memref.expand_shape
// CHECK: %[[R:.+]] = memref.reinterpret_cast %[[M]] to offset: [0], sizes: [%[[ROWS]], %[[COLS]]], strides: [%[[COLS]], 1] : memref<?xf32> to memref<?x?xf32>
// CHECK-NEXT: return %[[R]]
func.func @split_dynamic(%m: memref<?xf32>, %rows: index, %cols: index) -> memref<?x?xf32> {
  %0 = memref.expand_shape %m [[0, 1]] output_shape [%rows, %cols] : memref<?xf32> into memref<?x?xf32>
  return %0 : memref<?x?xf32>
}

// Static sizes fold into the strides; dynamic ones multiply at run time.
// CHECK-LABEL: func.func @split_mixed
// CHECK-SAME: (%[[M:.+]]: memref<?x8xf32>, %[[B:.+]]: index, %[[S:.+]]: index)
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
// CHECK: %[[S2:.+]] = arith.muli %[[S]], %[[C8]] : index
// CHECK: %[[S1:.+]] = arith.muli %[[S2]], %[[C4]] : index
// CHECK: memref.reinterpret_cast %[[M]] to offset: [0], sizes: [%[[B]], 4, %[[S]], 8], strides: [%[[S1]], %[[S2]], 8, 1] : memref<?x8xf32> to memref<?x4x?x8xf32>
func.func @split_mixed(%m: memref<?x8xf32>, %b: index, %s: index) -> memref<?x4x?x8xf32> {
  %0 = memref.expand_shape %m [[0, 1, 2], [3]] output_shape [%b, 4, %s, 8] : memref<?x8xf32> into memref<?x4x?x8xf32>
  return %0 : memref<?x4x?x8xf32>
}

// All static: constant strides, no arithmetic.
// CHECK-LABEL: func.func @split_static
// CHECK-NOT: arith.muli
// CHECK: memref.reinterpret_cast %{{.+}} to offset: [0], sizes: [2, 3, 4], strides: [12, 4, 1] : memref<24xf32> to memref<2x3x4xf32>
func.func @split_static(%m: memref<24xf32>) -> memref<2x3x4xf32> {
  %0 = memref.expand_shape %m [[0, 1, 2]] output_shape [2, 3, 4] : memref<24xf32> into memref<2x3x4xf32>
  return %0 : memref<2x3x4xf32>
}

// A strided source is not contiguous: left alone.
// CHECK-LABEL: func.func @strided_source
// CHECK-NOT: memref.reinterpret_cast
// CHECK: memref.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [%{{.+}}, %{{.+}}] : memref<?xf32, strided<[2]>> into memref<?x?xf32, strided<[?, 2]>>
func.func @strided_source(%m: memref<?xf32, strided<[2]>>, %rows: index, %cols: index) -> memref<?x?xf32, strided<[?, 2]>> {
  %0 = memref.expand_shape %m [[0, 1]] output_shape [%rows, %cols] : memref<?xf32, strided<[2]>> into memref<?x?xf32, strided<[?, 2]>>
  return %0 : memref<?x?xf32, strided<[?, 2]>>
}

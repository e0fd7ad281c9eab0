// RUN: xfc-opt %s --xf-copies-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @copy
// CHECK-SAME: (%[[A:.*]]: memref<?x96xf32, strided<[288, 1], offset: 96>>, %[[B:.*]]: memref<?x96xf32>)
// CHECK-NEXT: linalg.copy ins(%[[A]] : memref<?x96xf32, strided<[288, 1], offset: 96>>) outs(%[[B]] : memref<?x96xf32>)
// CHECK-NOT: memref.copy
func.func @copy(%a: memref<?x96xf32, strided<[288, 1], offset: 96>>, %b: memref<?x96xf32>) {
  memref.copy %a, %b : memref<?x96xf32, strided<[288, 1], offset: 96>> to memref<?x96xf32>
  return
}

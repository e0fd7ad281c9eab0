// RUN: xfc-opt %s -xf-infer-shapes -split-input-file -verify-diagnostics | FileCheck %s

// Types written as fully dynamic by an importer become as static as the
// operands allow, and the signature follows.
// CHECK-LABEL: func.func @refine
// CHECK-SAME: -> (tensor<?x16x288xf32>, tensor<?x16x3x96xf32>)
func.func @refine(%x: tensor<?x16x96xf32>, %w: tensor<96x288xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?x?xf32>) {
  // CHECK: xf.matmul {{.*}} -> tensor<?x16x288xf32>
  %0 = xf.matmul %x, %w : (tensor<?x16x96xf32>, tensor<96x288xf32>) -> tensor<?x?x?xf32>
  %s = xf.constant dense<[0, 0, 3, -1]> : tensor<4xi64>
  // CHECK: xf.reshape {{.*}} -> tensor<?x16x3x96xf32>
  %1 = xf.reshape %0, %s : (tensor<?x?x?xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %0, %1 : tensor<?x?x?xf32>, tensor<?x?x?x?xf32>
}

// -----

// A static size already in the type is kept where inference cannot know it.
// CHECK-LABEL: func.func @keep_known
// CHECK: xf.reshape {{.*}} -> tensor<2x?xf32>
func.func @keep_known(%x: tensor<?xf32>, %s: tensor<2xi64>) -> tensor<2x?xf32> {
  %0 = xf.reshape %x, %s : (tensor<?xf32>, tensor<2xi64>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// -----

// Symbolic dimensions stay symbolic through broadcasting and slicing (a
// symbolic dimension may be shorter than the slice's end).
// CHECK-LABEL: func.func @symbolic
// CHECK-SAME: -> tensor<?x?x96xf32>
// CHECK: xf.add {{.*}} -> tensor<?x?x96xf32>
// CHECK-NOT: tensor<?x8x96xf32>
// CHECK: xf.slice {{.*}} -> tensor<?x?x96xf32>
func.func @symbolic(%x: tensor<?x?x96xf32>, %y: tensor<1x1x96xf32>) -> tensor<?x?x?xf32> {
  %0 = xf.add %x, %y : (tensor<?x?x96xf32>, tensor<1x1x96xf32>) -> tensor<?x?x?xf32>
  %s = xf.constant dense<[0]> : tensor<1xi64>
  %e = xf.constant dense<[8]> : tensor<1xi64>
  %1 = xf.slice %0, %s, %e {axes = array<i64: 1>} : (tensor<?x?x?xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?x?xf32>
  return %1 : tensor<?x?x?xf32>
}

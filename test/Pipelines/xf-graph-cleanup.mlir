// The graph cleanup pipeline: shapes are inferred, exporters' shape arithmetic
// folds, and what it leaves dead disappears.
// RUN: xfc-opt %s -xf-graph-cleanup | FileCheck %s

// CHECK-LABEL: func.func @attention_heads
// CHECK-SAME: -> tensor<2x3x16x32xf32>
// CHECK-NOT: xf.shape
// CHECK-NOT: xf.gather
// CHECK-NOT: xf.concat
// CHECK: %[[S:.+]] = xf.constant dense<[2, 16, 3, 32]>
// CHECK: %[[R:.+]] = xf.reshape %{{.*}}, %[[S]] {{.*}} -> tensor<2x16x3x32xf32>
// CHECK: xf.transpose %[[R]] {{.*}} -> tensor<2x3x16x32xf32>
func.func @attention_heads(%x: tensor<2x16x96xf32>) -> tensor<?x?x?x?xf32> {
  %shape = xf.shape %x : (tensor<2x16x96xf32>) -> tensor<3xi64>
  %i0 = xf.constant dense<0> : tensor<i64>
  %i1 = xf.constant dense<1> : tensor<i64>
  %b = xf.gather %shape, %i0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %s = xf.gather %shape, %i1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %ub = xf.unsqueeze %b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<?xi64>
  %us = xf.unsqueeze %s {axes = array<i64: 0>} : (tensor<i64>) -> tensor<?xi64>
  %heads = xf.constant dense<[3, 32]> : tensor<2xi64>
  %target = xf.concat %ub, %us, %heads {axis = 0 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = xf.reshape %x, %target : (tensor<2x16x96xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %t = xf.transpose %r {perm = array<i64: 0, 2, 1, 3>} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  return %t : tensor<?x?x?x?xf32>
}

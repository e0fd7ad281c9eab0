// RUN: xfc-opt %s --pass-pipeline='builtin.module(func.func(xf-attention-to-buffers,xf-convert-to-linalg))' | FileCheck %s

// The attention is carried on buffers before xf-convert-to-linalg lowers
// the rest; its result's sizes still trace to the query's (through the
// buffer allocated with them), so adding the query is a plain element-wise
// op, not one that checks at run time which operand broadcasts.
// CHECK-LABEL: func.func @residual
// CHECK:       xf.attention_buffers
// CHECK:       %[[R:.+]] = bufferization.to_tensor
// CHECK-NOT:   tensor.extract
// CHECK:       linalg.generic {{.*}} ins(%[[R]], %arg0 : tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>)
// CHECK-NOT:   tensor.extract
// CHECK:       return
func.func @residual(%q: tensor<?x2x?x8xf32>, %k: tensor<?x2x?x8xf32>, %v: tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32> {
  %a = xf.attention %q, %k, %v : (tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
  %r = xf.add %a, %q : (tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %r : tensor<?x2x?x8xf32>
}

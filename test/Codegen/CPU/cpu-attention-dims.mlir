// RUN: xfc-opt %s --pass-pipeline='builtin.module(xf-lower-to-linalg)' | FileCheck %s

// The attention's loop nest is written before xf-convert-to-linalg lowers
// the rest; its result's sizes still trace to the query's and the value's
// (through the cast, the loop updating its destination and the empty
// tensor sized by them), so adding the query is a plain element-wise op,
// not one that checks at run time which operand broadcasts.
// CHECK-LABEL: func.func @residual
// CHECK:       %[[NEST:.+]] = scf.for
// CHECK:       } {xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>, xf.parallel}
// CHECK-NOT:   tensor.extract
// CHECK:       linalg.generic {{.*}} ins(%[[NEST]], %arg0 : tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>)
// CHECK-NOT:   tensor.extract
// CHECK:       return
func.func @residual(%q: tensor<?x2x?x8xf32>, %k: tensor<?x2x?x8xf32>, %v: tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32> {
  %a = xf.attention %q, %k, %v : (tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
  %r = xf.add %a, %q : (tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %r : tensor<?x2x?x8xf32>
}

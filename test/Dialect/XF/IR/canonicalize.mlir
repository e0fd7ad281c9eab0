// Folders of the xf ops: shape arithmetic on small constants evaluates at
// compile time; ops that change nothing disappear.
// RUN: xfc-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @arith_on_shapes
// CHECK-NEXT: %[[C:.+]] = xf.constant dense<[7, 10, 1, 2]> : tensor<4xi64>
// CHECK-NEXT: return %[[C]], %[[C]]
func.func @arith_on_shapes() -> (tensor<4xi64>, tensor<4xi64>) {
  %a = xf.constant dense<[2, 5, 0, 3]> : tensor<4xi64>
  %b = xf.constant dense<2> : tensor<i64>
  %c = xf.constant dense<[3, 0, 1, -4]> : tensor<4xi64>
  %m = xf.mul %a, %b : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  %s = xf.add %m, %c : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %d = xf.div %s, %b : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  %e = xf.sub %s, %d : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %n = xf.neg %e : (tensor<4xi64>) -> tensor<4xi64>
  %r = xf.neg %n : (tensor<4xi64>) -> tensor<4xi64>
  // [7, 10, 1, 2] two ways: (2a + c) and its difference with the halved value.
  %twice = xf.add %r, %d : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %s, %twice : tensor<4xi64>, tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @float_broadcast
// CHECK-NEXT: xf.constant dense<{{\[}}[1.500000e+00, 2.500000e+00], [3.500000e+00, 4.500000e+00]]> : tensor<2x2xf32>
func.func @float_broadcast() -> tensor<2x2xf32> {
  %a = xf.constant dense<[[1.0], [3.0]]> : tensor<2x1xf32>
  %b = xf.constant dense<[0.5, 1.5]> : tensor<2xf32>
  %c = xf.add %a, %b : (tensor<2x1xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %c : tensor<2x2xf32>
}

// -----

// Integer division by zero is left for run time.
// CHECK-LABEL: func.func @division_by_zero
// CHECK: xf.div
func.func @division_by_zero() -> tensor<i64> {
  %a = xf.constant dense<4> : tensor<i64>
  %z = xf.constant dense<0> : tensor<i64>
  %d = xf.div %a, %z : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %d : tensor<i64>
}

// -----

// CHECK-LABEL: func.func @comparisons_and_logic
// CHECK-DAG: xf.constant dense<[false, true, false]> : tensor<3xi1>
// CHECK-DAG: xf.constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG: xf.constant dense<[false, false, true]> : tensor<3xi1>
// CHECK-DAG: xf.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK-NOT: xf.equal
// CHECK-NOT: xf.less
func.func @comparisons_and_logic() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  %a = xf.constant dense<[1, 2, 3]> : tensor<3xi64>
  %b = xf.constant dense<2> : tensor<i64>
  %eq = xf.equal %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %lt = xf.less %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %le = xf.less_or_equal %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %gt = xf.greater %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %ge = xf.greater_or_equal %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %or = xf.or %lt, %gt : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %and = xf.and %le, %ge : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %not = xf.not %and : (tensor<3xi1>) -> tensor<3xi1>
  return %eq, %lt, %le, %gt, %ge, %or, %not : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// CHECK-LABEL: func.func @nan_compares_false
// CHECK: xf.constant dense<false> : tensor<1xi1>
func.func @nan_compares_false() -> tensor<1xi1> {
  %a = xf.constant dense<0x7FC00000> : tensor<1xf32>
  %eq = xf.equal %a, %a : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xi1>
  return %eq : tensor<1xi1>
}

// -----

// CHECK-LABEL: func.func @where
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[Y:.+]]: tensor<4xf32>)
// CHECK: %[[C:.+]] = xf.constant dense<[10, 2]> : tensor<2xi64>
// CHECK: return %[[X]], %[[C]]
func.func @where(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<2xi64>) {
  %t = xf.constant dense<true> : tensor<4xi1>
  %0 = xf.where %t, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c = xf.constant dense<[true, false]> : tensor<2xi1>
  %a = xf.constant dense<[10, 20]> : tensor<2xi64>
  %b = xf.constant dense<[1, 2]> : tensor<2xi64>
  %1 = xf.where %c, %a, %b : (tensor<2xi1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<4xf32>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @identity_and_casts
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-DAG: xf.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: xf.constant dense<[2, -3]> : tensor<2xi64>
// CHECK-DAG: xf.constant dense<[true, false]> : tensor<2xi1>
// CHECK: return %[[X]], %[[X]]
func.func @identity_and_casts(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<2xf32>, tensor<2xi64>, tensor<2xi1>) {
  %0 = xf.identity %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = xf.cast %x : (tensor<4xf32>) -> tensor<4xf32>
  %i = xf.constant dense<[1, -2]> : tensor<2xi64>
  %2 = xf.cast %i : (tensor<2xi64>) -> tensor<2xf32>
  %f = xf.constant dense<[2.7, -3.9]> : tensor<2xf32>
  %3 = xf.cast %f : (tensor<2xf32>) -> tensor<2xi64>
  %z = xf.constant dense<[5, 0]> : tensor<2xi64>
  %4 = xf.cast %z : (tensor<2xi64>) -> tensor<2xi1>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<2xf32>, tensor<2xi64>, tensor<2xi1>
}

// -----

// The exporters' shape chain: Shape → Gather → Unsqueeze → Concat → Reshape.
// CHECK-LABEL: func.func @static_shape_chain
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x96xf32>)
// CHECK: %[[S:.+]] = xf.constant dense<[2, 16, 3, 32]> : tensor<4xi64>
// CHECK: %[[R:.+]] = xf.reshape %[[X]], %[[S]]
// CHECK-NEXT: return %[[R]]
func.func @static_shape_chain(%x: tensor<2x16x96xf32>) -> tensor<2x16x3x32xf32> {
  %shape = xf.shape %x : (tensor<2x16x96xf32>) -> tensor<3xi64>
  %i0 = xf.constant dense<0> : tensor<i64>
  %i1 = xf.constant dense<1> : tensor<i64>
  %b = xf.gather %shape, %i0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %s = xf.gather %shape, %i1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %ub = xf.unsqueeze %b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %us = xf.unsqueeze %s {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %heads = xf.constant dense<[3, 32]> : tensor<2xi64>
  %target = xf.concat %ub, %us, %heads {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = xf.reshape %x, %target : (tensor<2x16x96xf32>, tensor<4xi64>) -> tensor<2x16x3x32xf32>
  return %r : tensor<2x16x3x32xf32>
}

// -----

// With a symbolic batch, the static dimensions still fold.
// CHECK-LABEL: func.func @symbolic_shape_gather
// CHECK-DAG: %[[SEQ:.+]] = xf.constant dense<16> : tensor<i64>
// CHECK-DAG: %[[B:.+]] = xf.gather
// CHECK: return %[[B]], %[[SEQ]]
func.func @symbolic_shape_gather(%x: tensor<?x16x96xf32>) -> (tensor<i64>, tensor<i64>) {
  %shape = xf.shape %x : (tensor<?x16x96xf32>) -> tensor<3xi64>
  %i0 = xf.constant dense<0> : tensor<i64>
  %i1 = xf.constant dense<-2> : tensor<i64>
  %b = xf.gather %shape, %i0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %s = xf.gather %shape, %i1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  return %b, %s : tensor<i64>, tensor<i64>
}

// -----

// CHECK-LABEL: func.func @shape_with_range
// CHECK: xf.constant dense<[16, 96]> : tensor<2xi64>
func.func @shape_with_range(%x: tensor<?x16x96xf32>) -> tensor<2xi64> {
  %shape = xf.shape %x {start = -2 : i64} : (tensor<?x16x96xf32>) -> tensor<2xi64>
  return %shape : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @gather_rows
// CHECK: xf.constant dense<{{\[}}[5, 6], [1, 2], [5, 6]]> : tensor<3x2xi64>
func.func @gather_rows() -> tensor<3x2xi64> {
  %t = xf.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi64>
  %i = xf.constant dense<[-1, 0, 2]> : tensor<3xi64>
  %g = xf.gather %t, %i : (tensor<3x2xi64>, tensor<3xi64>) -> tensor<3x2xi64>
  return %g : tensor<3x2xi64>
}

// -----

// CHECK-LABEL: func.func @slices
// CHECK-DAG: xf.constant dense<[1, 3]> : tensor<2xi64>
// CHECK-DAG: xf.constant dense<{{\[}}[6], [3]]> : tensor<2x1xi64>
// CHECK-DAG: xf.constant dense<[4, 5]> : tensor<2xi64>
func.func @slices() -> (tensor<2xi64>, tensor<2x1xi64>, tensor<2xi64>) {
  %v = xf.constant dense<[0, 1, 2, 3, 4, 5]> : tensor<6xi64>
  %s = xf.constant dense<1> : tensor<1xi64>
  %e = xf.constant dense<5> : tensor<1xi64>
  %0 = xf.slice %v, %s, %e {steps = array<i64: 2>} : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  // Negative steps walk backwards; INT64_MIN as end means "to the front".
  %m = xf.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %starts = xf.constant dense<[-1, -1]> : tensor<2xi64>
  %ends = xf.constant dense<[-9223372036854775808, 1]> : tensor<2xi64>
  %1 = xf.slice %m, %starts, %ends {axes = array<i64: 0, 1>, steps = array<i64: -1, -2>} : (tensor<2x3xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x1xi64>
  // Ends past the dimension are clamped.
  %big = xf.constant dense<9223372036854775807> : tensor<1xi64>
  %four = xf.constant dense<-2> : tensor<1xi64>
  %2 = xf.slice %v, %four, %big : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %0, %1, %2 : tensor<2xi64>, tensor<2x1xi64>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @concat_matrices
// CHECK: xf.constant dense<{{\[}}[1, 2, 5], [3, 4, 6]]> : tensor<2x3xi64>
func.func @concat_matrices() -> tensor<2x3xi64> {
  %a = xf.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %b = xf.constant dense<[[5], [6]]> : tensor<2x1xi64>
  %c = xf.concat %a, %b {axis = -1 : i64} : (tensor<2x2xi64>, tensor<2x1xi64>) -> tensor<2x3xi64>
  return %c : tensor<2x3xi64>
}

// -----

// CHECK-LABEL: func.func @no_op_reshapes
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[D:.+]]: tensor<?x3xf32>)
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[D]]
func.func @no_op_reshapes(%x: tensor<2x3xf32>, %d: tensor<?x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<?x3xf32>) {
  %s = xf.constant dense<[2, 3]> : tensor<2xi64>
  %0 = xf.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %1 = xf.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = xf.expand %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %3 = xf.concat %x {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = xf.flatten %d : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<?x3xf32>
}

// -----

// An expand of a dynamic input may broadcast at run time: it stays.
// CHECK-LABEL: func.func @dynamic_expand_stays
// CHECK: xf.expand
func.func @dynamic_expand_stays(%x: tensor<?x3xf32>, %s: tensor<2xi64>) -> tensor<?x3xf32> {
  %0 = xf.expand %x, %s : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func.func @constant_reshapes
// CHECK-DAG: xf.constant dense<{{\[}}[1, 2]]> : tensor<1x2xi64>
// CHECK-DAG: xf.constant dense<[1, 2]> : tensor<2xi64>
// CHECK-DAG: xf.constant dense<{{\[}}[1, 2, 3, 4]]> : tensor<1x4xi64>
// CHECK-DAG: xf.constant dense<7> : tensor<2x3xi64>
func.func @constant_reshapes() -> (tensor<1x2xi64>, tensor<2xi64>, tensor<1x4xi64>, tensor<2x3xi64>) {
  %v = xf.constant dense<[1, 2]> : tensor<2xi64>
  %0 = xf.unsqueeze %v {axes = array<i64: 0>} : (tensor<2xi64>) -> tensor<1x2xi64>
  %1 = xf.squeeze %0 {axes = array<i64: 0>} : (tensor<1x2xi64>) -> tensor<2xi64>
  %m = xf.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %2 = xf.flatten %m {axis = 0 : i64} : (tensor<2x2xi64>) -> tensor<1x4xi64>
  %seven = xf.constant dense<7> : tensor<1xi64>
  %s = xf.constant dense<[2, 3]> : tensor<2xi64>
  %3 = xf.expand %seven, %s : (tensor<1xi64>, tensor<2xi64>) -> tensor<2x3xi64>
  return %0, %1, %2, %3 : tensor<1x2xi64>, tensor<2xi64>, tensor<1x4xi64>, tensor<2x3xi64>
}

// -----

// CHECK-LABEL: func.func @generators
// CHECK-DAG: xf.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK-DAG: xf.constant dense<[0, 3, 6]> : tensor<3xi64>
// CHECK-DAG: xf.constant dense<[1.000000e+00, 7.500000e-01, 5.000000e-01]> : tensor<3xf32>
func.func @generators() -> (tensor<2x3xf32>, tensor<3xi64>, tensor<3xf32>) {
  %s = xf.constant dense<[2, 3]> : tensor<2xi64>
  %0 = xf.constant_of_shape %s {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<2x3xf32>
  %a = xf.constant dense<0> : tensor<i64>
  %b = xf.constant dense<8> : tensor<i64>
  %c = xf.constant dense<3> : tensor<i64>
  %1 = xf.range %a, %b, %c : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  %fa = xf.constant dense<1.0> : tensor<f32>
  %fb = xf.constant dense<0.4> : tensor<f32>
  %fc = xf.constant dense<-0.25> : tensor<f32>
  %2 = xf.range %fa, %fb, %fc : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<3xi64>, tensor<3xf32>
}

// -----

// Large constants are weights, not shape arithmetic: they are not evaluated.
// CHECK-LABEL: func.func @large_constants_stay
// CHECK: xf.add
func.func @large_constants_stay() -> tensor<8192xf32> {
  %a = xf.constant dense<1.0> : tensor<8192xf32>
  %b = xf.constant dense<2.0> : tensor<8192xf32>
  %c = xf.add %a, %b : (tensor<8192xf32>, tensor<8192xf32>) -> tensor<8192xf32>
  return %c : tensor<8192xf32>
}

// -----

// Symbolic shape arithmetic collapses: the batch and sequence sizes taken
// from the reshaped tensor trace back to the input, and the Reshape copies
// them (0) instead of computing them.
// CHECK-LABEL: func.func @symbolic_reshape_copies
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x96xf32>)
// CHECK: %[[S:.+]] = xf.constant dense<[0, 0, 3, 32]> : tensor<4xi64>
// CHECK: %[[R:.+]] = xf.reshape %[[X]], %[[S]]
// CHECK-NOT: xf.shape
// CHECK: return %[[R]]
func.func @symbolic_reshape_copies(%x: tensor<?x?x96xf32>) -> tensor<?x?x3x32xf32> {
  %shape = xf.shape %x : (tensor<?x?x96xf32>) -> tensor<3xi64>
  %i0 = xf.constant dense<0> : tensor<i64>
  %i1 = xf.constant dense<1> : tensor<i64>
  %b = xf.gather %shape, %i0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %s = xf.gather %shape, %i1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %ub = xf.unsqueeze %b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %us = xf.unsqueeze %s {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %heads = xf.constant dense<[3, 32]> : tensor<2xi64>
  %target = xf.concat %ub, %us, %heads {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = xf.reshape %x, %target : (tensor<?x?x96xf32>, tensor<4xi64>) -> tensor<?x?x3x32xf32>
  return %r : tensor<?x?x3x32xf32>
}

// -----

// Sizes read from a tensor computed from %x trace to %x; a merged last
// dimension (here seq * heads, computed) becomes -1.
// CHECK-LABEL: func.func @symbolic_traced_through_ops
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x96xf32>, %[[W:.+]]: tensor<96x96xf32>)
// CHECK-DAG: %[[S:.+]] = xf.constant dense<[0, -1]> : tensor<2xi64>
// CHECK-DAG: %[[SH:.+]] = xf.shape %[[X]] : (tensor<?x?x96xf32>) -> tensor<3xi64>
// CHECK: %[[B:.+]] = xf.gather %[[SH]], %{{.*}} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
// CHECK: xf.reshape %{{.*}}, %[[S]]
// CHECK: return %{{.*}}, %[[B]]
func.func @symbolic_traced_through_ops(%x: tensor<?x?x96xf32>, %w: tensor<96x96xf32>) -> (tensor<?x?xf32>, tensor<i64>) {
  %y = xf.matmul %x, %w : (tensor<?x?x96xf32>, tensor<96x96xf32>) -> tensor<?x?x96xf32>
  %t = xf.transpose %y {perm = array<i64: 1, 0, 2>} : (tensor<?x?x96xf32>) -> tensor<?x?x96xf32>
  %z = xf.tanh %t : (tensor<?x?x96xf32>) -> tensor<?x?x96xf32>
  %shape = xf.shape %z : (tensor<?x?x96xf32>) -> tensor<3xi64>
  %i0 = xf.constant dense<0> : tensor<i64>
  %i1 = xf.constant dense<1> : tensor<i64>
  %seq = xf.gather %shape, %i0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %batch = xf.gather %shape, %i1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %c96 = xf.constant dense<96> : tensor<i64>
  %merged = xf.mul %batch, %c96 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %us = xf.unsqueeze %seq {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %um = xf.unsqueeze %merged {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %target = xf.concat %us, %um {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = xf.reshape %z, %target : (tensor<?x?x96xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r, %batch : tensor<?x?xf32>, tensor<i64>
}

// -----

// A dimension a broadcast may have stretched is not traced through it.
// CHECK-LABEL: func.func @ambiguous_broadcast_stays
// CHECK: %[[SUM:.+]] = xf.add
// CHECK: %[[SH:.+]] = xf.shape %[[SUM]]
// CHECK: xf.gather %[[SH]]
func.func @ambiguous_broadcast_stays(%x: tensor<?xf32>, %y: tensor<?xf32>) -> tensor<i64> {
  %sum = xf.add %x, %y : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %shape = xf.shape %sum : (tensor<?xf32>) -> tensor<1xi64>
  %i0 = xf.constant dense<0> : tensor<i64>
  %n = xf.gather %shape, %i0 : (tensor<1xi64>, tensor<i64>) -> tensor<i64>
  return %n : tensor<i64>
}

// -----

// An Expand to the input's own symbolic sizes keeps them (1).
// CHECK-LABEL: func.func @symbolic_expand
// CHECK: %[[S:.+]] = xf.constant dense<[4, 1]> : tensor<2xi64>
// CHECK: xf.expand %{{.*}}, %[[S]]
func.func @symbolic_expand(%x: tensor<1x?xf32>) -> tensor<4x?xf32> {
  %shape = xf.shape %x : (tensor<1x?xf32>) -> tensor<2xi64>
  %i1 = xf.constant dense<1> : tensor<i64>
  %n = xf.gather %shape, %i1 : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  %un = xf.unsqueeze %n {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %four = xf.constant dense<4> : tensor<1xi64>
  %target = xf.concat %four, %un {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %e = xf.expand %x, %target : (tensor<1x?xf32>, tensor<2xi64>) -> tensor<4x?xf32>
  return %e : tensor<4x?xf32>
}

// -----

// Transposes of transposes (dynamo writes K^T^T): one transpose with the
// composed permutation, or none when it is the identity.
// CHECK-LABEL: func.func @transpose_of_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>)
// CHECK-NEXT: %[[T:.*]] = xf.transpose %[[X]] {perm = array<i64: 1, 3, 0, 2>}
// CHECK-NEXT: return %[[X]], %[[T]]
func.func @transpose_of_transpose(%x: tensor<2x3x4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<3x5x2x4xf32>) {
  %a = xf.transpose %x {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x3x4x5xf32>) -> tensor<2x3x5x4xf32>
  %b = xf.transpose %a {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x3x5x4xf32>) -> tensor<2x3x4x5xf32>
  %c = xf.transpose %x {perm = array<i64: 1, 0, 2, 3>} : (tensor<2x3x4x5xf32>) -> tensor<3x2x4x5xf32>
  %d = xf.transpose %c {perm = array<i64: 0, 3, 1, 2>} : (tensor<3x2x4x5xf32>) -> tensor<3x5x2x4xf32>
  return %b, %d : tensor<2x3x4x5xf32>, tensor<3x5x2x4xf32>
}

// RUN: xfc-opt %s -split-input-file --xf-raise-moe | FileCheck %s

// Hugging Face's batched_mm experts as the dynamo exporter writes them
// (E = 4, D = 8, F = 6, top-2, renormalized): rows repeated by
// unsqueeze/expand/reshape, expert matrices gathered with clamped indices.
// CHECK-LABEL: func.func @gathered
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[R:.*]]: tensor<8x4xf32>)
// CHECK: %[[L:.*]] = xf.linear %[[X]], %[[R]]
// CHECK-DAG: %[[G:.*]] = xf.constant dense_resource<{{.*}}.moe_gate> : tensor<4x8x6xf32>
// CHECK-DAG: %[[U:.*]] = xf.constant dense_resource<{{.*}}.moe_up> : tensor<4x8x6xf32>
// CHECK-DAG: %[[D:.*]] = xf.constant dense_resource<{{.*}}.moe_down> : tensor<4x6x8xf32>
// CHECK: %[[M:.*]] = xf.moe %[[X]], %[[L]] gate %[[G]] up %[[U]] down %[[D]] {normalize = true, top_k = 2 : i64}
// CHECK-NEXT: return %[[M]]
func.func @gathered(%x: tensor<?x8xf32>, %router: tensor<8x4xf32>) -> tensor<?x8xf32> {
  %gate_up = xf.constant dense<0.5> : tensor<4x12x8xf32>
  %down = xf.constant dense<0.25> : tensor<4x8x6xf32>
  %flat = xf.constant dense<-1> : tensor<1xi64>
  %reps = xf.constant dense<[1, 2, 1]> : tensor<3xi64>
  %rows_shape = xf.constant dense<[-1, 8]> : tensor<2xi64>
  %per_token = xf.constant dense<[-1, 2, 8]> : tensor<3xi64>
  %zero = xf.constant dense<0> : tensor<i64>
  %last = xf.constant dense<3> : tensor<i64>
  %logits = xf.linear %x, %router : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<?x4xf32>
  %p = xf.softmax %logits : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %w, %i = xf.topk %p {k = 2 : i64} : (tensor<?x4xf32>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  %sum = xf.reduce_sum %w {axes = array<i64: -1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %wn = xf.div %w, %sum : (tensor<?x2xf32>, tensor<?x1xf32>) -> tensor<?x2xf32>
  %if = xf.reshape %i, %flat : (tensor<?x2xi64>, tensor<1xi64>) -> tensor<?xi64>
  %lo = xf.max %if, %zero : (tensor<?xi64>, tensor<i64>) -> tensor<?xi64>
  %sel = xf.min %lo, %last : (tensor<?xi64>, tensor<i64>) -> tensor<?xi64>
  %sel2 = xf.unsqueeze %sel {axes = array<i64: -1>} : (tensor<?xi64>) -> tensor<?x1xi64>
  %wf = xf.reshape %wn, %flat : (tensor<?x2xf32>, tensor<1xi64>) -> tensor<?xf32>
  %wc = xf.unsqueeze %wf {axes = array<i64: -1>} : (tensor<?xf32>) -> tensor<?x1xf32>
  %x3 = xf.unsqueeze %x {axes = array<i64: 1>} : (tensor<?x8xf32>) -> tensor<?x1x8xf32>
  %xe = xf.expand %x3, %reps : (tensor<?x1x8xf32>, tensor<3xi64>) -> tensor<?x2x8xf32>
  %xr = xf.reshape %xe, %rows_shape : (tensor<?x2x8xf32>, tensor<2xi64>) -> tensor<?x8xf32>
  %xc = xf.unsqueeze %xr {axes = array<i64: -1>} : (tensor<?x8xf32>) -> tensor<?x8x1xf32>
  %gu = xf.gather_nd %gate_up, %sel2 : (tensor<4x12x8xf32>, tensor<?x1xi64>) -> tensor<?x12x8xf32>
  %dn = xf.gather_nd %down, %sel2 : (tensor<4x8x6xf32>, tensor<?x1xi64>) -> tensor<?x8x6xf32>
  %h3 = xf.matmul %gu, %xc : (tensor<?x12x8xf32>, tensor<?x8x1xf32>) -> tensor<?x12x1xf32>
  %h = xf.squeeze %h3 {axes = array<i64: -1>} : (tensor<?x12x1xf32>) -> tensor<?x12xf32>
  %g, %u = xf.split %h {axis = 1 : i64} : (tensor<?x12xf32>) -> (tensor<?x6xf32>, tensor<?x6xf32>)
  %s = xf.sigmoid %g : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %silu = xf.mul %g, %s : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %a = xf.mul %silu, %u : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %ac = xf.unsqueeze %a {axes = array<i64: -1>} : (tensor<?x6xf32>) -> tensor<?x6x1xf32>
  %y3 = xf.matmul %dn, %ac : (tensor<?x8x6xf32>, tensor<?x6x1xf32>) -> tensor<?x8x1xf32>
  %y = xf.squeeze %y3 {axes = array<i64: -1>} : (tensor<?x8x1xf32>) -> tensor<?x8xf32>
  %yw = xf.mul %y, %wc : (tensor<?x8xf32>, tensor<?x1xf32>) -> tensor<?x8xf32>
  %yk = xf.reshape %yw, %per_token : (tensor<?x8xf32>, tensor<3xi64>) -> tensor<?x2x8xf32>
  %out = xf.reduce_sum %yk {axes = array<i64: 1>, keepdims = false} : (tensor<?x2x8xf32>) -> tensor<?x8xf32>
  return %out : tensor<?x8xf32>
}

// -----

// The same with the rows tiled in the other order ([x; x], not each row
// twice): not a mixture of experts, left as it is.
// CHECK-LABEL: func.func @tiled_rows
// CHECK-NOT: xf.moe
// CHECK: xf.reduce_sum
func.func @tiled_rows(%x: tensor<?x8xf32>, %router: tensor<8x4xf32>) -> tensor<?x8xf32> {
  %gate_up = xf.constant dense<0.5> : tensor<4x12x8xf32>
  %down = xf.constant dense<0.25> : tensor<4x8x6xf32>
  %flat = xf.constant dense<-1> : tensor<1xi64>
  %reps = xf.constant dense<[2, 1, 1]> : tensor<3xi64>
  %rows_shape = xf.constant dense<[-1, 8]> : tensor<2xi64>
  %per_token = xf.constant dense<[-1, 2, 8]> : tensor<3xi64>
  %logits = xf.linear %x, %router : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<?x4xf32>
  %p = xf.softmax %logits : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %w, %i = xf.topk %p {k = 2 : i64} : (tensor<?x4xf32>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  %sel = xf.reshape %i, %flat : (tensor<?x2xi64>, tensor<1xi64>) -> tensor<?xi64>
  %wf = xf.reshape %w, %flat : (tensor<?x2xf32>, tensor<1xi64>) -> tensor<?xf32>
  %wc = xf.unsqueeze %wf {axes = array<i64: -1>} : (tensor<?xf32>) -> tensor<?x1xf32>
  %x3 = xf.unsqueeze %x {axes = array<i64: 0>} : (tensor<?x8xf32>) -> tensor<1x?x8xf32>
  %xe = xf.expand %x3, %reps : (tensor<1x?x8xf32>, tensor<3xi64>) -> tensor<2x?x8xf32>
  %xr = xf.reshape %xe, %rows_shape : (tensor<2x?x8xf32>, tensor<2xi64>) -> tensor<?x8xf32>
  %xc = xf.unsqueeze %xr {axes = array<i64: -1>} : (tensor<?x8xf32>) -> tensor<?x8x1xf32>
  %gu = xf.gather %gate_up, %sel : (tensor<4x12x8xf32>, tensor<?xi64>) -> tensor<?x12x8xf32>
  %dn = xf.gather %down, %sel : (tensor<4x8x6xf32>, tensor<?xi64>) -> tensor<?x8x6xf32>
  %h3 = xf.matmul %gu, %xc : (tensor<?x12x8xf32>, tensor<?x8x1xf32>) -> tensor<?x12x1xf32>
  %h = xf.squeeze %h3 {axes = array<i64: -1>} : (tensor<?x12x1xf32>) -> tensor<?x12xf32>
  %g, %u = xf.split %h {axis = 1 : i64} : (tensor<?x12xf32>) -> (tensor<?x6xf32>, tensor<?x6xf32>)
  %s = xf.sigmoid %g : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %silu = xf.mul %g, %s : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %a = xf.mul %silu, %u : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %ac = xf.unsqueeze %a {axes = array<i64: -1>} : (tensor<?x6xf32>) -> tensor<?x6x1xf32>
  %y3 = xf.matmul %dn, %ac : (tensor<?x8x6xf32>, tensor<?x6x1xf32>) -> tensor<?x8x1xf32>
  %y = xf.squeeze %y3 {axes = array<i64: -1>} : (tensor<?x8x1xf32>) -> tensor<?x8xf32>
  %yw = xf.mul %y, %wc : (tensor<?x8xf32>, tensor<?x1xf32>) -> tensor<?x8xf32>
  %yk = xf.reshape %yw, %per_token : (tensor<?x8xf32>, tensor<3xi64>) -> tensor<?x2x8xf32>
  %out = xf.reduce_sum %yk {axes = array<i64: 1>, keepdims = false} : (tensor<?x2x8xf32>) -> tensor<?x8xf32>
  return %out : tensor<?x8xf32>
}

// -----

// The per-expert form (torch.where + index_add, as our zoo's moesparse is
// exported), E = 2, top-1, weights not renormalized: for each expert the
// (token, choice) pairs that chose it, its gated MLP on those rows,
// weighted and scatter-added into zeros.
// CHECK-LABEL: func.func @per_expert
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[R:.*]]: tensor<8x2xf32>)
// CHECK: %[[L:.*]] = xf.linear %[[X]], %[[R]]
// CHECK: %[[M:.*]] = xf.moe %[[X]], %[[L]] gate %{{.*}} up %{{.*}} down %{{.*}} {top_k = 1 : i64}
// CHECK-NOT: xf.scatter_nd
// CHECK: return %[[M]]
func.func @per_expert(%x: tensor<?x8xf32>, %router: tensor<8x2xf32>) -> tensor<?x8xf32> {
  %g0 = xf.constant dense<0.5> : tensor<8x6xf32>
  %u0 = xf.constant dense<0.25> : tensor<8x6xf32>
  %d0 = xf.constant dense<0.125> : tensor<6x8xf32>
  %g1 = xf.constant dense<-0.5> : tensor<8x6xf32>
  %u1 = xf.constant dense<-0.25> : tensor<8x6xf32>
  %d1 = xf.constant dense<-0.125> : tensor<6x8xf32>
  %e0 = xf.constant dense<0> : tensor<i64>
  %e1 = xf.constant dense<1> : tensor<i64>
  %c0 = xf.constant dense<0> : tensor<1xi64>
  %c1 = xf.constant dense<1> : tensor<1xi64>
  %c2 = xf.constant dense<2> : tensor<1xi64>
  %zero = xf.constant dense<0.0> : tensor<f32>
  %shape = xf.shape %x : (tensor<?x8xf32>) -> tensor<2xi64>
  %acc0 = xf.expand %zero, %shape : (tensor<f32>, tensor<2xi64>) -> tensor<?x8xf32>
  %logits = xf.linear %x, %router : (tensor<?x8xf32>, tensor<8x2xf32>) -> tensor<?x2xf32>
  %p = xf.softmax %logits : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %w, %i = xf.topk %p {k = 1 : i64} : (tensor<?x2xf32>) -> (tensor<?x1xf32>, tensor<?x1xi64>)
  %m0 = xf.equal %i, %e0 : (tensor<?x1xi64>, tensor<i64>) -> tensor<?x1xi1>
  %nz0 = xf.nonzero %m0 : (tensor<?x1xi1>) -> tensor<2x?xi64>
  %t0 = xf.transpose %nz0 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %tok0 = xf.slice %t0, %c0, %c1 {axes = array<i64: 1>} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %slot0 = xf.slice %t0, %c1, %c2 {axes = array<i64: 1>} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = xf.gather_nd %x, %tok0 : (tensor<?x8xf32>, tensor<?x1xi64>) -> tensor<?x8xf32>
  %pair0 = xf.concat %tok0, %slot0 {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wt0 = xf.gather_nd %w, %pair0 : (tensor<?x1xf32>, tensor<?x2xi64>) -> tensor<?xf32>
  %wc0 = xf.unsqueeze %wt0 {axes = array<i64: -1>} : (tensor<?xf32>) -> tensor<?x1xf32>
  %y0 = xf.gated_mlp %rows0, %g0, %u0, %d0 : (tensor<?x8xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<6x8xf32>) -> tensor<?x8xf32>
  %yw0 = xf.mul %y0, %wc0 : (tensor<?x8xf32>, tensor<?x1xf32>) -> tensor<?x8xf32>
  %acc1 = xf.scatter_nd %acc0, %tok0, %yw0 {reduction = "add"} : (tensor<?x8xf32>, tensor<?x1xi64>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %m1 = xf.equal %i, %e1 : (tensor<?x1xi64>, tensor<i64>) -> tensor<?x1xi1>
  %nz1 = xf.nonzero %m1 : (tensor<?x1xi1>) -> tensor<2x?xi64>
  %t1 = xf.transpose %nz1 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %tok1 = xf.slice %t1, %c0, %c1 {axes = array<i64: 1>} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %slot1 = xf.slice %t1, %c1, %c2 {axes = array<i64: 1>} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = xf.gather_nd %x, %tok1 : (tensor<?x8xf32>, tensor<?x1xi64>) -> tensor<?x8xf32>
  %pair1 = xf.concat %tok1, %slot1 {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wt1 = xf.gather_nd %w, %pair1 : (tensor<?x1xf32>, tensor<?x2xi64>) -> tensor<?xf32>
  %wc1 = xf.unsqueeze %wt1 {axes = array<i64: -1>} : (tensor<?xf32>) -> tensor<?x1xf32>
  %y1 = xf.gated_mlp %rows1, %g1, %u1, %d1 : (tensor<?x8xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<6x8xf32>) -> tensor<?x8xf32>
  %yw1 = xf.mul %y1, %wc1 : (tensor<?x8xf32>, tensor<?x1xf32>) -> tensor<?x8xf32>
  %acc2 = xf.scatter_nd %acc1, %tok1, %yw1 {reduction = "add"} : (tensor<?x8xf32>, tensor<?x1xi64>, tensor<?x8xf32>) -> tensor<?x8xf32>
  return %acc2 : tensor<?x8xf32>
}

// -----

// One expert's scatter missing: expert 1's tokens would be dropped, so the
// chain is not a mixture of both experts.
// CHECK-LABEL: func.func @per_expert_missing_one
// CHECK-NOT: xf.moe
// CHECK: xf.scatter_nd
func.func @per_expert_missing_one(%x: tensor<?x8xf32>, %router: tensor<8x2xf32>) -> tensor<?x8xf32> {
  %g0 = xf.constant dense<0.5> : tensor<8x6xf32>
  %u0 = xf.constant dense<0.25> : tensor<8x6xf32>
  %d0 = xf.constant dense<0.125> : tensor<6x8xf32>
  %e0 = xf.constant dense<0> : tensor<i64>
  %c0 = xf.constant dense<0> : tensor<1xi64>
  %c1 = xf.constant dense<1> : tensor<1xi64>
  %c2 = xf.constant dense<2> : tensor<1xi64>
  %zero = xf.constant dense<0.0> : tensor<f32>
  %shape = xf.shape %x : (tensor<?x8xf32>) -> tensor<2xi64>
  %acc0 = xf.expand %zero, %shape : (tensor<f32>, tensor<2xi64>) -> tensor<?x8xf32>
  %logits = xf.linear %x, %router : (tensor<?x8xf32>, tensor<8x2xf32>) -> tensor<?x2xf32>
  %p = xf.softmax %logits : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %w, %i = xf.topk %p {k = 1 : i64} : (tensor<?x2xf32>) -> (tensor<?x1xf32>, tensor<?x1xi64>)
  %m0 = xf.equal %i, %e0 : (tensor<?x1xi64>, tensor<i64>) -> tensor<?x1xi1>
  %nz0 = xf.nonzero %m0 : (tensor<?x1xi1>) -> tensor<2x?xi64>
  %t0 = xf.transpose %nz0 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %tok0 = xf.slice %t0, %c0, %c1 {axes = array<i64: 1>} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %slot0 = xf.slice %t0, %c1, %c2 {axes = array<i64: 1>} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = xf.gather_nd %x, %tok0 : (tensor<?x8xf32>, tensor<?x1xi64>) -> tensor<?x8xf32>
  %pair0 = xf.concat %tok0, %slot0 {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wt0 = xf.gather_nd %w, %pair0 : (tensor<?x1xf32>, tensor<?x2xi64>) -> tensor<?xf32>
  %wc0 = xf.unsqueeze %wt0 {axes = array<i64: -1>} : (tensor<?xf32>) -> tensor<?x1xf32>
  %y0 = xf.gated_mlp %rows0, %g0, %u0, %d0 : (tensor<?x8xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<6x8xf32>) -> tensor<?x8xf32>
  %yw0 = xf.mul %y0, %wc0 : (tensor<?x8xf32>, tensor<?x1xf32>) -> tensor<?x8xf32>
  %acc1 = xf.scatter_nd %acc0, %tok0, %yw0 {reduction = "add"} : (tensor<?x8xf32>, tensor<?x1xi64>, tensor<?x8xf32>) -> tensor<?x8xf32>
  return %acc1 : tensor<?x8xf32>
}

// -----

// transformers' classic Mixtral block as TorchScript writes it (E = 2,
// top-1): one-hot mask permuted to [E, k, T], each expert's slice through
// NonZero into (choice, token) columns, the rows gathered from x as
// [1, T, D], the weight read from the flattened routing at
// token * k + choice, and index_add_ as a ScatterND of (token, column)
// pairs into zeros plus an Add.
// CHECK-LABEL: func.func @index_add_loop
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[R:.*]]: tensor<4x2xf32>)
// CHECK: %[[L:.*]] = xf.linear %[[X]], %[[R]]
// CHECK: %[[M:.*]] = xf.moe %[[X]], %[[L]] gate %{{.*}} up %{{.*}} down %{{.*}} {top_k = 1 : i64} : (tensor<?x4xf32>, tensor<?x2xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[M]]
func.func @index_add_loop(%x: tensor<?x4xf32>, %router: tensor<4x2xf32>) -> tensor<?x4xf32> {
  %g0 = xf.constant dense<0.5> : tensor<4x3xf32>
  %u0 = xf.constant dense<0.25> : tensor<4x3xf32>
  %d0 = xf.constant dense<0.125> : tensor<3x4xf32>
  %g1 = xf.constant dense<-0.5> : tensor<4x3xf32>
  %u1 = xf.constant dense<-0.25> : tensor<4x3xf32>
  %d1 = xf.constant dense<-0.125> : tensor<3x4xf32>
  %e0 = xf.constant dense<0> : tensor<i64>
  %e1 = xf.constant dense<1> : tensor<i64>
  %k = xf.constant dense<1> : tensor<1xi64>
  %on = xf.constant dense<1> : tensor<i64>
  %off = xf.constant dense<0> : tensor<i64>
  %experts = xf.constant dense<[[[0, 1]]]> : tensor<1x1x2xi64>
  %rows_shape = xf.constant dense<[-1, 4]> : tensor<2xi64>
  %zeros2 = xf.constant dense<0> : tensor<2xi64>
  %ends = xf.constant dense<[1, 9223372036854775807]> : tensor<2xi64>
  %columns = xf.constant dense<[[0, 1, 2, 3]]> : tensor<1x4xi64>
  %x_shape = xf.shape %x : (tensor<?x4xf32>) -> tensor<2xi64>
  %acc0 = xf.constant_of_shape %x_shape {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x4xf32>
  %logits = xf.linear %x, %router : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %p = xf.softmax %logits : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %w, %i = xf.topk %p {k = 1 : i64} : (tensor<?x2xf32>) -> (tensor<?x1xf32>, tensor<?x1xi64>)
  %i3 = xf.unsqueeze %i {axes = array<i64: 2>} : (tensor<?x1xi64>) -> tensor<?x1x1xi64>
  %hot = xf.equal %i3, %experts : (tensor<?x1x1xi64>, tensor<1x1x2xi64>) -> tensor<?x1x2xi1>
  %one_hot = xf.where %hot, %on, %off : (tensor<?x1x2xi1>, tensor<i64>, tensor<i64>) -> tensor<?x1x2xi64>
  %permuted = xf.transpose %one_hot {perm = array<i64: 2, 1, 0>} : (tensor<?x1x2xi64>) -> tensor<2x1x?xi64>
  %w3 = xf.unsqueeze %w {axes = array<i64: 2>} : (tensor<?x1xf32>) -> tensor<?x1x1xf32>
  %wflat = xf.flatten %w3 {axis = 2 : i64} : (tensor<?x1x1xf32>) -> tensor<?x1xf32>
  %x3 = xf.unsqueeze %x {axes = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<1x?x4xf32>
  %mask0 = xf.gather %permuted, %e0 : (tensor<2x1x?xi64>, tensor<i64>) -> tensor<1x?xi64>
  %bool0 = xf.cast %mask0 : (tensor<1x?xi64>) -> tensor<1x?xi1>
  %nz0 = xf.nonzero %bool0 : (tensor<1x?xi1>) -> tensor<2x?xi64>
  %pairs0 = xf.transpose %nz0 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %slot0, %tok0 = xf.split %pairs0 {axis = 1 : i64, split = array<i64: 1, 1>} : (tensor<?x2xi64>) -> (tensor<?x1xi64>, tensor<?x1xi64>)
  %s0 = xf.squeeze %slot0 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %t0 = xf.squeeze %tok0 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %picked0 = xf.gather %x3, %t0 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %rows0 = xf.reshape %picked0, %rows_shape : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %tk0 = xf.mul %t0, %k : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %flat_at0 = xf.add %s0, %tk0 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %w0 = xf.gather %wflat, %flat_at0 : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %y0 = xf.gated_mlp %rows0, %g0, %u0, %d0 : (tensor<?x4xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  %yw0 = xf.mul %y0, %w0 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %first0 = xf.slice %acc0, %zeros2, %ends {axes = array<i64: 0, 1>} : (tensor<?x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  %first_shape0 = xf.shape %first0 : (tensor<?x?xf32>) -> tensor<2xi64>
  %upd0 = xf.expand %yw0, %first_shape0 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %upd_shape0 = xf.shape %upd0 : (tensor<?x4xf32>) -> tensor<2xi64>
  %tcol0 = xf.unsqueeze %t0 {axes = array<i64: 1>} : (tensor<?xi64>) -> tensor<?x1xi64>
  %trow0 = xf.expand %tcol0, %upd_shape0 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x4xi64>
  %ti0 = xf.unsqueeze %trow0 {axes = array<i64: 2>} : (tensor<?x4xi64>) -> tensor<?x4x1xi64>
  %cols0 = xf.expand %columns, %upd_shape0 : (tensor<1x4xi64>, tensor<2xi64>) -> tensor<?x4xi64>
  %ci0 = xf.unsqueeze %cols0 {axes = array<i64: 2>} : (tensor<?x4xi64>) -> tensor<?x4x1xi64>
  %at0 = xf.concat %ti0, %ci0 {axis = 2 : i64} : (tensor<?x4x1xi64>, tensor<?x4x1xi64>) -> tensor<?x4x2xi64>
  %acc_shape0 = xf.shape %acc0 : (tensor<?x4xf32>) -> tensor<2xi64>
  %zero0 = xf.constant_of_shape %acc_shape0 {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x4xf32>
  %sc0 = xf.scatter_nd %zero0, %at0, %upd0 : (tensor<?x4xf32>, tensor<?x4x2xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %acc1 = xf.add %acc0, %sc0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %mask1 = xf.gather %permuted, %e1 : (tensor<2x1x?xi64>, tensor<i64>) -> tensor<1x?xi64>
  %bool1 = xf.cast %mask1 : (tensor<1x?xi64>) -> tensor<1x?xi1>
  %nz1 = xf.nonzero %bool1 : (tensor<1x?xi1>) -> tensor<2x?xi64>
  %pairs1 = xf.transpose %nz1 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %slot1, %tok1 = xf.split %pairs1 {axis = 1 : i64, split = array<i64: 1, 1>} : (tensor<?x2xi64>) -> (tensor<?x1xi64>, tensor<?x1xi64>)
  %s1 = xf.squeeze %slot1 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %t1 = xf.squeeze %tok1 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %picked1 = xf.gather %x3, %t1 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %rows1 = xf.reshape %picked1, %rows_shape : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %tk1 = xf.mul %t1, %k : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %flat_at1 = xf.add %s1, %tk1 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %w1 = xf.gather %wflat, %flat_at1 : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %y1 = xf.gated_mlp %rows1, %g1, %u1, %d1 : (tensor<?x4xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  %yw1 = xf.mul %y1, %w1 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %first1 = xf.slice %acc1, %zeros2, %ends {axes = array<i64: 0, 1>} : (tensor<?x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  %first_shape1 = xf.shape %first1 : (tensor<?x?xf32>) -> tensor<2xi64>
  %upd1 = xf.expand %yw1, %first_shape1 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %upd_shape1 = xf.shape %upd1 : (tensor<?x4xf32>) -> tensor<2xi64>
  %tcol1 = xf.unsqueeze %t1 {axes = array<i64: 1>} : (tensor<?xi64>) -> tensor<?x1xi64>
  %trow1 = xf.expand %tcol1, %upd_shape1 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x4xi64>
  %ti1 = xf.unsqueeze %trow1 {axes = array<i64: 2>} : (tensor<?x4xi64>) -> tensor<?x4x1xi64>
  %cols1 = xf.expand %columns, %upd_shape1 : (tensor<1x4xi64>, tensor<2xi64>) -> tensor<?x4xi64>
  %ci1 = xf.unsqueeze %cols1 {axes = array<i64: 2>} : (tensor<?x4xi64>) -> tensor<?x4x1xi64>
  %at1 = xf.concat %ti1, %ci1 {axis = 2 : i64} : (tensor<?x4x1xi64>, tensor<?x4x1xi64>) -> tensor<?x4x2xi64>
  %acc_shape1 = xf.shape %acc1 : (tensor<?x4xf32>) -> tensor<2xi64>
  %zero1 = xf.constant_of_shape %acc_shape1 {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x4xf32>
  %sc1 = xf.scatter_nd %zero1, %at1, %upd1 : (tensor<?x4xf32>, tensor<?x4x2xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %acc2 = xf.add %acc1, %sc1 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %acc2 : tensor<?x4xf32>
}

// -----

// The same, with the scatter's column indices [0, 1, 2, 2]: column 3 is
// never written and column 2 twice, so it is not index_add_ of the rows.
// CHECK-LABEL: func.func @not_index_add_columns
// CHECK-NOT: xf.moe
// CHECK: return
func.func @not_index_add_columns(%x: tensor<?x4xf32>, %router: tensor<4x2xf32>) -> tensor<?x4xf32> {
  %g0 = xf.constant dense<0.5> : tensor<4x3xf32>
  %u0 = xf.constant dense<0.25> : tensor<4x3xf32>
  %d0 = xf.constant dense<0.125> : tensor<3x4xf32>
  %g1 = xf.constant dense<-0.5> : tensor<4x3xf32>
  %u1 = xf.constant dense<-0.25> : tensor<4x3xf32>
  %d1 = xf.constant dense<-0.125> : tensor<3x4xf32>
  %e0 = xf.constant dense<0> : tensor<i64>
  %e1 = xf.constant dense<1> : tensor<i64>
  %k = xf.constant dense<1> : tensor<1xi64>
  %on = xf.constant dense<1> : tensor<i64>
  %off = xf.constant dense<0> : tensor<i64>
  %experts = xf.constant dense<[[[0, 1]]]> : tensor<1x1x2xi64>
  %rows_shape = xf.constant dense<[-1, 4]> : tensor<2xi64>
  %zeros2 = xf.constant dense<0> : tensor<2xi64>
  %ends = xf.constant dense<[1, 9223372036854775807]> : tensor<2xi64>
  %columns = xf.constant dense<[[0, 1, 2, 2]]> : tensor<1x4xi64>
  %x_shape = xf.shape %x : (tensor<?x4xf32>) -> tensor<2xi64>
  %acc0 = xf.constant_of_shape %x_shape {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x4xf32>
  %logits = xf.linear %x, %router : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %p = xf.softmax %logits : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %w, %i = xf.topk %p {k = 1 : i64} : (tensor<?x2xf32>) -> (tensor<?x1xf32>, tensor<?x1xi64>)
  %i3 = xf.unsqueeze %i {axes = array<i64: 2>} : (tensor<?x1xi64>) -> tensor<?x1x1xi64>
  %hot = xf.equal %i3, %experts : (tensor<?x1x1xi64>, tensor<1x1x2xi64>) -> tensor<?x1x2xi1>
  %one_hot = xf.where %hot, %on, %off : (tensor<?x1x2xi1>, tensor<i64>, tensor<i64>) -> tensor<?x1x2xi64>
  %permuted = xf.transpose %one_hot {perm = array<i64: 2, 1, 0>} : (tensor<?x1x2xi64>) -> tensor<2x1x?xi64>
  %w3 = xf.unsqueeze %w {axes = array<i64: 2>} : (tensor<?x1xf32>) -> tensor<?x1x1xf32>
  %wflat = xf.flatten %w3 {axis = 2 : i64} : (tensor<?x1x1xf32>) -> tensor<?x1xf32>
  %x3 = xf.unsqueeze %x {axes = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<1x?x4xf32>
  %mask0 = xf.gather %permuted, %e0 : (tensor<2x1x?xi64>, tensor<i64>) -> tensor<1x?xi64>
  %bool0 = xf.cast %mask0 : (tensor<1x?xi64>) -> tensor<1x?xi1>
  %nz0 = xf.nonzero %bool0 : (tensor<1x?xi1>) -> tensor<2x?xi64>
  %pairs0 = xf.transpose %nz0 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %slot0, %tok0 = xf.split %pairs0 {axis = 1 : i64, split = array<i64: 1, 1>} : (tensor<?x2xi64>) -> (tensor<?x1xi64>, tensor<?x1xi64>)
  %s0 = xf.squeeze %slot0 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %t0 = xf.squeeze %tok0 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %picked0 = xf.gather %x3, %t0 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %rows0 = xf.reshape %picked0, %rows_shape : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %tk0 = xf.mul %t0, %k : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %flat_at0 = xf.add %s0, %tk0 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %w0 = xf.gather %wflat, %flat_at0 : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %y0 = xf.gated_mlp %rows0, %g0, %u0, %d0 : (tensor<?x4xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  %yw0 = xf.mul %y0, %w0 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %first0 = xf.slice %acc0, %zeros2, %ends {axes = array<i64: 0, 1>} : (tensor<?x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  %first_shape0 = xf.shape %first0 : (tensor<?x?xf32>) -> tensor<2xi64>
  %upd0 = xf.expand %yw0, %first_shape0 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %upd_shape0 = xf.shape %upd0 : (tensor<?x4xf32>) -> tensor<2xi64>
  %tcol0 = xf.unsqueeze %t0 {axes = array<i64: 1>} : (tensor<?xi64>) -> tensor<?x1xi64>
  %trow0 = xf.expand %tcol0, %upd_shape0 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x4xi64>
  %ti0 = xf.unsqueeze %trow0 {axes = array<i64: 2>} : (tensor<?x4xi64>) -> tensor<?x4x1xi64>
  %cols0 = xf.expand %columns, %upd_shape0 : (tensor<1x4xi64>, tensor<2xi64>) -> tensor<?x4xi64>
  %ci0 = xf.unsqueeze %cols0 {axes = array<i64: 2>} : (tensor<?x4xi64>) -> tensor<?x4x1xi64>
  %at0 = xf.concat %ti0, %ci0 {axis = 2 : i64} : (tensor<?x4x1xi64>, tensor<?x4x1xi64>) -> tensor<?x4x2xi64>
  %acc_shape0 = xf.shape %acc0 : (tensor<?x4xf32>) -> tensor<2xi64>
  %zero0 = xf.constant_of_shape %acc_shape0 {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x4xf32>
  %sc0 = xf.scatter_nd %zero0, %at0, %upd0 : (tensor<?x4xf32>, tensor<?x4x2xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %acc1 = xf.add %acc0, %sc0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %mask1 = xf.gather %permuted, %e1 : (tensor<2x1x?xi64>, tensor<i64>) -> tensor<1x?xi64>
  %bool1 = xf.cast %mask1 : (tensor<1x?xi64>) -> tensor<1x?xi1>
  %nz1 = xf.nonzero %bool1 : (tensor<1x?xi1>) -> tensor<2x?xi64>
  %pairs1 = xf.transpose %nz1 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %slot1, %tok1 = xf.split %pairs1 {axis = 1 : i64, split = array<i64: 1, 1>} : (tensor<?x2xi64>) -> (tensor<?x1xi64>, tensor<?x1xi64>)
  %s1 = xf.squeeze %slot1 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %t1 = xf.squeeze %tok1 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %picked1 = xf.gather %x3, %t1 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %rows1 = xf.reshape %picked1, %rows_shape : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %tk1 = xf.mul %t1, %k : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %flat_at1 = xf.add %s1, %tk1 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %w1 = xf.gather %wflat, %flat_at1 : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %y1 = xf.gated_mlp %rows1, %g1, %u1, %d1 : (tensor<?x4xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  %yw1 = xf.mul %y1, %w1 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %first1 = xf.slice %acc1, %zeros2, %ends {axes = array<i64: 0, 1>} : (tensor<?x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  %first_shape1 = xf.shape %first1 : (tensor<?x?xf32>) -> tensor<2xi64>
  %upd1 = xf.expand %yw1, %first_shape1 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %upd_shape1 = xf.shape %upd1 : (tensor<?x4xf32>) -> tensor<2xi64>
  %tcol1 = xf.unsqueeze %t1 {axes = array<i64: 1>} : (tensor<?xi64>) -> tensor<?x1xi64>
  %trow1 = xf.expand %tcol1, %upd_shape1 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x4xi64>
  %ti1 = xf.unsqueeze %trow1 {axes = array<i64: 2>} : (tensor<?x4xi64>) -> tensor<?x4x1xi64>
  %cols1 = xf.expand %columns, %upd_shape1 : (tensor<1x4xi64>, tensor<2xi64>) -> tensor<?x4xi64>
  %ci1 = xf.unsqueeze %cols1 {axes = array<i64: 2>} : (tensor<?x4xi64>) -> tensor<?x4x1xi64>
  %at1 = xf.concat %ti1, %ci1 {axis = 2 : i64} : (tensor<?x4x1xi64>, tensor<?x4x1xi64>) -> tensor<?x4x2xi64>
  %acc_shape1 = xf.shape %acc1 : (tensor<?x4xf32>) -> tensor<2xi64>
  %zero1 = xf.constant_of_shape %acc_shape1 {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x4xf32>
  %sc1 = xf.scatter_nd %zero1, %at1, %upd1 : (tensor<?x4xf32>, tensor<?x4x2xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %acc2 = xf.add %acc1, %sc1 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %acc2 : tensor<?x4xf32>
}

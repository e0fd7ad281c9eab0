// Every rule of the xf verifiers, one case each.
// RUN: xfc-opt %s -split-input-file -verify-diagnostics

func.func @result_contradicts_inference(%a: tensor<4x16xf32>) {
  // expected-error @+1 {{result #0 has type 'tensor<5x16xf32>', which contradicts the inferred type 'tensor<4x16xf32>'}}
  %0 = xf.add %a, %a : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<5x16xf32>
  return
}

// -----

func.func @result_rank_contradicts_inference(%a: tensor<4x16xf32>) {
  // expected-error @+1 {{contradicts the inferred type 'tensor<4x16xf32>'}}
  %0 = xf.exp %a : (tensor<4x16xf32>) -> tensor<64xf32>
  return
}

// -----

func.func @no_broadcast(%a: tensor<4x16xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{operand shapes do not broadcast: [4x16] [8]}}
  %0 = xf.mul %a, %b : (tensor<4x16xf32>, tensor<8xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @max_without_operands() {
  // expected-error @+1 {{needs at least one operand}}
  %0 = xf.max : () -> tensor<4xf32>
  return
}

// -----

func.func @where_element_types(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xf16>) {
  // expected-error @+1 {{x and y must have the same element type}}
  %0 = xf.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @gelu_approximation(%x: tensor<4xf32>) {
  // expected-error @+1 {{approximate must be "none" or "tanh", not "fast"}}
  %0 = xf.gelu %x {approximate = "fast"} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @matmul_scalar(%x: tensor<f32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{operands must have rank 1 or more}}
  %0 = xf.matmul %x, %w : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @matmul_contraction(%x: tensor<2x8xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{contraction dimensions differ: 8 and 4}}
  %0 = xf.matmul %x, %w : (tensor<2x8xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_batch(%x: tensor<2x4x8xf32>, %w: tensor<3x8x4xf32>) {
  // expected-error @+1 {{batch dimensions do not broadcast: [2x4x8] and [3x8x4]}}
  %0 = xf.matmul %x, %w : (tensor<2x4x8xf32>, tensor<3x8x4xf32>) -> tensor<2x4x4xf32>
  return
}

// -----

func.func @gemm_rank(%a: tensor<2x4x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{a and b must have rank 2}}
  %0 = xf.gemm %a, %b : (tensor<2x4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @gemm_element_types(%a: tensor<4x8xf32>, %b: tensor<8x4xf16>) {
  // expected-error @+1 {{a and b must have the same element type}}
  %0 = xf.gemm %a, %b : (tensor<4x8xf32>, tensor<8x4xf16>) -> tensor<4x4xf32>
  return
}

// -----

func.func @gemm_transposed_contraction(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{contraction dimensions differ: 8 and 4}}
  %0 = xf.gemm %a, %b {trans_b = true} : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @gemm_bias(%a: tensor<4x8xf32>, %b: tensor<8x6xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{c of shape [4] does not broadcast to [4x6]}}
  %0 = xf.gemm %a, %b, %c : (tensor<4x8xf32>, tensor<8x6xf32>, tensor<4xf32>) -> tensor<4x6xf32>
  return
}

// -----

func.func @einsum_ellipsis(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{ellipses in the equation are not supported}}
  %0 = xf.einsum %a {equation = "...i->i"} : (tensor<4x8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @einsum_term_count(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{equation has 2 input terms for 1 operands}}
  %0 = xf.einsum %a {equation = "ij,jk->ik"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @einsum_term_rank(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{term 'ijk' has 3 labels for an operand of rank 2}}
  %0 = xf.einsum %a {equation = "ijk->i"} : (tensor<4x8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @einsum_label(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{invalid label '1' in equation}}
  %0 = xf.einsum %a {equation = "i1->i"} : (tensor<4x8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @einsum_label_sizes(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) {
  // expected-error @+1 {{label 'j' has sizes 8 and 4}}
  %0 = xf.einsum %a, %b {equation = "ij,jk->ik"} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @einsum_output_label(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{output label 'k' appears in no input term}}
  %0 = xf.einsum %a {equation = "ij->k"} : (tensor<4x8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.softmax %x {axis = 2 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @layer_norm_bias_rank(%x: tensor<4x8xf32>, %s: tensor<8xf32>, %b: tensor<2x8xf32>) {
  // expected-error @+1 {{bias of shape [2x8] does not broadcast to the normalized shape [8]}}
  %0 = xf.layer_norm %x, %s, %b : (tensor<4x8xf32>, tensor<8xf32>, tensor<2x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_axes(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axes must be distinct and in range for rank 2}}
  %0 = xf.reduce_sum %x {axes = array<i64: 1, -1>} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  return
}

// -----

func.func @cumsum_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 5 is out of range for rank 2}}
  %0 = xf.cumsum %x {axis = 5 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @topk_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0:2 = xf.topk %x {k = 2 : i64, axis = 2 : i64} : (tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  return
}

// -----

func.func @topk_k(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{k = 9 is not in [0, 8]}}
  %0:2 = xf.topk %x {k = 9 : i64} : (tensor<4x8xf32>) -> (tensor<4x9xf32>, tensor<4x9xi64>)
  return
}

// -----

func.func @reshape_shape_rank(%x: tensor<4x8xf32>, %s: tensor<?xi64>) {
  // expected-error @+1 {{shape must be a rank-1 tensor of static length}}
  %0 = xf.reshape %x, %s : (tensor<4x8xf32>, tensor<?xi64>) -> tensor<32xf32>
  return
}

// -----

func.func @reshape_two_inferred(%x: tensor<4x8xf32>) {
  %s = xf.constant dense<[-1, -1]> : tensor<2xi64>
  // expected-error @+1 {{shape has more than one -1}}
  %0 = xf.reshape %x, %s : (tensor<4x8xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @reshape_copy_out_of_range(%x: tensor<32xf32>) {
  %s = xf.constant dense<[4, 0]> : tensor<2xi64>
  // expected-error @+1 {{shape entry 1 is 0 (copy) but the input has rank 1}}
  %0 = xf.reshape %x, %s : (tensor<32xf32>, tensor<2xi64>) -> tensor<4x?xf32>
  return
}

// -----

func.func @reshape_negative(%x: tensor<32xf32>) {
  %s = xf.constant dense<[4, -2]> : tensor<2xi64>
  // expected-error @+1 {{shape entry 1 is -2}}
  %0 = xf.reshape %x, %s : (tensor<32xf32>, tensor<2xi64>) -> tensor<4x?xf32>
  return
}

// -----

func.func @reshape_indivisible(%x: tensor<30xf32>) {
  %s = xf.constant dense<[4, -1]> : tensor<2xi64>
  // expected-error @+1 {{cannot reshape 30 elements into [4x?] with -1 inferred}}
  %0 = xf.reshape %x, %s : (tensor<30xf32>, tensor<2xi64>) -> tensor<4x?xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<30xf32>) {
  %s = xf.constant dense<[4, 8]> : tensor<2xi64>
  // expected-error @+1 {{cannot reshape 30 elements into [4x8]}}
  %0 = xf.reshape %x, %s : (tensor<30xf32>, tensor<2xi64>) -> tensor<4x8xf32>
  return
}

// -----

func.func @transpose_perm_length(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{perm has 3 entries for rank 2}}
  %0 = xf.transpose %x {perm = array<i64: 0, 1, 2>} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @transpose_not_permutation(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{perm is not a permutation of [0, 2)}}
  %0 = xf.transpose %x {perm = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<8x8xf32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+1 {{needs at least one operand}}
  %0 = xf.concat {axis = 0 : i64} : () -> tensor<4xf32>
  return
}

// -----

func.func @concat_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.concat %x, %x {axis = 2 : i64} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @concat_ranks(%x: tensor<4x8xf32>, %y: tensor<8xf32>) {
  // expected-error @+1 {{operands must have the same rank and element type}}
  %0 = xf.concat %x, %y {axis = 0 : i64} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<5x8xf32>
  return
}

// -----

func.func @concat_other_dims(%x: tensor<4x8xf32>, %y: tensor<4x7xf32>) {
  // expected-error @+1 {{operands differ in dimension 1: 8 and 7}}
  %0 = xf.concat %x, %y {axis = 0 : i64} : (tensor<4x8xf32>, tensor<4x7xf32>) -> tensor<8x8xf32>
  return
}

// -----

func.func @split_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0:2 = xf.split %x {axis = 2 : i64} : (tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>)
  return
}

// -----

func.func @split_no_results(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{needs at least one result}}
  xf.split %x : (tensor<4x8xf32>) -> ()
  return
}

// -----

func.func @split_size_count(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{split has 3 sizes for 2 results}}
  %0:2 = xf.split %x {axis = 1 : i64, split = array<i64: 4, 2, 2>} : (tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>)
  return
}

// -----

func.func @split_negative(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{split sizes must not be negative}}
  %0:2 = xf.split %x {axis = 1 : i64, split = array<i64: 10, -2>} : (tensor<4x8xf32>) -> (tensor<4x10xf32>, tensor<4x?xf32>)
  return
}

// -----

func.func @split_sum(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{split sizes add up to 6 but the dimension is 8}}
  %0:2 = xf.split %x {axis = 1 : i64, split = array<i64: 4, 2>} : (tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<4x2xf32>)
  return
}

// -----

func.func @slice_bounds_rank(%x: tensor<4x8xf32>, %s: tensor<?xi64>) {
  // expected-error @+1 {{starts must be a rank-1 tensor of static length}}
  %0 = xf.slice %x, %s, %s : (tensor<4x8xf32>, tensor<?xi64>, tensor<?xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @slice_bounds_lengths(%x: tensor<4x8xf32>, %s: tensor<1xi64>, %e: tensor<2xi64>) {
  // expected-error @+1 {{starts and ends have 1 and 2 entries}}
  %0 = xf.slice %x, %s, %e : (tensor<4x8xf32>, tensor<1xi64>, tensor<2xi64>) -> tensor<?x8xf32>
  return
}

// -----

func.func @slice_axes(%x: tensor<4x8xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{axes must be 1 distinct axes in range for rank 2}}
  %0 = xf.slice %x, %s, %s {axes = array<i64: 2>} : (tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x8xf32>
  return
}

// -----

func.func @slice_steps_length(%x: tensor<4x8xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{steps has 2 entries for 1 axes}}
  %0 = xf.slice %x, %s, %s {steps = array<i64: 1, 1>} : (tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x8xf32>
  return
}

// -----

func.func @slice_zero_step(%x: tensor<4x8xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{steps must not be 0}}
  %0 = xf.slice %x, %s, %s {steps = array<i64: 0>} : (tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x8xf32>
  return
}

// -----

func.func @expand_shape_rank(%x: tensor<4x1xf32>, %s: tensor<?xi64>) {
  // expected-error @+1 {{shape must be a rank-1 tensor of static length}}
  %0 = xf.expand %x, %s : (tensor<4x1xf32>, tensor<?xi64>) -> tensor<4x8xf32>
  return
}

// -----

func.func @expand_broadcast(%x: tensor<4x2xf32>) {
  %s = xf.constant dense<[4, 8]> : tensor<2xi64>
  // expected-error @+1 {{input of shape [4x2] does not broadcast to [4x8]}}
  %0 = xf.expand %x, %s : (tensor<4x2xf32>, tensor<2xi64>) -> tensor<4x8xf32>
  return
}

// -----

func.func @unsqueeze_axes(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axes must be distinct and in range for the result rank 3}}
  %0 = xf.unsqueeze %x {axes = array<i64: 3>} : (tensor<4x8xf32>) -> tensor<4x8x1xf32>
  return
}

// -----

func.func @squeeze_axes(%x: tensor<4x1xf32>) {
  // expected-error @+1 {{axes must be distinct and in range for rank 2}}
  %0 = xf.squeeze %x {axes = array<i64: 1, -1>} : (tensor<4x1xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @squeeze_size(%x: tensor<4x1xf32>) {
  // expected-error @+1 {{cannot squeeze dimension 0 of size 4}}
  %0 = xf.squeeze %x {axes = array<i64: 0>} : (tensor<4x1xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @squeeze_dynamic_without_axes(%x: tensor<?x1xf32>) {
  // expected-error @+1 {{without axes, dimension 0 must be static}}
  %0 = xf.squeeze %x : (tensor<?x1xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @flatten_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 3 is out of range for rank 2}}
  %0 = xf.flatten %x {axis = 3 : i64} : (tensor<4x8xf32>) -> tensor<32x1xf32>
  return
}

// -----

func.func @constant_of_shape_value(%s: tensor<2xi64>) {
  // expected-error @+1 {{value must have exactly one element}}
  %0 = xf.constant_of_shape %s {value = dense<0.0> : tensor<2xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @constant_of_shape_rank(%s: tensor<?xi64>) {
  // expected-error @+1 {{shape must be a rank-1 tensor of static length}}
  %0 = xf.constant_of_shape %s {value = dense<0.0> : tensor<1xf32>} : (tensor<?xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @constant_of_shape_negative() {
  %s = xf.constant dense<[2, -3]> : tensor<2xi64>
  // expected-error @+1 {{shape has a negative entry}}
  %0 = xf.constant_of_shape %s {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @range_operands(%a: tensor<i64>, %b: tensor<1xi64>) {
  // expected-error @+1 {{start, limit and delta must be scalars of one element type}}
  %0 = xf.range %a, %b, %a : (tensor<i64>, tensor<1xi64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @range_zero_delta() {
  %a = xf.constant dense<0> : tensor<i64>
  %b = xf.constant dense<4> : tensor<i64>
  // expected-error @+1 {{delta must not be 0}}
  %0 = xf.range %a, %b, %a : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @trilu_rank(%x: tensor<8xf32>) {
  // expected-error @+1 {{input must have rank 2 or more}}
  %0 = xf.trilu %x : (tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @trilu_k(%x: tensor<4x4xf32>, %k: tensor<2xi64>) {
  // expected-error @+1 {{k must be a scalar}}
  %0 = xf.trilu %x, %k : (tensor<4x4xf32>, tensor<2xi64>) -> tensor<4x4xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<4x8xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{axis -3 is out of range for rank 2}}
  %0 = xf.gather %x, %i {axis = -3 : i64} : (tensor<4x8xf32>, tensor<2xi64>) -> tensor<2x8xf32>
  return
}

// -----

func.func @gather_elements_axis(%x: tensor<4x8xf32>, %i: tensor<4x2xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.gather_elements %x, %i {axis = 2 : i64} : (tensor<4x8xf32>, tensor<4x2xi64>) -> tensor<4x2xf32>
  return
}

// -----

func.func @gather_elements_rank(%x: tensor<4x8xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{indices must have the rank of data}}
  %0 = xf.gather_elements %x, %i : (tensor<4x8xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_rank(%x: tensor<4x8xf32>, %i: tensor<i64>) {
  // expected-error @+1 {{indices must have rank 1 or more}}
  %0 = xf.gather_nd %x, %i : (tensor<4x8xf32>, tensor<i64>) -> tensor<8xf32>
  return
}

// -----

func.func @gather_nd_batch_dims(%x: tensor<4x8xf32>, %i: tensor<4x1xi64>) {
  // expected-error @+1 {{batch_dims must be less than both ranks}}
  %0 = xf.gather_nd %x, %i {batch_dims = 2 : i64} : (tensor<4x8xf32>, tensor<4x1xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @gather_nd_dynamic_tuple(%x: tensor<4x8xf32>, %i: tensor<3x?xi64>) {
  // expected-error @+1 {{the last dimension of indices must be static}}
  %0 = xf.gather_nd %x, %i : (tensor<4x8xf32>, tensor<3x?xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @gather_nd_tuple_length(%x: tensor<4x8xf32>, %i: tensor<3x3xi64>) {
  // expected-error @+1 {{index tuples of length 3 do not fit data of rank 2}}
  %0 = xf.gather_nd %x, %i : (tensor<4x8xf32>, tensor<3x3xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @gather_nd_batch(%x: tensor<4x8xf32>, %i: tensor<3x1xi64>) {
  // expected-error @+1 {{batch dimension 0 differs: 4 and 3}}
  %0 = xf.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<4x8xf32>, tensor<3x1xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_nd_reduction(%x: tensor<4x8xf32>, %i: tensor<3x2xi64>, %u: tensor<3xf32>) {
  // expected-error @+1 {{reduction must be none, add, mul, max or min}}
  %0 = xf.scatter_nd %x, %i, %u {reduction = "sub"} : (tensor<4x8xf32>, tensor<3x2xi64>, tensor<3xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @scatter_nd_element_type(%x: tensor<4x8xf32>, %i: tensor<3x2xi64>, %u: tensor<3xf16>) {
  // expected-error @+1 {{updates must have the element type of data}}
  %0 = xf.scatter_nd %x, %i, %u : (tensor<4x8xf32>, tensor<3x2xi64>, tensor<3xf16>) -> tensor<4x8xf32>
  return
}

// -----

func.func @scatter_nd_tuple(%x: tensor<4x8xf32>, %i: tensor<3x3xi64>, %u: tensor<3xf32>) {
  // expected-error @+1 {{index tuples of length 3 do not fit data of rank 2}}
  %0 = xf.scatter_nd %x, %i, %u : (tensor<4x8xf32>, tensor<3x3xi64>, tensor<3xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @scatter_nd_updates(%x: tensor<4x8xf32>, %i: tensor<3x1xi64>, %u: tensor<3x4xf32>) {
  // expected-error @+1 {{updates of shape [3x4] should have shape [3x8]}}
  %0 = xf.scatter_nd %x, %i, %u : (tensor<4x8xf32>, tensor<3x1xi64>, tensor<3x4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @attention_rank(%q: tensor<8x16x64xf32>) {
  // expected-error @+1 {{query, key and value must have rank 4 [batch, heads, sequence, head size]}}
  %0 = xf.attention %q, %q, %q : (tensor<8x16x64xf32>, tensor<8x16x64xf32>, tensor<8x16x64xf32>) -> tensor<8x16x64xf32>
  return
}

// -----

func.func @attention_element_types(%q: tensor<1x8x16x64xf32>, %kv: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{query, key and value must have one element type}}
  %0 = xf.attention %q, %kv, %kv : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @attention_batch(%q: tensor<1x8x16x64xf32>, %kv: tensor<2x8x16x64xf32>) {
  // expected-error @+1 {{batch size differs: 1 and 2}}
  %0 = xf.attention %q, %kv, %kv : (tensor<1x8x16x64xf32>, tensor<2x8x16x64xf32>, tensor<2x8x16x64xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @attention_kv_heads(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>, %v: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{key/value head count differs: 2 and 4}}
  %0 = xf.attention %q, %k, %v : (tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x4x16x64xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @attention_kv_length(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>, %v: tensor<1x2x12x64xf32>) {
  // expected-error @+1 {{key/value sequence length differs: 16 and 12}}
  %0 = xf.attention %q, %k, %v : (tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x12x64xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @attention_head_size(%q: tensor<1x8x16x64xf32>, %kv: tensor<1x2x16x32xf32>) {
  // expected-error @+1 {{query/key head size differs: 64 and 32}}
  %0 = xf.attention %q, %kv, %kv : (tensor<1x8x16x64xf32>, tensor<1x2x16x32xf32>, tensor<1x2x16x32xf32>) -> tensor<1x8x16x32xf32>
  return
}

// -----

func.func @attention_grouping(%q: tensor<1x8x16x64xf32>, %kv: tensor<1x3x16x64xf32>) {
  // expected-error @+1 {{query heads (8) must be a multiple of key/value heads (3)}}
  %0 = xf.attention %q, %kv, %kv : (tensor<1x8x16x64xf32>, tensor<1x3x16x64xf32>, tensor<1x3x16x64xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @attention_mask_type(%q: tensor<1x8x16x64xf32>, %m: tensor<16x16xi64>) {
  // expected-error @+1 {{mask must be i1 or floating point}}
  %0 = xf.attention %q, %q, %q, %m : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<16x16xi64>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @attention_mask_shape(%q: tensor<1x8x16x64xf32>, %m: tensor<16x12xi1>) {
  // expected-error @+1 {{mask of shape [16x12] does not broadcast to the scores [1x8x16x16]}}
  %0 = xf.attention %q, %q, %q, %m : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<16x12xi1>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @attention_scale(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{scale must not be negative}}
  %0 = xf.attention %q, %q, %q {scale = -1.0 : f32} : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>) -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @rms_norm_axis(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.rms_norm %x, %s {axis = 2 : i64} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @rms_norm_scale(%x: tensor<4x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{scale of shape [4] does not broadcast to the normalized shape [8]}}
  %0 = xf.rms_norm %x, %s : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.layer_norm %x, %s {axis = 2 : i64} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<4x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{scale of shape [4] does not broadcast to the normalized shape [8]}}
  %0 = xf.layer_norm %x, %s : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @layer_norm_bias(%x: tensor<4x8xf32>, %s: tensor<8xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias of shape [3] does not broadcast to the normalized shape [8]}}
  %0 = xf.layer_norm %x, %s, %b : (tensor<4x8xf32>, tensor<8xf32>, tensor<3xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @linear_input_rank(%x: tensor<f32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{input must have rank 1 or more}}
  %0 = xf.linear %x, %w : (tensor<f32>, tensor<8x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @linear_weight_rank(%x: tensor<2x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{weight must have rank 2}}
  %0 = xf.linear %x, %w : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_features(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{input features differs: 8 and 4}}
  %0 = xf.linear %x, %w {transpose_weight = true} : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @linear_bias_rank(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{bias must have rank 1}}
  %0 = xf.linear %x, %w, %b : (tensor<2x8xf32>, tensor<8x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_bias_size(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{output features differs: 4 and 5}}
  %0 = xf.linear %x, %w, %b : (tensor<2x8xf32>, tensor<8x4xf32>, tensor<5xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @rope_rank(%x: tensor<2x16x64xf32>, %c: tensor<2x16x32xf32>) {
  // expected-error @+1 {{input must have rank 4 [batch, heads, sequence, head size]}}
  %0 = xf.rope %x, %c, %c : (tensor<2x16x64xf32>, tensor<2x16x32xf32>, tensor<2x16x32xf32>) -> tensor<2x16x64xf32>
  return
}

// -----

func.func @rope_tables(%x: tensor<2x4x16x64xf32>, %c: tensor<2x16x32xf32>, %s: tensor<2x16x16xf32>) {
  // expected-error @+1 {{cos and sin must have one shape [batch, sequence, rotary size / 2]}}
  %0 = xf.rope %x, %c, %s : (tensor<2x4x16x64xf32>, tensor<2x16x32xf32>, tensor<2x16x16xf32>) -> tensor<2x4x16x64xf32>
  return
}

// -----

func.func @rope_sequence(%x: tensor<2x4x16x64xf32>, %c: tensor<2x8x32xf32>) {
  // expected-error @+1 {{sequence length differs: 16 and 8}}
  %0 = xf.rope %x, %c, %c : (tensor<2x4x16x64xf32>, tensor<2x8x32xf32>, tensor<2x8x32xf32>) -> tensor<2x4x16x64xf32>
  return
}

// -----

func.func @rope_size(%x: tensor<2x4x16x64xf32>, %c: tensor<2x16x40xf32>) {
  // expected-error @+1 {{rotary size 80 exceeds the head size 64}}
  %0 = xf.rope %x, %c, %c : (tensor<2x4x16x64xf32>, tensor<2x16x40xf32>, tensor<2x16x40xf32>) -> tensor<2x4x16x64xf32>
  return
}

// -----

func.func @quantized_weight_bits(%p: tensor<3x32xui8>, %s: tensor<3x1xf32>) {
  // expected-error @+1 {{packs 4- or 8-bit values, not 2}}
  %0 = xf.quantized_weight %p, %s {bits = 2 : i64, group_size = 64 : i64, k = 64 : i64} : (tensor<3x32xui8>, tensor<3x1xf32>) -> tensor<64x3xf32>
  return
}

// -----

func.func @quantized_weight_short_rows(%p: tensor<3x16xui8>, %s: tensor<3x2xf32>) {
  // expected-error @+1 {{rows of 16 bytes hold fewer than 40 4-bit values}}
  %0 = xf.quantized_weight %p, %s {bits = 4 : i64, group_size = 32 : i64, k = 40 : i64} : (tensor<3x16xui8>, tensor<3x2xf32>) -> tensor<40x3xf32>
  return
}

// -----

func.func @quantized_weight_scales(%p: tensor<3x32xui8>, %s: tensor<3x1xf32>) {
  // expected-error @+1 {{scales must have shape [3x2], not [3x1]}}
  %0 = xf.quantized_weight %p, %s {bits = 4 : i64, group_size = 32 : i64, k = 40 : i64} : (tensor<3x32xui8>, tensor<3x1xf32>) -> tensor<40x3xf32>
  return
}

// -----

func.func @quantized_weight_zero_points(%p: tensor<3x32xui8>, %s: tensor<3x2xf32>, %z: tensor<3x2xi32>) {
  // expected-error @+1 {{zero_points must be integers of at most 8 bits with the shape of scales}}
  %0 = xf.quantized_weight %p, %s, %z {bits = 4 : i64, group_size = 32 : i64, k = 40 : i64} : (tensor<3x32xui8>, tensor<3x2xf32>, tensor<3x2xi32>) -> tensor<40x3xf32>
  return
}

// -----

func.func @multiply_add_pairs_lanes(%a: vector<16xi16>) {
  // expected-error @+1 {{sums pairs: 16 lanes give 8 sums, not 4}}
  %0 = xf.multiply_add_pairs %a, %a : vector<16xi16> -> vector<4xi32>
  return
}

// -----

func.func @expand_lanes_mask(%a: vector<16xf32>, %m: vector<8xi1>) {
  // expected-error @+1 {{needs a mask bit per lane: 16 lanes, 8 bits}}
  %0 = xf.expand_lanes %a, %m : vector<16xf32>, vector<8xi1>
  return
}

// -----

func.func @dequantize_zero_point_type(%q: tensor<4x8xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{zero_point must have the input's element type}}
  %0 = xf.dequantize_linear %q, %s, %z : (tensor<4x8xi8>, tensor<f32>, tensor<ui8>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dequantize_zero_point_shape(%q: tensor<4x8xi8>, %s: tensor<f32>, %z: tensor<2xi8>) {
  // expected-error @+1 {{zero_point must have the shape of scale}}
  %0 = xf.dequantize_linear %q, %s, %z : (tensor<4x8xi8>, tensor<f32>, tensor<2xi8>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dequantize_block_size(%q: tensor<4x8xi8>, %s: tensor<4x2xf32>) {
  // expected-error @+1 {{block_size must not be negative}}
  %0 = xf.dequantize_linear %q, %s {block_size = -4 : i64} : (tensor<4x8xi8>, tensor<4x2xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dequantize_axis(%q: tensor<4x8xi8>, %s: tensor<8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.dequantize_linear %q, %s {axis = 2 : i64} : (tensor<4x8xi8>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dequantize_per_axis(%q: tensor<4x8xi8>, %s: tensor<4xf32>) {
  // expected-error @+1 {{a per-axis scale must have shape [8]}}
  %0 = xf.dequantize_linear %q, %s : (tensor<4x8xi8>, tensor<4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dequantize_blocked(%q: tensor<4x64xui4>, %s: tensor<4x3xf32>) {
  // expected-error @+1 {{a blocked scale must have shape [4x2], not [4x3]}}
  %0 = xf.dequantize_linear %q, %s {block_size = 32 : i64} : (tensor<4x64xui4>, tensor<4x3xf32>) -> tensor<4x64xf32>
  return
}

// -----

func.func @quantize_per_axis(%x: tensor<4x8xf32>, %s: tensor<4xf32>, %z: tensor<4xi8>) {
  // expected-error @+1 {{a per-axis scale must have shape [8]}}
  %0 = xf.quantize_linear %x, %s, %z : (tensor<4x8xf32>, tensor<4xf32>, tensor<4xi8>) -> tensor<4x8xi8>
  return
}

// -----

func.func @matmul_integer_zero_points(%a: tensor<4x8xui8>, %b: tensor<8x2xi8>, %za: tensor<i8>, %zb: tensor<i8>) {
  // expected-error @+1 {{zero points must have their operand's element type}}
  %0 = xf.matmul_integer %a, %b, %za, %zb : (tensor<4x8xui8>, tensor<8x2xi8>, tensor<i8>, tensor<i8>) -> tensor<4x2xi32>
  return
}

// -----

func.func @matmul_integer_rank(%a: tensor<8xui8>, %b: tensor<8x2xi8>, %za: tensor<ui8>, %zb: tensor<i8>) {
  // expected-error @+1 {{operands must have rank 2 or more}}
  %0 = xf.matmul_integer %a, %b, %za, %zb : (tensor<8xui8>, tensor<8x2xi8>, tensor<ui8>, tensor<i8>) -> tensor<2xi32>
  return
}

// -----

func.func @matmul_integer_contraction(%a: tensor<4x8xui8>, %b: tensor<6x2xi8>, %za: tensor<ui8>, %zb: tensor<i8>) {
  // expected-error @+1 {{contraction dimensions differ: 8 and 6}}
  %0 = xf.matmul_integer %a, %b, %za, %zb : (tensor<4x8xui8>, tensor<6x2xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x2xi32>
  return
}

// -----

func.func @matmul_integer_batch(%a: tensor<3x4x8xui8>, %b: tensor<2x8x2xi8>, %za: tensor<ui8>, %zb: tensor<i8>) {
  // expected-error @+1 {{batch dimensions do not broadcast}}
  %0 = xf.matmul_integer %a, %b, %za, %zb : (tensor<3x4x8xui8>, tensor<2x8x2xi8>, tensor<ui8>, tensor<i8>) -> tensor<3x4x2xi32>
  return
}

// -----

func.func @moe_top_k(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>) {
  // expected-error @+1 {{top_k must be between 1 and the expert count (4), not 5}}
  %0 = xf.moe %x, %l gate %g up %g down %d {top_k = 5 : i64} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @moe_experts(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<3x8x6xf32>, %d: tensor<4x6x8xf32>) {
  // expected-error @+1 {{expert count differs: 4 and 3}}
  %0 = xf.moe %x, %l gate %g up %g down %d {top_k = 2 : i64} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<3x8x6xf32>, tensor<3x8x6xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @moe_rank(%x: tensor<8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>) {
  // expected-error @+1 {{input must have rank 2 or more [..., features] and logits rank 2 [tokens, experts]}}
  %0 = xf.moe %x, %l gate %g up %g down %d {top_k = 2 : i64} : (tensor<8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @moe_tokens(%x: tensor<2x3x8xf32>, %l: tensor<5x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>) {
  // expected-error @+1 {{token count differs: 6 and 5}}
  %0 = xf.moe %x, %l gate %g up %g down %d {top_k = 2 : i64} : (tensor<2x3x8xf32>, tensor<5x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>) -> tensor<2x3x8xf32>
  return
}

// -----

func.func @moe_hidden(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x5x8xf32>) {
  // expected-error @+1 {{hidden features differs: 6 and 5}}
  %0 = xf.moe %x, %l gate %g up %g down %d {top_k = 2 : i64} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x5x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @moe_gated_without_activation(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>) {
  // expected-error @+1 {{gated experts need an activation}}
  %0 = xf.moe %x, %l gate %g up %g down %d {top_k = 2 : i64, activation = #xf<activation none>} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @moe_limit_without_up(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>) {
  // expected-error @+1 {{up_bias, limit and beta need the up weights}}
  %0 = xf.moe %x, %l gate %g down %d {top_k = 2 : i64, limit = 7.0 : f32} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @moe_alpha_not_silu(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>) {
  // expected-error @+1 {{alpha scales silu's sigmoid only}}
  %0 = xf.moe %x, %l gate %g up %g down %d {top_k = 2 : i64, alpha = 2.0 : f32, activation = #xf<activation relu>} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @moe_bias_width(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{gate_bias differs: 6 and 5}}
  %0 = xf.moe %x, %l gate %g up %g down %d gate_bias %b {top_k = 2 : i64} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>, tensor<4x5xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @quantized_stack_scales(%q: tensor<4x6x16xui8>, %s: tensor<3x6x2xf32>) {
  // expected-error @+1 {{scales must have shape [4x6x2], not [3x6x2]}}
  %0 = xf.quantized_weight %q, %s {bits = 4 : i64, group_size = 16 : i64, k = 32 : i64} : (tensor<4x6x16xui8>, tensor<3x6x2xf32>) -> tensor<4x32x6xf32>
  return
}

// -----

// A [40, 20] weight is 2 x 2 tiles of 16 columns by 32 along K: 512 words.
func.func @sparse_matmul_values(%a: memref<?x40xf32>, %v: memref<500xi32>, %m: memref<64xi32>, %c: memref<?x20xf32>) {
  // expected-error @+1 {{a [40, 20] weight has 512 words of values, not 500}}
  xf.sparse_matmul_buffers %a, %v, %m into %c : memref<?x40xf32>, memref<500xi32>, memref<64xi32> into memref<?x20xf32>
  return
}

// -----

func.func @sparse_matmul_metadata(%a: memref<?x40xf32>, %v: memref<512xi32>, %m: memref<32xi32>, %c: memref<?x20xf32>) {
  // expected-error @+1 {{a [40, 20] weight has 64 words of metadata, not 32}}
  xf.sparse_matmul_buffers %a, %v, %m into %c : memref<?x40xf32>, memref<512xi32>, memref<32xi32> into memref<?x20xf32>
  return
}

// -----

func.func @sparse_matmul_dynamic(%a: memref<?x?xf32>, %v: memref<512xi32>, %m: memref<64xi32>, %c: memref<?x20xf32>) {
  // expected-error @+1 {{needs the weight's K and N static}}
  xf.sparse_matmul_buffers %a, %v, %m into %c : memref<?x?xf32>, memref<512xi32>, memref<64xi32> into memref<?x20xf32>
  return
}

// -----

func.func @sparse_matmul_types(%a: memref<?x40xf16>, %v: memref<512xi32>, %m: memref<64xi32>, %c: memref<?x20xf32>) {
  // expected-error @+1 {{takes [M, K] and [M, N] f32 buffers}}
  xf.sparse_matmul_buffers %a, %v, %m into %c : memref<?x40xf16>, memref<512xi32>, memref<64xi32> into memref<?x20xf32>
  return
}

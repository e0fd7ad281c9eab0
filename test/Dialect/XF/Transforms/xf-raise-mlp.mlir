// RUN: xfc-opt %s -split-input-file --xf-raise-mlp | FileCheck %s

// BERT's intermediate layer as the TorchScript exporter writes it: MatMul,
// bias Add (bias first), GELU as 0.5 * x * (1 + erf(x / sqrt(2))).
// CHECK-LABEL: func.func @linear_bias_gelu_erf
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>)
// CHECK-DAG: %[[W:.*]] = xf.constant dense<{{.*}}> : tensor<8x16xf32>
// CHECK-DAG: %[[B:.*]] = xf.constant dense<{{.*}}> : tensor<16xf32>
// CHECK: %[[Y:.*]] = xf.linear %[[X]], %[[W]], %[[B]] {activation = #xf<activation gelu>}
// CHECK-NOT: xf.erf
// CHECK: return %[[Y]]
func.func @linear_bias_gelu_erf(%x: tensor<?x?x8xf32>) -> tensor<?x?x16xf32> {
  %w = xf.constant dense<0.5> : tensor<8x16xf32>
  %b = xf.constant dense<0.25> : tensor<16xf32>
  %sqrt2 = xf.constant dense<1.41421354> : tensor<f32>
  %one = xf.constant dense<1.0> : tensor<f32>
  %half = xf.constant dense<0.5> : tensor<f32>
  %mm = xf.matmul %x, %w : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %h = xf.add %b, %mm : (tensor<16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %d = xf.div %h, %sqrt2 : (tensor<?x?x16xf32>, tensor<f32>) -> tensor<?x?x16xf32>
  %e = xf.erf %d : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %u = xf.add %e, %one : (tensor<?x?x16xf32>, tensor<f32>) -> tensor<?x?x16xf32>
  %p = xf.mul %h, %u : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %g = xf.mul %p, %half : (tensor<?x?x16xf32>, tensor<f32>) -> tensor<?x?x16xf32>
  return %g : tensor<?x?x16xf32>
}

// -----

// GPT-2's GELU (tanh form, the cube as Pow, 0.5 * x first) on a value that
// is not a product's: xf.gelu alone.
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-NEXT: %[[G:.*]] = xf.gelu %arg0 {approximate = "tanh"}
// CHECK-NEXT: return %[[G]]
func.func @gelu_tanh(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %half = xf.constant dense<0.5> : tensor<f32>
  %three = xf.constant dense<3.0> : tensor<f32>
  %c = xf.constant dense<0.044715> : tensor<f32>
  %k = xf.constant dense<0.797884583> : tensor<f32>
  %one = xf.constant dense<1.0> : tensor<f32>
  %hx = xf.mul %x, %half : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %cube = xf.pow %x, %three : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %cc = xf.mul %cube, %c : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %s = xf.add %x, %cc : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %i = xf.mul %s, %k : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %t = xf.tanh %i : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %u = xf.add %t, %one : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %g = xf.mul %hx, %u : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %g : tensor<4x16xf32>
}

// -----

// Llama's MLP: down(silu(gate(x)) * up(x)), SiLU as x * sigmoid(x).
// CHECK-LABEL: func.func @swiglu
// CHECK: %[[M:.*]] = xf.gated_mlp %arg0, %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK-NOT: xf.sigmoid
// CHECK-NOT: xf.matmul
// CHECK: return %[[M]]
func.func @swiglu(%x: tensor<1x?x8xf32>) -> tensor<1x?x8xf32> {
  %wg = xf.constant dense<0.5> : tensor<8x32xf32>
  %wu = xf.constant dense<0.25> : tensor<8x32xf32>
  %wd = xf.constant dense<0.125> : tensor<32x8xf32>
  %g = xf.matmul %x, %wg : (tensor<1x?x8xf32>, tensor<8x32xf32>) -> tensor<1x?x32xf32>
  %u = xf.matmul %x, %wu : (tensor<1x?x8xf32>, tensor<8x32xf32>) -> tensor<1x?x32xf32>
  %s = xf.sigmoid %g : (tensor<1x?x32xf32>) -> tensor<1x?x32xf32>
  %a = xf.mul %g, %s : (tensor<1x?x32xf32>, tensor<1x?x32xf32>) -> tensor<1x?x32xf32>
  %h = xf.mul %a, %u : (tensor<1x?x32xf32>, tensor<1x?x32xf32>) -> tensor<1x?x32xf32>
  %y = xf.matmul %h, %wd : (tensor<1x?x32xf32>, tensor<32x8xf32>) -> tensor<1x?x8xf32>
  return %y : tensor<1x?x8xf32>
}

// -----

// Gemm with trans_b (nn.Linear's [N, K] weight, as dynamo writes it): the
// weight is transposed now, into a [K, N] constant.
// CHECK-LABEL: func.func @gemm_transposed_weight
// CHECK: %[[W:.*]] = xf.constant dense_resource<w.transposed> : tensor<2x3xf32>
// CHECK: xf.linear %arg0, %[[W]], %{{.*}} :
// CHECK-NOT: xf.gemm
func.func @gemm_transposed_weight(%x: tensor<?x2xf32>) -> tensor<?x3xf32> {
  %w = xf.constant dense_resource<w> : tensor<3x2xf32>
  %b = xf.constant dense<1.0> : tensor<3xf32>
  %y = xf.gemm %x, %w, %b {trans_b = true} : (tensor<?x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

{-# dialect_resources: { builtin: { w: "0x04000000000080BF0000803F0000004000000040000040400000804000008040" } } #-}

// -----

// A product by a run-time value is no dense layer; an activation whose
// input is read elsewhere stays outside the linear (which takes the bias).
// CHECK-LABEL: func.func @not_linear
// CHECK: xf.matmul %arg0, %arg1
// CHECK-NOT: xf.linear %arg0, %arg1
// CHECK: %[[L:.*]] = xf.linear %arg0, %{{.*}}, %{{.*}} :
// CHECK-NEXT: xf.relu %[[L]]
func.func @not_linear(%x: tensor<4x8xf32>, %v: tensor<8x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>) {
  %w = xf.constant dense<0.5> : tensor<8x16xf32>
  %b = xf.constant dense<0.25> : tensor<16xf32>
  %p = xf.matmul %x, %v : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %mm = xf.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %h = xf.add %mm, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %r = xf.relu %h : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %p, %h, %r : tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// Weights dequantized from int8 constants (QDQ): a linear by the
// dequantized value.
// CHECK-LABEL: func.func @dequantized_weight
// CHECK: %[[W:.*]] = xf.dequantize_linear
// CHECK: xf.linear %arg0, %[[W]] :
func.func @dequantized_weight(%x: tensor<4x8xf32>) -> tensor<4x16xf32> {
  %q = xf.constant dense<3> : tensor<8x16xi8>
  %s = xf.constant dense<0.125> : tensor<f32>
  %w = xf.dequantize_linear %q, %s : (tensor<8x16xi8>, tensor<f32>) -> tensor<8x16xf32>
  %y = xf.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Llama's MLP with the up projection written first and the product's
// factors swapped: the gated MLP is formed whichever linear comes last.
// CHECK-LABEL: func.func @swiglu_up_first
// CHECK-DAG: %[[WG:.*]] = xf.constant dense<5.000000e-01> : tensor<8x32xf32>
// CHECK-DAG: %[[WU:.*]] = xf.constant dense<2.500000e-01> : tensor<8x32xf32>
// CHECK-DAG: %[[WD:.*]] = xf.constant dense<1.250000e-01> : tensor<32x8xf32>
// CHECK: %[[M:.*]] = xf.gated_mlp %arg0, %[[WG]], %[[WU]], %[[WD]] :
// CHECK-NOT: xf.linear
// CHECK: return %[[M]]
func.func @swiglu_up_first(%x: tensor<1x?x8xf32>) -> tensor<1x?x8xf32> {
  %wg = xf.constant dense<0.5> : tensor<8x32xf32>
  %wu = xf.constant dense<0.25> : tensor<8x32xf32>
  %wd = xf.constant dense<0.125> : tensor<32x8xf32>
  %u = xf.matmul %x, %wu : (tensor<1x?x8xf32>, tensor<8x32xf32>) -> tensor<1x?x32xf32>
  %g = xf.matmul %x, %wg : (tensor<1x?x8xf32>, tensor<8x32xf32>) -> tensor<1x?x32xf32>
  %s = xf.sigmoid %g : (tensor<1x?x32xf32>) -> tensor<1x?x32xf32>
  %a = xf.mul %s, %g : (tensor<1x?x32xf32>, tensor<1x?x32xf32>) -> tensor<1x?x32xf32>
  %h = xf.mul %u, %a : (tensor<1x?x32xf32>, tensor<1x?x32xf32>) -> tensor<1x?x32xf32>
  %y = xf.matmul %h, %wd : (tensor<1x?x32xf32>, tensor<32x8xf32>) -> tensor<1x?x8xf32>
  return %y : tensor<1x?x8xf32>
}

// -----

// Not gated MLPs: the gate projection has a bias; the gate and up
// projections read different inputs. The linears stay linears.
// CHECK-LABEL: func.func @not_gated_mlp
// CHECK-COUNT-6: xf.linear
// CHECK-NOT: xf.gated_mlp
func.func @not_gated_mlp(%x: tensor<4x8xf32>, %z: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %wg = xf.constant dense<0.5> : tensor<8x32xf32>
  %wu = xf.constant dense<0.25> : tensor<8x32xf32>
  %wd = xf.constant dense<0.125> : tensor<32x8xf32>
  %bg = xf.constant dense<1.0> : tensor<32xf32>
  %g = xf.matmul %x, %wg : (tensor<4x8xf32>, tensor<8x32xf32>) -> tensor<4x32xf32>
  %gb = xf.add %g, %bg : (tensor<4x32xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  %r = xf.relu %gb : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %u = xf.matmul %x, %wu : (tensor<4x8xf32>, tensor<8x32xf32>) -> tensor<4x32xf32>
  %h = xf.mul %r, %u : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %y = xf.matmul %h, %wd : (tensor<4x32xf32>, tensor<32x8xf32>) -> tensor<4x8xf32>
  %g2 = xf.matmul %x, %wg : (tensor<4x8xf32>, tensor<8x32xf32>) -> tensor<4x32xf32>
  %r2 = xf.relu %g2 : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %u2 = xf.matmul %z, %wu : (tensor<4x8xf32>, tensor<8x32xf32>) -> tensor<4x32xf32>
  %h2 = xf.mul %r2, %u2 : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %y2 = xf.matmul %h2, %wd : (tensor<4x32xf32>, tensor<32x8xf32>) -> tensor<4x8xf32>
  return %y, %y2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// GELU-like formulas with the wrong constants (0.6 * x * (1 + erf(x /
// sqrt(2))), tanh of 0.7 * (x + 0.044715 * x^3)) are not GELU.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: xf.gelu
// CHECK: xf.erf
// CHECK: xf.tanh
func.func @not_gelu(%x: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %sqrt2 = xf.constant dense<1.41421354> : tensor<f32>
  %one = xf.constant dense<1.0> : tensor<f32>
  %c06 = xf.constant dense<0.6> : tensor<f32>
  %half = xf.constant dense<0.5> : tensor<f32>
  %three = xf.constant dense<3.0> : tensor<f32>
  %c = xf.constant dense<0.044715> : tensor<f32>
  %k = xf.constant dense<0.7> : tensor<f32>
  %d = xf.div %x, %sqrt2 : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %e = xf.erf %d : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %u = xf.add %e, %one : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %p = xf.mul %x, %u : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %g = xf.mul %p, %c06 : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %hx = xf.mul %x, %half : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %cube = xf.pow %x, %three : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %cc = xf.mul %cube, %c : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %s = xf.add %x, %cc : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %i = xf.mul %s, %k : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %t = xf.tanh %i : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %u2 = xf.add %t, %one : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %g2 = xf.mul %hx, %u2 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %g, %g2 : tensor<4x16xf32>, tensor<4x16xf32>
}

// Every xf op parses, verifies and prints back to the same text, in both the
// custom and the generic form.
// RUN: xfc-opt %s | xfc-opt | FileCheck %s
// RUN: xfc-opt %s --mlir-print-op-generic | xfc-opt | FileCheck %s

// CHECK-LABEL: func.func @broadcasting
func.func @broadcasting(%a: tensor<?x16xf32>, %b: tensor<16xf32>, %c: tensor<1x16xi1>, %i: tensor<4xi64>) {
  // CHECK: xf.add %{{.*}}, %{{.*}} : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %0 = xf.add %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  // CHECK: xf.sub
  %1 = xf.sub %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  // CHECK: xf.mul
  %2 = xf.mul %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  // CHECK: xf.div
  %3 = xf.div %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  // CHECK: xf.pow
  %4 = xf.pow %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  // CHECK: xf.equal {{.*}} -> tensor<?x16xi1>
  %5 = xf.equal %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xi1>
  // CHECK: xf.less
  %6 = xf.less %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xi1>
  // CHECK: xf.less_or_equal
  %7 = xf.less_or_equal %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xi1>
  // CHECK: xf.greater
  %8 = xf.greater %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xi1>
  // CHECK: xf.greater_or_equal
  %9 = xf.greater_or_equal %a, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xi1>
  // CHECK: xf.and
  %10 = xf.and %5, %c : (tensor<?x16xi1>, tensor<1x16xi1>) -> tensor<?x16xi1>
  // CHECK: xf.or
  %11 = xf.or %5, %c : (tensor<?x16xi1>, tensor<1x16xi1>) -> tensor<?x16xi1>
  // CHECK: xf.max %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x16xf32>, tensor<16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  %12 = xf.max %a, %b, %0 : (tensor<?x16xf32>, tensor<16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  // CHECK: xf.min %{{.*}} : (tensor<16xf32>) -> tensor<16xf32>
  %13 = xf.min %b : (tensor<16xf32>) -> tensor<16xf32>
  // CHECK: xf.where
  %14 = xf.where %c, %a, %b : (tensor<1x16xi1>, tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<2x?xf32>, %b: tensor<2x?xi1>, %i: tensor<3xi64>) {
  // CHECK: xf.sqrt
  %0 = xf.sqrt %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.reciprocal
  %1 = xf.reciprocal %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.neg
  %2 = xf.neg %i : (tensor<3xi64>) -> tensor<3xi64>
  // CHECK: xf.exp
  %3 = xf.exp %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.log
  %4 = xf.log %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.tanh
  %5 = xf.tanh %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.erf
  %6 = xf.erf %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.sigmoid
  %7 = xf.sigmoid %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.relu
  %8 = xf.relu %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.gelu %{{.*}} {approximate = "tanh"}
  %9 = xf.gelu %x {approximate = "tanh"} : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.cos
  %10 = xf.cos %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.sin
  %11 = xf.sin %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.abs
  %12 = xf.abs %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.not
  %13 = xf.not %b : (tensor<2x?xi1>) -> tensor<2x?xi1>
  // CHECK: xf.identity
  %14 = xf.identity %x : (tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: xf.cast %{{.*}} : (tensor<2x?xf32>) -> tensor<2x?xf16>
  %15 = xf.cast %x : (tensor<2x?xf32>) -> tensor<2x?xf16>
  return
}

// CHECK-LABEL: func.func @matrix_products
func.func @matrix_products(%x: tensor<?x?x96xf32>, %w: tensor<96x288xf32>, %v: tensor<96xf32>,
                           %a: tensor<8x96xf32>, %b: tensor<288x96xf32>, %c: tensor<288xf32>) {
  // CHECK: xf.matmul {{.*}} -> tensor<?x?x288xf32>
  %0 = xf.matmul %x, %w : (tensor<?x?x96xf32>, tensor<96x288xf32>) -> tensor<?x?x288xf32>
  // CHECK: xf.matmul {{.*}} -> tensor<?x?xf32>
  %1 = xf.matmul %x, %v : (tensor<?x?x96xf32>, tensor<96xf32>) -> tensor<?x?xf32>
  // CHECK: xf.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, trans_b = true}
  %2 = xf.gemm %a, %b, %c {alpha = 0.5 : f32, trans_b = true} : (tensor<8x96xf32>, tensor<288x96xf32>, tensor<288xf32>) -> tensor<8x288xf32>
  // CHECK: xf.gemm %{{.*}}, %{{.*}} : (tensor<8x96xf32>, tensor<96x288xf32>) -> tensor<8x288xf32>
  %3 = xf.gemm %a, %w : (tensor<8x96xf32>, tensor<96x288xf32>) -> tensor<8x288xf32>
  // CHECK: xf.einsum {{.*}} {equation = "ij,jk->ik"}
  %4 = xf.einsum %a, %w {equation = "ij,jk->ik"} : (tensor<8x96xf32>, tensor<96x288xf32>) -> tensor<8x288xf32>
  // CHECK: xf.einsum {{.*}} {equation = "ij,kj"} {{.*}} -> tensor<8x288xf32>
  %5 = xf.einsum %a, %b {equation = "ij,kj"} : (tensor<8x96xf32>, tensor<288x96xf32>) -> tensor<8x288xf32>
  return
}

// CHECK-LABEL: func.func @normalizations
func.func @normalizations(%x: tensor<2x?x96xf32>, %s: tensor<96xf32>, %i: tensor<2x8xi64>) {
  // CHECK: xf.softmax %{{.*}} {axis = 1 : i64}
  %0 = xf.softmax %x {axis = 1 : i64} : (tensor<2x?x96xf32>) -> tensor<2x?x96xf32>
  // CHECK: xf.log_softmax
  %1 = xf.log_softmax %x : (tensor<2x?x96xf32>) -> tensor<2x?x96xf32>
  // CHECK: xf.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32}
  %2 = xf.layer_norm %x, %s, %s {epsilon = 1.0e-3 : f32} : (tensor<2x?x96xf32>, tensor<96xf32>, tensor<96xf32>) -> tensor<2x?x96xf32>
  // CHECK: xf.reduce_mean %{{.*}} {axes = array<i64: -1>} {{.*}} -> tensor<2x?x1xf32>
  %3 = xf.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x?x96xf32>) -> tensor<2x?x1xf32>
  // CHECK: xf.reduce_sum %{{.*}} {axes = array<i64: 1>, keepdims = false} {{.*}} -> tensor<2x96xf32>
  %4 = xf.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x?x96xf32>) -> tensor<2x96xf32>
  // CHECK: xf.reduce_max %{{.*}} {keepdims = false} {{.*}} -> tensor<f32>
  %5 = xf.reduce_max %x {keepdims = false} : (tensor<2x?x96xf32>) -> tensor<f32>
  // CHECK: xf.cumsum %{{.*}} {axis = 1 : i64, exclusive = true}
  %6 = xf.cumsum %i {axis = 1 : i64, exclusive = true} : (tensor<2x8xi64>) -> tensor<2x8xi64>
  // CHECK: %{{.*}}, %{{.*}} = xf.topk %{{.*}} {k = 2 : i64} : (tensor<2x?x96xf32>) -> (tensor<2x?x2xf32>, tensor<2x?x2xi64>)
  %7:2 = xf.topk %x {k = 2 : i64} : (tensor<2x?x96xf32>) -> (tensor<2x?x2xf32>, tensor<2x?x2xi64>)
  return
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<2x?x96xf32>, %shape: tensor<4xi64>, %starts: tensor<1xi64>) {
  // CHECK: xf.reshape {{.*}} -> tensor<?x?x?x?xf32>
  %0 = xf.reshape %x, %shape : (tensor<2x?x96xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  // CHECK: xf.transpose %{{.*}} {perm = array<i64: 1, 0, 2>}
  %1 = xf.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x?x96xf32>) -> tensor<?x2x96xf32>
  // CHECK: xf.concat {{.*}} {axis = -1 : i64}
  %2 = xf.concat %x, %x {axis = -1 : i64} : (tensor<2x?x96xf32>, tensor<2x?x96xf32>) -> tensor<2x?x192xf32>
  // CHECK: %{{.*}}:3 = xf.split %{{.*}} {axis = 2 : i64, split = array<i64: 32, 32, 32>}
  %3:3 = xf.split %x {axis = 2 : i64, split = array<i64: 32, 32, 32>} : (tensor<2x?x96xf32>) -> (tensor<2x?x32xf32>, tensor<2x?x32xf32>, tensor<2x?x32xf32>)
  // CHECK: xf.slice {{.*}} {axes = array<i64: 1>, steps = array<i64: 2>}
  %4 = xf.slice %x, %starts, %starts {axes = array<i64: 1>, steps = array<i64: 2>} : (tensor<2x?x96xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x?x96xf32>
  // CHECK: xf.expand {{.*}} -> tensor<?x2x?x96xf32>
  %5 = xf.expand %x, %shape : (tensor<2x?x96xf32>, tensor<4xi64>) -> tensor<?x2x?x96xf32>
  // CHECK: xf.unsqueeze %{{.*}} {axes = array<i64: 0, -1>}
  %6 = xf.unsqueeze %x {axes = array<i64: 0, -1>} : (tensor<2x?x96xf32>) -> tensor<1x2x?x96x1xf32>
  // CHECK: xf.squeeze %{{.*}} {axes = array<i64: 0>}
  %7 = xf.squeeze %6 {axes = array<i64: 0>} : (tensor<1x2x?x96x1xf32>) -> tensor<2x?x96x1xf32>
  // CHECK: xf.flatten %{{.*}} {axis = 2 : i64} {{.*}} -> tensor<?x96xf32>
  %8 = xf.flatten %x {axis = 2 : i64} : (tensor<2x?x96xf32>) -> tensor<?x96xf32>
  // CHECK: xf.shape %{{.*}} {start = 1 : i64} {{.*}} -> tensor<2xi64>
  %9 = xf.shape %x {start = 1 : i64} : (tensor<2x?x96xf32>) -> tensor<2xi64>
  return
}

// CHECK-LABEL: func.func @generators
func.func @generators(%shape: tensor<2xi64>, %n: tensor<i64>, %m: tensor<4x4xf32>) {
  // CHECK: xf.constant dense<[1, 2]> : tensor<2xi64>
  %0 = xf.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK: xf.constant dense_resource<blob> : tensor<2xf32>
  %1 = xf.constant dense_resource<blob> : tensor<2xf32>
  // CHECK: xf.constant_of_shape %{{.*}} {value = dense<0.000000e+00> : tensor<1xf32>}
  %2 = xf.constant_of_shape %shape {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: xf.range {{.*}} -> tensor<?xi64>
  %3 = xf.range %n, %n, %n : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  // CHECK: xf.trilu %{{.*}}, %{{.*}} {upper = false} : (tensor<4x4xf32>, tensor<i64>) -> tensor<4x4xf32>
  %4 = xf.trilu %m, %n {upper = false} : (tensor<4x4xf32>, tensor<i64>) -> tensor<4x4xf32>
  // CHECK: xf.nonzero {{.*}} -> tensor<2x?xi64>
  %5 = xf.nonzero %m : (tensor<4x4xf32>) -> tensor<2x?xi64>
  return
}

// CHECK-LABEL: func.func @indexing
func.func @indexing(%table: tensor<384x96xf32>, %ids: tensor<?x?xi64>, %x: tensor<4x8xf32>,
                    %idx: tensor<4x8xi64>, %tuples: tensor<3x2xi64>, %updates: tensor<3xf32>) {
  // CHECK: xf.gather {{.*}} -> tensor<?x?x96xf32>
  %0 = xf.gather %table, %ids : (tensor<384x96xf32>, tensor<?x?xi64>) -> tensor<?x?x96xf32>
  // CHECK: xf.gather_elements %{{.*}}, %{{.*}} {axis = 1 : i64}
  %1 = xf.gather_elements %x, %idx {axis = 1 : i64} : (tensor<4x8xf32>, tensor<4x8xi64>) -> tensor<4x8xf32>
  // CHECK: xf.gather_nd {{.*}} -> tensor<3xf32>
  %2 = xf.gather_nd %x, %tuples : (tensor<4x8xf32>, tensor<3x2xi64>) -> tensor<3xf32>
  // CHECK: xf.scatter_nd %{{.*}}, %{{.*}}, %{{.*}} {reduction = "add"}
  %3 = xf.scatter_nd %x, %tuples, %updates {reduction = "add"} : (tensor<4x8xf32>, tensor<3x2xi64>, tensor<3xf32>) -> tensor<4x8xf32>
  return
}

// CHECK-LABEL: func.func @transformer
func.func @transformer(%q: tensor<1x8x?x64xf32>, %kv: tensor<1x2x?x64xf32>, %mask: tensor<1x1x?x?xi1>,
                       %x: tensor<?x?x512xf32>, %s: tensor<512xf32>, %w: tensor<512x2048xf32>,
                       %b: tensor<2048xf32>, %wt: tensor<2048x512xf32>) {
  // CHECK: xf.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true}
  %0 = xf.attention %q, %kv, %kv {causal = true} : (tensor<1x8x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>) -> tensor<1x8x?x64xf32>
  // CHECK: xf.attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.250000e-01 : f32}
  %1 = xf.attention %q, %kv, %kv, %mask {scale = 0.125 : f32} : (tensor<1x8x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x1x?x?xi1>) -> tensor<1x8x?x64xf32>
  // CHECK: xf.rms_norm %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32}
  %2 = xf.rms_norm %x, %s {epsilon = 1.0e-3 : f32} : (tensor<?x?x512xf32>, tensor<512xf32>) -> tensor<?x?x512xf32>
  // CHECK: xf.layer_norm %{{.*}}, %{{.*}}, %{{.*}} :
  %3 = xf.layer_norm %x, %s, %s : (tensor<?x?x512xf32>, tensor<512xf32>, tensor<512xf32>) -> tensor<?x?x512xf32>
  // CHECK: xf.linear %{{.*}}, %{{.*}}, %{{.*}} {activation = #xf<activation gelu>}
  %4 = xf.linear %x, %w, %b {activation = #xf<activation gelu>} : (tensor<?x?x512xf32>, tensor<512x2048xf32>, tensor<2048xf32>) -> tensor<?x?x2048xf32>
  // CHECK: xf.linear %{{.*}}, %{{.*}} {transpose_weight = true}
  %5 = xf.linear %x, %wt {transpose_weight = true} : (tensor<?x?x512xf32>, tensor<2048x512xf32>) -> tensor<?x?x2048xf32>
  return
}

// CHECK-LABEL: func.func @quantization
func.func @quantization(%x: tensor<4x64xf32>, %q: tensor<4x64xui4>, %s: tensor<4x2xf32>, %z: tensor<4x2xui4>,
                        %a: tensor<?x8xui8>, %b: tensor<8x2xi8>, %za: tensor<ui8>, %zb: tensor<i8>, %st: tensor<f32>, %zt: tensor<i8>) {
  // CHECK: xf.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} {block_size = 32 : i64}
  %0 = xf.dequantize_linear %q, %s, %z {block_size = 32 : i64} : (tensor<4x64xui4>, tensor<4x2xf32>, tensor<4x2xui4>) -> tensor<4x64xf32>
  // CHECK: xf.quantize_linear {{.*}} -> tensor<4x64xi8>
  %1 = xf.quantize_linear %x, %st, %zt : (tensor<4x64xf32>, tensor<f32>, tensor<i8>) -> tensor<4x64xi8>
  // CHECK: xf.dynamic_quantize_linear {{.*}} -> (tensor<4x64xui8>, tensor<f32>, tensor<ui8>)
  %2:3 = xf.dynamic_quantize_linear %x : (tensor<4x64xf32>) -> (tensor<4x64xui8>, tensor<f32>, tensor<ui8>)
  // CHECK: xf.matmul_integer {{.*}} -> tensor<?x2xi32>
  %3 = xf.matmul_integer %a, %b, %za, %zb : (tensor<?x8xui8>, tensor<8x2xi8>, tensor<ui8>, tensor<i8>) -> tensor<?x2xi32>
  return
}

// K = 40 in rows of 64 4-bit values (two groups of 32), and signed 8-bit
// values with one scale per output channel.
// CHECK-LABEL: func.func @quantized_weight
func.func @quantized_weight(%p4: tensor<3x32xui8>, %s: tensor<3x2xf16>, %z: tensor<3x2xui8>,
                            %p8: tensor<5x40xi8>, %s8: tensor<5x1xf32>) {
  // CHECK: xf.quantized_weight %{{.*}}, %{{.*}}, %{{.*}} {bits = 4 : i64, group_size = 32 : i64, k = 40 : i64} {{.*}} -> tensor<40x3xf16>
  %0 = xf.quantized_weight %p4, %s, %z {bits = 4 : i64, group_size = 32 : i64, k = 40 : i64} : (tensor<3x32xui8>, tensor<3x2xf16>, tensor<3x2xui8>) -> tensor<40x3xf16>
  // CHECK: xf.quantized_weight %{{.*}}, %{{.*}} {bits = 8 : i64, group_size = 40 : i64, is_signed = true, k = 40 : i64} {{.*}} -> tensor<40x5xf32>
  %1 = xf.quantized_weight %p8, %s8 {bits = 8 : i64, group_size = 40 : i64, k = 40 : i64, is_signed = true} : (tensor<5x40xi8>, tensor<5x1xf32>) -> tensor<40x5xf32>
  return
}

// CHECK-LABEL: func.func @rope
func.func @rope(%x: tensor<1x8x?x64xf32>, %c: tensor<1x?x16xf32>) {
  // CHECK: xf.rope %{{.*}}, %{{.*}}, %{{.*}} {interleaved = true}
  %0 = xf.rope %x, %c, %c {interleaved = true} : (tensor<1x8x?x64xf32>, tensor<1x?x16xf32>, tensor<1x?x16xf32>) -> tensor<1x8x?x64xf32>
  return
}

// CHECK-LABEL: func.func @moe
func.func @moe(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>) {
  // CHECK: xf.moe %{{.*}}, %{{.*}} gate %{{.*}} up %{{.*}} down %{{.*}} {normalize = true, top_k = 2 : i64}
  %0 = xf.moe %x, %l gate %g up %g down %d {top_k = 2 : i64, normalize = true} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return
}

// Plain two-layer experts with biases; gpt-oss's clamped SwiGLU.
// CHECK-LABEL: func.func @moe_forms
func.func @moe_forms(%x: tensor<?x8xf32>, %l: tensor<?x4xf32>, %g: tensor<4x8x6xf32>, %d: tensor<4x6x8xf32>, %bg: tensor<4x6xf32>, %bd: tensor<4x8xf32>) {
  // CHECK: xf.moe %{{.*}}, %{{.*}} gate %{{.*}} down %{{.*}} gate_bias %{{.*}} down_bias %{{.*}} {activation = #xf<activation relu>, top_k = 1 : i64}
  %0 = xf.moe %x, %l gate %g down %d gate_bias %bg down_bias %bd {top_k = 1 : i64, activation = #xf<activation relu>} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>, tensor<4x6xf32>, tensor<4x8xf32>) -> tensor<?x8xf32>
  // CHECK: xf.moe %{{.*}}, %{{.*}} gate %{{.*}} up %{{.*}} down %{{.*}} up_bias %{{.*}} {alpha = 1.702000e+00 : f32, beta = 1.000000e+00 : f32, limit = 7.000000e+00 : f32, top_k = 2 : i64}
  %1 = xf.moe %x, %l gate %g up %g down %d up_bias %bg {top_k = 2 : i64, alpha = 1.702 : f32, beta = 1.0 : f32, limit = 7.0 : f32} : (tensor<?x8xf32>, tensor<?x4xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>, tensor<4x6xf32>) -> tensor<?x8xf32>
  return
}

// A stack of quantized matrices: [E, N, bytes] packed rows give [E, K, N].
// CHECK-LABEL: func.func @quantized_stack
func.func @quantized_stack(%q: tensor<4x6x16xui8>, %s: tensor<4x6x2xf32>, %z: tensor<4x6x2xui8>) -> tensor<4x32x6xf32> {
  // CHECK: xf.quantized_weight {{.*}} -> tensor<4x32x6xf32>
  %0 = xf.quantized_weight %q, %s, %z {bits = 4 : i64, group_size = 16 : i64, k = 32 : i64} : (tensor<4x6x16xui8>, tensor<4x6x2xf32>, tensor<4x6x2xui8>) -> tensor<4x32x6xf32>
  return %0 : tensor<4x32x6xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F00000040"
    }
  }
#-}

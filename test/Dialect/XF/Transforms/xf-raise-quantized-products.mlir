// RUN: xfc-opt %s --xf-raise-mlp --split-input-file | FileCheck %s

// Dynamic quantization (ONNX Runtime's quantize_dynamic): the integer
// product of the quantized activation and a constant int8 weight, cast and
// scaled by sa * sw, is the float product of the dequantized activation and
// an xf.quantized_weight holding the weight's rows of K; the product is then
// raised to a linear with its bias.
// CHECK-LABEL: func.func @dynamic_int8
// CHECK: %[[Y:.+]], %[[S:.+]], %[[Z:.+]] = xf.dynamic_quantize_linear %arg0
// CHECK: %[[X:.+]] = xf.dequantize_linear %[[Y]], %[[S]], %[[Z]]
// CHECK: %[[W:.+]] = xf.quantized_weight %{{.+}}, %{{.+}}, %{{.+}} {bits = 8 : i64, group_size = 2 : i64, is_signed = true, k = 2 : i64} : (tensor<3x2xi8>, tensor<3x1xf32>, tensor<3x1xi8>) -> tensor<2x3xf32>
// CHECK: %[[L:.+]] = xf.linear %[[X]], %[[W]], %{{.+}} :
// CHECK-NOT: xf.matmul_integer
// CHECK: return %[[L]]
// The rows of K: [[1, 4], [2, 5], [3, 6]] (after the blob's alignment word).
// CHECK: rows: "0x10000000010402050306"
func.func @dynamic_int8(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = xf.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %wz = xf.constant dense<0> : tensor<i8>
  %ws = xf.constant dense<0.5> : tensor<f32>
  %bias = xf.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y, %s, %z = xf.dynamic_quantize_linear %x : (tensor<4x2xf32>) -> (tensor<4x2xui8>, tensor<f32>, tensor<ui8>)
  %p = xf.matmul_integer %y, %w, %z, %wz : (tensor<4x2xui8>, tensor<2x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x3xi32>
  %f = xf.cast %p : (tensor<4x3xi32>) -> tensor<4x3xf32>
  %scale = xf.mul %s, %ws : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %r = xf.mul %f, %scale : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %o = xf.add %r, %bias : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %o : tensor<4x3xf32>
}

// -----

// Two products of one quantized activation share its dequantization, made
// once before both.
// CHECK-LABEL: func.func @shared_activation
// CHECK: xf.dequantize_linear
// CHECK-NOT: xf.dequantize_linear
// CHECK: xf.linear
// CHECK: xf.linear
func.func @shared_activation(%x: tensor<4x2xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %w = xf.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xui8>
  %wz = xf.constant dense<[3, 2, 1]> : tensor<3xui8>
  %ws = xf.constant dense<[0.5, 0.25, 0.125]> : tensor<3xf32>
  %y, %s, %z = xf.dynamic_quantize_linear %x : (tensor<4x2xf32>) -> (tensor<4x2xui8>, tensor<f32>, tensor<ui8>)
  %scale = xf.mul %s, %ws : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  %p1 = xf.matmul_integer %y, %w, %z, %wz : (tensor<4x2xui8>, tensor<2x3xui8>, tensor<ui8>, tensor<3xui8>) -> tensor<4x3xi32>
  %f1 = xf.cast %p1 : (tensor<4x3xi32>) -> tensor<4x3xf32>
  %r1 = xf.mul %f1, %scale : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %p2 = xf.matmul_integer %y, %w, %z, %wz : (tensor<4x2xui8>, tensor<2x3xui8>, tensor<ui8>, tensor<3xui8>) -> tensor<4x3xi32>
  %f2 = xf.cast %p2 : (tensor<4x3xi32>) -> tensor<4x3xf32>
  %r2 = xf.mul %scale, %f2 : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r1, %r2 : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// A zero point per row of the activation is not a per-tensor quantization:
// the integer product stays.
// CHECK-LABEL: func.func @activation_zero_point_per_row
// CHECK: xf.matmul_integer
// CHECK-NOT: xf.quantized_weight
func.func @activation_zero_point_per_row(%a: tensor<4x2xui8>, %za: tensor<4xui8>, %sa: tensor<f32>) -> tensor<4x3xf32> {
  %w = xf.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %wz = xf.constant dense<0> : tensor<i8>
  %ws = xf.constant dense<0.5> : tensor<f32>
  %p = xf.matmul_integer %a, %w, %za, %wz : (tensor<4x2xui8>, tensor<2x3xi8>, tensor<4xui8>, tensor<i8>) -> tensor<4x3xi32>
  %f = xf.cast %p : (tensor<4x3xi32>) -> tensor<4x3xf32>
  %scale = xf.mul %sa, %ws : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %r = xf.mul %f, %scale : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// QDQ: DequantizeLinear of a constant uint8 weight, a scale and zero point
// per column (axis 1), read by a product.
// CHECK-LABEL: func.func @qdq_per_column
// CHECK: %[[W:.+]] = xf.quantized_weight %{{.+}}, %{{.+}}, %{{.+}} {bits = 8 : i64, group_size = 2 : i64, k = 2 : i64} : (tensor<3x2xui8>, tensor<3x1xf32>, tensor<3x1xui8>) -> tensor<2x3xf32>
// CHECK: xf.linear %arg0, %[[W]]
// CHECK-NOT: xf.dequantize_linear
func.func @qdq_per_column(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = xf.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xui8>
  %s = xf.constant dense<[0.5, 0.25, 0.125]> : tensor<3xf32>
  %z = xf.constant dense<[3, 2, 1]> : tensor<3xui8>
  %d = xf.dequantize_linear %w, %s, %z {axis = 1 : i64} : (tensor<2x3xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xf32>
  %r = xf.matmul %x, %d : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// Blocked along K (axis 0): one scale per block of rows and column, the
// quantized weight's groups; the [blocks, N] scales become [N, blocks].
// CHECK-LABEL: func.func @qdq_blocked
// CHECK: xf.quantized_weight {{.+}} {bits = 8 : i64, group_size = 2 : i64, is_signed = true, k = 4 : i64} : (tensor<3x4xi8>, tensor<3x2xf32>) -> tensor<4x3xf32>
// CHECK: rows: "0x100000000104070A0205080B0306090C"
// CHECK: scales: "0x10000000000080400000803F0000004000000040000000400000803F"
func.func @qdq_blocked(%x: tensor<4x4xf32>) -> tensor<4x3xf32> {
  %w = xf.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]> : tensor<4x3xi8>
  %s = xf.constant dense<[[4.0, 2.0, 2.0], [1.0, 2.0, 1.0]]> : tensor<2x3xf32>
  %d = xf.dequantize_linear %w, %s {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x3xi8>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %r = xf.matmul %x, %d : (tensor<4x4xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// A scale per row of K is no quantized weight's layout; a weight read
// other than by a product stays dequantized too.
// CHECK-LABEL: func.func @qdq_not_raised
// CHECK-NOT: xf.quantized_weight
// CHECK: xf.dequantize_linear
// CHECK: xf.dequantize_linear
func.func @qdq_not_raised(%x: tensor<4x2xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<2x3xf32>) {
  %w = xf.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %s = xf.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %d = xf.dequantize_linear %w, %s {axis = 0 : i64} : (tensor<2x3xi8>, tensor<2xf32>) -> tensor<2x3xf32>
  %r = xf.matmul %x, %d : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %t = xf.constant dense<0.5> : tensor<f32>
  %e = xf.dequantize_linear %w, %t : (tensor<2x3xi8>, tensor<f32>) -> tensor<2x3xf32>
  %u = xf.matmul %x, %e : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %r, %u, %e : tensor<4x3xf32>, tensor<4x3xf32>, tensor<2x3xf32>
}

// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s

// DequantizeLinear: (q - zero point) * scale in one element-wise loop; a
// per-tensor scale and zero point are read through a map to ().
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @dequantize_per_tensor
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[SCALAR]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: ^bb0(%[[Q:.+]]: i8, %[[S:.+]]: f32, %[[Z:.+]]: i8, %{{.+}}: f32):
// CHECK-NEXT: %[[QF:.+]] = arith.sitofp %[[Q]] : i8 to f32
// CHECK-NEXT: %[[ZF:.+]] = arith.sitofp %[[Z]] : i8 to f32
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[QF]], %[[ZF]] : f32
// CHECK-NEXT: arith.mulf %[[D]], %[[S]] : f32
func.func @dequantize_per_tensor(%q: tensor<4x8xi8>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4x8xf32> {
  %0 = xf.dequantize_linear %q, %s, %z : (tensor<4x8xi8>, tensor<f32>, tensor<i8>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Blocked quantization reads the scale of each block of 32 along the last
// axis; unsigned 4-bit values are widened to signless i8 and converted as
// unsigned.
// CHECK-DAG: #[[BLOCK:.+]] = affine_map<(d0, d1) -> (d0, d1 floordiv 32)>
// CHECK-LABEL: func.func @dequantize_blocked
// CHECK-SAME: (%{{.+}}: tensor<4x64xi8>, %{{.+}}: tensor<4x2xf32>, %{{.+}}: tensor<4x2xi8>)
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[BLOCK]], #[[BLOCK]], #{{.+}}]
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK: arith.subf
// CHECK: arith.mulf
func.func @dequantize_blocked(%q: tensor<4x64xui4>, %s: tensor<4x2xf32>, %z: tensor<4x2xui4>) -> tensor<4x64xf32> {
  %0 = xf.dequantize_linear %q, %s, %z {block_size = 32 : i64} : (tensor<4x64xui4>, tensor<4x2xf32>, tensor<4x2xui4>) -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

// QuantizeLinear: round half to even, add the zero point and saturate to
// the unsigned range [0, 255].
// CHECK-LABEL: func.func @quantize_unsigned
// CHECK: %[[N:.+]] = tensor.dim %arg0, %c0 : tensor<?x8xf32>
// CHECK: tensor.empty(%[[N]]) : tensor<?x8xi8>
// CHECK: ^bb0(%[[X:.+]]: f32, %[[S:.+]]: f32, %[[Z:.+]]: i8, %{{.+}}: i8):
// CHECK: %[[ZF:.+]] = arith.uitofp %[[Z]] : i8 to f32
// CHECK: %[[D:.+]] = arith.divf %[[X]], %[[S]] : f32
// CHECK: %[[R:.+]] = math.roundeven %[[D]] : f32
// CHECK: %[[SHIFTED:.+]] = arith.addf %[[R]], %[[ZF]] : f32
// CHECK: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[A:.+]] = arith.maximumf %[[SHIFTED]], %[[LO]] : f32
// CHECK: %[[HI:.+]] = arith.constant 2.550000e+02 : f32
// CHECK: %[[B:.+]] = arith.minimumf %[[A]], %[[HI]] : f32
// CHECK: arith.fptoui %[[B]] : f32 to i8
func.func @quantize_unsigned(%x: tensor<?x8xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<?x8xui8> {
  %0 = xf.quantize_linear %x, %s, %z : (tensor<?x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<?x8xui8>
  return %0 : tensor<?x8xui8>
}

// -----

// MatMulInteger with a batched left operand and per-column zero points of
// the right: both less their zero points in i32, then the batch folds into
// the rows of one linalg.matmul.
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-DAG: #[[COLS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @matmul_integer_batched
// CHECK: %[[A:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[SCALAR]], #{{.+}}]
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: %[[B:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[COLS]], #{{.+}}]
// CHECK: arith.subi
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<2x?x8xi32> into tensor<?x8xi32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %[[B]] : tensor<?x8xi32>, tensor<8x4xi32>)
// CHECK: tensor.expand_shape %[[MM]] {{\[}}[0, 1], [2]] output_shape [2, %{{.+}}, 4] : tensor<?x4xi32> into tensor<2x?x4xi32>
func.func @matmul_integer_batched(%a: tensor<2x?x8xi8>, %b: tensor<8x4xi8>, %za: tensor<i8>, %zb: tensor<4xi8>) -> tensor<2x?x4xi32> {
  %0 = xf.matmul_integer %a, %b, %za, %zb : (tensor<2x?x8xi8>, tensor<8x4xi8>, tensor<i8>, tensor<4xi8>) -> tensor<2x?x4xi32>
  return %0 : tensor<2x?x4xi32>
}

// -----

// A stack of 4-bit matrices: one loop over (expert, k, n); the packed byte
// and the group's scale and zero point are read at (expert, n, k / 2) and
// (expert, n, k / 16); the field's shift comes from k (linalg.index 1).
// CHECK-DAG: #[[PACKED:.+]] = affine_map<(d0, d1, d2) -> (d0, d2, d1 floordiv 2)>
// CHECK-DAG: #[[GROUP:.+]] = affine_map<(d0, d1, d2) -> (d0, d2, d1 floordiv 16)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @quantized_stack
// CHECK: linalg.generic {indexing_maps = [#[[PACKED]], #[[GROUP]], #[[GROUP]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: linalg.index 1 : index
// CHECK: -> tensor<4x32x6xf32>
func.func @quantized_stack(%q: tensor<4x6x16xui8>, %s: tensor<4x6x2xf32>, %z: tensor<4x6x2xui8>) -> tensor<4x32x6xf32> {
  %0 = xf.quantized_weight %q, %s, %z {bits = 4 : i64, group_size = 16 : i64, k = 32 : i64} : (tensor<4x6x16xui8>, tensor<4x6x2xf32>, tensor<4x6x2xui8>) -> tensor<4x32x6xf32>
  return %0 : tensor<4x32x6xf32>
}

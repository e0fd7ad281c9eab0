// RUN: xfc-opt %s --split-input-file --xf-quantize="bits=4 group-size=4" -verify-diagnostics | FileCheck %s
// RUN: xfc-opt %s --split-input-file --xf-quantize="bits=8 group-size=8 symmetric=true" -verify-diagnostics | FileCheck %s --check-prefix=SYM

// A [K = 6, N = 2] weight in groups of 4 (the second holds 2 values and 2
// of padding): per output row, 4 bytes of 4-bit values, 2 scales and zero
// points. The row [0, 1, 2, 3 | 4, 5] (column 0) has the range [0, 3]
// (scale 0.2, zero point 0) in its first group: 0, 5, 10, 15 pack as
// 0x50, 0xFA. A transposed weight becomes a plain one.
// CHECK-LABEL: func.func @linear
// CHECK: %[[P:.+]] = xf.constant dense_resource<{{.*}}.quantized> : tensor<2x4xui8>
// CHECK: %[[S:.+]] = xf.constant dense_resource<{{.*}}.scales> : tensor<2x2xf32>
// CHECK: %[[Z:.+]] = xf.constant dense_resource<{{.*}}.zero_points> : tensor<2x2xui8>
// CHECK: %[[W:.+]] = xf.quantized_weight %[[P]], %[[S]], %[[Z]] {bits = 4 : i64, group_size = 4 : i64, k = 6 : i64} {{.*}} -> tensor<6x2xf32>
// CHECK: xf.linear %{{.*}}, %[[W]] {activation = #xf<activation relu>}
// CHECK-SAME: (tensor<?x6xf32>, tensor<6x2xf32>) -> tensor<?x2xf32>
// CHECK: xf.quantized_weight {{.*}} -> tensor<6x2xf32>
// CHECK: xf.linear %{{.*}}, %{{.*}} : (tensor<?x6xf32>, tensor<6x2xf32>) -> tensor<?x2xf32>
// The first weight's bytes (row 0: 0x50 0xFA, then 4 and 5 in [0, 5] as 12
// and 15 and the padding at the zero point) and scales (0.2, 1/3, ...).
// CHECK: weight.quantized: "0x1000000050FAFC00
// CHECK: weight.scales: "0x10000000CDCC4C3EABAAAA3E
// SYM-LABEL: func.func @linear
// SYM: xf.quantized_weight {{.*}} {bits = 8 : i64, group_size = 6 : i64, k = 6 : i64} : (tensor<2x6xui8>, tensor<2x1xf32>, tensor<2x1xui8>) -> tensor<6x2xf32>
func.func @linear(%x: tensor<?x6xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %w = xf.constant dense<[[0.0, 0.5], [1.0, 0.5], [2.0, 0.5], [3.0, 0.5], [4.0, -1.0], [5.0, 1.0]]> : tensor<6x2xf32> loc("dense.weight")
  %t = xf.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [1.5, -0.5, 0.25, 2.0, -3.0, 1.0]]> : tensor<2x6xf32> loc("other.weight")
  // expected-remark @+1 {{weight quantized to int}}
  %0 = xf.linear %x, %w {activation = #xf<activation relu>} : (tensor<?x6xf32>, tensor<6x2xf32>) -> tensor<?x2xf32>
  // expected-remark @+1 {{weight quantized to int}}
  %1 = xf.linear %x, %t {transpose_weight = true} : (tensor<?x6xf32>, tensor<2x6xf32>) -> tensor<?x2xf32>
  return %0, %1 : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Products by values computed at run time keep their operands.
// CHECK-LABEL: func.func @activations
// CHECK-NOT: xf.quantized_weight
func.func @activations(%x: tensor<4x6xf32>, %y: tensor<6x2xf32>) -> tensor<4x2xf32> {
  %0 = xf.matmul %x, %y : (tensor<4x6xf32>, tensor<6x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// RUN: xfc-opt %s -split-input-file --xf-raise-attention --canonicalize | FileCheck %s
// Why a subgraph is left, as missed remarks:
// RUN: xfc-opt %s -split-input-file --xf-raise-attention --remarks-filter-missed='xf-raise-attention' --remark-format=emitRemark -verify-diagnostics -o /dev/null

// The TorchScript exporter's GPT-2 attention: keys transposed by the
// projection's reshape, scores scaled by a Mul, a float mask added, and
// the masked scores' shape used by later mask arithmetic.
// CHECK-LABEL: func.func @scaled_masked
// CHECK-SAME: (%[[Q:.*]]: tensor<?x3x?x32xf32>, %[[KT:.*]]: tensor<?x3x32x?xf32>, %[[V:.*]]: tensor<?x3x?x32xf32>, %[[M:.*]]: tensor<?x?x?x?xf32>)
// CHECK-DAG: %[[K:.*]] = xf.transpose %[[KT]] {perm = array<i64: 0, 1, 3, 2>}
// CHECK-DAG: %[[A:.*]] = xf.attention %[[Q]], %[[K]], %[[V]], %[[M]] {scale = 0.176776692 : f32}
// CHECK-DAG: %[[SCORES:.*]] = xf.concat
// CHECK-DAG: %[[MASK:.*]] = xf.shape %[[M]] {end = 4 : i64}
// CHECK-DAG: %[[SHAPE:.*]] = xf.max %[[SCORES]], %[[MASK]]
// CHECK-NOT: xf.softmax
// CHECK-NOT: xf.matmul
// CHECK: return %[[A]], %[[SHAPE]]
func.func @scaled_masked(%q: tensor<?x3x?x32xf32>, %kt: tensor<?x3x32x?xf32>, %v: tensor<?x3x?x32xf32>, %mask: tensor<?x?x?x?xf32>) -> (tensor<?x3x?x32xf32>, tensor<4xi64>) {
  %c = xf.constant dense<0.176776695> : tensor<f32>
  %s = xf.matmul %q, %kt : (tensor<?x3x?x32xf32>, tensor<?x3x32x?xf32>) -> tensor<?x3x?x?xf32>
  %scaled = xf.mul %s, %c : (tensor<?x3x?x?xf32>, tensor<f32>) -> tensor<?x3x?x?xf32>
  %masked = xf.add %scaled, %mask : (tensor<?x3x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x3x?x?xf32>
  %p = xf.softmax %masked : (tensor<?x3x?x?xf32>) -> tensor<?x3x?x?xf32>
  %o = xf.matmul %p, %v : (tensor<?x3x?x?xf32>, tensor<?x3x?x32xf32>) -> tensor<?x3x?x32xf32>
  %shape = xf.shape %masked : (tensor<?x3x?x?xf32>) -> tensor<4xi64>
  return %o, %shape : tensor<?x3x?x32xf32>, tensor<4xi64>
}

// -----

// A Div by the square root of the head size; no mask.
// CHECK-LABEL: func.func @divided
// CHECK: xf.attention {{.*}} {scale = 1.250000e-01 : f32}
func.func @divided(%q: tensor<1x4x7x64xf32>, %kt: tensor<1x4x64x7xf32>, %v: tensor<1x4x7x64xf32>) -> tensor<1x4x7x64xf32> {
  %c = xf.constant dense<8.0> : tensor<f32>
  %s = xf.matmul %q, %kt : (tensor<1x4x7x64xf32>, tensor<1x4x64x7xf32>) -> tensor<1x4x7x7xf32>
  %d = xf.div %s, %c : (tensor<1x4x7x7xf32>, tensor<f32>) -> tensor<1x4x7x7xf32>
  %p = xf.softmax %d {axis = 3 : i64} : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %o = xf.matmul %p, %v : (tensor<1x4x7x7xf32>, tensor<1x4x7x64xf32>) -> tensor<1x4x7x64xf32>
  return %o : tensor<1x4x7x64xf32>
}

// -----

// Grouped-query keys and values repeated by the exporter with run-time
// shapes: their head count is unknown, the products broadcast it.
// CHECK-LABEL: func.func @runtime_heads
// CHECK: xf.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.000000e+00 : f32} : (tensor<?x3x?x32xf32>, tensor<?x?x?x32xf32>, tensor<?x?x?x32xf32>)
func.func @runtime_heads(%q: tensor<?x3x?x32xf32>, %kt: tensor<?x?x32x?xf32>, %v: tensor<?x?x?x32xf32>) -> tensor<?x3x?x32xf32> {
  %s = xf.matmul %q, %kt : (tensor<?x3x?x32xf32>, tensor<?x?x32x?xf32>) -> tensor<?x3x?x?xf32>
  %p = xf.softmax %s : (tensor<?x3x?x?xf32>) -> tensor<?x3x?x?xf32>
  %o = xf.matmul %p, %v : (tensor<?x3x?x?xf32>, tensor<?x?x?x32xf32>) -> tensor<?x3x?x32xf32>
  return %o : tensor<?x3x?x32xf32>
}

// -----

// Scores used for something else, a softmax over another axis, a scale
// that is not a constant: left as they are, each with its reason.
// CHECK-LABEL: func.func @not_attention
// CHECK-NOT: xf.attention
// CHECK-COUNT-3: xf.softmax
func.func @not_attention(%q: tensor<1x4x7x64xf32>, %kt: tensor<1x4x64x7xf32>, %v: tensor<1x4x7x64xf32>, %x: tensor<f32>) -> (tensor<1x4x7x64xf32>, tensor<1x4x7x7xf32>, tensor<1x4x7x64xf32>, tensor<1x4x7x64xf32>) {
  %s = xf.matmul %q, %kt : (tensor<1x4x7x64xf32>, tensor<1x4x64x7xf32>) -> tensor<1x4x7x7xf32>
  // expected-remark @+1 {{Category:xf-raise-attention | Remark="the raw scores have other uses"}}
  %p = xf.softmax %s : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %o = xf.matmul %p, %v : (tensor<1x4x7x7xf32>, tensor<1x4x7x64xf32>) -> tensor<1x4x7x64xf32>
  %s2 = xf.matmul %q, %kt : (tensor<1x4x7x64xf32>, tensor<1x4x64x7xf32>) -> tensor<1x4x7x7xf32>
  // expected-remark @+1 {{Remark="softmax is not along the keys (last axis)"}}
  %p2 = xf.softmax %s2 {axis = 2 : i64} : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %o2 = xf.matmul %p2, %v : (tensor<1x4x7x7xf32>, tensor<1x4x7x64xf32>) -> tensor<1x4x7x64xf32>
  %s3 = xf.matmul %q, %kt : (tensor<1x4x7x64xf32>, tensor<1x4x64x7xf32>) -> tensor<1x4x7x7xf32>
  %m3 = xf.mul %s3, %x : (tensor<1x4x7x7xf32>, tensor<f32>) -> tensor<1x4x7x7xf32>
  // expected-remark @+1 {{Remark="the scores are scaled by a non-constant"}}
  %p3 = xf.softmax %m3 : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %o3 = xf.matmul %p3, %v : (tensor<1x4x7x7xf32>, tensor<1x4x7x64xf32>) -> tensor<1x4x7x64xf32>
  return %o, %s, %o2, %o3 : tensor<1x4x7x64xf32>, tensor<1x4x7x7xf32>, tensor<1x4x7x64xf32>, tensor<1x4x7x64xf32>
}

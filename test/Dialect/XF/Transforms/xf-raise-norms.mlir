// RUN: xfc-opt %s -split-input-file --xf-raise-norms --canonicalize | FileCheck %s

// RMSNorm as the TorchScript exporter writes Llama's: Pow, ReduceMean, Add,
// Sqrt, Div(1, .), Mul, Mul by the weight; the normalized value's shape is
// asked for by later shape arithmetic.
// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x96xf32>, %[[W:.*]]: tensor<96xf32>)
// CHECK-NEXT: %[[N:.*]] = xf.rms_norm %[[X]], %[[W]] :
// CHECK-NEXT: %[[S:.*]] = xf.shape %[[X]]
// CHECK-NEXT: return %[[N]], %[[S]]
func.func @rms_norm(%x: tensor<?x?x96xf32>, %w: tensor<96xf32>) -> (tensor<?x?x96xf32>, tensor<3xi64>) {
  %two = xf.constant dense<2.0> : tensor<f32>
  %eps = xf.constant dense<1.0e-6> : tensor<f32>
  %one = xf.constant dense<1.0> : tensor<f32>
  %sq = xf.pow %x, %two : (tensor<?x?x96xf32>, tensor<f32>) -> tensor<?x?x96xf32>
  %mean = xf.reduce_mean %sq {axes = array<i64: -1>} : (tensor<?x?x96xf32>) -> tensor<?x?x1xf32>
  %shifted = xf.add %mean, %eps : (tensor<?x?x1xf32>, tensor<f32>) -> tensor<?x?x1xf32>
  %root = xf.sqrt %shifted : (tensor<?x?x1xf32>) -> tensor<?x?x1xf32>
  %inv = xf.div %one, %root : (tensor<f32>, tensor<?x?x1xf32>) -> tensor<?x?x1xf32>
  %n = xf.mul %x, %inv : (tensor<?x?x96xf32>, tensor<?x?x1xf32>) -> tensor<?x?x96xf32>
  %y = xf.mul %w, %n : (tensor<96xf32>, tensor<?x?x96xf32>) -> tensor<?x?x96xf32>
  %shape = xf.shape %n : (tensor<?x?x96xf32>) -> tensor<3xi64>
  return %y, %shape : tensor<?x?x96xf32>, tensor<3xi64>
}

// -----

// The square as x * x and the inverse as a Div of x.
// CHECK-LABEL: func.func @rms_norm_div
// CHECK: xf.rms_norm %arg0, %arg1 {epsilon = 9.99999974E-6 : f32}
// CHECK-NOT: xf.sqrt
func.func @rms_norm_div(%x: tensor<2x8xf32>, %w: tensor<8xf32>) -> tensor<2x8xf32> {
  %eps = xf.constant dense<1.0e-5> : tensor<f32>
  %sq = xf.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %mean = xf.reduce_mean %sq {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %shifted = xf.add %eps, %mean : (tensor<f32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %root = xf.sqrt %shifted : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = xf.div %x, %root : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %y = xf.mul %n, %w : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// A mean over another axis, or an intermediate used elsewhere: not RMSNorm.
// CHECK-LABEL: func.func @not_rms_norm
// CHECK-NOT: xf.rms_norm
func.func @not_rms_norm(%x: tensor<2x8xf32>, %w: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>) {
  %eps = xf.constant dense<1.0e-5> : tensor<f32>
  %sq = xf.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %mean = xf.reduce_mean %sq {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %shifted = xf.add %mean, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %root = xf.sqrt %shifted : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = xf.div %x, %root : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %y = xf.mul %n, %w : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %y, %shifted : tensor<2x8xf32>, tensor<2x1xf32>
}

// -----

// The imported LayerNormalization is already xf.layer_norm: left alone.
// CHECK-LABEL: func.func @layer_norm
// CHECK-NEXT: xf.layer_norm %arg0, %arg1, %arg2 :
// CHECK-NOT: xf.rms_norm
func.func @layer_norm(%x: tensor<?x96xf32>, %s: tensor<96xf32>, %b: tensor<96xf32>) -> tensor<?x96xf32> {
  %y = xf.layer_norm %x, %s, %b : (tensor<?x96xf32>, tensor<96xf32>, tensor<96xf32>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// Scaled by a matrix rather than a vector over the last axis, or with an
// epsilon that is not a constant: not RMSNorm.
// CHECK-LABEL: func.func @not_rms_norm_scale
// CHECK-COUNT-2: xf.sqrt
// CHECK-NOT: xf.rms_norm
func.func @not_rms_norm_scale(%x: tensor<2x8xf32>, %w: tensor<2x8xf32>, %e: tensor<f32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %eps = xf.constant dense<1.0e-5> : tensor<f32>
  %sq = xf.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %mean = xf.reduce_mean %sq {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %shifted = xf.add %mean, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %root = xf.sqrt %shifted : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = xf.div %x, %root : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %y = xf.mul %n, %w : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %sq2 = xf.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %mean2 = xf.reduce_mean %sq2 {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %shifted2 = xf.add %mean2, %e : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %root2 = xf.sqrt %shifted2 : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n2 = xf.div %x, %root2 : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %w2 = xf.constant dense<2.0> : tensor<8xf32>
  %y2 = xf.mul %n2, %w2 : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %y, %y2 : tensor<2x8xf32>, tensor<2x8xf32>
}

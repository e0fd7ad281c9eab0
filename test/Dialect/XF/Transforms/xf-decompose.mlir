// RUN: xfc-opt %s --split-input-file --xf-decompose | FileCheck %s

// Softmax along the last axis, stabilized by the row maximum.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.+]]: tensor<2x?x96xf32>)
// CHECK: %[[MAX:.+]] = xf.reduce_max %[[X]] {axes = array<i64: 2>} : (tensor<2x?x96xf32>) -> tensor<2x?x1xf32>
// CHECK: %[[SHIFTED:.+]] = xf.sub %[[X]], %[[MAX]]
// CHECK: %[[EXP:.+]] = xf.exp %[[SHIFTED]]
// CHECK: %[[SUM:.+]] = xf.reduce_sum %[[EXP]] {axes = array<i64: 2>}
// CHECK: %[[Y:.+]] = xf.div %[[EXP]], %[[SUM]]
// CHECK: return %[[Y]]
func.func @softmax(%x: tensor<2x?x96xf32>) -> tensor<2x?x96xf32> {
  %0 = xf.softmax %x : (tensor<2x?x96xf32>) -> tensor<2x?x96xf32>
  return %0 : tensor<2x?x96xf32>
}

// -----

// LogSoftmax along axis 0: (x - max) - log(sum(exp(x - max))).
// CHECK-LABEL: func.func @log_softmax
// CHECK-SAME: (%[[X:.+]]: tensor<4x16xf32>)
// CHECK: %[[MAX:.+]] = xf.reduce_max %[[X]] {axes = array<i64: 0>} : (tensor<4x16xf32>) -> tensor<1x16xf32>
// CHECK: %[[SHIFTED:.+]] = xf.sub %[[X]], %[[MAX]]
// CHECK: %[[EXP:.+]] = xf.exp %[[SHIFTED]]
// CHECK: %[[SUM:.+]] = xf.reduce_sum %[[EXP]] {axes = array<i64: 0>}
// CHECK: %[[LOG:.+]] = xf.log %[[SUM]]
// CHECK: %[[Y:.+]] = xf.sub %[[SHIFTED]], %[[LOG]]
// CHECK: return %[[Y]]
func.func @log_softmax(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = xf.log_softmax %x {axis = 0 : i64} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// LayerNorm: (x - mean) * 1/sqrt(mean((x - mean)^2) + epsilon) * scale + bias,
// epsilon at its default 1e-5.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x512xf32>, %[[S:.+]]: tensor<512xf32>, %[[B:.+]]: tensor<512xf32>)
// CHECK: %[[MEAN:.+]] = xf.reduce_mean %[[X]] {axes = array<i64: 2>}
// CHECK: %[[C:.+]] = xf.sub %[[X]], %[[MEAN]]
// CHECK: %[[SQ:.+]] = xf.mul %[[C]], %[[C]]
// CHECK: %[[VAR:.+]] = xf.reduce_mean %[[SQ]] {axes = array<i64: 2>}
// CHECK: %[[EPS:.+]] = xf.constant dense<9.99999974E-6> : tensor<f32>
// CHECK: %[[SUM:.+]] = xf.add %[[VAR]], %[[EPS]]
// CHECK: %[[ROOT:.+]] = xf.sqrt %[[SUM]]
// CHECK: %[[INV:.+]] = xf.reciprocal %[[ROOT]]
// CHECK: %[[N:.+]] = xf.mul %[[C]], %[[INV]]
// CHECK: %[[SCALED:.+]] = xf.mul %[[N]], %[[S]]
// CHECK: %[[Y:.+]] = xf.add %[[SCALED]], %[[B]]
// CHECK: return %[[Y]]
func.func @layer_norm(%x: tensor<?x?x512xf32>, %s: tensor<512xf32>, %b: tensor<512xf32>) -> tensor<?x?x512xf32> {
  %0 = xf.layer_norm %x, %s, %b : (tensor<?x?x512xf32>, tensor<512xf32>, tensor<512xf32>) -> tensor<?x?x512xf32>
  return %0 : tensor<?x?x512xf32>
}

// -----

// RMSNorm over axes 1..2 (axis = 1): not centered, no bias.
// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: (%[[X:.+]]: tensor<2x8x64xf32>, %[[S:.+]]: tensor<8x64xf32>)
// CHECK: %[[SQ:.+]] = xf.mul %[[X]], %[[X]]
// CHECK: %[[MS:.+]] = xf.reduce_mean %[[SQ]] {axes = array<i64: 1, 2>} : (tensor<2x8x64xf32>) -> tensor<2x1x1xf32>
// CHECK: %[[EPS:.+]] = xf.constant dense<1.000000e-03> : tensor<f32>
// CHECK: %[[SUM:.+]] = xf.add %[[MS]], %[[EPS]]
// CHECK: %[[ROOT:.+]] = xf.sqrt %[[SUM]]
// CHECK: %[[INV:.+]] = xf.reciprocal %[[ROOT]]
// CHECK: %[[N:.+]] = xf.mul %[[X]], %[[INV]]
// CHECK: %[[Y:.+]] = xf.mul %[[N]], %[[S]]
// CHECK-NOT: xf.add
// CHECK: return %[[Y]]
func.func @rms_norm(%x: tensor<2x8x64xf32>, %s: tensor<8x64xf32>) -> tensor<2x8x64xf32> {
  %0 = xf.rms_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x8x64xf32>, tensor<8x64xf32>) -> tensor<2x8x64xf32>
  return %0 : tensor<2x8x64xf32>
}

// -----

// A dense layer with an [N, K] weight, a bias and tanh-approximated GELU.
// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.+]]: tensor<?x96xf32>, %[[W:.+]]: tensor<384x96xf32>, %[[B:.+]]: tensor<384xf32>)
// CHECK: %[[WT:.+]] = xf.transpose %[[W]] : (tensor<384x96xf32>) -> tensor<96x384xf32>
// CHECK: %[[P:.+]] = xf.matmul %[[X]], %[[WT]]
// CHECK: %[[A:.+]] = xf.add %[[P]], %[[B]]
// CHECK: %[[Y:.+]] = xf.gelu %[[A]] {approximate = "tanh"}
// CHECK: return %[[Y]]
func.func @linear(%x: tensor<?x96xf32>, %w: tensor<384x96xf32>, %b: tensor<384xf32>) -> tensor<?x384xf32> {
  %0 = xf.linear %x, %w, %b {transpose_weight = true, activation = #xf<activation gelu_tanh>} : (tensor<?x96xf32>, tensor<384x96xf32>, tensor<384xf32>) -> tensor<?x384xf32>
  return %0 : tensor<?x384xf32>
}

// -----

// Without a bias; SiLU as v * sigmoid(v).
// CHECK-LABEL: func.func @linear_silu
// CHECK-SAME: (%[[X:.+]]: tensor<4x96xf32>, %[[W:.+]]: tensor<96x32xf32>)
// CHECK-NOT: xf.transpose
// CHECK: %[[P:.+]] = xf.matmul %[[X]], %[[W]]
// CHECK-NOT: xf.add
// CHECK: %[[SIG:.+]] = xf.sigmoid %[[P]]
// CHECK: %[[Y:.+]] = xf.mul %[[P]], %[[SIG]]
// CHECK: return %[[Y]]
func.func @linear_silu(%x: tensor<4x96xf32>, %w: tensor<96x32xf32>) -> tensor<4x32xf32> {
  %0 = xf.linear %x, %w {activation = #xf<activation silu>} : (tensor<4x96xf32>, tensor<96x32xf32>) -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}

// -----

// SwiGLU: (silu(x * gate) * (x * up)) * down.
// CHECK-LABEL: func.func @gated_mlp
// CHECK-SAME: (%[[X:.+]]: tensor<2x?x64xf32>, %[[G:.+]]: tensor<64x128xf32>, %[[U:.+]]: tensor<64x128xf32>, %[[D:.+]]: tensor<128x64xf32>)
// CHECK: %[[XG:.+]] = xf.matmul %[[X]], %[[G]]
// CHECK: %[[SIG:.+]] = xf.sigmoid %[[XG]]
// CHECK: %[[ACT:.+]] = xf.mul %[[XG]], %[[SIG]]
// CHECK: %[[XU:.+]] = xf.matmul %[[X]], %[[U]]
// CHECK: %[[H:.+]] = xf.mul %[[ACT]], %[[XU]]
// CHECK: %[[Y:.+]] = xf.matmul %[[H]], %[[D]] : (tensor<2x?x128xf32>, tensor<128x64xf32>) -> tensor<2x?x64xf32>
// CHECK: return %[[Y]]
func.func @gated_mlp(%x: tensor<2x?x64xf32>, %g: tensor<64x128xf32>, %u: tensor<64x128xf32>, %d: tensor<128x64xf32>) -> tensor<2x?x64xf32> {
  %0 = xf.gated_mlp %x, %g, %u, %d : (tensor<2x?x64xf32>, tensor<64x128xf32>, tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<2x?x64xf32>
  return %0 : tensor<2x?x64xf32>
}

// -----

// Rotate-half RoPE on the first 32 of 64 channels: channels [0, 16) pair
// with [16, 32); channels [32, 64) pass through.
// CHECK-LABEL: func.func @rope
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x?x64xf32>, %[[COS:.+]]: tensor<1x?x16xf32>, %[[SIN:.+]]: tensor<1x?x16xf32>)
// CHECK: %[[C:.+]] = xf.unsqueeze %[[COS]] {axes = array<i64: 1>} : (tensor<1x?x16xf32>) -> tensor<1x1x?x16xf32>
// CHECK: %[[S:.+]] = xf.unsqueeze %[[SIN]] {axes = array<i64: 1>}
// CHECK: %[[B0:.+]] = xf.constant dense<0> : tensor<1xi64>
// CHECK: %[[E0:.+]] = xf.constant dense<16> : tensor<1xi64>
// CHECK: %[[LO:.+]] = xf.slice %[[X]], %[[B0]], %[[E0]] {axes = array<i64: 3>, steps = array<i64: 1>}
// CHECK: %[[B1:.+]] = xf.constant dense<16> : tensor<1xi64>
// CHECK: %[[E1:.+]] = xf.constant dense<32> : tensor<1xi64>
// CHECK: %[[HI:.+]] = xf.slice %[[X]], %[[B1]], %[[E1]] {axes = array<i64: 3>, steps = array<i64: 1>}
// CHECK: %[[LOC:.+]] = xf.mul %[[LO]], %[[C]]
// CHECK: %[[HIS:.+]] = xf.mul %[[HI]], %[[S]]
// CHECK: %[[OUTLO:.+]] = xf.sub %[[LOC]], %[[HIS]]
// CHECK: %[[HIC:.+]] = xf.mul %[[HI]], %[[C]]
// CHECK: %[[LOS:.+]] = xf.mul %[[LO]], %[[S]]
// CHECK: %[[OUTHI:.+]] = xf.add %[[HIC]], %[[LOS]]
// CHECK: %[[ROT:.+]] = xf.concat %[[OUTLO]], %[[OUTHI]] {axis = 3 : i64} : (tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>) -> tensor<1x4x?x32xf32>
// CHECK: %[[B2:.+]] = xf.constant dense<32> : tensor<1xi64>
// CHECK: %[[E2:.+]] = xf.constant dense<64> : tensor<1xi64>
// CHECK: %[[PASS:.+]] = xf.slice %[[X]], %[[B2]], %[[E2]]
// CHECK: %[[Y:.+]] = xf.concat %[[ROT]], %[[PASS]] {axis = 3 : i64} : (tensor<1x4x?x32xf32>, tensor<1x4x?x32xf32>) -> tensor<1x4x?x64xf32>
// CHECK: return %[[Y]]
func.func @rope(%x: tensor<1x4x?x64xf32>, %c: tensor<1x?x16xf32>, %s: tensor<1x?x16xf32>) -> tensor<1x4x?x64xf32> {
  %0 = xf.rope %x, %c, %s : (tensor<1x4x?x64xf32>, tensor<1x?x16xf32>, tensor<1x?x16xf32>) -> tensor<1x4x?x64xf32>
  return %0 : tensor<1x4x?x64xf32>
}

// -----

// Interleaved RoPE over every channel: even and odd channels pair, and the
// rotated pairs are put back side by side.
// CHECK-LABEL: func.func @rope_interleaved
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x?x64xf32>
// CHECK: %[[B0:.+]] = xf.constant dense<0> : tensor<1xi64>
// CHECK: %[[E0:.+]] = xf.constant dense<64> : tensor<1xi64>
// CHECK: %[[EVEN:.+]] = xf.slice %[[X]], %[[B0]], %[[E0]] {axes = array<i64: 3>, steps = array<i64: 2>} : {{.*}} -> tensor<1x4x?x32xf32>
// CHECK: %[[B1:.+]] = xf.constant dense<1> : tensor<1xi64>
// CHECK: %[[E1:.+]] = xf.constant dense<64> : tensor<1xi64>
// CHECK: %[[ODD:.+]] = xf.slice %[[X]], %[[B1]], %[[E1]] {axes = array<i64: 3>, steps = array<i64: 2>}
// CHECK: %[[OUTEVEN:.+]] = xf.sub
// CHECK: %[[OUTODD:.+]] = xf.add
// CHECK: %[[PE:.+]] = xf.unsqueeze %[[OUTEVEN]] {axes = array<i64: 4>}
// CHECK: %[[PO:.+]] = xf.unsqueeze %[[OUTODD]] {axes = array<i64: 4>}
// CHECK: %[[PAIRS:.+]] = xf.concat %[[PE]], %[[PO]] {axis = 4 : i64} : {{.*}} -> tensor<1x4x?x32x2xf32>
// CHECK: %[[SHAPE:.+]] = xf.constant dense<[0, 0, 0, 64]> : tensor<4xi64>
// CHECK: %[[Y:.+]] = xf.reshape %[[PAIRS]], %[[SHAPE]] : {{.*}} -> tensor<1x4x?x64xf32>
// CHECK-NOT: xf.concat
// CHECK: return %[[Y]]
func.func @rope_interleaved(%x: tensor<1x4x?x64xf32>, %c: tensor<1x?x32xf32>, %s: tensor<1x?x32xf32>) -> tensor<1x4x?x64xf32> {
  %0 = xf.rope %x, %c, %s {interleaved = true} : (tensor<1x4x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>) -> tensor<1x4x?x64xf32>
  return %0 : tensor<1x4x?x64xf32>
}

// -----

// Grouped-query attention (8 query heads, 2 key/value heads) with a causal
// diagonal and a boolean mask: key and value heads repeated 4 times, the
// scores scaled by 1/sqrt(64), masked with -inf, a softmax (decomposed as
// well), and rows with no visible key set to zero.
// CHECK-LABEL: func.func @attention_grouped
// CHECK-SAME: (%[[Q:.+]]: tensor<1x8x?x64xf32>, %[[K:.+]]: tensor<1x2x?x64xf32>, %[[V:.+]]: tensor<1x2x?x32xf32>, %[[M:.+]]: tensor<1x1x?x?xi1>)
// CHECK: %[[KU:.+]] = xf.unsqueeze %[[K]] {axes = array<i64: 2>} : (tensor<1x2x?x64xf32>) -> tensor<1x2x1x?x64xf32>
// CHECK: %[[G:.+]] = xf.constant dense<[1, 1, 4, 1, 1]> : tensor<5xi64>
// CHECK: %[[KE:.+]] = xf.expand %[[KU]], %[[G]]
// CHECK: %[[KSHAPE:.+]] = xf.constant dense<[0, 8, -1, 64]> : tensor<4xi64>
// CHECK: %[[KR:.+]] = xf.reshape %[[KE]], %[[KSHAPE]] : {{.*}} -> tensor<1x8x?x64xf32>
// CHECK: xf.unsqueeze %[[V]]
// CHECK: xf.expand
// CHECK: xf.constant dense<[0, 8, -1, 32]> : tensor<4xi64>
// CHECK: %[[VR:.+]] = xf.reshape {{.*}} -> tensor<1x8x?x32xf32>
// CHECK: %[[KT:.+]] = xf.transpose %[[KR]] {perm = array<i64: 0, 1, 3, 2>}
// CHECK: %[[QK:.+]] = xf.matmul %[[Q]], %[[KT]]
// CHECK: %[[SCALE:.+]] = xf.constant dense<1.250000e-01> : tensor<f32>
// CHECK: %[[SCORES:.+]] = xf.mul %[[QK]], %[[SCALE]]
// CHECK: %[[NEGINF:.+]] = xf.constant dense<0xFF800000> : tensor<f32>
// CHECK: %[[MASKED:.+]] = xf.where %[[M]], %[[SCORES]], %[[NEGINF]]
// CHECK: %[[SQ1:.+]] = xf.shape %[[Q]] {end = 3 : i64, start = 2 : i64}
// CHECK: %[[SQ:.+]] = xf.reshape %[[SQ1]]
// CHECK: %[[SK1:.+]] = xf.shape %[[KR]] {end = 3 : i64, start = 2 : i64}
// CHECK: %[[SK:.+]] = xf.reshape %[[SK1]]
// CHECK: %[[ROWS:.+]] = xf.range %{{.+}}, %[[SQ]], %{{.+}}
// CHECK: %[[COLS:.+]] = xf.range %{{.+}}, %[[SK]], %{{.+}}
// CHECK: %[[OFFSET:.+]] = xf.sub %[[SK]], %[[SQ]]
// CHECK: %[[LAST:.+]] = xf.add %[[ROWS]], %[[OFFSET]]
// CHECK: %[[COLUMN:.+]] = xf.unsqueeze %[[LAST]] {axes = array<i64: 1>}
// CHECK: %[[VISIBLE:.+]] = xf.less_or_equal %[[COLS]], %[[COLUMN]] : {{.*}} -> tensor<?x?xi1>
// CHECK: %[[CAUSAL:.+]] = xf.where %[[VISIBLE]], %[[MASKED]], %[[NEGINF]]
// CHECK: xf.reduce_max %[[CAUSAL]] {axes = array<i64: 3>}
// CHECK: xf.exp
// CHECK: xf.reduce_sum
// CHECK: %[[PROBS:.+]] = xf.div
// CHECK: %[[ROWMAX:.+]] = xf.reduce_max %[[CAUSAL]] {axes = array<i64: 3>}
// CHECK: %[[DEAD:.+]] = xf.equal %[[ROWMAX]], %[[NEGINF]]
// CHECK: %[[ZERO:.+]] = xf.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[LIVE:.+]] = xf.where %[[DEAD]], %[[ZERO]], %[[PROBS]]
// CHECK: %[[Y:.+]] = xf.matmul %[[LIVE]], %[[VR]] : {{.*}} -> tensor<1x8x?x32xf32>
// CHECK-NOT: xf.softmax
// CHECK: return %[[Y]]
func.func @attention_grouped(%q: tensor<1x8x?x64xf32>, %k: tensor<1x2x?x64xf32>, %v: tensor<1x2x?x32xf32>, %m: tensor<1x1x?x?xi1>) -> tensor<1x8x?x32xf32> {
  %0 = xf.attention %q, %k, %v, %m {causal = true} : (tensor<1x8x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x32xf32>, tensor<1x1x?x?xi1>) -> tensor<1x8x?x32xf32>
  return %0 : tensor<1x8x?x32xf32>
}

// -----

// As many key/value heads as query heads, a given scale and a float mask
// that is added; not causal.
// CHECK-LABEL: func.func @attention_added_mask
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x16x64xf32>, %[[K:.+]]: tensor<2x4x16x64xf32>, %[[V:.+]]: tensor<2x4x16x64xf32>, %[[M:.+]]: tensor<2x1x1x16xf32>)
// CHECK-NOT: xf.expand
// CHECK: %[[KT:.+]] = xf.transpose %[[K]] {perm = array<i64: 0, 1, 3, 2>}
// CHECK: %[[QK:.+]] = xf.matmul %[[Q]], %[[KT]]
// CHECK: %[[SCALE:.+]] = xf.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[SCORES:.+]] = xf.mul %[[QK]], %[[SCALE]]
// CHECK: %[[MASKED:.+]] = xf.add %[[SCORES]], %[[M]]
// CHECK-NOT: xf.range
// CHECK: xf.reduce_max %[[MASKED]]
// CHECK: %[[Y:.+]] = xf.matmul %{{.+}}, %[[V]]
// CHECK: return %[[Y]]
func.func @attention_added_mask(%q: tensor<2x4x16x64xf32>, %k: tensor<2x4x16x64xf32>, %v: tensor<2x4x16x64xf32>, %m: tensor<2x1x1x16xf32>) -> tensor<2x4x16x64xf32> {
  %0 = xf.attention %q, %k, %v, %m {scale = 0.5 : f32} : (tensor<2x4x16x64xf32>, tensor<2x4x16x64xf32>, tensor<2x4x16x64xf32>, tensor<2x1x1x16xf32>) -> tensor<2x4x16x64xf32>
  return %0 : tensor<2x4x16x64xf32>
}

// -----

// A result type less static than the decomposition's keeps its type
// through a cast.
// CHECK-LABEL: func.func @less_static_result
// CHECK: %[[DIV:.+]] = xf.div {{.*}} -> tensor<4x16xf32>
// CHECK: %[[Y:.+]] = tensor.cast %[[DIV]] : tensor<4x16xf32> to tensor<?x16xf32>
// CHECK: return %[[Y]]
func.func @less_static_result(%x: tensor<4x16xf32>) -> tensor<?x16xf32> {
  %0 = xf.softmax %x : (tensor<4x16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

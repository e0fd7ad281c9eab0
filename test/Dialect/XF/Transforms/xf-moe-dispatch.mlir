// RUN: xfc-opt %s -split-input-file --xf-moe-dispatch | FileCheck %s
// RUN: xfc-opt %s -split-input-file --xf-moe-dispatch=row-multiple=8 | FileCheck %s --check-prefix=PAD

// Routing, the counting sort of the (token, choice) assignments, the rows
// in expert order, one gated MLP per expert on its slice of them, and the
// weighted combination. Constant stacks become one constant per expert.
// CHECK-LABEL: func.func @dispatch
// CHECK-SAME: (%[[X:.*]]: tensor<?x2xf32>, %[[R:.*]]: tensor<2x2xf32>)
// The router's product is kept in f32 on every target.
// CHECK: %[[L:.*]] = xf.linear %[[X]], %[[R]] {xf.full_precision}
// CHECK: %[[P:.*]] = xf.softmax %[[L]]
// CHECK: %[[W:.*]], %[[I:.*]] = xf.topk %[[P]] {k = 2 : i64}
// CHECK: %[[SUM:.*]] = xf.reduce_sum %[[W]] {axes = array<i64: 1>}
// CHECK: %[[WN:.*]] = xf.div %[[W]], %[[SUM]]
// CHECK: %[[FLAT:.*]] = xf.reshape %[[I]]
// CHECK: %[[HOT:.*]] = xf.cast %{{.*}} : (tensor<?x2xi1>) -> tensor<?x2xi64>
// CHECK: %[[COUNTS:.*]] = xf.reduce_sum %[[HOT]] {axes = array<i64: 0>, keepdims = false}
// CHECK: %[[STARTS:.*]] = xf.cumsum %[[COUNTS]] {axis = 0 : i64, exclusive = true}
// CHECK: %[[EARLIER:.*]] = xf.cumsum %[[HOT]] {axis = 0 : i64, exclusive = true}
// CHECK: %[[ROW:.*]] = xf.add
// CHECK: %[[TOKENS:.*]] = xf.scatter_nd
// CHECK: %[[ROWS:.*]] = xf.gather %[[X]], %[[TOKENS]]
// CHECK: %[[MINE0:.*]] = xf.slice %[[ROWS]], %{{.*}}, %{{.*}} {axes = array<i64: 0>}
// CHECK-DAG: %[[G0:.*]] = xf.constant dense_resource<weight.expert0{{.*}}> : tensor<2x1xf32>
// CHECK-DAG: %[[D0:.*]] = xf.constant dense_resource<weight.expert0{{.*}}> : tensor<1x2xf32>
// CHECK: %[[Y0:.*]] = xf.gated_mlp %[[MINE0]], %[[G0]], %{{.*}}, %[[D0]]
// CHECK: %[[MINE1:.*]] = xf.slice %[[ROWS]]
// CHECK: %[[Y1:.*]] = xf.gated_mlp %[[MINE1]]
// CHECK: %[[ALL:.*]] = xf.concat %[[Y0]], %[[Y1]] {axis = 0 : i64}
// CHECK: %[[BACK:.*]] = xf.gather %[[ALL]], %{{.*}} : (tensor<?x2xf32>, tensor<?x2xi64>) -> tensor<?x2x2xf32>
// CHECK: %[[WEIGHTS:.*]] = xf.unsqueeze %[[WN]] {axes = array<i64: 2>}
// CHECK: %[[WEIGHTED:.*]] = xf.mul %[[BACK]], %[[WEIGHTS]]
// CHECK: %[[OUT:.*]] = xf.reduce_sum %[[WEIGHTED]] {axes = array<i64: 1>, keepdims = false}
// CHECK: return %[[OUT]]
func.func @dispatch(%x: tensor<?x2xf32>, %router: tensor<2x2xf32>) -> tensor<?x2xf32> {
  %logits = xf.linear %x, %router : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %g = xf.constant dense<[[[1.0], [2.0]], [[3.0], [4.0]]]> : tensor<2x2x1xf32>
  %u = xf.constant dense<[[[0.5], [0.25]], [[-1.0], [1.5]]]> : tensor<2x2x1xf32>
  %d = xf.constant dense<[[[1.0, -1.0]], [[2.0, 0.5]]]> : tensor<2x1x2xf32>
  %y = xf.moe %x, %logits gate %g up %u down %d {top_k = 2 : i64, normalize = true} : (tensor<?x2xf32>, tensor<?x2xf32>, tensor<2x2x1xf32>, tensor<2x2x1xf32>, tensor<2x1x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// Weights computed at run time are gathered per expert.
// CHECK-LABEL: func.func @runtime_weights
// CHECK-COUNT-2: xf.gather %arg2, %{{.*}} : (tensor<2x8x6xf32>, tensor<i64>) -> tensor<8x6xf32>
// CHECK-NOT: xf.moe
func.func @runtime_weights(%x: tensor<?x8xf32>, %logits: tensor<?x2xf32>, %g: tensor<2x8x6xf32>, %u: tensor<2x8x6xf32>, %d: tensor<2x6x8xf32>) -> tensor<?x8xf32> {
  %y = xf.moe %x, %logits gate %g up %u down %d {top_k = 1 : i64} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2x6x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// row-multiple=8: an expert's count c > 1 becomes ceil(c / 8) * 8 (one
// row stays one), the starts follow the padded counts, and the rows
// buffer holds their sum (padding rows read token 0).
// PAD-LABEL: func.func @padded
// PAD: %[[COUNTS:.*]] = xf.reduce_sum %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<?x2xi64>) -> tensor<2xi64>
// PAD: %[[UP:.*]] = xf.add %[[COUNTS]], %{{.*}}
// PAD: %[[BLOCKS:.*]] = xf.div %[[UP]], %{{.*}}
// PAD: %[[ROUNDED:.*]] = xf.mul %[[BLOCKS]], %{{.*}}
// PAD: %[[MANY:.*]] = xf.greater %[[COUNTS]], %{{.*}}
// PAD: %[[PADDED:.*]] = xf.where %[[MANY]], %[[ROUNDED]], %[[COUNTS]]
// PAD: xf.cumsum %[[PADDED]] {axis = 0 : i64, exclusive = true}
// PAD: %[[TOTAL:.*]] = xf.reduce_sum %[[PADDED]] {axes = array<i64: 0>} : (tensor<2xi64>) -> tensor<1xi64>
// PAD: %[[SLOTS:.*]] = xf.constant_of_shape %[[TOTAL]] {value = dense<0> : tensor<1xi64>}
// PAD: xf.scatter_nd %[[SLOTS]]
func.func @padded(%x: tensor<?x8xf32>, %logits: tensor<?x2xf32>, %g: tensor<2x8x6xf32>, %u: tensor<2x8x6xf32>, %d: tensor<2x6x8xf32>) -> tensor<?x8xf32> {
  %y = xf.moe %x, %logits gate %g up %u down %d {top_k = 1 : i64} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2x6x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Experts other than plain gated MLPs are dense layers: the gate's and
// up's (biased), gpt-oss's clamp (min at the limit, the up side clamped
// both ways), silu with a scaled sigmoid, the shifted up, the down layer.
// CHECK-LABEL: func.func @clamped_swiglu
// CHECK: %[[G:.*]] = xf.linear %[[MINE:.*]], %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<8x6xf32>, tensor<6xf32>) -> tensor<?x6xf32>
// CHECK: %[[GC:.*]] = xf.min %[[G]], %{{.*}}
// CHECK: %[[GA:.*]] = xf.mul %[[GC]], %{{.*}}
// CHECK: %[[S:.*]] = xf.sigmoid %[[GA]]
// CHECK: %[[A:.*]] = xf.mul %[[GC]], %[[S]]
// CHECK: %[[U:.*]] = xf.linear %[[MINE]], %{{.*}}, %{{.*}}
// CHECK: %[[UL:.*]] = xf.max %[[U]], %{{.*}}
// CHECK: %[[UC:.*]] = xf.min %[[UL]], %{{.*}}
// CHECK: %[[US:.*]] = xf.add %[[UC]], %{{.*}}
// CHECK: %[[H:.*]] = xf.mul %[[A]], %[[US]]
// CHECK: xf.linear %[[H]], %{{.*}}, %{{.*}} : (tensor<?x6xf32>, tensor<6x8xf32>, tensor<8xf32>)
// CHECK-NOT: xf.gated_mlp
func.func @clamped_swiglu(%x: tensor<?x8xf32>, %logits: tensor<?x2xf32>, %g: tensor<2x8x6xf32>, %u: tensor<2x8x6xf32>, %d: tensor<2x6x8xf32>, %bg: tensor<2x6xf32>, %bu: tensor<2x6xf32>, %bd: tensor<2x8xf32>) -> tensor<?x8xf32> {
  %y = xf.moe %x, %logits gate %g up %u down %d gate_bias %bg up_bias %bu down_bias %bd {top_k = 2 : i64, alpha = 1.702 : f32, beta = 1.0 : f32, limit = 7.0 : f32} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2x6x8xf32>, tensor<2x6xf32>, tensor<2x6xf32>, tensor<2x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Plain experts without up: the activation fuses into the first layer.
// CHECK-LABEL: func.func @plain_experts
// CHECK: xf.linear %{{.*}}, %{{.*}} {activation = #xf<activation relu>} : (tensor<?x8xf32>, tensor<8x6xf32>)
// CHECK: xf.linear %{{.*}}, %{{.*}} : (tensor<?x6xf32>, tensor<6x8xf32>)
func.func @plain_experts(%x: tensor<?x8xf32>, %logits: tensor<?x2xf32>, %g: tensor<2x8x6xf32>, %d: tensor<2x6x8xf32>) -> tensor<?x8xf32> {
  %y = xf.moe %x, %logits gate %g down %d {top_k = 1 : i64, activation = #xf<activation relu>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<2x8x6xf32>, tensor<2x6x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// A quantized stack of constants gives each expert a quantized weight of
// its own packed rows, scales and zero points (constants, a splat staying
// one, so the CPU's quantized kernels pack them); the stacks are freed.
// CHECK-LABEL: func.func @quantized_experts
// CHECK-DAG: %[[Q0:.*]] = xf.constant dense_resource<packed.expert0{{.*}}> : tensor<4x1xui8>
// CHECK-DAG: %[[S0:.*]] = xf.constant dense_resource<scales.expert0{{.*}}> : tensor<4x1xf32>
// CHECK-DAG: %[[Z0:.*]] = xf.constant dense<128> : tensor<4x1xui8>
// CHECK: %[[W0:.*]] = xf.quantized_weight %[[Q0]], %[[S0]], %[[Z0]] {bits = 8 : i64, group_size = 1 : i64, k = 1 : i64} : (tensor<4x1xui8>, tensor<4x1xf32>, tensor<4x1xui8>) -> tensor<1x4xf32>
// CHECK: xf.gated_mlp %{{.*}}, %[[W0]]
// CHECK-NOT: tensor<2x4x1xui8>
func.func @quantized_experts(%x: tensor<?x1xf32>, %logits: tensor<?x2xf32>, %u: tensor<2x1x4xf32>, %d: tensor<2x4x1xf32>) -> tensor<?x1xf32> {
  %q = xf.constant dense_resource<packed> : tensor<2x4x1xui8>
  %s = xf.constant dense_resource<scales> : tensor<2x4x1xf32>
  %z = xf.constant dense<128> : tensor<2x4x1xui8>
  %g = xf.quantized_weight %q, %s, %z {bits = 8 : i64, group_size = 1 : i64, k = 1 : i64} : (tensor<2x4x1xui8>, tensor<2x4x1xf32>, tensor<2x4x1xui8>) -> tensor<2x1x4xf32>
  %y = xf.moe %x, %logits gate %g up %u down %d {top_k = 1 : i64} : (tensor<?x1xf32>, tensor<?x2xf32>, tensor<2x1x4xf32>, tensor<2x1x4xf32>, tensor<2x4x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

{-#
  dialect_resources: {
    builtin: {
      packed: "0x0400000001020304050607080A0B0C0D",
      scales: "0x040000000000803F000000400000404000008040000080BF000000C0000040C0000080C0"
    }
  }
#-}

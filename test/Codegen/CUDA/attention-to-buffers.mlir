// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-attention-to-buffers))' | FileCheck %s

// For the CUDA target: f32 attention with static head sizes becomes
// xf.attention_buffers on its operands' buffers (any layout) and a result
// buffer, with the scale made explicit.
// CHECK-LABEL: func.func @gqa
// CHECK-SAME: (%[[Q:.*]]: tensor<?x8x?x64xf32>, %[[K:.*]]: tensor<?x2x?x64xf32>, %[[V:.*]]: tensor<?x2x?x64xf32>, %[[M:.*]]: tensor<?x?xi1>)
// CHECK: %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only : tensor<?x8x?x64xf32> to memref<?x8x?x64xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK: %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only
// CHECK: %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only
// CHECK: %[[MB:.*]] = bufferization.to_buffer %[[M]] read_only
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x8x?x64xf32>
// CHECK: xf.attention_buffers %[[QB]], %[[KB]], %[[VB]] mask %[[MB]] into %[[OUT]] {causal = true, scale = 1.250000e-01 : f32}
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: return %[[R]]
func.func @gqa(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x64xf32>, %m: tensor<?x?xi1>) -> tensor<?x8x?x64xf32> {
  %o = xf.attention %q, %k, %v, %m {causal = true} : (tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x?xi1>) -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// -----

// A head size the kernel does not hold (not a multiple of 4) is left for
// xf-convert-to-linalg, which decomposes it.
// CHECK-LABEL: func.func @odd_head
// CHECK-NOT: xf.attention_buffers
// CHECK: xf.attention %
func.func @odd_head(%q: tensor<1x2x5x6xf32>, %k: tensor<1x2x5x6xf32>, %v: tensor<1x2x5x6xf32>) -> tensor<1x2x5x6xf32> {
  %o = xf.attention %q, %k, %v : (tensor<1x2x5x6xf32>, tensor<1x2x5x6xf32>, tensor<1x2x5x6xf32>) -> tensor<1x2x5x6xf32>
  return %o : tensor<1x2x5x6xf32>
}


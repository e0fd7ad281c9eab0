// RUN: xfc-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))'

// An op whose decomposition fails is reported with the reason, and the
// conversion fails naming it.
func.func @rope_dynamic_rotary(%x: tensor<1x4x?x64xf32>, %c: tensor<1x?x?xf32>, %s: tensor<1x?x?xf32>) -> tensor<1x4x?x64xf32> {
  // expected-error @+2 {{'xf.rope' op decomposes only with static rotary and head sizes}}
  // expected-error @+1 {{failed to legalize operation 'xf.rope'}}
  %0 = xf.rope %x, %c, %s : (tensor<1x4x?x64xf32>, tensor<1x?x?xf32>, tensor<1x?x?xf32>) -> tensor<1x4x?x64xf32>
  return %0 : tensor<1x4x?x64xf32>
}

// -----

// f16 attention has no fused lowering: its decomposition is all there is.
func.func @attention_dynamic_head_size(%q: tensor<1x4x?x?xf16>, %k: tensor<1x4x?x?xf16>) -> tensor<1x4x?x?xf16> {
  // expected-error @+2 {{'xf.attention' op decomposes a dynamic head size only with a scale}}
  // expected-error @+1 {{failed to legalize operation 'xf.attention'}}
  %0 = xf.attention %q, %k, %k : (tensor<1x4x?x?xf16>, tensor<1x4x?x?xf16>, tensor<1x4x?x?xf16>) -> tensor<1x4x?x?xf16>
  return %0 : tensor<1x4x?x?xf16>
}

// RUN: xfc-opt %s --split-input-file --verify-diagnostics --xf-decompose

// The slices of a rotary embedding need the rotary size.
func.func @rope_dynamic_rotary(%x: tensor<1x4x?x64xf32>, %c: tensor<1x?x?xf32>, %s: tensor<1x?x?xf32>) -> tensor<1x4x?x64xf32> {
  // expected-error @+1 {{'xf.rope' op decomposes only with static rotary and head sizes}}
  %0 = xf.rope %x, %c, %s : (tensor<1x4x?x64xf32>, tensor<1x?x?xf32>, tensor<1x?x?xf32>) -> tensor<1x4x?x64xf32>
  return %0 : tensor<1x4x?x64xf32>
}

// -----

// The default scale is 1/sqrt(head size).
func.func @attention_dynamic_head_size(%q: tensor<1x4x?x?xf32>, %k: tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32> {
  // expected-error @+1 {{'xf.attention' op decomposes a dynamic head size only with a scale}}
  %0 = xf.attention %q, %k, %k : (tensor<1x4x?x?xf32>, tensor<1x4x?x?xf32>, tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  return %0 : tensor<1x4x?x?xf32>
}

// -----

// Grouped heads are repeated by a reshape to constant sizes.
func.func @attention_grouped_dynamic_head_size(%q: tensor<1x8x?x?xf32>, %k: tensor<1x2x?x?xf32>) -> tensor<1x8x?x?xf32> {
  // expected-error @+1 {{'xf.attention' op decomposes grouped heads only with static head sizes}}
  %0 = xf.attention %q, %k, %k {scale = 0.125 : f32} : (tensor<1x8x?x?xf32>, tensor<1x2x?x?xf32>, tensor<1x2x?x?xf32>) -> tensor<1x8x?x?xf32>
  return %0 : tensor<1x8x?x?xf32>
}

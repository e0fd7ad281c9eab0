// RUN: xfc-opt %s -verify-diagnostics --xf-cpu-attention

// The generator takes its blocks from the configuration only.
func.func @unconfigured(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  // expected-error @below {{xf-cpu-attention: the attention has no xf.kernel_config (xf-select-cpu-kernel-configs chooses one)}}
  %r = xf.attention %q, %k, %v : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

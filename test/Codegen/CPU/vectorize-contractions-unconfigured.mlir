// RUN: xfc-opt %s -verify-diagnostics --xf-vectorize-contractions

// The generator takes its blocks from the configuration only.
func.func @unconfigured(%a: tensor<?x16xf32>, %b: tensor<16x96xf32>, %c: tensor<?x96xf32>) -> tensor<?x96xf32> {
  // expected-error @below {{xf-vectorize-contractions: the product has no xf.kernel_config (xf-select-cpu-kernel-configs chooses one)}}
  %r = linalg.matmul ins(%a, %b : tensor<?x16xf32>, tensor<16x96xf32>) outs(%c : tensor<?x96xf32>) -> tensor<?x96xf32>
  return %r : tensor<?x96xf32>
}

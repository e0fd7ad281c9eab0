// RUN: xfc-opt %s -xf-verify-graph-level -split-input-file -verify-diagnostics | FileCheck %s

// Graph ops and the transformer ops the importer writes for fused ONNX
// nodes (LayerNormalization, RMSNormalization) are accepted, unreported.
// CHECK-LABEL: func.func @graph
// CHECK: xf.layer_norm
// CHECK: xf.rms_norm
func.func @graph(%x: tensor<?x8xf32>, %s: tensor<8xf32>) -> tensor<?x8xf32> {
  %0 = xf.relu %x : (tensor<?x8xf32>) -> tensor<?x8xf32>
  %1 = xf.layer_norm %0, %s : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %2 = xf.rms_norm %1, %s : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %2 : tensor<?x8xf32>
}

// -----

func.func @foreign_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'arith.addf' is not allowed at the graph level}}
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{graph function 'unranked' must take and return ranked tensors only}}
func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}

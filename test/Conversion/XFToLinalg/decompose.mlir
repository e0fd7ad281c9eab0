// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s

// Softmax over the last axis: the row maximum (a reduction), x - max,
// exp, the row sum (a reduction) and the quotient.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<2x?x96xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SHIFTED:.+]] = linalg.generic
// CHECK: tensor.extract %arg0
// CHECK: tensor.extract %[[MAX]]
// CHECK: arith.subf
// CHECK: %[[EXP:.+]] = linalg.generic {{.*}} ins(%[[SHIFTED]] : tensor<2x?x96xf32>)
// CHECK: math.exp
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[EXP]] : tensor<2x?x96xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: tensor.extract %[[EXP]]
// CHECK: tensor.extract %[[SUM]]
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x?x96xf32>) -> tensor<2x?x96xf32> {
  %0 = xf.softmax %x : (tensor<2x?x96xf32>) -> tensor<2x?x96xf32>
  return %0 : tensor<2x?x96xf32>
}

// -----

// LogSoftmax: x - max - log(sum(exp(x - max))).
// CHECK-LABEL: func.func @log_softmax
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]}
// CHECK: arith.maximumf
// CHECK: %[[SHIFTED:.+]] = linalg.generic
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]}
// CHECK: arith.addf
// CHECK: %[[LOG:.+]] = linalg.generic
// CHECK: math.log
// CHECK: linalg.generic {{.*}} ins(%[[SHIFTED]], %[[LOG]] : tensor<4x16xf32>, tensor<4x1xf32>)
// CHECK: arith.subf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @log_softmax(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = xf.log_softmax %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// LayerNorm: the mean, x - mean, the variance (mean of the square), then
// (x - mean) / sqrt(var + epsilon) * scale + bias.
// CHECK-DAG: #[[LAST:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<?x?x512xf32>)
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: %[[CENTERED:.+]] = linalg.generic
// CHECK: arith.subf
// CHECK: linalg.generic {{.*}} ins(%[[CENTERED]], %[[CENTERED]] : tensor<?x?x512xf32>, tensor<?x?x512xf32>)
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: %[[EPS:.+]] = arith.constant 1.000000e-03 : f32
// CHECK: arith.addf %{{.+}}, %[[EPS]]
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[LAST]], #{{.+}}], {{.*}} ins(%{{.+}}, %arg1 : tensor<?x?x512xf32>, tensor<512xf32>)
// CHECK: arith.mulf
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[LAST]], #{{.+}}], {{.*}} ins(%{{.+}}, %arg2 : tensor<?x?x512xf32>, tensor<512xf32>)
// CHECK: arith.addf
func.func @layer_norm(%x: tensor<?x?x512xf32>, %g: tensor<512xf32>, %b: tensor<512xf32>) -> tensor<?x?x512xf32> {
  %0 = xf.layer_norm %x, %g, %b {epsilon = 1.0e-3 : f32} : (tensor<?x?x512xf32>, tensor<512xf32>, tensor<512xf32>) -> tensor<?x?x512xf32>
  return %0 : tensor<?x?x512xf32>
}

// -----

// RMSNorm: x * 1 / sqrt(mean(x * x) + epsilon) * scale, no centering.
// CHECK-LABEL: func.func @rms_norm
// CHECK: linalg.generic {{.*}} ins(%arg0, %arg0 : tensor<?x?x512xf32>, tensor<?x?x512xf32>)
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: arith.constant 1.000000e-03 : f32
// CHECK: arith.addf
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %arg1 : tensor<?x?x512xf32>, tensor<512xf32>)
// CHECK: arith.mulf
// CHECK-NOT: arith.subf
// CHECK: return
func.func @rms_norm(%x: tensor<?x?x512xf32>, %g: tensor<512xf32>) -> tensor<?x?x512xf32> {
  %0 = xf.rms_norm %x, %g {epsilon = 1.0e-3 : f32} : (tensor<?x?x512xf32>, tensor<512xf32>) -> tensor<?x?x512xf32>
  return %0 : tensor<?x?x512xf32>
}

// -----

// Linear: rows times the weight (linalg.matmul over the folded leading
// dimensions), the bias, then the activation; a transposed weight is
// transposed once first.
// CHECK-LABEL: func.func @linear
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<?x?x512xf32> into tensor<?x512xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %arg1 : tensor<?x512xf32>, tensor<512x2048xf32>)
// CHECK: %[[OUT:.+]] = tensor.expand_shape %[[MM]]
// CHECK: linalg.generic {{.*}} ins(%[[OUT]], %arg2 : tensor<?x?x2048xf32>, tensor<2048xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: math.erf
// CHECK: %[[WT:.+]] = linalg.transpose ins(%arg3 : tensor<2048x512xf32>) outs(%{{.+}} : tensor<512x2048xf32>) permutation = [1, 0]
// CHECK: %[[ROWS2:.+]] = tensor.collapse_shape %arg0
// CHECK: linalg.matmul ins(%[[ROWS2]], %[[WT]] : tensor<?x512xf32>, tensor<512x2048xf32>)
func.func @linear(%x: tensor<?x?x512xf32>, %w: tensor<512x2048xf32>, %b: tensor<2048xf32>, %wt: tensor<2048x512xf32>) -> (tensor<?x?x2048xf32>, tensor<?x?x2048xf32>) {
  %0 = xf.linear %x, %w, %b {activation = #xf<activation gelu>} : (tensor<?x?x512xf32>, tensor<512x2048xf32>, tensor<2048xf32>) -> tensor<?x?x2048xf32>
  %1 = xf.linear %x, %wt {transpose_weight = true} : (tensor<?x?x512xf32>, tensor<2048x512xf32>) -> tensor<?x?x2048xf32>
  return %0, %1 : tensor<?x?x2048xf32>, tensor<?x?x2048xf32>
}

// -----

// RoPE (halves rotated): cos and sin gain a head dimension; the halves
// x1, x2 of the last axis become x1 cos - x2 sin and x2 cos + x1 sin.
// CHECK-LABEL: func.func @rope
// CHECK: tensor.expand_shape %arg1 {{\[}}[0], [1, 2], [3]] {{.*}} : tensor<1x?x32xf32> into tensor<1x1x?x32xf32>
// CHECK: tensor.expand_shape %arg2 {{\[}}[0], [1, 2], [3]] {{.*}} : tensor<1x?x32xf32> into tensor<1x1x?x32xf32>
// CHECK: tensor.extract_slice %arg0[0, 0, 0, %{{.+}}] [1, 8, %{{.+}}, %{{.+}}] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %arg0[0, 0, 0, %{{.+}}] [1, 8, %{{.+}}, %{{.+}}] [1, 1, 1, 1]
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: tensor.insert_slice
// CHECK: tensor.insert_slice
func.func @rope(%x: tensor<1x8x?x64xf32>, %cos: tensor<1x?x32xf32>, %sin: tensor<1x?x32xf32>) -> tensor<1x8x?x64xf32> {
  %0 = xf.rope %x, %cos, %sin : (tensor<1x8x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>) -> tensor<1x8x?x64xf32>
  return %0 : tensor<1x8x?x64xf32>
}

// -----

// GatedMLP (SiLU): act(x * gate) * (x * up), then times down.
// CHECK-LABEL: func.func @gated_mlp
// CHECK: %[[G:.+]] = linalg.matmul ins(%arg0, %arg1 : tensor<?x64xf32>, tensor<64x256xf32>)
// CHECK: %[[SIG:.+]] = linalg.generic {{.*}} ins(%[[G]] : tensor<?x256xf32>)
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: %[[ACT:.+]] = linalg.generic {{.*}} ins(%[[G]], %[[SIG]] : tensor<?x256xf32>, tensor<?x256xf32>)
// CHECK: arith.mulf
// CHECK: %[[U:.+]] = linalg.matmul ins(%arg0, %arg2 : tensor<?x64xf32>, tensor<64x256xf32>)
// CHECK: %[[H:.+]] = linalg.generic {{.*}} ins(%[[ACT]], %[[U]] : tensor<?x256xf32>, tensor<?x256xf32>)
// CHECK: arith.mulf
// CHECK: linalg.matmul ins(%[[H]], %arg3 : tensor<?x256xf32>, tensor<256x64xf32>)
func.func @gated_mlp(%x: tensor<?x64xf32>, %g: tensor<64x256xf32>, %u: tensor<64x256xf32>, %d: tensor<256x64xf32>) -> tensor<?x64xf32> {
  %0 = xf.gated_mlp %x, %g, %u, %d {activation = #xf<activation silu>} : (tensor<?x64xf32>, tensor<64x256xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

// Attention the CPU loop nest does not take (here f16) is decomposed:
// Q K^T (K transposed once, heads folded into one batch), the scale, the
// causal mask, a softmax whose fully masked rows give 0, then times V.
// CHECK-LABEL: func.func @attention_f16
// CHECK: linalg.transpose ins(%{{.+}} : tensor<1x4x?x16xf16>) outs(%{{.+}} : tensor<1x4x16x?xf16>) permutation = [0, 1, 3, 2]
// CHECK: linalg.batch_matmul ins(%{{.+}}, %{{.+}} : tensor<4x?x16xf16>, tensor<4x16x?xf16>)
// CHECK: arith.mulf %{{.+}}, %{{.+}} : f16
// CHECK: arith.cmpi sle
// CHECK: arith.select %{{.+}}, %{{.+}}, %{{.+}} : f16
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: arith.maximumf
// CHECK: arith.cmpf oeq
// CHECK: arith.select %{{.+}}, %{{.+}}, %{{.+}} : f16
// CHECK: linalg.batch_matmul ins(%{{.+}}, %{{.+}} : tensor<4x?x?xf16>, tensor<4x?x16xf16>)
func.func @attention_f16(%q: tensor<1x4x?x16xf16>, %k: tensor<1x2x?x16xf16>, %v: tensor<1x2x?x16xf16>) -> tensor<1x4x?x16xf16> {
  %0 = xf.attention %q, %k, %v {causal = true} : (tensor<1x4x?x16xf16>, tensor<1x2x?x16xf16>, tensor<1x2x?x16xf16>) -> tensor<1x4x?x16xf16>
  return %0 : tensor<1x4x?x16xf16>
}

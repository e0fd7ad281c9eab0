// RUN: xfc-opt %s -split-input-file --xf-raise-rope --cse --canonicalize | FileCheck %s

// Hugging Face's rotate-half RoPE as the TorchScript exporter writes it:
// tables cos/sin(concat(f, f)) times the attention scaling, unsqueezed at
// the head axis; q * cos + concat(-q[..., 8:], q[..., :8]) * sin.
// CHECK-LABEL: func.func @rotate_half
// CHECK-SAME: (%[[Q:.*]]: tensor<?x4x?x16xf32>, %[[F:.*]]: tensor<1x?x8xf32>)
// CHECK-DAG: %[[C:.*]] = xf.cos %[[F]] : (tensor<1x?x8xf32>) -> tensor<1x?x8xf32>
// CHECK-DAG: %[[S:.*]] = xf.sin %[[F]] : (tensor<1x?x8xf32>) -> tensor<1x?x8xf32>
// CHECK-DAG: %[[CS:.*]] = xf.mul %[[C]], %{{.*}}
// CHECK-DAG: %[[SS:.*]] = xf.mul %[[S]], %{{.*}}
// CHECK: %[[R:.*]] = xf.rope %[[Q]], %[[CS]], %[[SS]]
// CHECK-NOT: xf.neg
// CHECK: return %[[R]]
func.func @rotate_half(%q: tensor<?x4x?x16xf32>, %f: tensor<1x?x8xf32>) -> tensor<?x4x?x16xf32> {
  %scale = xf.constant dense<1.0> : tensor<f32>
  %c0 = xf.constant dense<0> : tensor<1xi64>
  %c8 = xf.constant dense<8> : tensor<1xi64>
  %big = xf.constant dense<9223372036854775807> : tensor<1xi64>
  %ff = xf.concat %f, %f {axis = -1 : i64} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>) -> tensor<1x?x16xf32>
  %cos = xf.cos %ff : (tensor<1x?x16xf32>) -> tensor<1x?x16xf32>
  %sin = xf.sin %ff : (tensor<1x?x16xf32>) -> tensor<1x?x16xf32>
  %cs = xf.mul %cos, %scale : (tensor<1x?x16xf32>, tensor<f32>) -> tensor<1x?x16xf32>
  %ss = xf.mul %sin, %scale : (tensor<1x?x16xf32>, tensor<f32>) -> tensor<1x?x16xf32>
  %c4 = xf.unsqueeze %cs {axes = array<i64: 1>} : (tensor<1x?x16xf32>) -> tensor<1x1x?x16xf32>
  %s4 = xf.unsqueeze %ss {axes = array<i64: 1>} : (tensor<1x?x16xf32>) -> tensor<1x1x?x16xf32>
  %lo = xf.slice %q, %c0, %c8 {axes = array<i64: 3>, steps = array<i64: 1>} : (tensor<?x4x?x16xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x4x?x8xf32>
  %hi = xf.slice %q, %c8, %big {axes = array<i64: 3>, steps = array<i64: 1>} : (tensor<?x4x?x16xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x4x?x8xf32>
  %neg = xf.neg %hi : (tensor<?x4x?x8xf32>) -> tensor<?x4x?x8xf32>
  %rot = xf.concat %neg, %lo {axis = -1 : i64} : (tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32>) -> tensor<?x4x?x16xf32>
  %a = xf.mul %q, %c4 : (tensor<?x4x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<?x4x?x16xf32>
  %b = xf.mul %rot, %s4 : (tensor<?x4x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<?x4x?x16xf32>
  %r = xf.add %a, %b : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  return %r : tensor<?x4x?x16xf32>
}

// -----

// Tables that are not trig(concat(f, f)) (here arguments): their halves
// may differ, so nothing is raised.
// CHECK-LABEL: func.func @unknown_tables
// CHECK-NOT: xf.rope
// CHECK: xf.neg
func.func @unknown_tables(%q: tensor<1x4x3x16xf32>, %c4: tensor<1x1x3x16xf32>, %s4: tensor<1x1x3x16xf32>) -> tensor<1x4x3x16xf32> {
  %c0 = xf.constant dense<0> : tensor<1xi64>
  %c8 = xf.constant dense<8> : tensor<1xi64>
  %c16 = xf.constant dense<16> : tensor<1xi64>
  %lo = xf.slice %q, %c0, %c8 {axes = array<i64: 3>} : (tensor<1x4x3x16xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x4x3x8xf32>
  %hi = xf.slice %q, %c8, %c16 {axes = array<i64: 3>} : (tensor<1x4x3x16xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x4x3x8xf32>
  %neg = xf.neg %hi : (tensor<1x4x3x8xf32>) -> tensor<1x4x3x8xf32>
  %rot = xf.concat %neg, %lo {axis = 3 : i64} : (tensor<1x4x3x8xf32>, tensor<1x4x3x8xf32>) -> tensor<1x4x3x16xf32>
  %a = xf.mul %q, %c4 : (tensor<1x4x3x16xf32>, tensor<1x1x3x16xf32>) -> tensor<1x4x3x16xf32>
  %b = xf.mul %rot, %s4 : (tensor<1x4x3x16xf32>, tensor<1x1x3x16xf32>) -> tensor<1x4x3x16xf32>
  %r = xf.add %a, %b : (tensor<1x4x3x16xf32>, tensor<1x4x3x16xf32>) -> tensor<1x4x3x16xf32>
  return %r : tensor<1x4x3x16xf32>
}

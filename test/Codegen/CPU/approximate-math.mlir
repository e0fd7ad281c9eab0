// RUN: xfc-opt %s --xf-approximate-math | FileCheck %s

// No libm calls remain for these: polynomials and multiplications.
// CHECK-LABEL: func.func @functions
// CHECK-NOT: math.tanh
// CHECK-NOT: math.exp
// CHECK-NOT: math.erf
// CHECK-NOT: math.powf
// CHECK: arith.mulf %arg0, %arg0
// CHECK: return
func.func @functions(%x: f32) -> (f32, f32, f32, f32) {
  %three = arith.constant 3.0 : f32
  %0 = math.tanh %x : f32
  %1 = math.exp %x : f32
  %2 = math.erf %x : f32
  %3 = math.powf %x, %three : f32
  return %0, %1, %2, %3 : f32, f32, f32, f32
}

// A power with a run-time exponent stays a call.
// CHECK-LABEL: func.func @runtime_power
// CHECK: math.powf
func.func @runtime_power(%x: f32, %y: f32) -> f32 {
  %0 = math.powf %x, %y : f32
  return %0 : f32
}

// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s

// Each element-wise op is one linalg.generic over the result's shape whose
// body is the arith or math op.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @float_arith
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>) outs(%[[E]] : tensor<4x8xf32>)
// CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[R:.+]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.divf
// CHECK: linalg.generic
// CHECK: math.powf
func.func @float_arith(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = xf.add %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = xf.sub %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = xf.mul %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = xf.div %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = xf.pow %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0, %1, %2, %3, %4 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Integers take the integer ops; division is signed for signless types.
// CHECK-LABEL: func.func @integer_arith
// CHECK: arith.addi
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.divsi
// CHECK: math.ipowi
func.func @integer_arith(%a: tensor<4xi64>, %b: tensor<4xi64>) -> (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) {
  %0 = xf.add %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %1 = xf.sub %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %2 = xf.mul %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %3 = xf.div %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %4 = xf.pow %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0, %1, %2, %3, %4 : tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>
}

// -----

// Broadcasting with static shapes: a missing leading dimension drops out of
// the operand's map; a size-1 dimension reads index 0.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @broadcast_static
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK-SAME: ins(%arg0, %arg2 : tensor<4x8xf32>, tensor<4x1xf32>)
// CHECK: arith.mulf
func.func @broadcast_static(%a: tensor<4x8xf32>, %row: tensor<8xf32>, %col: tensor<4x1xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = xf.add %a, %row : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = xf.mul %a, %col : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A dynamic result size comes from the operand.
// CHECK-LABEL: func.func @dynamic_unary
// CHECK: %[[N:.+]] = tensor.dim %arg0, %c0 : tensor<?x8xf32>
// CHECK: %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?x8xf32>
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<?x8xf32>) outs(%[[E]] : tensor<?x8xf32>)
// CHECK: math.exp
func.func @dynamic_unary(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = xf.exp %x : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Comparisons yield i1: ordered predicates on floats.
// CHECK-LABEL: func.func @compare_float
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4xi1>)
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ole
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oge
func.func @compare_float(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = xf.equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %1 = xf.less %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %2 = xf.less_or_equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %3 = xf.greater %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %4 = xf.greater_or_equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0, %1, %2, %3, %4 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @compare_integer
// CHECK: arith.cmpi eq
// CHECK: arith.cmpi slt
// CHECK: arith.cmpi sle
// CHECK: arith.cmpi sgt
// CHECK: arith.cmpi sge
func.func @compare_integer(%a: tensor<4xi64>, %b: tensor<4xi64>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = xf.equal %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %1 = xf.less %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %2 = xf.less_or_equal %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %3 = xf.greater %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %4 = xf.greater_or_equal %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  return %0, %1, %2, %3, %4 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// Not is an exclusive or with true.
// CHECK-LABEL: func.func @logic
// CHECK: arith.andi
// CHECK: arith.ori
// CHECK: %[[TRUE:.+]] = arith.constant true
// CHECK: arith.xori %{{.+}}, %[[TRUE]] : i1
func.func @logic(%a: tensor<4xi1>, %b: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = xf.and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = xf.or %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %2 = xf.not %a : (tensor<4xi1>) -> tensor<4xi1>
  return %0, %1, %2 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// Max and min propagate NaN on floats (maximumf) and are signed on integers.
// CHECK-LABEL: func.func @extremum
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @extremum(%a: tensor<4xf32>, %b: tensor<4xf32>, %i: tensor<4xi64>, %j: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi64>, tensor<4xi64>) {
  %0 = xf.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = xf.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = xf.max %i, %j : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %3 = xf.min %i, %j : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xi64>, tensor<4xi64>
}

// -----

// Where broadcasts all three operands.
// CHECK-DAG: #[[COND:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @where
// CHECK: linalg.generic {indexing_maps = [#[[COND]], #[[ID]], #[[ROW]], #[[ID]]]
// CHECK: ^bb0(%[[C:.+]]: i1, %[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: arith.select %[[C]], %[[A]], %[[B]] : f32
func.func @where(%c: tensor<1x8xi1>, %a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = xf.where %c, %a, %b : (tensor<1x8xi1>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @float_unary
// CHECK: math.sqrt
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: arith.divf %[[ONE]], %{{.+}} : f32
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.tanh
// CHECK: math.erf
// Sigmoid: 1 / (1 + exp(-x)).
// CHECK: %[[NEG:.+]] = arith.negf
// CHECK-NEXT: %[[EXP:.+]] = math.exp %[[NEG]]
// CHECK: %[[DEN:.+]] = arith.addf %{{.+}}, %[[EXP]]
// CHECK-NEXT: arith.divf %{{.+}}, %[[DEN]]
// CHECK: math.cos
// CHECK: math.sin
func.func @float_unary(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = xf.sqrt %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = xf.reciprocal %x : (tensor<4xf32>) -> tensor<4xf32>
  %2 = xf.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %3 = xf.log %x : (tensor<4xf32>) -> tensor<4xf32>
  %4 = xf.tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  %5 = xf.erf %x : (tensor<4xf32>) -> tensor<4xf32>
  %6 = xf.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  %7 = xf.cos %x : (tensor<4xf32>) -> tensor<4xf32>
  %8 = xf.sin %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Relu is a maximum with 0; integer negation subtracts from 0.
// CHECK-LABEL: func.func @numeric_unary
// CHECK: arith.negf
// CHECK: math.absf
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: arith.maximumf %{{.+}}, %[[ZERO]] : f32
// CHECK: %[[IZERO:.+]] = arith.constant 0 : i64
// CHECK-NEXT: arith.subi %[[IZERO]], %{{.+}} : i64
// CHECK: math.absi
// CHECK: %[[IZERO2:.+]] = arith.constant 0 : i64
// CHECK-NEXT: arith.maxsi %{{.+}}, %[[IZERO2]] : i64
func.func @numeric_unary(%x: tensor<4xf32>, %i: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) {
  %0 = xf.neg %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = xf.abs %x : (tensor<4xf32>) -> tensor<4xf32>
  %2 = xf.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %3 = xf.neg %i : (tensor<4xi64>) -> tensor<4xi64>
  %4 = xf.abs %i : (tensor<4xi64>) -> tensor<4xi64>
  %5 = xf.relu %i : (tensor<4xi64>) -> tensor<4xi64>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>
}

// -----

// Exact GELU: x/2 (1 + erf(x / sqrt 2)); the tanh form:
// x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
// CHECK-LABEL: func.func @gelu
// CHECK: %[[RSQRT2:.+]] = arith.constant 0.707106769 : f32
// CHECK: %[[S:.+]] = arith.mulf %{{.+}}, %[[RSQRT2]]
// CHECK: math.erf %[[S]]
// CHECK: linalg.generic
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: arith.constant 0.797884583 : f32
// CHECK: math.tanh
func.func @gelu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = xf.gelu %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = xf.gelu %x {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Identity is its operand.
// CHECK-LABEL: func.func @identity
// CHECK-NEXT: return %arg0 : tensor<?x8xf32>
func.func @identity(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = xf.identity %x : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Casts by source and destination kinds; to bool is "not zero".
// CHECK-LABEL: func.func @casts
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: arith.fptosi %{{.+}} : f32 to i64
// CHECK: arith.sitofp %{{.+}} : i64 to f32
// CHECK: arith.extsi %{{.+}} : i32 to i64
// CHECK: arith.trunci %{{.+}} : i64 to i32
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: arith.cmpf une, %{{.+}}, %[[ZERO]] : f32
// CHECK: arith.uitofp %{{.+}} : i1 to f32
func.func @casts(%f: tensor<4xf32>, %h: tensor<4xf16>, %i: tensor<4xi64>, %n: tensor<4xi32>, %b: tensor<4xi1>) -> (tensor<4xf16>, tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xf32>) {
  %0 = xf.cast %f : (tensor<4xf32>) -> tensor<4xf16>
  %1 = xf.cast %h : (tensor<4xf16>) -> tensor<4xf32>
  %2 = xf.cast %f : (tensor<4xf32>) -> tensor<4xi64>
  %3 = xf.cast %i : (tensor<4xi64>) -> tensor<4xf32>
  %4 = xf.cast %n : (tensor<4xi32>) -> tensor<4xi64>
  %5 = xf.cast %i : (tensor<4xi64>) -> tensor<4xi32>
  %6 = xf.cast %f : (tensor<4xf32>) -> tensor<4xi1>
  %7 = xf.cast %b : (tensor<4xi1>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xf16>, tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xf32>
}

// RUN: xfc-opt %s -split-input-file -verify-diagnostics --xf-convert-to-linalg | FileCheck %s

// Broadcasting: a static size-1 dimension is a constant index in the
// operand's map. Dynamic sizes that cannot be proven equal may be 1 at run
// time: the result takes the largest, and those operands are read at index
// 0 or the result's index, chosen at run time.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @broadcast
// CHECK: %[[D0:.+]] = tensor.dim %arg0, %{{.*}}
// CHECK: %[[D1:.+]] = tensor.dim %arg1, %{{.*}}
// CHECK: %[[MAX:.+]] = arith.maxui %[[D0]], %[[D1]]
// CHECK: %[[E:.+]] = tensor.empty(%[[MAX]]) : tensor<?x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg2 : tensor<1x8xf32>)
// CHECK: %[[ROW0:.+]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : index
// CHECK: tensor.extract %arg0[%[[ROW0]], %{{.*}}]
// CHECK: tensor.extract %arg1
// CHECK: arith.maximumf
// CHECK: arith.maximumf
func.func @broadcast(%a: tensor<?x8xf32>, %b: tensor<?x8xf32>, %c: tensor<1x8xf32>) -> tensor<?x8xf32> {
  %0 = xf.max %a, %b, %c : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<1x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Sizes that trace to one source are read through indexing maps.
// CHECK-LABEL: func.func @traced_equal
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic
// CHECK: math.tanh
// CHECK: linalg.generic
// CHECK: arith.addf
func.func @traced_equal(%a: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %t = xf.tanh %a : (tensor<?x8xf32>) -> tensor<?x8xf32>
  %0 = xf.add %a, %t : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Rows times a weight matrix: the leading dimensions fold into a
// linalg.matmul; equal batches use linalg.batch_matmul.
// CHECK-LABEL: func.func @matmuls
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<?x?x96xf32> into tensor<?x96xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %arg1 : tensor<?x96xf32>, tensor<96x32xf32>)
// CHECK: tensor.expand_shape %[[MM]] {{\[}}[0, 1], [2]]
// CHECK: tensor.collapse_shape %arg2 {{\[}}[0, 1], [2], [3]] : tensor<2x3x?x32xf32> into tensor<6x?x32xf32>
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<6x?x32xf32>, tensor<6x32x?xf32>)
func.func @matmuls(%x: tensor<?x?x96xf32>, %w: tensor<96x32xf32>, %q: tensor<2x3x?x32xf32>, %k: tensor<2x3x32x?xf32>) -> (tensor<?x?x32xf32>, tensor<2x3x?x?xf32>) {
  %0 = xf.matmul %x, %w : (tensor<?x?x96xf32>, tensor<96x32xf32>) -> tensor<?x?x32xf32>
  %1 = xf.matmul %q, %k : (tensor<2x3x?x32xf32>, tensor<2x3x32x?xf32>) -> tensor<2x3x?x?xf32>
  return %0, %1 : tensor<?x?x32xf32>, tensor<2x3x?x?xf32>
}

// -----

// Weights stay resource blobs.
// CHECK-LABEL: func.func @constants
// CHECK: arith.constant dense_resource<w> : tensor<2xf32>
func.func @constants() -> tensor<2xf32> {
  %0 = xf.constant dense_resource<w> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// An op without a lowering is reported at its location: Einsum has none.
func.func @unlowered_einsum(%a: tensor<8x96xf32>, %b: tensor<96x32xf32>) -> tensor<8x32xf32> {
  // expected-error @+1 {{failed to legalize operation 'xf.einsum'}}
  %0 = xf.einsum %a, %b {equation = "ij,jk->ik"} : (tensor<8x96xf32>, tensor<96x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}

// -----

// Unsigned tensors become signless, model inputs and outputs included; the
// ops read signedness from their xf types.
// CHECK-LABEL: func.func @unsigned_elementwise
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> (tensor<4xf32>, tensor<4xi1>, tensor<4xi8>)
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.cmpi ult
// CHECK: arith.divui
func.func @unsigned_elementwise(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xf32>, tensor<4xi1>, tensor<4xui8>) {
  %0 = xf.cast %a : (tensor<4xui8>) -> tensor<4xf32>
  %1 = xf.less %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %2 = xf.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xi1>, tensor<4xui8>
}

// -----

// DynamicQuantizeLinear: the range (from 0, so including it) in two
// reductions, over the rows into a min and max per column (parallel over
// columns) and over those into 0-d tensors; the scale and zero point in a
// generic of one iteration (a loop, which a device runs); then the data
// quantized with them: tensors throughout, nothing extracted to the host.
// CHECK-DAG: #[[ALL:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COLUMN:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[TOSCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-DAG: #[[WHOLE:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @dynamic_quantize
// CHECK-SAME: -> (tensor<?x8xi8>, tensor<f32>, tensor<i8>)
// CHECK-NOT: tensor.extract
// CHECK: %[[COLS:.+]]:2 = linalg.generic {indexing_maps = [#[[ALL]], #[[COLUMN]], #[[COLUMN]]], iterator_types = ["reduction", "parallel"]} ins(%arg0 : tensor<?x8xf32>) outs({{.*}} : tensor<8xf32>, tensor<8xf32>)
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: %[[RANGE:.+]]:2 = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[TOSCALAR]], #[[TOSCALAR]]], iterator_types = ["reduction"]} ins(%[[COLS]]#0, %[[COLS]]#1
// CHECK: %[[PARAMS:.+]]:3 = linalg.generic {indexing_maps = [#[[TOSCALAR]], #[[TOSCALAR]], #[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel"]} ins(%[[RANGE]]#0, %[[RANGE]]#1
// CHECK: %[[SCALE:.+]] = arith.select
// CHECK: %[[ZP:.+]] = math.roundeven
// CHECK: arith.fptoui %[[ZP]] : f32 to i8
// CHECK: %[[S:.+]] = tensor.collapse_shape %[[PARAMS]]#0 [] : tensor<1xf32> into tensor<f32>
// CHECK: %[[ZF:.+]] = tensor.collapse_shape %[[PARAMS]]#1 []
// CHECK: %[[Z:.+]] = tensor.collapse_shape %[[PARAMS]]#2 [] : tensor<1xi8> into tensor<i8>
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[ALL]], #[[WHOLE]], #[[WHOLE]], #[[ALL]]], {{.*}} ins(%arg0, %[[S]], %[[ZF]]
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.addf
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: return %[[Y]], %[[S]], %[[Z]]
func.func @dynamic_quantize(%x: tensor<?x8xf32>) -> (tensor<?x8xui8>, tensor<f32>, tensor<ui8>) {
  %y, %s, %z = xf.dynamic_quantize_linear %x : (tensor<?x8xf32>) -> (tensor<?x8xui8>, tensor<f32>, tensor<ui8>)
  return %y, %s, %z : tensor<?x8xui8>, tensor<f32>, tensor<ui8>
}

// -----

// QuantizeLinear saturates to the result type's range.
// CHECK-LABEL: func.func @quantize_signed
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @quantize_signed(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4x8xi8> {
  %0 = xf.quantize_linear %x, %s, %z : (tensor<4x8xf32>, tensor<f32>, tensor<i8>) -> tensor<4x8xi8>
  return %0 : tensor<4x8xi8>
}

// -----

// MatMulInteger: each operand less its zero point (per row of the left
// one here), widened to i32 by its signedness, then an i32 matmul.
// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[ONE:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @matmul_integer
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[ROWS]], #{{.+}}]
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[ONE]], #{{.+}}]
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x8xi32>, tensor<8x2xi32>)
func.func @matmul_integer(%a: tensor<?x8xui8>, %b: tensor<8x2xi8>, %za: tensor<?xui8>, %zb: tensor<i8>) -> tensor<?x2xi32> {
  %0 = xf.matmul_integer %a, %b, %za, %zb : (tensor<?x8xui8>, tensor<8x2xi8>, tensor<?xui8>, tensor<i8>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

// Indices from an input are checked against ONNX's range [-n, n) before
// the gather reads: their smallest and largest, found in one reduction,
// feed an xf.run_check that names the node. Constant indices need none.
// CHECK-LABEL: func.func @gather_checks_indices
// CHECK:       %[[N:.+]] = tensor.dim %arg0, %c0
// CHECK:       %[[BOUNDS:.+]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK:         arith.minsi
// CHECK:         arith.maxsi
// CHECK:       xf.run_check %{{.+}}, "node 'embed' (Gather): index %lld is out of range for axis 0 of size %lld (valid indices: -size to size-1)"
// CHECK:       linalg.generic
// CHECK-NOT:   xf.run_check
// CHECK:       return
func.func @gather_checks_indices(%table: tensor<?x8xf32>, %ids: tensor<?x?xi64>) -> (tensor<?x?x8xf32>, tensor<2x8xf32>) {
  %0 = xf.gather %table, %ids : (tensor<?x8xf32>, tensor<?x?xi64>) -> tensor<?x?x8xf32> loc(#node)
  %c = xf.constant dense<[1, -1]> : tensor<2xi64>
  %1 = xf.gather %table, %c : (tensor<?x8xf32>, tensor<2xi64>) -> tensor<2x8xf32>
  return %0, %1 : tensor<?x?x8xf32>, tensor<2x8xf32>
}
#node = loc("embed"("Gather"("m.onnx":0:0)))

// -----

// A shape computed at run time must fit the data: each entry >= -1, at
// most one -1, inferable without dividing by zero, and otherwise as many
// elements as the input.
// CHECK-LABEL: func.func @reshape_checks_shape
// CHECK:       xf.run_check {{.*}} "node 'r' (Reshape): the shape's entry for dimension 0 is %lld; only -1 (inferred) may be negative"
// CHECK:       xf.run_check {{.*}} "node 'r' (Reshape): the shape's entry for dimension 1 is %lld; only -1 (inferred) may be negative"
// CHECK:       xf.run_check {{.*}} "node 'r' (Reshape): the shape has %lld entries of -1; at most one may be inferred"
// CHECK:       %[[DIVISOR:.+]] = arith.select %{{.+}}, %c1_i64, %{{.+}} : i64
// CHECK:       arith.remsi %{{.+}}, %[[DIVISOR]] : i64
// CHECK:       xf.run_check {{.*}} "node 'r' (Reshape): cannot infer the -1 entry: the input's %lld elements are not a whole multiple of the other entries' product %lld"
// CHECK:       xf.run_check {{.*}} "node 'r' (Reshape): the shape holds %lld elements, the input %lld"
// CHECK:       arith.divsi %{{.+}}, %[[DIVISOR]] : i64
func.func @reshape_checks_shape(%x: tensor<?x?xf32>, %shape: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = xf.reshape %x, %shape : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32> loc(#reshape)
  return %0 : tensor<?x?xf32>
}
#reshape = loc("r"("Reshape"("m.onnx":0:0)))

// -----

// A delta from the data must move: 0 would divide by zero (integers) or
// count without end; the division then uses a delta that cannot be 0.
// CHECK-LABEL: func.func @range_checks_delta
// CHECK:       %[[MOVES:.+]] = arith.cmpi ne, %[[DELTA:.+]], %c0_i64
// CHECK:       xf.run_check %[[MOVES]], "node 'r' (Range): the delta is 0 (or NaN)"
// CHECK:       %[[SAFE:.+]] = arith.select %[[MOVES]], %[[DELTA]], %c1_i64
// CHECK:       arith.ceildivsi %{{.+}}, %[[SAFE]]
func.func @range_checks_delta(%start: tensor<i64>, %limit: tensor<i64>, %delta: tensor<i64>) -> tensor<?xi64> {
  %0 = xf.range %start, %limit, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64> loc(#range)
  return %0 : tensor<?xi64>
}
#range = loc("r"("Range"("m.onnx":0:0)))

// -----

// f32 attention that reaches the conversion (neither target's kernel took
// it) is decomposed: products by K^T and V around a softmax, no loop nest.
// CHECK-LABEL: func.func @attention_decomposed
// CHECK-NOT: scf.for
// CHECK: linalg.batch_matmul
// CHECK: math.exp
// CHECK: linalg.batch_matmul
func.func @attention_decomposed(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %r = xf.attention %q, %k, %v {causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

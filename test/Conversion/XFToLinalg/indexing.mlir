// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s

// Concat inserts each operand into an empty result at the running offset
// along the axis.
// CHECK-LABEL: func.func @concat
// CHECK: %[[E:.+]] = tensor.empty(%{{.+}}) : tensor<2x?x128xf32>
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[FIRST:.+]] = tensor.insert_slice %arg0 into %[[E]][0, 0, %[[C0]]] [2, %{{.+}}, 96] [1, 1, 1] : tensor<2x?x96xf32> into tensor<2x?x128xf32>
// CHECK: %[[W:.+]] = tensor.dim %arg0, %{{.+}} : tensor<2x?x96xf32>
// CHECK: %[[OFFSET:.+]] = arith.addi %[[C0]], %[[W]] : index
// CHECK: %[[SECOND:.+]] = tensor.insert_slice %arg1 into %[[FIRST]][0, 0, %[[OFFSET]]] [2, %{{.+}}, 32] [1, 1, 1]
// CHECK: return %[[SECOND]]
func.func @concat(%a: tensor<2x?x96xf32>, %b: tensor<2x?x32xf32>) -> tensor<2x?x128xf32> {
  %0 = xf.concat %a, %b {axis = -1 : i64} : (tensor<2x?x96xf32>, tensor<2x?x32xf32>) -> tensor<2x?x128xf32>
  return %0 : tensor<2x?x128xf32>
}

// -----

// Split extracts consecutive slices along the axis.
// CHECK-LABEL: func.func @split
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[C32:.+]] = arith.constant 32 : index
// CHECK: %[[A:.+]] = tensor.extract_slice %arg0[0, 0, %[[C0]]] [2, %{{.+}}, %[[C32]]] [1, 1, 1]
// CHECK: %[[CA:.+]] = tensor.cast %[[A]] : tensor<2x?x?xf32> to tensor<2x?x32xf32>
// CHECK: %[[OFFSET:.+]] = arith.addi %[[C0]], %[[C32]] : index
// CHECK: %[[C64:.+]] = arith.constant 64 : index
// CHECK: %[[B:.+]] = tensor.extract_slice %arg0[0, 0, %[[OFFSET]]] [2, %{{.+}}, %[[C64]]] [1, 1, 1]
// CHECK: %[[CB:.+]] = tensor.cast %[[B]] : tensor<2x?x?xf32> to tensor<2x?x64xf32>
// CHECK: return %[[CA]], %[[CB]]
func.func @split(%x: tensor<2x?x96xf32>) -> (tensor<2x?x32xf32>, tensor<2x?x64xf32>) {
  %0:2 = xf.split %x {axis = 2 : i64, split = array<i64: 32, 64>} : (tensor<2x?x96xf32>) -> (tensor<2x?x32xf32>, tensor<2x?x64xf32>)
  return %0#0, %0#1 : tensor<2x?x32xf32>, tensor<2x?x64xf32>
}

// -----

// Slice: starts and ends, negative ones counted from the end, are clamped
// to [0, size]; the count is ceil((end - start) / step), and the step is
// the extract_slice's stride.
// CHECK-LABEL: func.func @slice_constant
// CHECK: %[[START:.+]] = arith.minsi
// CHECK: %[[END:.+]] = arith.minsi
// CHECK: %[[STEP:.+]] = arith.constant 2 : i64
// CHECK: %[[SPAN:.+]] = arith.subi %[[END]], %[[START]] : i64
// CHECK: %[[POS:.+]] = arith.maxsi %[[SPAN]], %c0_i64 : i64
// CHECK: %[[COUNT:.+]] = arith.ceildivsi %[[POS]], %[[STEP]] : i64
// CHECK: %[[OFF:.+]] = arith.index_cast %[[START]] : i64 to index
// CHECK: %[[SIZE:.+]] = arith.index_cast %[[COUNT]] : i64 to index
// CHECK: %[[S:.+]] = tensor.extract_slice %arg0[0, %[[OFF]]] [4, %[[SIZE]]] [1, 2] : tensor<4x16xf32> to tensor<4x?xf32>
// CHECK: tensor.cast %[[S]] : tensor<4x?xf32> to tensor<4x6xf32>
func.func @slice_constant(%x: tensor<4x16xf32>) -> tensor<4x6xf32> {
  %starts = xf.constant dense<[2]> : tensor<1xi64>
  %ends = xf.constant dense<[14]> : tensor<1xi64>
  %0 = xf.slice %x, %starts, %ends {axes = array<i64: 1>, steps = array<i64: 2>} : (tensor<4x16xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// Starts and ends from the data are read at run time.
// CHECK-LABEL: func.func @slice_dynamic
// CHECK: %[[START:.+]] = tensor.extract %arg1[%{{.+}}] : tensor<1xi64>
// CHECK: %[[IS_NEG:.+]] = arith.cmpi slt, %[[START]], %c0_i64 : i64
// CHECK: tensor.extract %arg2[%{{.+}}] : tensor<1xi64>
// CHECK: tensor.extract_slice %arg0[0, %{{.+}}] [4, %{{.+}}] [1, 1] : tensor<4x?xf32> to tensor<4x?xf32>
func.func @slice_dynamic(%x: tensor<4x?xf32>, %starts: tensor<1xi64>, %ends: tensor<1xi64>) -> tensor<4x?xf32> {
  %0 = xf.slice %x, %starts, %ends {axes = array<i64: 1>} : (tensor<4x?xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

// Shape: the sizes from `start` on, as i64, static ones as constants
// folded later.
// CHECK-LABEL: func.func @shape
// CHECK: %[[D1:.+]] = tensor.dim %arg0, %c1 : tensor<2x?x96xf32>
// CHECK: %[[I1:.+]] = arith.index_cast %[[D1]] : index to i64
// CHECK: %[[D2:.+]] = tensor.dim %arg0, %c2 : tensor<2x?x96xf32>
// CHECK: %[[I2:.+]] = arith.index_cast %[[D2]] : index to i64
// CHECK: tensor.from_elements %[[I1]], %[[I2]] : tensor<2xi64>
func.func @shape(%x: tensor<2x?x96xf32>) -> tensor<2xi64> {
  %0 = xf.shape %x {start = 1 : i64} : (tensor<2x?x96xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Expand broadcasts into the shape read from the operand (an entry of 1
// keeps the input's size): a copy whose input map reads index 0 of the
// size-1 dimension.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @expand
// CHECK: %[[S0:.+]] = tensor.extract %arg1[%c0] : tensor<3xi64>
// CHECK: %[[D0:.+]] = arith.index_cast %[[S0]] : i64 to index
// CHECK: %[[IS_ONE:.+]] = arith.cmpi eq, %[[S1:.+]], %{{.+}} : index
// CHECK: %[[D1:.+]] = arith.select %[[IS_ONE]], %{{.+}}, %[[S1]] : index
// CHECK: %[[E:.+]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?x96xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0 : tensor<1x96xf32>) outs(%[[E]] : tensor<?x?x96xf32>)
// CHECK-NEXT: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[X]] : f32
func.func @expand(%x: tensor<1x96xf32>, %shape: tensor<3xi64>) -> tensor<?x?x96xf32> {
  %0 = xf.expand %x, %shape : (tensor<1x96xf32>, tensor<3xi64>) -> tensor<?x?x96xf32>
  return %0 : tensor<?x?x96xf32>
}

// -----

// ConstantOfShape: an empty tensor of the read sizes filled with the value.
// CHECK-LABEL: func.func @constant_of_shape
// CHECK: %[[D0:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[D1:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[E:.+]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xf32>
// CHECK: %[[V:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: linalg.fill ins(%[[V]] : f32) outs(%[[E]] : tensor<?x?xf32>)
func.func @constant_of_shape(%shape: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = xf.constant_of_shape %shape {value = dense<0.5> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Range: max(ceil((limit - start) / delta), 0) elements, each
// start + index * delta.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @range_float
// CHECK: %[[START:.+]] = tensor.extract %arg0[] : tensor<f32>
// CHECK: %[[DELTA:.+]] = tensor.extract %arg2[] : tensor<f32>
// CHECK: %[[LIMIT:.+]] = tensor.extract %arg1[] : tensor<f32>
// CHECK: xf.run_check
// CHECK: %[[SPAN:.+]] = arith.subf %[[LIMIT]], %[[START]] : f32
// CHECK: %[[Q:.+]] = arith.divf %[[SPAN]], %[[DELTA]] : f32
// CHECK: %[[CEIL:.+]] = math.ceil %[[Q]] : f32
// CHECK: %[[N:.+]] = arith.fptosi %[[CEIL]] : f32 to i64
// CHECK: %[[POS:.+]] = arith.maxsi %[[N]], %{{.+}} : i64
// CHECK: %[[SIZE:.+]] = arith.index_cast %[[POS]] : i64 to index
// CHECK: %[[E:.+]] = tensor.empty(%[[SIZE]]) : tensor<?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]]], iterator_types = ["parallel"]} outs(%[[E]] : tensor<?xf32>)
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: %[[IF:.+]] = arith.uitofp %{{.+}} : i64 to f32
// CHECK: %[[STEP:.+]] = arith.mulf %[[IF]], %[[DELTA]] : f32
// CHECK: arith.addf %[[START]], %[[STEP]] : f32
func.func @range_float(%start: tensor<f32>, %limit: tensor<f32>, %delta: tensor<f32>) -> tensor<?xf32> {
  %0 = xf.range %start, %limit, %delta : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Trilu keeps the elements on the chosen side of diagonal k (column - row
// <= k for the lower triangle, >= k for the upper) and zeroes the rest;
// k defaults to 0.
// CHECK-LABEL: func.func @trilu
// CHECK: %[[K:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: linalg.generic
// CHECK: %[[ROW:.+]] = linalg.index 0 : index
// CHECK: %[[COL:.+]] = linalg.index 1 : index
// CHECK: %[[DIAG:.+]] = arith.subi %[[COL]], %[[ROW]] : index
// CHECK: %[[KEEP:.+]] = arith.cmpi sle, %[[DIAG]], %[[K]] : index
// CHECK: arith.select %[[KEEP]], %{{.+}}, %{{.+}} : f32
// CHECK: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK: linalg.generic
// CHECK: %[[DIAG2:.+]] = arith.subi
// CHECK: arith.cmpi sge, %[[DIAG2]], %[[ZERO]] : index
func.func @trilu(%m: tensor<4x4xf32>, %k: tensor<i64>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %0 = xf.trilu %m, %k {upper = false} : (tensor<4x4xf32>, tensor<i64>) -> tensor<4x4xf32>
  %1 = xf.trilu %m : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0, %1 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Gather: one loop over the indices and the gathered slice, each element
// read with tensor.extract at the index (negative ones counted from the
// end); constant indices need no run-time check.
// CHECK-DAG: #[[IDS:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gather_constant
// CHECK-NOT: xf.run_check
// CHECK: %[[N:.+]] = tensor.dim %arg0, %c0{{.*}} : tensor<384x96xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IDS]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: ^bb0(%[[IDX:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[I:.+]] = arith.index_cast %[[IDX]] : i64 to index
// CHECK: %[[WRAPPED:.+]] = arith.addi %[[I]], %[[N]] : index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[I]], %{{.+}} : index
// CHECK: %[[ROW:.+]] = arith.select %[[NEG]], %[[WRAPPED]], %[[I]] : index
// CHECK: %[[SAFE:.+]] = arith.minsi
// CHECK: %[[COL:.+]] = linalg.index 1 : index
// CHECK: tensor.extract %arg0[%[[SAFE]], %[[COL]]] : tensor<384x96xf32>
func.func @gather_constant(%table: tensor<384x96xf32>) -> tensor<2x96xf32> {
  %ids = xf.constant dense<[3, -1]> : tensor<2xi64>
  %0 = xf.gather %table, %ids : (tensor<384x96xf32>, tensor<2xi64>) -> tensor<2x96xf32>
  return %0 : tensor<2x96xf32>
}

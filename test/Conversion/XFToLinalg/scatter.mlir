// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s --check-prefixes=CHECK,GENERIC
// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg{copy-slices}))' | FileCheck %s --check-prefixes=CHECK,COPY

// GatherElements: a loop over the indices' shape that reads the data at the
// same position, except along the axis, where it reads the index.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gather_elements
// CHECK: %[[N:.+]] = tensor.dim %arg0, %c1 : tensor<4x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg1 : tensor<4x3xi64>)
// CHECK: ^bb0(%[[IDX:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[ROW:.+]] = linalg.index 0 : index
// CHECK: %[[I:.+]] = arith.index_cast %[[IDX]] : i64 to index
// CHECK: %[[WRAPPED:.+]] = arith.addi %[[I]], %[[N]] : index
// CHECK: %[[COL:.+]] = arith.minsi
// CHECK: tensor.extract %arg0[%[[ROW]], %[[COL]]] : tensor<4x8xf32>
func.func @gather_elements(%x: tensor<4x8xf32>, %idx: tensor<4x3xi64>) -> tensor<4x3xf32> {
  %0 = xf.gather_elements %x, %idx {axis = 1 : i64} : (tensor<4x8xf32>, tensor<4x3xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// GatherND: each index tuple (a row of the indices) addresses one element.
// CHECK-LABEL: func.func @gather_nd
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]} outs(%{{.+}} : tensor<3xf32>)
// CHECK: %[[T:.+]] = linalg.index 0 : index
// CHECK: tensor.extract %arg1[%[[T]], %{{.+}}] : tensor<3x2xi64>
// CHECK: %[[I0:.+]] = arith.minsi
// CHECK: tensor.extract %arg1[%[[T]], %{{.+}}] : tensor<3x2xi64>
// CHECK: %[[I1:.+]] = arith.minsi
// CHECK: tensor.extract %arg0[%[[I0]], %[[I1]]] : tensor<4x8xf32>
func.func @gather_nd(%x: tensor<4x8xf32>, %tuples: tensor<3x2xi64>) -> tensor<3xf32> {
  %0 = xf.gather_nd %x, %tuples : (tensor<4x8xf32>, tensor<3x2xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// GatherND of whole slices (a [16, 8] expert matrix per index tuple): the
// indices, from the data, are checked first; then, with copy-slices (the
// CPU's choice), each slice is one contiguous copy into the result, else
// (a GPU) every element is gathered by a generic.
// CHECK-LABEL: func.func @gather_nd_slices
// CHECK: xf.run_check {{.*}} "xf.gather_nd: index %lld is out of range for axis 0 of size %lld
// COPY: scf.for %[[T:.+]] = {{.*}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (tensor<?x16x8xf32>)
// COPY: %[[E:.+]] = arith.minsi
// COPY: %[[SLICE:.+]] = tensor.extract_slice %arg0[%[[E]], 0, 0] [1, 16, 8] [1, 1, 1] : tensor<4x16x8xf32> to tensor<16x8xf32>
// COPY: tensor.insert_slice %[[SLICE]] into %[[ACC]][%[[T]], 0, 0] [1, 16, 8] [1, 1, 1] : tensor<16x8xf32> into tensor<?x16x8xf32>
// GENERIC: linalg.generic {{.*}} outs(%{{.+}} : tensor<?x16x8xf32>)
// GENERIC: tensor.extract %arg0
func.func @gather_nd_slices(%w: tensor<4x16x8xf32>, %experts: tensor<?x1xi64>) -> tensor<?x16x8xf32> {
  %0 = xf.gather_nd %w, %experts : (tensor<4x16x8xf32>, tensor<?x1xi64>) -> tensor<?x16x8xf32>
  return %0 : tensor<?x16x8xf32>
}

// -----

// ScatterND: a loop over the updates, in order, that inserts each into the
// data carried through the loop; with reduction = "add" it adds to the
// element there.
// CHECK-LABEL: func.func @scatter_nd
// CHECK: %[[N:.+]] = tensor.dim %arg1, %c0 : tensor<3x2xi64>
// CHECK: %[[REPLACED:.+]] = scf.for %[[K:.+]] = %{{.+}} to %[[N]] step %{{.+}} iter_args(%[[DATA:.+]] = %arg0) -> (tensor<4x8xf32>)
// CHECK: %[[I0:.+]] = arith.minsi
// CHECK: %[[I1:.+]] = arith.minsi
// CHECK: %[[U:.+]] = tensor.extract %arg2[%[[K]]] : tensor<3xf32>
// CHECK-NOT: arith.addf
// CHECK: %[[NEW:.+]] = tensor.insert %[[U]] into %[[DATA]][%[[I0]], %[[I1]]] : tensor<4x8xf32>
// CHECK-NEXT: scf.yield %[[NEW]]
// CHECK: %[[ADDED:.+]] = scf.for %[[K2:.+]] = {{.*}} iter_args(%[[DATA2:.+]] = %arg0) -> (tensor<4x8xf32>)
// CHECK: %[[U2:.+]] = tensor.extract %arg2[%[[K2]]] : tensor<3xf32>
// CHECK: %[[OLD:.+]] = tensor.extract %[[DATA2]][%[[J0:.+]], %[[J1:.+]]] : tensor<4x8xf32>
// CHECK: %[[SUM:.+]] = arith.addf %[[OLD]], %[[U2]] : f32
// CHECK: tensor.insert %[[SUM]] into %[[DATA2]][%[[J0]], %[[J1]]]
// CHECK: return %[[REPLACED]], %[[ADDED]]
func.func @scatter_nd(%x: tensor<4x8xf32>, %tuples: tensor<3x2xi64>, %updates: tensor<3xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = xf.scatter_nd %x, %tuples, %updates : (tensor<4x8xf32>, tensor<3x2xi64>, tensor<3xf32>) -> tensor<4x8xf32>
  %1 = xf.scatter_nd %x, %tuples, %updates {reduction = "add"} : (tensor<4x8xf32>, tensor<3x2xi64>, tensor<3xf32>) -> tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// NonZero: one loop nest counts the nonzero elements (the result's size),
// a second writes each one's coordinates into the next column.
// CHECK-LABEL: func.func @nonzero
// CHECK: %[[COUNT:.+]] = scf.for {{.*}} -> (index)
// CHECK: scf.for {{.*}} -> (index)
// CHECK: %[[NZ:.+]] = arith.cmpf une, %{{.+}}, %{{.+}} : f32
// CHECK: arith.index_castui %[[NZ]] : i1 to index
// CHECK: %[[E:.+]] = tensor.empty(%[[COUNT]]) : tensor<2x?xi64>
// CHECK: scf.for {{.*}} iter_args(%{{.+}} = %[[E]], %{{.+}} = %{{.+}}) -> (tensor<2x?xi64>, index)
// CHECK: scf.for {{.*}} -> (tensor<2x?xi64>, index)
// CHECK: %[[NZ2:.+]] = arith.cmpf une
// CHECK: scf.if %[[NZ2]] -> (tensor<2x?xi64>, index)
// CHECK: tensor.insert
// CHECK: tensor.insert
func.func @nonzero(%m: tensor<4x4xf32>) -> tensor<2x?xi64> {
  %0 = xf.nonzero %m : (tensor<4x4xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// -----

// TopK: a rank per element (how many elements beat it, ties broken by
// the lower index) in a reduction over the axis, then a second reduction
// that picks the elements of rank 0..k-1 and their indices.
// CHECK-DAG: #[[SELF:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[OTHER:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @topk
// CHECK: %[[RANK:.+]] = linalg.generic {indexing_maps = [#[[SELF]], #[[OTHER]], #[[SELF]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %arg0 : tensor<2x?x96xf32>, tensor<2x?x96xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %[[R:.+]]: i64):
// CHECK: %[[I:.+]] = linalg.index 2 : index
// CHECK: %[[J:.+]] = linalg.index 3 : index
// CHECK: %[[GREATER:.+]] = arith.cmpf ogt, %[[Y]], %[[X]] : f32
// CHECK: %[[EQUAL:.+]] = arith.cmpf oeq, %[[Y]], %[[X]] : f32
// CHECK: %[[BEFORE:.+]] = arith.cmpi ult, %[[J]], %[[I]] : index
// CHECK: %[[TIE:.+]] = arith.andi %[[EQUAL]], %[[BEFORE]] : i1
// CHECK: %[[BEATS:.+]] = arith.ori %[[GREATER]], %[[TIE]] : i1
// CHECK: %[[ONE:.+]] = arith.extui %[[BEATS]] : i1 to i64
// CHECK: arith.addi %[[R]], %[[ONE]] : i64
// CHECK: linalg.generic {indexing_maps = [#[[OTHER]], #[[OTHER]], #[[SELF]], #[[SELF]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %[[RANK]] : tensor<2x?x96xf32>, tensor<2x?x96xi64>) outs(%{{.+}}, %{{.+}} : tensor<2x?x2xf32>, tensor<2x?x2xi64>)
// CHECK: %[[SLOT:.+]] = arith.index_cast %{{.+}} : index to i64
// CHECK: %[[SRC:.+]] = arith.index_cast %{{.+}} : index to i64
// CHECK: %[[HIT:.+]] = arith.cmpi eq, %{{.+}}, %[[SLOT]] : i64
// CHECK: arith.select %[[HIT]], %{{.+}}, %{{.+}} : f32
// CHECK: arith.select %[[HIT]], %[[SRC]], %{{.+}} : i64
func.func @topk(%x: tensor<2x?x96xf32>) -> (tensor<2x?x2xf32>, tensor<2x?x2xi64>) {
  %0:2 = xf.topk %x {k = 2 : i64} : (tensor<2x?x96xf32>) -> (tensor<2x?x2xf32>, tensor<2x?x2xi64>)
  return %0#0, %0#1 : tensor<2x?x2xf32>, tensor<2x?x2xi64>
}

// -----

// Gather along the first axis of whole rows (an embedding table): with
// copy-slices, one row copied per index after the indices are checked.
// CHECK-LABEL: func.func @gather_rows
// CHECK: xf.run_check {{.*}} "xf.gather: index %lld is out of range for axis 0 of size %lld
// COPY: scf.for {{.*}} -> (tensor<?x?x32xf32>)
// COPY: scf.for {{.*}} -> (tensor<?x?x32xf32>)
// COPY: tensor.extract_slice %arg0[%{{.+}}, 0] [1, 32] [1, 1] : tensor<100x32xf32> to tensor<32xf32>
// COPY: tensor.insert_slice
// GENERIC: linalg.generic
func.func @gather_rows(%table: tensor<100x32xf32>, %ids: tensor<?x?xi64>) -> tensor<?x?x32xf32> {
  %0 = xf.gather %table, %ids : (tensor<100x32xf32>, tensor<?x?xi64>) -> tensor<?x?x32xf32>
  return %0 : tensor<?x?x32xf32>
}

// -----

// CumSum: loops over the other dimensions, then along the axis, carrying
// the running sum, which restarts at the axis' first element; exclusive
// writes the sum before adding, reverse walks the axis from its end.
// CHECK-LABEL: func.func @cumsum_exclusive_reverse
// CHECK: %[[E:.+]] = tensor.empty(%{{.+}}) : tensor<?x3xi64>
// CHECK: scf.for {{.*}} iter_args(%{{.+}} = %[[E]], %{{.+}} = %{{.+}}) -> (tensor<?x3xi64>, i64)
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %[[N:.+]] step %{{.+}} iter_args(%[[OUT:.+]] = %{{.+}}, %[[TOTAL:.+]] = %{{.+}})
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[I]], %{{.+}} : index
// CHECK: %[[BEFORE:.+]] = arith.select %[[FIRST]], %{{.+}}, %[[TOTAL]] : i64
// CHECK: %[[LAST:.+]] = arith.subi %[[N]], %{{.+}} : index
// CHECK: %[[AT:.+]] = arith.subi %[[LAST]], %[[I]] : index
// CHECK: %[[V:.+]] = tensor.extract %arg0[%[[AT]], %{{.+}}]
// CHECK: %[[AFTER:.+]] = arith.addi %[[BEFORE]], %[[V]] : i64
// CHECK: %[[W:.+]] = tensor.insert %[[BEFORE]] into %[[OUT]][%[[AT]], %{{.+}}]
// CHECK: scf.yield %[[W]], %[[AFTER]]
func.func @cumsum_exclusive_reverse(%x: tensor<?x3xi64>) -> tensor<?x3xi64> {
  %0 = xf.cumsum %x {axis = 0 : i64, exclusive = true, reverse = true} : (tensor<?x3xi64>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

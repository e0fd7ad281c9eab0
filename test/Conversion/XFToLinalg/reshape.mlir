// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xf-convert-to-linalg))' | FileCheck %s

// Reshape flattens the data and expands it to the new shape, whose sizes
// (0 copies the input's, -1 is inferred) come from the shape operand.
// CHECK-LABEL: func.func @reshape_constant
// CHECK: xf.run_check
// CHECK: %[[INFERRED:.+]] = arith.divsi
// CHECK: arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[IS_INFERRED:.+]] = arith.cmpi eq, %{{.+}}, %c-1_i64 : i64
// CHECK-NEXT: %[[D1:.+]] = arith.select %[[IS_INFERRED]], %[[INFERRED]], %{{.+}} : i64
// CHECK-NEXT: %[[D1_INDEX:.+]] = arith.index_cast %[[D1]] : i64 to index
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1, 2]] : tensor<2x?x96xf32> into tensor<?xf32>
// CHECK-NEXT: %[[OUT:.+]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1, 2, 3]] output_shape [2, %[[D1_INDEX]], 4, 24] : tensor<?xf32> into tensor<2x?x4x24xf32>
// CHECK-NEXT: return %[[OUT]]
func.func @reshape_constant(%x: tensor<2x?x96xf32>) -> tensor<2x?x4x24xf32> {
  %s = xf.constant dense<[2, -1, 4, 24]> : tensor<4xi64>
  %0 = xf.reshape %x, %s : (tensor<2x?x96xf32>, tensor<4xi64>) -> tensor<2x?x4x24xf32>
  return %0 : tensor<2x?x4x24xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_merge
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1, 2, 3]] : tensor<2x?x4x24xf32> into tensor<?xf32>
// CHECK-NEXT: tensor.expand_shape %[[FLAT]] {{\[}}[0, 1, 2]] output_shape [2, %{{.+}}, 96] : tensor<?xf32> into tensor<2x?x96xf32>
func.func @reshape_merge(%x: tensor<2x?x4x24xf32>) -> tensor<2x?x96xf32> {
  %s = xf.constant dense<[2, -1, 96]> : tensor<3xi64>
  %0 = xf.reshape %x, %s : (tensor<2x?x4x24xf32>, tensor<3xi64>) -> tensor<2x?x96xf32>
  return %0 : tensor<2x?x96xf32>
}

// -----

// Static shapes need no run-time sizes in the result.
// CHECK-LABEL: func.func @reshape_static
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1]] : tensor<6x4xf32> into tensor<24xf32>
// CHECK-NEXT: tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
func.func @reshape_static(%x: tensor<6x4xf32>) -> tensor<4x6xf32> {
  %s = xf.constant dense<[4, 6]> : tensor<2xi64>
  %0 = xf.reshape %x, %s : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// Flatten at axis 2: the leading dimensions' product is the rows.
// CHECK-LABEL: func.func @flatten
// CHECK: %[[D0:.+]] = tensor.dim %arg0, %c0
// CHECK: %[[P0:.+]] = arith.muli %{{.+}}, %[[D0]] : index
// CHECK: %[[D1:.+]] = tensor.dim %arg0, %c1
// CHECK: %[[ROWS:.+]] = arith.muli %[[P0]], %[[D1]] : index
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1, 2]] : tensor<2x?x96xf32> into tensor<?xf32>
// CHECK-NEXT: tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [%[[ROWS]], 96] : tensor<?xf32> into tensor<?x96xf32>
func.func @flatten(%x: tensor<2x?x96xf32>) -> tensor<?x96xf32> {
  %0 = xf.flatten %x {axis = 2 : i64} : (tensor<2x?x96xf32>) -> tensor<?x96xf32>
  return %0 : tensor<?x96xf32>
}

// -----

// Unsqueeze adds unit dimensions with expand_shape, squeeze drops them
// with collapse_shape; neither moves data.
// CHECK-LABEL: func.func @squeeze_unsqueeze
// CHECK: %[[D1:.+]] = tensor.dim %arg0, %c1
// CHECK: %[[UP:.+]] = tensor.expand_shape %arg0 {{\[}}[0, 1], [2], [3, 4]] output_shape [1, 2, %[[D1]], 96, 1] : tensor<2x?x96xf32> into tensor<1x2x?x96x1xf32>
// CHECK-NEXT: %[[DOWN:.+]] = tensor.collapse_shape %[[UP]] {{\[}}[0, 1], [2], [3, 4]] : tensor<1x2x?x96x1xf32> into tensor<2x?x96xf32>
// CHECK-NEXT: return %[[UP]], %[[DOWN]]
func.func @squeeze_unsqueeze(%x: tensor<2x?x96xf32>) -> (tensor<1x2x?x96x1xf32>, tensor<2x?x96xf32>) {
  %0 = xf.unsqueeze %x {axes = array<i64: 0, -1>} : (tensor<2x?x96xf32>) -> tensor<1x2x?x96x1xf32>
  %1 = xf.squeeze %0 {axes = array<i64: 0, 4>} : (tensor<1x2x?x96x1xf32>) -> tensor<2x?x96xf32>
  return %0, %1 : tensor<1x2x?x96x1xf32>, tensor<2x?x96xf32>
}

// A product by a constant weight of rank 3: not a dense layer xf.linear
// takes (its weight is a matrix).
func.func @main(%x: tensor<2x4x8xf32>) -> tensor<2x4x3xf32> {
  %w = xf.constant dense<0.5> : tensor<2x8x3xf32>
  %y = xf.matmul %x, %w : (tensor<2x4x8xf32>, tensor<2x8x3xf32>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

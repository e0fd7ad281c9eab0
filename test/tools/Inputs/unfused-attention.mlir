func.func @main(%q: tensor<1x4x7x64xf32>, %kt: tensor<1x4x64x7xf32>, %v: tensor<1x4x7x64xf32>, %x: tensor<f32>) -> tensor<1x4x7x64xf32> {
  %s = xf.matmul %q, %kt : (tensor<1x4x7x64xf32>, tensor<1x4x64x7xf32>) -> tensor<1x4x7x7xf32>
  %m = xf.mul %s, %x : (tensor<1x4x7x7xf32>, tensor<f32>) -> tensor<1x4x7x7xf32>
  %p = xf.softmax %m : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %o = xf.matmul %p, %v : (tensor<1x4x7x7xf32>, tensor<1x4x7x64xf32>) -> tensor<1x4x7x64xf32>
  return %o : tensor<1x4x7x64xf32>
}

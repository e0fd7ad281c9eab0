// The head split of a GPT-2 attention layer as the TorchScript exporter
// writes it (hidden 96, 3 heads, sequence 16, batch 2): the Q/K/V
// projection, a Split, and for each of Q, K, V the shape arithmetic
// Shape -> Gather -> Unsqueeze -> Concat that feeds Reshape, then Transpose
// to [batch, heads, sequence, head size]. `xfc --emit=xf` folds the shape
// arithmetic into constants.
func.func @main(%x: tensor<2x16x96xf32>, %w: tensor<96x288xf32>, %b: tensor<288xf32>)
    -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %mm = xf.matmul %x, %w : (tensor<2x16x96xf32>, tensor<96x288xf32>) -> tensor<?x?x?xf32>
  %qkv = xf.add %mm, %b : (tensor<?x?x?xf32>, tensor<288xf32>) -> tensor<?x?x?xf32>
  %q, %k, %v = xf.split %qkv {axis = 2 : i64, split = array<i64: 96, 96, 96>}
      : (tensor<?x?x?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>)

  %sq = xf.shape %q : (tensor<?x?x?xf32>) -> tensor<3xi64>
  %c0 = xf.constant dense<0> : tensor<i64>
  %c1 = xf.constant dense<1> : tensor<i64>
  %bq = xf.gather %sq, %c0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %tq = xf.gather %sq, %c1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %ubq = xf.unsqueeze %bq {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %utq = xf.unsqueeze %tq {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %heads = xf.constant dense<[3, 32]> : tensor<2xi64>
  %shq = xf.concat %ubq, %utq, %heads {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %rq = xf.reshape %q, %shq : (tensor<?x?x?xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %hq = xf.transpose %rq {perm = array<i64: 0, 2, 1, 3>} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

  %sk = xf.shape %k : (tensor<?x?x?xf32>) -> tensor<3xi64>
  %bk = xf.gather %sk, %c0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %tk = xf.gather %sk, %c1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %ubk = xf.unsqueeze %bk {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %utk = xf.unsqueeze %tk {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %shk = xf.concat %ubk, %utk, %heads {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %rk = xf.reshape %k, %shk : (tensor<?x?x?xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %hk = xf.transpose %rk {perm = array<i64: 0, 2, 3, 1>} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

  %sv = xf.shape %v : (tensor<?x?x?xf32>) -> tensor<3xi64>
  %bv = xf.gather %sv, %c0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %tv = xf.gather %sv, %c1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %ubv = xf.unsqueeze %bv {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %utv = xf.unsqueeze %tv {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %shv = xf.concat %ubv, %utv, %heads {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %rv = xf.reshape %v, %shv : (tensor<?x?x?xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %hv = xf.transpose %rv {perm = array<i64: 0, 2, 1, 3>} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

  return %hq, %hk, %hv : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

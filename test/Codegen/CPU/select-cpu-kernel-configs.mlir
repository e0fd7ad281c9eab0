// RUN: xfc-opt %s --xf-select-cpu-kernel-configs | FileCheck %s

// Products by shape class. Every product xf-vectorize-contractions blocks
// gets 8x32 register blocks; the rows left over go through 1x128 blocks
// where 128 divides the columns (768, and a one-token GEMV of 4096), else
// through 1x32 ones (80 columns, dynamic columns, a small odd product).
// i32 products are blocked too. A configuration given already is kept.
// CHECK-LABEL: func.func @products
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128]>} {{.*}} -> tensor<?x768xf32>
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128]>} {{.*}} -> tensor<1x4096xf32>
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 32]>} {{.*}} -> tensor<?x80xf32>
// CHECK: linalg.batch_matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 32]>} {{.*}} -> tensor<?x?x?xf32>
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 32]>} {{.*}} -> tensor<5x7xf32>
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128]>} {{.*}} -> tensor<16x256xi32>
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [4, 16, 48]>} {{.*}} -> tensor<?x768xf32>
func.func @products(%a: tensor<?x64xf32>, %b: tensor<64x768xf32>, %c: tensor<?x768xf32>,
                    %v: tensor<1x1024xf32>, %w: tensor<1024x4096xf32>, %o: tensor<1x4096xf32>,
                    %b80: tensor<64x80xf32>, %c80: tensor<?x80xf32>,
                    %ba: tensor<?x?x64xf32>, %bb: tensor<?x64x?xf32>, %bc: tensor<?x?x?xf32>,
                    %sa: tensor<5x3xf32>, %sb: tensor<3x7xf32>, %sc: tensor<5x7xf32>,
                    %ia: tensor<16x8xi32>, %ib: tensor<8x256xi32>, %ic: tensor<16x256xi32>)
    -> (tensor<?x768xf32>, tensor<1x4096xf32>, tensor<?x80xf32>, tensor<?x?x?xf32>, tensor<5x7xf32>, tensor<16x256xi32>, tensor<?x768xf32>) {
  %0 = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x768xf32>) outs(%c : tensor<?x768xf32>) -> tensor<?x768xf32>
  %1 = linalg.matmul ins(%v, %w : tensor<1x1024xf32>, tensor<1024x4096xf32>) outs(%o : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  %2 = linalg.matmul ins(%a, %b80 : tensor<?x64xf32>, tensor<64x80xf32>) outs(%c80 : tensor<?x80xf32>) -> tensor<?x80xf32>
  %3 = linalg.batch_matmul ins(%ba, %bb : tensor<?x?x64xf32>, tensor<?x64x?xf32>) outs(%bc : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %4 = linalg.matmul ins(%sa, %sb : tensor<5x3xf32>, tensor<3x7xf32>) outs(%sc : tensor<5x7xf32>) -> tensor<5x7xf32>
  %5 = linalg.matmul ins(%ia, %ib : tensor<16x8xi32>, tensor<8x256xi32>) outs(%ic : tensor<16x256xi32>) -> tensor<16x256xi32>
  %6 = linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [4, 16, 48]>} ins(%a, %b : tensor<?x64xf32>, tensor<64x768xf32>) outs(%c : tensor<?x768xf32>) -> tensor<?x768xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?x768xf32>, tensor<1x4096xf32>, tensor<?x80xf32>, tensor<?x?x?xf32>, tensor<5x7xf32>, tensor<16x256xi32>, tensor<?x768xf32>
}

// Products the kernels do not block (f16; a right operand not read along
// the output's columns) and products on buffers get none.
// CHECK-LABEL: func.func @not_blocked
// CHECK-NOT: xf.kernel_config
func.func @not_blocked(%ha: tensor<16x8xf16>, %hb: tensor<8x32xf16>, %hc: tensor<16x32xf16>,
                       %ta: tensor<16x8xf32>, %tb: tensor<32x8xf32>, %tc: tensor<16x32xf32>,
                       %ma: memref<16x8xf32>, %mb: memref<8x32xf32>, %mc: memref<16x32xf32>)
    -> (tensor<16x32xf16>, tensor<16x32xf32>) {
  %0 = linalg.matmul ins(%ha, %hb : tensor<16x8xf16>, tensor<8x32xf16>) outs(%hc : tensor<16x32xf16>) -> tensor<16x32xf16>
  %1 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%ta, %tb : tensor<16x8xf32>, tensor<32x8xf32>) outs(%tc : tensor<16x32xf32>) -> tensor<16x32xf32>
  linalg.matmul ins(%ma, %mb : memref<16x8xf32>, memref<8x32xf32>) outs(%mc : memref<16x32xf32>)
  return %0, %1 : tensor<16x32xf16>, tensor<16x32xf32>
}

// Attention the CPU loop nest takes gets 32-query by 64-key blocks:
// causal, with an f32 or i1 mask, with a scale given for a dynamic head
// size. f16 attention, and a dynamic head size without a scale (the
// decomposition's), get none; a configuration given already is kept.
// CHECK-LABEL: func.func @attention
// CHECK: xf.attention {{.*}}{causal = true, xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>}
// CHECK: xf.attention {{.*}}{xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>}
// CHECK: xf.attention {{.*}}{causal = true, xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>}
// CHECK: xf.attention {{.*}}{scale = 1.250000e-01 : f32, xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>}
// CHECK: xf.attention {{.*}}{causal = true} :
// CHECK: xf.attention %{{[^{]*}} :
// CHECK: xf.attention {{.*}}{xf.kernel_config = #xf.kernel_config<vector, tile = [16, 16]>}
func.func @attention(%q: tensor<1x8x?x64xf32>, %k: tensor<1x2x?x64xf32>, %v: tensor<1x2x?x64xf32>,
                     %mf: tensor<1x1x1x?xf32>, %mb: tensor<?x?xi1>,
                     %dq: tensor<1x8x?x?xf32>, %dk: tensor<1x2x?x?xf32>, %dv: tensor<1x2x?x?xf32>,
                     %hq: tensor<1x8x?x64xf16>, %hk: tensor<1x2x?x64xf16>, %hv: tensor<1x2x?x64xf16>) {
  %0 = xf.attention %q, %k, %v {causal = true} : (tensor<1x8x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>) -> tensor<1x8x?x64xf32>
  %1 = xf.attention %q, %k, %v, %mf : (tensor<1x8x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x1x1x?xf32>) -> tensor<1x8x?x64xf32>
  %2 = xf.attention %q, %k, %v, %mb {causal = true} : (tensor<1x8x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>, tensor<?x?xi1>) -> tensor<1x8x?x64xf32>
  %3 = xf.attention %dq, %dk, %dv {scale = 0.125 : f32} : (tensor<1x8x?x?xf32>, tensor<1x2x?x?xf32>, tensor<1x2x?x?xf32>) -> tensor<1x8x?x?xf32>
  %4 = xf.attention %hq, %hk, %hv {causal = true} : (tensor<1x8x?x64xf16>, tensor<1x2x?x64xf16>, tensor<1x2x?x64xf16>) -> tensor<1x8x?x64xf16>
  %5 = xf.attention %dq, %dk, %dv : (tensor<1x8x?x?xf32>, tensor<1x2x?x?xf32>, tensor<1x2x?x?xf32>) -> tensor<1x8x?x?xf32>
  %6 = xf.attention %q, %k, %v {xf.kernel_config = #xf.kernel_config<vector, tile = [16, 16]>} : (tensor<1x8x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>) -> tensor<1x8x?x64xf32>
  return
}

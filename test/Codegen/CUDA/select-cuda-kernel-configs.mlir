// RUN: xfc-opt %s --xf-select-cuda-kernel-configs | FileCheck %s

// Every product the tensor-core kernels take gets the configuration; one
// given already is kept.
// CHECK-LABEL: func.func @products
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 128, stages = 1>}
// CHECK: linalg.batch_matmul {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 128, stages = 1>}
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [32, 64, 32], warp_tile = [32, 32], threads = 64, stages = 1>}
func.func @products(%a: memref<?x?xf32>, %b: memref<?x768xf32>, %c: memref<?x768xf32>,
                    %ba: memref<?x?x64xf32>, %bb: memref<?x64x?xf32>, %bc: memref<?x?x?xf32>) {
  linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x768xf32>) outs(%c : memref<?x768xf32>)
  linalg.batch_matmul ins(%ba, %bb : memref<?x?x64xf32>, memref<?x64x?xf32>) outs(%bc : memref<?x?x?xf32>)
  linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [32, 64, 32], warp_tile = [32, 32], threads = 64, stages = 1>}
    ins(%a, %b : memref<?x?xf32>, memref<?x768xf32>) outs(%c : memref<?x768xf32>)
  return
}

// Products the kernels do not take (integers, tensors, products kept in
// f32 such as MoE routers) get none.
// CHECK-LABEL: func.func @not_products
// CHECK-NOT: xf.kernel_config
func.func @not_products(%ai: memref<4x8xi32>, %bi: memref<8x4xi32>, %ci: memref<4x4xi32>,
                        %ta: tensor<4x8xf32>, %tb: tensor<8x4xf32>, %tc: tensor<4x4xf32>,
                        %x: memref<?x64xf32>, %router: memref<64x8xf32>, %logits: memref<?x8xf32>) -> tensor<4x4xf32> {
  linalg.matmul ins(%ai, %bi : memref<4x8xi32>, memref<8x4xi32>) outs(%ci : memref<4x4xi32>)
  linalg.matmul {xf.full_precision} ins(%x, %router : memref<?x64xf32>, memref<64x8xf32>) outs(%logits : memref<?x8xf32>)
  %r = linalg.matmul ins(%ta, %tb : tensor<4x8xf32>, tensor<8x4xf32>) outs(%tc : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// Attention for xf-gpu-attention gets its own kind of configuration.
// CHECK-LABEL: func.func @attention
// CHECK: xf.attention_buffers {{.*}}xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32], threads = 128, stages = 1>
func.func @attention(%q: memref<?x4x?x64xf32>, %k: memref<?x4x?x64xf32>,
                     %v: memref<?x4x?x64xf32>, %o: memref<?x4x?x64xf32>) {
  xf.attention_buffers %q, %k, %v into %o {causal = false, scale = 0.125 : f32}
      : memref<?x4x?x64xf32>, memref<?x4x?x64xf32>, memref<?x4x?x64xf32> into memref<?x4x?x64xf32>
  return
}

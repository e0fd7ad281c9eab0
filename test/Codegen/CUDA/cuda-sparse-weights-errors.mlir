// RUN: xfc-opt %s --split-input-file --verify-diagnostics --xf-cuda-sparse-weights

// An mma_sp configuration given by hand to a product whose weight is not
// 2:4 along K.
memref.global "private" constant @full : memref<4x8xf32> = dense<1.0> {alignment = 64 : i64}
memref.global constant @full_on_gpu : memref<4x8xf32> {alignment = 64 : i64, xf.device_copy_of = @full}
func.func @dense(%a: memref<?x4xf32>, %c: memref<?x8xf32>) {
  %w = memref.get_global @full_on_gpu : memref<4x8xf32>
  // expected-error @below {{xf-cuda-sparse-weights: the mma_sp product's weight @full is not a [K, N] f32 constant with at most 2 nonzeros in each group of 4 along K}}
  linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [64, 64, 64], warp_tile = [32, 32], threads = 128, stages = 1>}
    ins(%a, %w : memref<?x4xf32>, memref<4x8xf32>) outs(%c : memref<?x8xf32>)
  return
}

// -----

// Or whose weight is an argument.
func.func @argument(%a: memref<?x4xf32>, %w: memref<4x8xf32>, %c: memref<?x8xf32>) {
  // expected-error @below {{xf-cuda-sparse-weights: an mma_sp product multiplies f32 buffers by a constant weight}}
  linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [64, 64, 64], warp_tile = [32, 32], threads = 128, stages = 1>}
    ins(%a, %w : memref<?x4xf32>, memref<4x8xf32>) outs(%c : memref<?x8xf32>)
  return
}

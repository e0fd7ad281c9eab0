// RUN: xfc-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(xf-tensor-core-matmul)' | FileCheck %s

// The kernel is built as its configuration says: 32x64 output tiles per
// block of two warps (64 threads), 32x32 each; the configuration stays on
// the kernel's reduction loop.
// CHECK-LABEL: func.func @half_height_tiles
// CHECK: %[[COLS:.*]] = memref.dim %{{.*}}, %c1
// CHECK: arith.ceildivui %[[COLS]], %c64
// CHECK: arith.ceildivui %{{.*}}, %c32
// CHECK: gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c64
// CHECK-SAME: workgroup(%{{.*}} : memref<32x40xbf16, #gpu.address_space<workgroup>>, %{{.*}} : memref<32x72xbf16, #gpu.address_space<workgroup>>)
// CHECK: scf.for
// CHECK: } {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [32, 64, 32], warp_tile = [32, 32], threads = 64, stages = 1>}
func.func @half_height_tiles(%a: memref<?x?xf32>, %b: memref<?x768xf32>, %c: memref<?x768xf32>) {
  linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [32, 64, 32], warp_tile = [32, 32], threads = 64, stages = 1>}
    ins(%a, %b : memref<?x?xf32>, memref<?x768xf32>) outs(%c : memref<?x768xf32>)
  return
}

// -----

func.func @unconfigured(%a: memref<?x?xf32>, %b: memref<?x768xf32>, %c: memref<?x768xf32>) {
  // expected-error @below {{xf-tensor-core-matmul: the product has no xf.kernel_config (xf-select-cuda-kernel-configs chooses one)}}
  linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x768xf32>) outs(%c : memref<?x768xf32>)
  return
}

// -----

func.func @not_mma(%a: memref<?x?xf32>, %b: memref<?x768xf32>, %c: memref<?x768xf32>) {
  // expected-error @below {{xf-tensor-core-matmul: builds mma_sync kernels, not simt}}
  linalg.matmul {xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32], threads = 128, stages = 1>}
    ins(%a, %b : memref<?x?xf32>, memref<?x768xf32>) outs(%c : memref<?x768xf32>)
  return
}

// -----

func.func @two_stages(%a: memref<?x?xf32>, %b: memref<?x768xf32>, %c: memref<?x768xf32>) {
  // expected-error @below {{xf-tensor-core-matmul: stages one reduction step at a time, not 2}}
  linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 128, stages = 2>}
    ins(%a, %b : memref<?x?xf32>, memref<?x768xf32>) outs(%c : memref<?x768xf32>)
  return
}

// -----

func.func @wide_tile(%a: memref<?x?xf32>, %b: memref<?x768xf32>, %c: memref<?x768xf32>) {
  // expected-error @below {{xf-tensor-core-matmul: 64 threads do not stage a [32, 128] tile in whole rows}}
  linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [32, 128, 32], warp_tile = [32, 64], threads = 64, stages = 1>}
    ins(%a, %b : memref<?x?xf32>, memref<?x768xf32>) outs(%c : memref<?x768xf32>)
  return
}

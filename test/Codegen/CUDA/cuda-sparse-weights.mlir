// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs{sparse},xf-cuda-sparse-weights)' | FileCheck %s
// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs)' | FileCheck %s --check-prefix=DENSE
// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs{sparse},xf-cuda-sparse-weights,xf-sparse-tensor-core-matmul)' | FileCheck %s --check-prefix=KERNEL

// A weight with at most 2 nonzeros in each group of 4 along K gets the
// sparse tensor cores: a decode GEMV's configuration for at most 16
// static rows, else the 64x64 one; one packed copy for both products.
// Column n of W is row n of the sparse operand: group 0 along K (0, 2, 0,
// 3) keeps positions 1 and 3 (nibble 0xD), group 1 (1, 0, 0, 0) position 0
// and the first zero after it (0x4), the padding past K positions 0 and 1.
// Lane 0's metadata: rows 0 and 8, groups 0-3; lane 1's: groups 4-7.
// CHECK: memref.global "private" constant @weights : memref<8x16xf32>
// CHECK-NEXT: memref.global "private" constant @[[VALUES:weights__sp24_values]] : memref<128xi32> = dense_resource<[[VBLOB:.*]]> {alignment = 16 : i64}
// CHECK-NEXT: memref.global constant @[[VDEVICE:.*]] : memref<128xi32> {alignment = 16 : i64, xf.device_copy_of = @[[VALUES]]}
// CHECK-NEXT: memref.global "private" constant @[[META:weights__sp24_metadata]] : memref<16xi32> = dense_resource<[[MBLOB:.*]]> {alignment = 16 : i64}
// CHECK-NEXT: memref.global constant @[[MDEVICE:.*]] : memref<16xi32> {alignment = 16 : i64, xf.device_copy_of = @[[META]]}
// CHECK-LABEL: func.func @pruned
// CHECK: %[[V:.*]] = memref.get_global @[[VDEVICE]] : memref<128xi32>
// CHECK: %[[M:.*]] = memref.get_global @[[MDEVICE]] : memref<16xi32>
// CHECK: xf.sparse_matmul_buffers %{{.*}}, %[[V]], %[[M]] into %{{.*}} {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [64, 64, 64], warp_tile = [32, 32], threads = 128, stages = 1>} : memref<?x8xf32>, memref<128xi32>, memref<16xi32> into memref<?x16xf32>
// CHECK: xf.sparse_matmul_buffers {{.*}} {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [8, 16, 512], warp_tile = [8, 16], threads = 32, stages = 1>} : memref<1x8xf32>, memref<128xi32>, memref<16xi32> into memref<1x16xf32>
// CHECK-NOT: linalg.matmul
// Lane 0 holds (2, 3) of rows 0 and 8 then zeros, lane 1 (1, 0) of both.
// CHECK: [[VBLOB]]: "0x{{........}}00404040004040400000000000000000803F0000803F0000
// CHECK: [[MBLOB]]: "0x{{........}}4D444D4444444444

// DENSE-LABEL: func.func @pruned
// DENSE-COUNT-2: linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync,

// KERNEL-LABEL: func.func @pruned
// Each step loads the warp's weight fragments and metadata, then stages
// the left operand's slice in bf16.
// KERNEL: gpu.launch
// KERNEL: vector.load %{{.*}}[%{{.*}}] : memref<128xi32>, vector<4xi32>
// KERNEL: memref.load %{{.*}}[%{{.*}}] : memref<16xi32>
// KERNEL: arith.truncf %{{.*}} : f32 to bf16
// KERNEL: gpu.barrier
// KERNEL: nvgpu.ldmatrix %{{.*}}[%{{.*}}, %{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<64x72xbf16, #gpu.address_space<workgroup>> -> vector<4x2xbf16>
// KERNEL-COUNT-8: nvvm.mma.sp.sync
// KERNEL: gpu.launch
// KERNEL: memref<8x520xbf16, #gpu.address_space<workgroup>>
// KERNEL-COUNT-16: nvvm.mma.sp.sync
// KERNEL-NOT: xf.sparse_matmul_buffers
memref.global "private" constant @weights : memref<8x16xf32> = dense<[
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0],
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0],
  [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> {alignment = 64 : i64}
memref.global constant @weights_on_gpu : memref<8x16xf32> {alignment = 64 : i64, xf.device_copy_of = @weights}
func.func @pruned(%a: memref<?x8xf32>, %c: memref<?x16xf32>, %x: memref<1x8xf32>, %y: memref<1x16xf32>) {
  %w = memref.get_global @weights_on_gpu : memref<8x16xf32>
  linalg.matmul ins(%a, %w : memref<?x8xf32>, memref<8x16xf32>) outs(%c : memref<?x16xf32>)
  linalg.matmul ins(%x, %w : memref<1x8xf32>, memref<8x16xf32>) outs(%y : memref<1x16xf32>)
  return
}

// -----

// Three nonzeros in a group of 4 along K: dense.
// CHECK-LABEL: func.func @dense
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync,
memref.global "private" constant @full : memref<4x8xf32> = dense<1.0> {alignment = 64 : i64}
memref.global constant @full_on_gpu : memref<4x8xf32> {alignment = 64 : i64, xf.device_copy_of = @full}
func.func @dense(%a: memref<?x4xf32>, %c: memref<?x8xf32>) {
  %w = memref.get_global @full_on_gpu : memref<4x8xf32>
  linalg.matmul ins(%a, %w : memref<?x4xf32>, memref<4x8xf32>) outs(%c : memref<?x8xf32>)
  return
}

// -----

// Operands whose types leave K or N dynamic are cast to the weight's.
// CHECK-LABEL: func.func @dynamic_columns
// CHECK: %[[A:.*]] = memref.cast %{{.*}} : memref<?x?xf32> to memref<?x8xf32>
// CHECK: %[[C:.*]] = memref.cast %{{.*}} : memref<?x?xf32> to memref<?x16xf32>
// CHECK: xf.sparse_matmul_buffers %[[A]], %{{.*}}, %{{.*}} into %[[C]]
memref.global "private" constant @pruned : memref<8x16xf32> = dense<[
  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]> {alignment = 64 : i64}
memref.global constant @pruned_on_gpu : memref<8x16xf32> {alignment = 64 : i64, xf.device_copy_of = @pruned}
func.func @dynamic_columns(%a: memref<?x?xf32>, %c: memref<?x?xf32>) {
  %w = memref.get_global @pruned_on_gpu : memref<8x16xf32>
  linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [64, 64, 64], warp_tile = [32, 32], threads = 128, stages = 1>}
    ins(%a, %w : memref<?x?xf32>, memref<8x16xf32>) outs(%c : memref<?x?xf32>)
  return
}

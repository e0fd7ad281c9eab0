// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs,func.func(xf-gpu-attention))' | FileCheck %s

// Grouped heads (8 query heads over 2 key/value heads), causal, with an
// additive mask that broadcasts over batch and heads: one block per 32
// queries of a batch and head, 128 threads, key and value rows staged 32 at
// a time in shared memory; the four threads of a query combine their
// partial scores with two shuffles; the key walk of a causal block ends
// after the last key its last query sees.
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.*]]: memref<?x8x?x64xf32{{.*}}>, %[[K:.*]]: memref<?x2x?x64xf32{{.*}}>, %[[V:.*]]: memref<?x2x?x64xf32{{.*}}>, %[[M:.*]]: memref<1x1x?x?xf32{{.*}}>, %[[O:.*]]: memref<?x8x?x64xf32>)
// CHECK: %[[SQ:.*]] = memref.dim %[[Q]], %c2
// CHECK: %[[SK:.*]] = memref.dim %[[K]], %c2
// CHECK: %[[GROUP:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[SQ]], %c32
// CHECK: gpu.launch blocks(%{{[^,]*}}, %[[HEAD:[^,]*]], %[[BATCH:[^)]*]]) in (%{{[^ ]*}} = %[[BLOCKS]],
// CHECK-SAME: threads({{.*}}) in (%{{[^ ]*}} = %c128,
// CHECK-SAME: workgroup(%[[KT:[^ ]*]] : memref<32x64xf32, #gpu.address_space<workgroup>>, %[[VT:[^ ]*]] : memref<32x64xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[KH:.*]] = arith.divui %[[HEAD]], %[[GROUP]]
// CHECK-COUNT-16: memref.load %[[Q]]
// CHECK: arith.minsi %[[SK]]
// CHECK: scf.for
// CHECK: memref.load %[[K]][%[[BATCH]], %[[KH]]
// CHECK: memref.store {{.*}}, %[[KT]]
// CHECK: memref.load %[[V]][%[[BATCH]], %[[KH]]
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: gpu.shuffle  xor {{.*}}, %c1_i32, %c32_i32
// CHECK: gpu.shuffle  xor {{.*}}, %c2_i32, %c32_i32
// CHECK: memref.load %[[M]]
// CHECK: math.exp
// CHECK: math.exp
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK-COUNT-16: memref.store {{.*}}, %[[O]]
// CHECK-NOT: xf.attention_buffers
func.func @attention(%q: memref<?x8x?x64xf32, strided<[?, ?, ?, ?], offset: ?>>,
                     %k: memref<?x2x?x64xf32, strided<[?, ?, ?, ?], offset: ?>>,
                     %v: memref<?x2x?x64xf32, strided<[?, ?, ?, ?], offset: ?>>,
                     %m: memref<1x1x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>,
                     %o: memref<?x8x?x64xf32>) {
  xf.attention_buffers %q, %k, %v mask %m into %o {causal = true, scale = 0.125 : f32}
      : memref<?x8x?x64xf32, strided<[?, ?, ?, ?], offset: ?>>, memref<?x2x?x64xf32, strided<[?, ?, ?, ?], offset: ?>>,
        memref<?x2x?x64xf32, strided<[?, ?, ?, ?], offset: ?>>, memref<1x1x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
        into memref<?x8x?x64xf32>
  return
}

// -----

// A boolean mask selects keys; without causality the walk covers every key.
// CHECK-LABEL: func.func @boolean_mask
// CHECK-NOT: arith.minsi
// CHECK: memref.load %{{.*}} : memref<?x?xi1>
// CHECK: arith.andi
func.func @boolean_mask(%q: memref<1x4x?x32xf32>, %k: memref<1x4x?x32xf32>,
                        %v: memref<1x4x?x32xf32>, %m: memref<?x?xi1>,
                        %o: memref<1x4x?x32xf32>) {
  xf.attention_buffers %q, %k, %v mask %m into %o {causal = false, scale = 0.17 : f32}
      : memref<1x4x?x32xf32>, memref<1x4x?x32xf32>, memref<1x4x?x32xf32>, memref<?x?xi1>
        into memref<1x4x?x32xf32>
  return
}

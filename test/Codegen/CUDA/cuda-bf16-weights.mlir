// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs,xf-cuda-bf16-weights)' | FileCheck %s
// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs,xf-cuda-bf16-weights,xf-tensor-core-matmul)' | FileCheck %s --check-prefix=KERNEL
// RUN: not xfc-opt %s --split-input-file --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs,xf-cuda-bf16-weights,xf-tensor-core-matmul{precision=tf32})' 2>&1 | FileCheck %s --check-prefix=TF32

// A constant right operand (its device copy, as xf-place-host-computations
// leaves it) is read from a bf16 copy made at compile time, once for both
// products, rounded to nearest even (1 + 2^-8 and 1 + 3 * 2^-8 are halfway
// between two bf16 values), NaN kept; the copy has its own device copy, the
// products keep their configurations. The f32 device copy stays for
// xf-drop-unused-globals.
// CHECK: memref.global "private" constant @weights : memref<2x8xf32>
// CHECK-NEXT: memref.global "private" constant @[[BF16:.*]] : memref<2x8xbf16> = dense_resource<[[BLOB:.*]]> {alignment = 64 : i64}
// CHECK-NEXT: memref.global constant @[[DEVICE:.*]] : memref<2x8xbf16> {alignment = 64 : i64, xf.device_copy_of = @[[BF16]]}
// CHECK-NEXT: memref.global constant @weights_on_gpu : memref<2x8xf32> {alignment = 64 : i64, xf.device_copy_of = @weights}
// CHECK-LABEL: func.func @constant_weights
// CHECK-NOT: @weights_on_gpu
// CHECK: %[[W:.*]] = memref.get_global @[[DEVICE]] : memref<2x8xbf16>
// CHECK: linalg.matmul {xf.kernel_config = #xf.kernel_config<mma_sync, {{.*}}>} ins(%{{.*}}, %[[W]] : memref<?x2xf32>, memref<2x8xbf16>)
// CHECK: %[[W2:.*]] = memref.get_global @[[DEVICE]] : memref<2x8xbf16>
// CHECK: linalg.matmul {{.*}} ins(%{{.*}}, %[[W2]] : memref<?x2xf32>, memref<2x8xbf16>)
// The bf16 copy's bytes (printed last), little-endian: 1.0 is 0x3F80.
// CHECK: [[BLOB]]: "0x{{[0-9A-F]+}}803F803F803F823FC07F803F803F803F803F803F803F803F803F803F803F803F"


// KERNEL-LABEL: func.func @constant_weights
// KERNEL: %[[W:.*]] = memref.get_global @{{.*}} : memref<2x8xbf16>
// KERNEL: gpu.launch
// KERNEL: %[[COPY:.*]] = nvgpu.device_async_copy %[[W]][%{{.*}}, %{{.*}}], %{{.*}}[%{{.*}}, %{{.*}}], 8, %{{.*}} {bypassL1} : memref<2x8xbf16> to memref<32x72xbf16, #gpu.address_space<workgroup>>
// KERNEL: %[[GROUP:.*]] = nvgpu.device_async_create_group
// KERNEL: nvgpu.device_async_wait %[[GROUP]] {numGroups = 0 : i32}
// KERNEL: gpu.barrier
// KERNEL-NOT: linalg.matmul

// TF32: error: xf-tensor-core-matmul: precision=tf32 takes f32 operands, not a bf16 right operand
memref.global "private" constant @weights : memref<2x8xf32> = dense<[[1.0, 1.00390625, 1.0, 1.01171875, 0x7FC00000, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]> {alignment = 64 : i64}
memref.global constant @weights_on_gpu : memref<2x8xf32> {alignment = 64 : i64, xf.device_copy_of = @weights}
func.func @constant_weights(%a: memref<?x2xf32>, %c: memref<?x8xf32>, %d: memref<?x8xf32>) {
  %w = memref.get_global @weights_on_gpu : memref<2x8xf32>
  linalg.matmul ins(%a, %w : memref<?x2xf32>, memref<2x8xf32>) outs(%c : memref<?x8xf32>)
  linalg.matmul ins(%a, %w : memref<?x2xf32>, memref<2x8xf32>) outs(%d : memref<?x8xf32>)
  return
}

// -----

// Left alone: a constant read directly (not a device copy), though named
// like one; a device copy whose rows are not whole 16-byte chunks in bf16;
// a batched product.
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.matmul {{.*}} ins(%{{.*}}, %{{.*}} : memref<?x8xf32>, memref<8x8xf32>)
// CHECK: linalg.matmul {{.*}} ins(%{{.*}}, %{{.*}} : memref<?x8xf32>, memref<8x12xf32>)
// CHECK: linalg.batch_matmul {{.*}} ins(%{{.*}}, %{{.*}} : memref<2x?x8xf32>, memref<2x8x8xf32>)
// CHECK-NOT: bf16
memref.global "private" constant @square__device : memref<8x8xf32> = dense<1.0>
memref.global "private" constant @narrow : memref<8x12xf32> = dense<1.0>
memref.global constant @narrow_on_gpu : memref<8x12xf32> {xf.device_copy_of = @narrow}
memref.global "private" constant @stack : memref<2x8x8xf32> = dense<1.0>
memref.global constant @stack_on_gpu : memref<2x8x8xf32> {xf.device_copy_of = @stack}
func.func @left_alone(%a: memref<?x8xf32>, %c: memref<?x8xf32>, %d: memref<?x12xf32>, %ab: memref<2x?x8xf32>, %cb: memref<2x?x8xf32>) {
  %s = memref.get_global @square__device : memref<8x8xf32>
  linalg.matmul ins(%a, %s : memref<?x8xf32>, memref<8x8xf32>) outs(%c : memref<?x8xf32>)
  %n = memref.get_global @narrow_on_gpu : memref<8x12xf32>
  linalg.matmul ins(%a, %n : memref<?x8xf32>, memref<8x12xf32>) outs(%d : memref<?x12xf32>)
  %b = memref.get_global @stack_on_gpu : memref<2x8x8xf32>
  linalg.batch_matmul ins(%ab, %b : memref<2x?x8xf32>, memref<2x8x8xf32>) outs(%cb : memref<2x?x8xf32>)
  return
}

// RUN: xfc-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(xf-gpu-attention))' | FileCheck %s

// Built as its configuration says: 16 queries per block with 8 lanes each
// (128 threads; partial scores summed over 8 lanes: three shuffles), keys
// staged 16 at a time; the configuration stays on the walk over keys.
// CHECK-LABEL: func.func @eight_lanes
// CHECK: arith.ceildivui %{{.*}}, %c16
// CHECK: gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c128
// CHECK-SAME: workgroup(%{{.*}} : memref<16x64xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<16x64xf32, #gpu.address_space<workgroup>>)
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c2_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c4_i32
// CHECK-NOT: gpu.shuffle
// CHECK: } {xf.kernel_config = #xf.kernel_config<simt, tile = [16, 16], threads = 128, stages = 1>}
func.func @eight_lanes(%q: memref<?x4x?x64xf32>, %k: memref<?x4x?x64xf32>,
                       %v: memref<?x4x?x64xf32>, %o: memref<?x4x?x64xf32>) {
  xf.attention_buffers %q, %k, %v into %o {causal = false, scale = 0.125 : f32, xf.kernel_config = #xf.kernel_config<simt, tile = [16, 16], threads = 128, stages = 1>}
      : memref<?x4x?x64xf32>, memref<?x4x?x64xf32>, memref<?x4x?x64xf32> into memref<?x4x?x64xf32>
  return
}

// -----

func.func @unconfigured(%q: memref<?x4x?x64xf32>, %k: memref<?x4x?x64xf32>,
                        %v: memref<?x4x?x64xf32>, %o: memref<?x4x?x64xf32>) {
  // expected-error @below {{xf-gpu-attention: the attention has no xf.kernel_config (xf-select-cuda-kernel-configs chooses one)}}
  xf.attention_buffers %q, %k, %v into %o {causal = false, scale = 0.125 : f32}
      : memref<?x4x?x64xf32>, memref<?x4x?x64xf32>, memref<?x4x?x64xf32> into memref<?x4x?x64xf32>
  return
}

// -----

func.func @three_lanes(%q: memref<?x4x?x64xf32>, %k: memref<?x4x?x64xf32>,
                       %v: memref<?x4x?x64xf32>, %o: memref<?x4x?x64xf32>) {
  // expected-error @below {{xf-gpu-attention: 3 lanes per query is not a power of two up to 32}}
  xf.attention_buffers %q, %k, %v into %o {causal = false, scale = 0.125 : f32, xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32], threads = 96, stages = 1>}
      : memref<?x4x?x64xf32>, memref<?x4x?x64xf32>, memref<?x4x?x64xf32> into memref<?x4x?x64xf32>
  return
}

// -----

func.func @heads_too_small(%q: memref<?x4x?x4xf32>, %k: memref<?x4x?x4xf32>,
                           %v: memref<?x4x?x4xf32>, %o: memref<?x4x?x4xf32>) {
  // expected-error @below {{xf-gpu-attention: heads of 4 do not split over 8 lanes and 128 threads staging 16 keys}}
  xf.attention_buffers %q, %k, %v into %o {causal = false, scale = 0.5 : f32, xf.kernel_config = #xf.kernel_config<simt, tile = [16, 16], threads = 128, stages = 1>}
      : memref<?x4x?x4xf32>, memref<?x4x?x4xf32>, memref<?x4x?x4xf32> into memref<?x4x?x4xf32>
  return
}

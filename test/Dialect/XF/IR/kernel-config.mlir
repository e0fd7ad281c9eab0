// RUN: xfc-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect | FileCheck %s

// CHECK: "test.op"() {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 128, stages = 1>}
"test.op"() {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 128, stages = 1>} : () -> ()
// CHECK: "test.op"() {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [8, 16, 512], warp_tile = [8, 16], threads = 32, stages = 1>}
"test.op"() {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [8, 16, 512], warp_tile = [8, 16], threads = 32, stages = 1>} : () -> ()
// CHECK: "test.op"() {xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32], threads = 128, stages = 1>}
"test.op"() {xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32], threads = 128, stages = 1>} : () -> ()
// CHECK: "test.op"() {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128]>}
"test.op"() {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128]>} : () -> ()
// CHECK: "test.op"() {xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>}
"test.op"() {xf.kernel_config = #xf.kernel_config<vector, tile = [32, 64]>} : () -> ()

// -----

// expected-error @below {{'xf.kernel_config' must be a #xf.kernel_config}}
"test.op"() {xf.kernel_config = [64, 64]} : () -> ()

// -----

// expected-error @below {{a [64, 64] tile of [32, 32] warp tiles takes 128 threads, not 256}}
"test.op"() {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [32, 32], threads = 256, stages = 1>} : () -> ()

// -----

// expected-error @below {{a warp's tile is made of 16x8 mma_sync tiles}}
"test.op"() {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64, 32], warp_tile = [24, 32], threads = 128, stages = 1>} : () -> ()

// -----

// expected-error @below {{the block's tile must split into warp tiles}}
"test.op"() {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [48, 64, 32], warp_tile = [32, 32], threads = 128, stages = 1>} : () -> ()

// -----

// expected-error @below {{mma_sync needs tile = [M, N, K] and warp_tile = [M, N]}}
"test.op"() {xf.kernel_config = #xf.kernel_config<mma_sync, tile = [64, 64], threads = 128, stages = 1>} : () -> ()

// -----

// mma.sp's B operand is 8 rows, its sparse A operand 16 columns.
// expected-error @below {{a warp's tile is made of 8x16 mma_sp tiles}}
"test.op"() {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [64, 64, 64], warp_tile = [32, 24], threads = 128, stages = 1>} : () -> ()

// -----

// expected-error @below {{the reduction step must be a multiple of 32}}
"test.op"() {xf.kernel_config = #xf.kernel_config<mma_sp, tile = [64, 64, 48], warp_tile = [32, 32], threads = 128, stages = 1>} : () -> ()

// -----

// expected-error @below {{threads must be whole warps of 32, not 100}}
"test.op"() {xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32], threads = 100, stages = 1>} : () -> ()

// -----

// expected-error @below {{sizes, threads and stages must be positive}}
"test.op"() {xf.kernel_config = #xf.kernel_config<simt, tile = [0, 32], threads = 128, stages = 1>} : () -> ()

// -----

// The CUDA kinds need their threads and stages.
// expected-error @below {{sizes, threads and stages must be positive}}
"test.op"() {xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32]>} : () -> ()

// -----

// expected-error @below {{the leftover rows' blocks of 100 columns are not whole blocks of 32}}
"test.op"() {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 100]>} : () -> ()

// -----

// expected-error @below {{vector kernels take a tile only, no warp_tile, threads or stages}}
"test.op"() {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128], threads = 128>} : () -> ()

// -----

// expected-error @below {{vector needs tile = [M, N, N1] (a product) or [queries, keys] (attention)}}
"test.op"() {xf.kernel_config = #xf.kernel_config<vector, tile = [8, 32, 128, 4]>} : () -> ()

// -----

// expected-error @below {{tile sizes must be positive}}
"test.op"() {xf.kernel_config = #xf.kernel_config<vector, tile = [0, 64]>} : () -> ()

// -----

// expected-error @below {{expected warp_tile, threads or stages, each once, not 'threads'}}
"test.op"() {xf.kernel_config = #xf.kernel_config<simt, tile = [32, 32], threads = 128, threads = 128, stages = 1>} : () -> ()

// -----

// expected-error @below {{unknown kernel kind 'wmma': mma_sync, mma_sp, simt, vector, avx2 or avx512}}
"test.op"() {xf.kernel_config = #xf.kernel_config<wmma, tile = [32, 32]>} : () -> ()

// RUN: xfc-opt %s --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs,xf-tensor-core-matmul)' | FileCheck %s
// RUN: xfc-opt %s --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs,xf-tensor-core-matmul{precision=tf32})' | FileCheck %s --check-prefix=TF32
// RUN: not xfc-opt %s --pass-pipeline='builtin.module(xf-select-cuda-kernel-configs,xf-tensor-core-matmul{precision=fp8})' 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: for the --precision option: Cannot find option named 'fp8'!

// tf32: operands stay f32 in shared memory (rows padded by 16 bytes), A's
// fragments from ldmatrix, B's element by element, mma.sync m16n8k8.
// TF32-LABEL: func.func @matmul
// TF32: workgroup(%[[SA:.*]] : memref<64x36xf32, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<32x68xf32, #gpu.address_space<workgroup>>)
// TF32-NOT: arith.truncf
// TF32: nvgpu.ldmatrix %[[SA]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<64x36xf32, #gpu.address_space<workgroup>> -> vector<4x1xf32>
// TF32: memref.load %[[SB]]
// TF32: vector.from_elements {{.*}} : vector<2x1xf32>
// TF32: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>

// A product of dynamic size: 64x64 output tiles per 128-thread block, the
// operands' 32-deep slices staged in shared memory as bf16 (rows padded by
// 8), fragments loaded with ldmatrix (B transposed), 2x4 mma.sync m16n8k16
// per warp and step, edge tiles guarded, the result added to the output.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?x768xf32>, %[[C:.*]]: memref<?x768xf32>)
// CHECK: %[[ROWS:.*]] = memref.dim %[[C]], %c0
// CHECK: %[[COLS:.*]] = memref.dim %[[C]], %c1
// CHECK: %[[GX:.*]] = arith.ceildivui %[[COLS]], %c64
// CHECK: %[[GY:.*]] = arith.ceildivui %[[ROWS]], %c64
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[GX]], {{.*}} = %[[GY]], {{.*}}) threads({{.*}}) in ({{.*}} = %c128
// CHECK-SAME: workgroup(%[[SA:.*]] : memref<64x40xbf16, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<32x72xbf16, #gpu.address_space<workgroup>>)
// CHECK: scf.for {{.*}} iter_args(
// CHECK-COUNT-16: arith.truncf {{.*}} : f32 to bf16
// CHECK: gpu.barrier
// CHECK-COUNT-2: nvgpu.ldmatrix %[[SA]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<64x40xbf16, #gpu.address_space<workgroup>> -> vector<4x2xbf16>
// CHECK-COUNT-4: nvgpu.ldmatrix %[[SB]][{{.*}}] {numTiles = 2 : i32, transpose = true} : memref<32x72xbf16, #gpu.address_space<workgroup>> -> vector<2x2xbf16>
// CHECK: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK: scf.if
// CHECK: %[[OLD:.*]] = memref.load %[[C]]
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]]
// CHECK: memref.store %[[SUM]], %[[C]]
// CHECK-NOT: linalg.matmul
func.func @matmul(%a: memref<?x?xf32>, %b: memref<?x768xf32>, %c: memref<?x768xf32>) {
  linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x768xf32>) outs(%c : memref<?x768xf32>)
  return
}

// A right operand that an element-wise op writes from constants (here a
// 4-bit dequantization, transposed) is computed while staged: the kernel
// reads the quantized constants and scales, and the f32 buffer and its
// producer go.
// CHECK-LABEL: func.func @dequantized
// CHECK-NOT: memref.alloc
// CHECK: %[[Q:.*]] = memref.get_global @q__device : memref<16x32xi8>
// CHECK: %[[S:.*]] = memref.get_global @s__device : memref<16x1xf32>
// CHECK-NOT: linalg.generic
// CHECK: gpu.launch
// CHECK: %[[QI:.*]] = affine.apply #{{.*}}(%{{.*}}, %{{.*}})
// CHECK: memref.load %[[Q]]
// CHECK: memref.load %[[S]][%{{.*}}, %{{.*}}] : memref<16x1xf32>
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK-NOT: memref.dealloc
memref.global "private" constant @q : memref<16x32xi8> = dense<3>
memref.global constant @q__device : memref<16x32xi8> {xf.device_copy_of = @q}
memref.global "private" constant @s : memref<16x1xf32> = dense<0.5>
memref.global constant @s__device : memref<16x1xf32> {xf.device_copy_of = @s}
func.func @dequantized(%a: memref<?x32xf32>, %c: memref<?x16xf32>) {
  %q = memref.get_global @q__device : memref<16x32xi8>
  %s = memref.get_global @s__device : memref<16x1xf32>
  %w = memref.alloc() : memref<32x16xf32>
  linalg.generic {indexing_maps = [affine_map<(k, n) -> (n, k)>, affine_map<(k, n) -> (n, k floordiv 32)>, affine_map<(k, n) -> (k, n)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%q, %s : memref<16x32xi8>, memref<16x1xf32>) outs(%w : memref<32x16xf32>) {
  ^bb0(%qv: i8, %sv: f32, %out: f32):
    %f = arith.sitofp %qv : i8 to f32
    %d = arith.mulf %f, %sv : f32
    linalg.yield %d : f32
  }
  linalg.matmul ins(%a, %w : memref<?x32xf32>, memref<32x16xf32>) outs(%c : memref<?x16xf32>)
  memref.dealloc %w : memref<32x16xf32>
  return
}

// Batched: the grid's z walks the batch, every access indexed by it.
// CHECK-LABEL: func.func @batched
// CHECK: %[[BATCH:.*]] = memref.dim %{{.*}}, %c0
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %[[Z:.*]]) in ({{.*}}, {{.*}}, {{.*}} = %[[BATCH]])
// CHECK: memref.load %{{.*}}[%[[Z]], %{{.*}}, %{{.*}}] : memref<?x?x64xf32>
func.func @batched(%a: memref<?x?x64xf32>, %b: memref<?x64x?xf32>, %c: memref<?x?x?xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<?x?x64xf32>, memref<?x64x?xf32>) outs(%c : memref<?x?x?xf32>)
  return
}

// Not taken: integer products, transposed operands, products on tensors.
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.matmul ins({{.*}} : memref<4x8xi32>, memref<8x4xi32>)
// CHECK: linalg.matmul indexing_maps
// CHECK: linalg.matmul ins({{.*}} : tensor<4x8xf32>, tensor<8x4xf32>)
#ma = affine_map<(m, n, k) -> (k, m)>
#mb = affine_map<(m, n, k) -> (k, n)>
#mc = affine_map<(m, n, k) -> (m, n)>
func.func @left_alone(%ai: memref<4x8xi32>, %bi: memref<8x4xi32>, %ci: memref<4x4xi32>,
                      %at: memref<8x4xf32>, %b: memref<8x4xf32>, %c: memref<4x4xf32>,
                      %ta: tensor<4x8xf32>, %tb: tensor<8x4xf32>, %tc: tensor<4x4xf32>) -> tensor<4x4xf32> {
  linalg.matmul ins(%ai, %bi : memref<4x8xi32>, memref<8x4xi32>) outs(%ci : memref<4x4xi32>)
  linalg.matmul indexing_maps = [#ma, #mb, #mc] ins(%at, %b : memref<8x4xf32>, memref<8x4xf32>) outs(%c : memref<4x4xf32>)
  %r = linalg.matmul ins(%ta, %tb : tensor<4x8xf32>, tensor<8x4xf32>) outs(%tc : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

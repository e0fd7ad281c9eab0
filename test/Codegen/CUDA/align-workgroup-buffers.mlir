// RUN: xfc-opt %s --xf-align-workgroup-buffers | FileCheck %s

// Every workgroup buffer of every kernel gets 16-byte alignment (ldmatrix
// and 16-byte asynchronous copies need it); private buffers are left alone.
// CHECK-LABEL: gpu.func @kernel
// CHECK-SAME: workgroup(%{{.*}} : memref<64x40xbf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<3xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-SAME: private(%{{.*}} : memref<4xf32, #gpu.address_space<private>>)
// CHECK-LABEL: gpu.func @plain
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @kernel() workgroup(%a : memref<64x40xbf16, #gpu.address_space<workgroup>>, %b : memref<3xf32, #gpu.address_space<workgroup>>) private(%c : memref<4xf32, #gpu.address_space<private>>) kernel {
      gpu.return
    }
    gpu.func @plain() kernel {
      gpu.return
    }
  }
}

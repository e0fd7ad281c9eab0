// RUN: xfc-opt %s --xf-merge-identical-kernels | FileCheck %s

// Kernels that differ only in name become one; their parallel entries go
// with them. A kernel that differs in a constant stays.

// CHECK-LABEL: func.func private @main_kernel0_parallel(
// CHECK-LABEL: func.func private @main_kernel0(
// CHECK-NOT:   @main_kernel1
// CHECK-NOT:   @entry_of_kernel1
// CHECK-LABEL: func.func private @main_kernel2(
// CHECK:         arith.constant 2.0
// CHECK-LABEL: func.func @main(
// CHECK:         call @main_kernel0_parallel(%arg0, %arg1, %arg2)
// CHECK-NEXT:    call @main_kernel0(%arg1, %arg0, %arg2)
// CHECK-NEXT:    call @main_kernel0_parallel(%arg1, %arg0, %arg2)
// CHECK-NEXT:    call @main_kernel2(%arg0, %arg1, %arg2)
func.func private @main_kernel0_parallel(memref<?xf32>, memref<?xf32>, index) attributes {xf.parallel_entry_of = @main_kernel0}
func.func private @main_kernel0(%in: memref<?xf32>, %out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %e = math.exp %x : f32
    memref.store %e, %out[%i] : memref<?xf32>
  }
  return
}
func.func private @entry_of_kernel1(memref<?xf32>, memref<?xf32>, index) attributes {xf.parallel_entry_of = @main_kernel1}
func.func private @main_kernel1(%in: memref<?xf32>, %out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %e = math.exp %x : f32
    memref.store %e, %out[%i] : memref<?xf32>
  }
  return
}
func.func private @main_kernel2(%in: memref<?xf32>, %out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %two = arith.constant 2.0 : f32
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %e = arith.mulf %x, %two : f32
    memref.store %e, %out[%i] : memref<?xf32>
  }
  return
}
func.func @main(%a: memref<?xf32>, %b: memref<?xf32>, %n: index) {
  call @main_kernel0_parallel(%a, %b, %n) : (memref<?xf32>, memref<?xf32>, index) -> ()
  call @main_kernel1(%b, %a, %n) : (memref<?xf32>, memref<?xf32>, index) -> ()
  call @entry_of_kernel1(%b, %a, %n) : (memref<?xf32>, memref<?xf32>, index) -> ()
  call @main_kernel2(%a, %b, %n) : (memref<?xf32>, memref<?xf32>, index) -> ()
  return
}

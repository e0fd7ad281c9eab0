// RUN: xfc-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(xf-place-host-computations)' | FileCheck %s

// A shape the graph computes at run time: the loop writing the shape buffer
// is host work, the buffer a stack buffer; the device loop that also reads
// it reads a device copy; the loop reading a constant on the device reads
// its device copy; a load only a loop uses moves into the loop.
memref.global "private" constant @weights : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
// CHECK: memref.global "private" constant @weights : memref<4xf32> = dense
// CHECK: memref.global constant @[[DEVICE:.*]] : memref<4xf32> {xf.device_copy_of = @weights}{{$}}
// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: memref<?xf32>, %scale: memref<f32>) -> memref<?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  // CHECK: %[[SHAPE:.*]] = memref.alloca() {alignment = 64 : i64} : memref<2xindex>
  %shape = memref.alloc() {alignment = 64 : i64} : memref<2xindex>
  // CHECK: scf.parallel
  // CHECK: memref.store {{.*}}, %[[SHAPE]]
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %size = arith.addi %n, %i : index
    memref.store %size, %shape[%i] : memref<2xindex>
    scf.reduce
  }
  // CHECK: memref.load %[[SHAPE]][%c0]
  %rows = memref.load %shape[%c0] : memref<2xindex>
  %out = memref.alloc(%rows) : memref<?x4xf32>
  %s = memref.load %scale[] : memref<f32>
  // CHECK: %[[COPY:.*]] = memref.alloc() : memref<2xindex>
  // CHECK: memref.copy %[[SHAPE]], %[[COPY]]
  // CHECK: %[[W:.*]] = memref.get_global @[[DEVICE]]
  // CHECK: scf.parallel
  // CHECK: memref.load %[[COPY]]
  // CHECK: memref.load %[[W]]
  // CHECK: memref.load %{{.*}}[] : memref<f32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%rows, %c2) step (%c1, %c1) {
    %w = memref.get_global @weights : memref<4xf32>
    %k = memref.load %shape[%j] : memref<2xindex>
    %v = memref.load %w[%k] : memref<4xf32>
    %p = arith.mulf %v, %s : f32
    memref.store %p, %out[%i, %j] : memref<?x4xf32>
    scf.reduce
  }
  return %out : memref<?x4xf32>
}

// -----

// Device copies are known by `xf.device_copy_of`, not by their names: a
// constant named like one is copied too, a copy's name that is taken is
// made unique, and one declared already is read again.
memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
memref.global "private" constant @w__device : memref<2xf32> = dense<[3.0, 4.0]>
memref.global "private" constant @v : memref<2xf32> = dense<[5.0, 6.0]>
memref.global constant @v_on_gpu : memref<2xf32> {xf.device_copy_of = @v}
// CHECK: memref.global "private" constant @w : memref<2xf32>
// CHECK-NEXT: memref.global constant @[[W:.*]] : memref<2xf32> {xf.device_copy_of = @w}
// CHECK-NEXT: memref.global "private" constant @w__device : memref<2xf32>
// CHECK-NEXT: memref.global constant @[[WW:.*]] : memref<2xf32> {xf.device_copy_of = @w__device}
// CHECK-NEXT: memref.global "private" constant @v : memref<2xf32>
// CHECK-NEXT: memref.global constant @v_on_gpu : memref<2xf32> {xf.device_copy_of = @v}
// CHECK-LABEL: func.func @copies_by_attribute
// CHECK: memref.get_global @[[W]]
// CHECK: memref.get_global @[[WW]]
// CHECK: memref.get_global @v_on_gpu
func.func @copies_by_attribute(%out: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %a = memref.get_global @w : memref<2xf32>
    %b = memref.get_global @w__device : memref<2xf32>
    %c = memref.get_global @v : memref<2xf32>
    %x = memref.load %a[%i] : memref<2xf32>
    %y = memref.load %b[%i] : memref<2xf32>
    %z = memref.load %c[%i] : memref<2xf32>
    %s = arith.addf %x, %y : f32
    %t = arith.addf %s, %z : f32
    memref.store %t, %out[%i] : memref<2xf32>
    scf.reduce
  }
  return
}

// -----

// The host reads an input's data (a data-dependent size) from a copy on the
// stack.
// CHECK-LABEL: func.func @input_read
// CHECK-SAME: (%[[IDS:.*]]: memref<?xindex>)
// CHECK: %[[DIM:.*]] = memref.dim %[[IDS]], %c0
// CHECK: %[[HOST:.*]] = memref.alloca(%[[DIM]]) : memref<?xindex>
// CHECK: memref.copy %[[IDS]], %[[HOST]]
// CHECK: memref.load %[[HOST]]
func.func @input_read(%ids: memref<?xindex>) -> memref<?xf32> {
  %c0 = arith.constant 0 : index
  %n = memref.load %ids[%c0] : memref<?xindex>
  %out = memref.alloc(%n) : memref<?xf32>
  return %out : memref<?xf32>
}

// -----

func.func @host_writes_input(%x: memref<4xindex>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error @below {{host work writes a buffer the function does not allocate}}
  %last = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %c0) -> (index) {
    %v = memref.load %x[%i] : memref<4xindex>
    memref.store %i, %x[%i] : memref<4xindex>
    scf.yield %v : index
  }
  return %last : index
}

// RUN: xfc-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(xf-map-loops-to-gpu))' | FileCheck %s

// A parallel loop over device memory: one thread per iteration in blocks of
// 256, the space linearized with the last dimension fastest, each thread
// checking that its iteration exists.
// CHECK-LABEL: func.func @parallel
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf32>, %[[N:.*]]: index, %[[M:.*]]: index)
// CHECK: %[[ROWS:.*]] = arith.ceildivsi
// CHECK: %[[COLS:.*]] = arith.ceildivsi
// CHECK: %[[TOTAL:.*]] = arith.muli {{.*}}%[[COLS]]
// CHECK: %[[T256:.*]] = arith.constant 256 : index
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[TOTAL]], %[[T256]]
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[BLOCKS]], {{.*}} threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[T256]],
// CHECK: %[[BASE:.*]] = arith.muli %[[BX]], %[[T256]]
// CHECK: %[[ID:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ID]], %[[TOTAL]]
// CHECK: scf.if %[[IN]]
// CHECK: %[[J:.*]] = arith.remui %[[ID]], %[[COLS]]
// CHECK: %[[I:.*]] = arith.divui %[[ID]], %[[COLS]]
// CHECK: memref.store %{{.*}}, %[[X]][%{{.*}}, %{{.*}}]
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
func.func @parallel(%x: memref<?x?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %m) step (%c1, %c1) {
    memref.store %zero, %x[%i, %j] : memref<?x?xf32>
    scf.reduce
  }
  return
}

// -----

// Host memory (stack buffers, host globals) stays with the host; a
// sequential loop that only sequences parallel loops stays too and launches
// them in turn; other device work is a launch of one thread; a copy between
// host and device memory is a copy on the stream.
memref.global "private" constant @table : memref<2xi64> = dense<[1, 2]>
// CHECK-LABEL: func.func @placement
func.func @placement(%x: memref<8xf32>, %y: memref<2xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  %host = memref.alloca() : memref<2xi64>
  %table = memref.get_global @table : memref<2xi64>
  // CHECK: memref.load %{{.*}}[%{{.*}}] : memref<2xi64>
  // CHECK-NEXT: memref.store
  %t = memref.load %table[%c0] : memref<2xi64>
  memref.store %t, %host[%c1] : memref<2xi64>
  // CHECK: %[[S:.*]] = gpu.wait async
  // CHECK: %[[C:.*]] = gpu.memcpy async [%[[S]]] %{{.*}}, %{{.*}} : memref<2xi64>, memref<2xi64>
  // CHECK: gpu.wait [%[[C]]]
  memref.copy %host, %y : memref<2xi64> to memref<2xi64>
  // CHECK: scf.for
  // CHECK: gpu.launch
  // CHECK: memref.store
  // CHECK: gpu.terminator
  scf.for %k = %c0 to %c8 step %c1 {
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      memref.store %one, %x[%i] : memref<8xf32>
      scf.reduce
    }
  }
  // A loop that touches no memory is left alone.
  // CHECK: scf.for
  // CHECK-NEXT: scf.parallel
  scf.for %i = %c0 to %c8 step %c1 {
    scf.parallel (%j) = (%c0) to (%c8) step (%c1) {
      scf.reduce
    }
  }
  // CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[ONE:.*]], {{.*}} threads({{.*}}) in ({{.*}} = %[[ONE]],
  // CHECK-NEXT: memref.store
  memref.store %one, %x[%c0] : memref<8xf32>
  return
}

// -----

func.func @reduction(%x: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @below {{a parallel loop with reductions has no GPU mapping yet}}
  %sum = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
    %v = memref.load %x[%i] : memref<8xf32>
    scf.reduce(%v : f32) {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      scf.reduce.return %s : f32
    }
  }
  return %sum : f32
}

// -----

func.func @host_use(%x: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @below {{the CUDA target cannot yet use on the host a value computed from device memory}}
  %v = memref.load %x[%c0] : memref<8xf32>
  return %v : f32
}

// -----

// Scalar work on device memory (a 0-d buffer loaded, computed on, stored,
// as a quantization's scale is): the straight-line run that consumes the
// loaded values is one launch of one thread, where its last op was; the
// constant between them, which it does not compute, stays on the host.
// CHECK-LABEL: func.func @scalar_run
// CHECK: %[[C:.+]] = arith.constant 2.5
// CHECK: gpu.launch
// CHECK: %[[V:.+]] = memref.load %arg0[]
// CHECK: %[[M:.+]] = arith.mulf %[[V]], %[[C]]
// CHECK: memref.store %[[M]], %arg1[]
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @scalar_run(%x: memref<f32>, %y: memref<f32>) {
  %v = memref.load %x[] : memref<f32>
  %c = arith.constant 2.5 : f32
  %m = arith.mulf %v, %c : f32
  memref.store %m, %y[] : memref<f32>
  return
}

// -----

func.func @kernel_alloc(%x: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    // expected-error @below {{a kernel allocates memory; the CUDA target needs every allocation on the host}}
    %t = memref.alloc() : memref<4xf32>
    %v = memref.load %t[%c0] : memref<4xf32>
    memref.store %v, %x[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// Device copies are known by `xf.device_copy_of`, not by their names: the
// host reads a constant named like a device copy itself, while a loop
// reading a declared device copy becomes a launch.
memref.global "private" constant @table__device : memref<2xi64> = dense<[1, 2]>
memref.global "private" constant @w : memref<2xi64> = dense<[3, 4]>
memref.global constant @w_on_gpu : memref<2xi64> {xf.device_copy_of = @w}
// CHECK-LABEL: func.func @device_copies_by_attribute
func.func @device_copies_by_attribute(%y: memref<2xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %host = memref.alloca() : memref<2xi64>
  // CHECK: %[[T:.*]] = memref.get_global @table__device
  // CHECK-NEXT: %[[V:.*]] = memref.load %[[T]]
  // CHECK-NEXT: memref.store %[[V]]
  %table = memref.get_global @table__device : memref<2xi64>
  %t = memref.load %table[%c0] : memref<2xi64>
  memref.store %t, %host[%c1] : memref<2xi64>
  // CHECK: gpu.launch
  // CHECK: memref.get_global @w_on_gpu
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %w = memref.get_global @w_on_gpu : memref<2xi64>
    %v = memref.load %w[%i] : memref<2xi64>
    memref.store %v, %y[%i] : memref<2xi64>
    scf.reduce
  }
  return
}

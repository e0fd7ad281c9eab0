// RUN: xfc-opt %s --xf-outline-kernels --split-input-file | FileCheck %s

// Each top-level loop nest becomes a private function called in its place,
// taking the buffers and sizes it uses (constants are copied in); code
// between nests stays.

// CHECK-LABEL: func.func private @model_kernel0(
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK:         scf.for {{.*}} = %[[C0]] to
// CHECK:           math.exp
// CHECK-LABEL: func.func private @model_kernel1(
// CHECK:         scf.for
// CHECK:           arith.addf
// CHECK-LABEL: func.func @model(
// CHECK-SAME:    %[[IN:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[N:[^:]*]]: index)
// CHECK-NOT:     scf.for
// CHECK:         %[[TMP:.*]] = memref.alloc(%[[N]])
// CHECK-NEXT:    call @model_kernel0(%[[IN]], %[[TMP]], %[[N]])
// CHECK-NEXT:    call @model_kernel1(%[[TMP]], %[[OUT]], %[[N]])
// CHECK-NEXT:    memref.dealloc %[[TMP]]
// CHECK-NEXT:    return
func.func @model(%in: memref<?xf32>, %out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %tmp = memref.alloc(%n) : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %e = math.exp %x : f32
    memref.store %e, %tmp[%i] : memref<?xf32>
  }
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %tmp[%i] : memref<?xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %out[%i] : memref<?xf32>
  }
  memref.dealloc %tmp : memref<?xf32>
  return
}

// -----

// A nest that carries a value out returns it from its function.

// CHECK-LABEL: func.func private @sum_kernel0({{.*}}) -> f32
// CHECK:         %[[R:.*]] = scf.for {{.*}} -> (f32)
// CHECK:         return %[[R]] : f32
// CHECK-LABEL: func.func @sum(
// CHECK:         %[[S:.*]] = call @sum_kernel0(
// CHECK-NEXT:    return %[[S]] : f32
func.func @sum(%in: memref<?xf32>, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) {
    %x = memref.load %in[%i] : memref<?xf32>
    %a = arith.addf %acc, %x : f32
    scf.yield %a : f32
  }
  return %s : f32
}

// -----

// Independent outer iterations: all dimensions of an scf.parallel but the
// last are linearized into a range [begin, end) that the kernel takes as
// its last two arguments; a `_parallel` entry of the same signature is
// declared, and taken when the work pays for threads.

// CHECK-LABEL: func.func private @grid_kernel0_parallel(index, memref<?x?x64xf32>, index, index)
// CHECK-SAME:    attributes {xf.parallel_entry_of = @grid_kernel0}
// CHECK-LABEL: func.func private @grid_kernel0(
// CHECK-SAME:    %[[BEGIN:[^:]*]]: index, %[[END:[^:]*]]: index) {
// CHECK:         scf.for %[[I:.*]] = %[[BEGIN]] to %[[END]] step
// CHECK:           arith.remui %[[I]]
// CHECK:           arith.divui %[[I]]
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:             math.exp
// CHECK-LABEL: func.func @grid(
// CHECK:         %[[ROWS:.*]] = arith.ceildivui
// CHECK:         %[[COLS:.*]] = arith.ceildivui
// CHECK:         %[[N:.*]] = arith.muli %{{.*}}, %[[COLS]]
// CHECK:         %[[BIG:.*]] = arith.cmpi uge
// CHECK:         scf.if %[[BIG]] {
// CHECK-NEXT:      call @grid_kernel0_parallel({{.*}}, %[[N]])
// CHECK-NEXT:    } else {
// CHECK-NEXT:      call @grid_kernel0({{.*}}, %[[N]])
func.func @grid(%buf: memref<?x?x64xf32>, %m: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%m, %n, %c64) step (%c1, %c1, %c1) {
    %x = memref.load %buf[%i, %j, %k] : memref<?x?x64xf32>
    %e = math.exp %x : f32
    memref.store %e, %buf[%i, %j, %k] : memref<?x?x64xf32>
  }
  return
}

// -----

// An scf.for marked xf.parallel (output tiles) is split the same way; an
// unmarked one stays sequential.

// CHECK-LABEL: func.func private @tiles_kernel0_parallel(
// CHECK-LABEL: func.func private @tiles_kernel0(
// CHECK-SAME:    %[[BEGIN:[^:]*]]: index, %[[END:[^:]*]]: index) {
// CHECK:         scf.for %[[T:.*]] = %[[BEGIN]] to %[[END]]
// CHECK:           arith.muli %[[T]]
// CHECK-NOT:   func.func private @tiles_kernel1_parallel
// CHECK-LABEL: func.func @tiles(
func.func @tiles(%buf: memref<256xf32>) {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  scf.for %i = %c0 to %c256 step %c32 {
    %x = memref.load %buf[%i] : memref<256xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %buf[%i] : memref<256xf32>
  } {xf.parallel}
  scf.for %i = %c0 to %c256 step %c32 {
    %x = memref.load %buf[%i] : memref<256xf32>
    %y = arith.mulf %x, %x : f32
    memref.store %y, %buf[%i] : memref<256xf32>
  }
  return
}

// RUN: xfc-opt %s --xf-lower-lane-ops | FileCheck %s

// With an intrinsic, its call; without, even and odd lanes widened,
// multiplied and summed.
// CHECK-LABEL: func.func @pairs
// CHECK: %[[CALL:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%arg0, %arg1) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: %[[AE:.+]] = vector.shuffle %arg2, %arg2 [0, 2, 4, 6] : vector<8xi16>, vector<8xi16>
// CHECK: %[[AEW:.+]] = arith.extsi %[[AE]] : vector<4xi16> to vector<4xi32>
// CHECK: %[[BE:.+]] = vector.shuffle %arg3, %arg3 [0, 2, 4, 6]
// CHECK: %[[BEW:.+]] = arith.extsi %[[BE]]
// CHECK: %[[EVEN:.+]] = arith.muli %[[AEW]], %[[BEW]] : vector<4xi32>
// CHECK: vector.shuffle %arg2, %arg2 [1, 3, 5, 7]
// CHECK: %[[ODD:.+]] = arith.muli
// CHECK: %[[SUM:.+]] = arith.addi %[[EVEN]], %[[ODD]] : vector<4xi32>
// CHECK: return %[[CALL]], %[[SUM]]
func.func @pairs(%a: vector<16xi16>, %b: vector<16xi16>, %c: vector<8xi16>, %d: vector<8xi16>) -> (vector<8xi32>, vector<4xi32>) {
  %0 = xf.multiply_add_pairs %a, %b {intrinsic = "llvm.x86.avx2.pmadd.wd"} : vector<16xi16> -> vector<8xi32>
  %1 = xf.multiply_add_pairs %c, %d : vector<8xi16> -> vector<4xi32>
  return %0, %1 : vector<8xi32>, vector<4xi32>
}

// With an intrinsic, its call with zeros as the pass-through; without, the
// source through a stack slot and an expanding load.
// CHECK-LABEL: func.func @expand
// CHECK: %[[ZEROS:.+]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK: %[[CALL:.+]] = llvm.call_intrinsic "llvm.x86.avx512.mask.expand.v16f32"(%arg0, %[[ZEROS]], %arg1) : (vector<16xf32>, vector<16xf32>, vector<16xi1>) -> vector<16xf32>
// CHECK: %[[SLOT:.+]] = memref.alloca() : memref<8xf32>
// CHECK: vector.store %arg2, %[[SLOT]][%[[C0:.+]]] : memref<8xf32>, vector<8xf32>
// CHECK: %[[LOADED:.+]] = vector.expandload %[[SLOT]][%[[C0]]], %arg3, %{{.+}} : memref<8xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// CHECK: return %[[CALL]], %[[LOADED]]
func.func @expand(%a: vector<16xf32>, %m: vector<16xi1>, %b: vector<8xf32>, %n: vector<8xi1>) -> (vector<16xf32>, vector<8xf32>) {
  %0 = xf.expand_lanes %a, %m {intrinsic = "llvm.x86.avx512.mask.expand.v16f32"} : vector<16xf32>, vector<16xi1>
  %1 = xf.expand_lanes %b, %n : vector<8xf32>, vector<8xi1>
  return %0, %1 : vector<16xf32>, vector<8xf32>
}

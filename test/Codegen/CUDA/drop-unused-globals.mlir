// RUN: xfc-opt %s --pass-pipeline='builtin.module(xf-drop-unused-globals)' | FileCheck %s

// A device copy nothing reads goes, and then its host constant; a device
// copy still read keeps its host constant (which its `xf.device_copy_of`
// uses); a private global the host reads stays; a public global stays,
// read or not, however it is named.
// CHECK-NOT: @unread
// CHECK: memref.global "private" constant @read : memref<4xf32>
// CHECK-NEXT: memref.global constant @read_on_gpu : memref<4xf32> {xf.device_copy_of = @read}
// CHECK-NEXT: memref.global "private" constant @host_table : memref<2xi64>
// CHECK-NEXT: memref.global constant @public_unread__device : memref<4xf32>
// CHECK-NOT: memref.global
memref.global "private" constant @unread : memref<4xf32> = dense<1.0>
memref.global constant @unread_on_gpu : memref<4xf32> {xf.device_copy_of = @unread}
memref.global "private" constant @read : memref<4xf32> = dense<2.0>
memref.global constant @read_on_gpu : memref<4xf32> {xf.device_copy_of = @read}
memref.global "private" constant @host_table : memref<2xi64> = dense<[1, 2]>
memref.global "private" constant @dead : memref<2xi64> = dense<[3, 4]>
memref.global constant @public_unread__device : memref<4xf32> = dense<3.0>
func.func @model(%out: memref<4xf32>) -> i64 {
  %c0 = arith.constant 0 : index
  %w = memref.get_global @read_on_gpu : memref<4xf32>
  memref.copy %w, %out : memref<4xf32> to memref<4xf32>
  %t = memref.get_global @host_table : memref<2xi64>
  %v = memref.load %t[%c0] : memref<2xi64>
  return %v : i64
}

// Outside a library there is no run to fail: in upstream's JIT runner (lit
// tests of lowered programs), an index out of range prints its message and
// ends the process with status 1 (no crash).
// RUN: not %run_main %s 2>&1 | FileCheck %s
// CHECK: node 'embed/Gather' (Gather): index 7 is out of range for axis 0 of size 5
// CHECK-NOT: after

module {
  llvm.mlir.global internal constant @what("node 'embed/Gather' (Gather): index %lld is out of range for axis 0 of size %lld\00") {addr_space = 0 : i32}
  llvm.mlir.global internal constant @after("after\0A\00") {addr_space = 0 : i32}
  llvm.func @xfc__fail_run(!llvm.ptr, i64, i64)
  llvm.func @printf(!llvm.ptr, ...) -> i32
  llvm.func @main() {
    %what = llvm.mlir.addressof @what : !llvm.ptr
    %index = llvm.mlir.constant(7 : i64) : i64
    %size = llvm.mlir.constant(5 : i64) : i64
    llvm.call @xfc__fail_run(%what, %index, %size) : (!llvm.ptr, i64, i64) -> ()
    %after = llvm.mlir.addressof @after : !llvm.ptr
    %0 = llvm.call @printf(%after) vararg(!llvm.func<i32 (ptr, ...)>) : (!llvm.ptr) -> i32
    llvm.return
  }
}

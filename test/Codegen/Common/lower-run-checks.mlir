// RUN: xfc-opt %s --xf-lower-run-checks | FileCheck %s

// Each check calls the runtime when its fact is false, with its message as
// a constant string; the runtime's function is declared once.
// CHECK:       llvm.mlir.global internal constant @xfc_run_check_1("second %lld\00")
// CHECK:       llvm.mlir.global internal constant @xfc_run_check_0("node 'r' (Reshape): %lld is not %lld\00")
// CHECK:       func.func private @xfc__fail_run(!llvm.ptr, i64, i64)
// CHECK-LABEL: func.func @two_checks
// CHECK:         %[[FAILED:.+]] = arith.xori %arg0, %true
// CHECK-NEXT:    scf.if %[[FAILED]] {
// CHECK-NEXT:      %[[MESSAGE:.+]] = llvm.mlir.addressof @xfc_run_check_0
// CHECK:           func.call @xfc__fail_run(%{{.+}}, %arg1, %arg2) : (!llvm.ptr, i64, i64) -> ()
// CHECK:         scf.if
// CHECK:           func.call @xfc__fail_run(%{{.+}}, %arg2, %arg2)
// CHECK-NOT:     xf.run_check
func.func @two_checks(%ok: i1, %a: i64, %b: i64) {
  xf.run_check %ok, "node 'r' (Reshape): %lld is not %lld" (%a, %b)
  xf.run_check %ok, "second %lld" (%b, %b)
  return
}

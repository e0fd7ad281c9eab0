// RUN: xfc-opt %s -split-input-file -verify-diagnostics --canonicalize | FileCheck %s

// A check of a fact known at compile time folds away; others stay.
// CHECK-LABEL: func.func @checks
// CHECK-NOT:   xf.run_check %true
// CHECK:       xf.run_check %arg0, "node 'g' (Gather): index %lld is out of range for axis 0 of size %lld"(%arg1, %arg2)
// CHECK-NEXT:  return
func.func @checks(%ok: i1, %a: i64, %b: i64) {
  %true = arith.constant true
  xf.run_check %true, "always %lld, %lld" (%a, %b)
  xf.run_check %ok, "node 'g' (Gather): index %lld is out of range for axis 0 of size %lld" (%a, %b)
  return
}

// -----

func.func @three_values(%ok: i1, %a: i64) {
  // expected-error @below {{'xf.run_check' op message may print two values, not 3}}
  xf.run_check %ok, "%lld %lld %lld" (%a, %a)
  return
}

// -----

func.func @other_format(%ok: i1, %a: i64) {
  // expected-error @below {{'xf.run_check' op message may hold only %lld and %%}}
  xf.run_check %ok, "100% of %s" (%a, %a)
  return
}

// RUN: xfc-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect | FileCheck %s

// A kernel's parallel entry names the kernel it runs on threads.
// CHECK: func.func private @k_on_threads(index, index) attributes {xf.parallel_entry_of = @k}
func.func private @k(%begin: index, %end: index) {
  return
}
func.func private @k_on_threads(index, index) attributes {xf.parallel_entry_of = @k}

// -----

// expected-error @below {{'xf.parallel_entry_of' must be a flat symbol reference on a symbol}}
func.func private @k_parallel(index, index) attributes {xf.parallel_entry_of = "k"}

// -----

// expected-error @below {{'xf.parallel_entry_of' must be a flat symbol reference on a symbol}}
"test.op"() {xf.parallel_entry_of = @k} : () -> ()

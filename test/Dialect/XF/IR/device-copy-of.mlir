// RUN: xfc-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect | FileCheck %s

// A global's device copy names the global it copies.
// CHECK: memref.global constant @w_on_gpu : memref<2xf32> {xf.device_copy_of = @w}
memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
memref.global constant @w_on_gpu : memref<2xf32> {xf.device_copy_of = @w}

// -----

// expected-error @below {{'xf.device_copy_of' must be a flat symbol reference on a symbol}}
memref.global constant @w_on_gpu : memref<2xf32> {xf.device_copy_of = "w"}

// -----

// expected-error @below {{'xf.device_copy_of' must be a flat symbol reference on a symbol}}
memref.global constant @w_on_gpu : memref<2xf32> {xf.device_copy_of = @m::@w}

// -----

// expected-error @below {{'xf.device_copy_of' must be a flat symbol reference on a symbol}}
"test.op"() {xf.device_copy_of = @w} : () -> ()

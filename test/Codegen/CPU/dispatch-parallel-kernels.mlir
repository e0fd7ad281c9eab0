// RUN: xfc-opt %s --xf-dispatch-parallel-kernels | FileCheck %s

// The declared parallel entry gets a body: its arguments and where the
// range begins go into a frame on the stack, and the runtime's pool runs
// <kernel>_chunk on parts of [0, end - begin), which loads them back and
// calls the kernel on [base + part begin, base + part end).

// CHECK-LABEL: llvm.func internal @k_chunk(
// CHECK-SAME:    %[[FRAME:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// CHECK:         %[[P0:.*]] = llvm.getelementptr %[[FRAME]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, i64, i64)>
// CHECK:         %[[A0:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[A1:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK:         %[[BASE:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK:         %[[LO:.*]] = llvm.add %[[BASE]], %[[B]]
// CHECK:         %[[HI:.*]] = llvm.add %[[BASE]], %[[E]]
// CHECK:         llvm.call @k(%[[A0]], %[[A1]], %[[LO]], %[[HI]])
// CHECK-LABEL: llvm.func internal @k_parallel(
// CHECK-SAME:    %[[X:.*]]: !llvm.ptr, %[[Y:.*]]: i64, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK:         %[[F:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, i64, i64)>
// CHECK:         llvm.store %[[X]]
// CHECK:         llvm.store %[[Y]]
// CHECK:         llvm.store %[[BEGIN]]
// CHECK:         %[[N:.*]] = llvm.sub %[[END]], %[[BEGIN]]
// CHECK:         %[[FN:.*]] = llvm.mlir.addressof @k_chunk
// CHECK:         llvm.call @xfc_parallel_for(%[[N]], %[[FN]], %[[F]])
// CHECK-DAG:   llvm.func @xfc_parallel_for(i64, !llvm.ptr, !llvm.ptr)
llvm.func @k(%x: !llvm.ptr, %y: i64, %begin: i64, %end: i64) {
  llvm.return
}
llvm.func @k_parallel(!llvm.ptr, i64, i64, i64) attributes {sym_visibility = "private", xf.parallel_entry_of = @k}

// A declaration without its kernel is left alone.
// CHECK-DAG: llvm.func @lonely_parallel(i64, i64)
llvm.func @lonely_parallel(i64, i64) attributes {sym_visibility = "private", xf.parallel_entry_of = @lonely}

// What a declaration is comes from its attribute, not its name: a function
// named like a parallel entry, beside a kernel of the name, is left alone;
// an entry named otherwise is defined.
// CHECK-DAG:   llvm.func @m_parallel(i64, i64)
// CHECK-DAG:   llvm.func internal @m_chunk(
// CHECK-DAG:   llvm.func internal @entry_of_m(
llvm.func @m(%begin: i64, %end: i64) {
  llvm.return
}
llvm.func @m_parallel(i64, i64) attributes {sym_visibility = "private"}
llvm.func @entry_of_m(i64, i64) attributes {sym_visibility = "private", xf.parallel_entry_of = @m}

#!/usr/bin/env bash
# Builds xfc with AddressSanitizer and UndefinedBehaviorSanitizer (every
# undefined-behaviour report fatal) in build-asan/, then runs the lit suite
# (the hostile-model tests among them) and the unit tests (ctest: runtime,
# thread pool, shape utilities) with it. Not part of the README's test
# command: it doubles the build time. Needs libclang-rt-22-dev
# (scripts/install-deps.sh installs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_ASAN_BUILD_DIR:-$root/build-asan}

bash "$root/scripts/install-deps.sh"

export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
# Instrumented shared libraries (xfc_jit_runtime) take the sanitizer runtime
# from the program that loads them: LLVM's -z defs (which comes first) is
# overridden for them.
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    "-DCMAKE_C_FLAGS=$sanitize -fno-omit-frame-pointer" \
    "-DCMAKE_CXX_FLAGS=$sanitize -fno-omit-frame-pointer" \
    "-DCMAKE_EXE_LINKER_FLAGS=$sanitize" \
    "-DCMAKE_SHARED_LINKER_FLAGS=$sanitize" \
    "-DCMAKE_SHARED_LINKER_FLAGS_RELWITHDEBINFO=-Wl,-z,undefs"
fi
# LLVM's own libraries are not instrumented; their one-definition-rule
# reports about shared symbols are not ours. Leaks: the compiler keeps its
# context to the end on purpose. The runtime answers an allocation that
# cannot be had with XFC_OUT_OF_MEMORY (tests ask for 2^44 bytes): ASan's
# allocator must return NULL for it, as the C library's does.
export ASAN_OPTIONS=detect_odr_violation=0:detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1
# Upstream's JIT runner (not instrumented) loads the instrumented
# xfc_jit_runtime: it needs the sanitizer runtime preloaded.
export XFC_LIT_RUNNER_PRELOAD
XFC_LIT_RUNNER_PRELOAD=$(clang-22 -print-file-name=libclang_rt.asan-x86_64.so)
cmake --build "$build" -j "${XFC_JOBS:-2}"

status=0
echo "== lit (under ASan + UBSan)"
cmake --build "$build" --target check-xfc || status=1
echo "== ctest (under ASan + UBSan)"
# Not install-and-use: the installed runtime is instrumented here, and the
# outside program it builds to load a library is not.
ctest --test-dir "$build" --output-on-failure -j "${XFC_JOBS:-2}" \
  -E '^install-and-use$' || status=1
exit $status

#!/usr/bin/env bash
# Fuzzes the ONNX importer with libFuzzer for a while.
#
#   scripts/fuzz-importer.sh [SECONDS] [extra libFuzzer flags...]
#
# Builds xfc-fuzz-import in build-fuzz/ with coverage feedback and
# AddressSanitizer + UndefinedBehaviorSanitizer on everything it links from
# xfc (importer, xf dialect, support), then runs it on one core from the
# checked-in seed corpus (test/fuzz/import-corpus). New inputs go to
# build-fuzz/fuzz-corpus, crashing ones to build-fuzz/fuzz-artifacts/; add a
# crash, once fixed, to the seed corpus as a regression. Needs
# libclang-rt-22-dev (scripts/install-deps.sh installs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-600}
shift || true

bash "$root/scripts/install-deps.sh"
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
sanitizers="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    "-DCMAKE_CXX_FLAGS=$sanitizers -fno-omit-frame-pointer" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"
fi
cmake --build "$build" -j "${XFC_JOBS:-2}" --target xfc-fuzz-import

mkdir -p "$build/fuzz-corpus" "$build/fuzz-artifacts"
# LLVM's own (uninstrumented) libraries share symbols with ours; their
# one-definition-rule reports are not the importer's.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
exec "$build/bin/xfc-fuzz-import" "$build/fuzz-corpus" \
  "$root/test/fuzz/import-corpus" \
  -max_total_time="$seconds" -max_len=16384 -rss_limit_mb=4096 -timeout=20 \
  -artifact_prefix="$build/fuzz-artifacts/" -print_final_stats=1 -print_funcs=0 "$@"

#!/usr/bin/env bash
# Builds xfc with AddressSanitizer in build-asan/ and runs the lit suite
# with it (the hostile-model tests among them). Not part of the README's
# test command: it doubles the build time. Needs libclang-rt-22-dev.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_ASAN_BUILD_DIR:-$root/build-asan}

bash "$root/scripts/install-deps.sh"
if [ "$(dpkg-query -W -f='${db:Status-Status}' libclang-rt-22-dev 2>/dev/null)" != installed ]; then
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -q --no-install-recommends libclang-rt-22-dev
fi

export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    "-DCMAKE_CXX_FLAGS=-fsanitize=address -fno-omit-frame-pointer" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address" \
    "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address"
fi
# LLVM's own libraries are not instrumented; their one-definition-rule
# reports about shared symbols are not ours.
export ASAN_OPTIONS=detect_odr_violation=0:detect_leaks=0
cmake --build "$build" -j "${XFC_JOBS:-2}" --target check-xfc

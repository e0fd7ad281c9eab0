#!/usr/bin/env bash
# Installs what is missing, then configures (once) and builds xfc in build/
# with clang-22, Ninja and ccache. XFC_BUILD_DIR and XFC_JOBS override the
# folder and the job count.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_BUILD_DIR:-$root/build}

bash "$root/scripts/install-deps.sh"

# The precompiled header changes the command line ccache sees; these let it
# still reuse results across clean builds.
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
cmake --build "$build" -j "${XFC_JOBS:-2}"

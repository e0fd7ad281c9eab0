#!/usr/bin/env bash
# Usage: install-and-use.sh BUILD_DIR WORK_DIR
# Installs BUILD_DIR into WORK_DIR/prefix; the installed xfc compiles an
# affine model (for the CPU, and for CUDA, which needs no GPU to compile);
# consumer/, an outside project, is built with find_package(xfc), and
# run_model.c again with `pkg-config xfc`'s flags; both load and run it;
# consumer/compile_model.c compiles it again with the compiler library.
set -euo pipefail
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
prefix=$work/prefix

rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"

/usr/bin/python3 "$here/make_affine_model.py" "$work/affine.onnx"
# The installed xfc finds the runtime beside itself (PREFIX/include, PREFIX/lib).
"$prefix/bin/xfc" "$work/affine.onnx" -o "$work/affine.so"
"$prefix/bin/xfc" "$work/affine.onnx" -o "$work/affine_cuda.so" --target=cuda
"$prefix/bin/xfc-run" "$work/affine.so" --dim batch=2

cmake -S "$here/consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log"
cmake --build "$work/consumer" > "$work/build.log"
"$work/consumer/run_model" "$work/affine.so"
# The compiler library, linked by an outside program, writes the same.
"$work/consumer/compile_model" "$work/affine.onnx" "$work/affine_from_c.so"
"$work/consumer/run_model" "$work/affine_from_c.so"

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
version=$(pkg-config --modversion xfc)
# shellcheck disable=SC2046 # pkg-config's flags are separate words
clang-22 -std=gnu11 -Wall -Wextra -Werror "$here/consumer/run_model.c" $(pkg-config --cflags --libs xfc) -lm \
  -DEXPECTED_VERSION="\"$version\"" -o "$work/run_model_pkg_config"
"$work/run_model_pkg_config" "$work/affine.so"

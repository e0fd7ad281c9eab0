#!/usr/bin/env bash
# Installs, from Debian's own packages, whatever xfc needs to build and test that this
# machine lacks. Quick (no apt call at all) when everything is present.
set -euo pipefail

packages=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22
  clang-format-22 clang-tidy-22
  cmake ninja-build ccache
  libonnx-dev libprotobuf-dev protobuf-compiler
  python3-onnx python3-numpy python3-pytest libonnx-testdata
  python3-venv python3-pip python3-setuptools python3-wheel pkg-config
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

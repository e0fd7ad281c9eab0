#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test suite (lit, ctest, pytest), printing each one's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"

echo "== lit (FileCheck tests)"
cmake --build "$build" --target check-xfc

echo "== ctest (unit tests, generated docs up to date, clang-format, clang-tidy)"
ctest --test-dir "$build" --output-on-failure -j "${XFC_JOBS:-2}"

echo "== pytest"
# Debian's interpreter: it has numpy, onnx and pytest.
XFC_BUILD_DIR="$build" PYTHONPATH="$root/python" /usr/bin/python3 -m pytest -q "$root/test/python"

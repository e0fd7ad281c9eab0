#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test suite (lit, ctest, pytest), printing each one's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"

echo "== lit (FileCheck tests)"
cmake --build "$build" --target check-xfc

echo "== ctest (unit tests, generated docs up to date, clang-format)"
ctest --test-dir "$build" --output-on-failure -j "${XFC_JOBS:-2}" -E '^clang-tidy$'

# clang-tidy analyzes every file's whole translation unit (minutes): it runs
# beside pytest, whose compiles leave a core idle much of the time.
tidy_log="$build/clang-tidy.log"
ctest --test-dir "$build" --output-on-failure -R '^clang-tidy$' >"$tidy_log" 2>&1 &
tidy=$!

echo "== pytest"
status=0
# Debian's interpreter: it has numpy, onnx and pytest.
XFC_BUILD_DIR="$build" PYTHONPATH="$root/python" /usr/bin/python3 -m pytest -q "$root/test/python" || status=$?

echo "== ctest clang-tidy"
if wait "$tidy"; then
  grep -E "tests passed|Passed" "$tidy_log"
else
  cat "$tidy_log"
  status=1
fi
exit "$status"

#!/usr/bin/env bash
# The README's main job: installs what is missing, builds xfc, writes a GPT-2
# transformer block as the TorchScript exporter spells it (random weights,
# symbolic batch and sequence), compiles it to a shared library, runs it on
# two input sizes and checks the results against NumPy, printing the error
# and the time. The imported and optimized graphs are printed first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"

work="$build/demo"
mkdir -p "$work"
/usr/bin/python3 "$root/examples/make_gpt2_block.py" "$work/gpt2_block.onnx"
count_ops() { grep -oE '= xf\.[a-z_]+' | sed 's/= //' | sort | uniq -c | sort -rn | awk '{printf "%s x%s  ", $2, $1} END {print ""}'; }
echo "== imported: $("$build/bin/xfc" "$work/gpt2_block.onnx" --emit=xf-graph | grep -c '= xf\.') ops"
"$build/bin/xfc" "$work/gpt2_block.onnx" --emit=xf-graph | count_ops
echo "== after shape inference and folding: $("$build/bin/xfc" "$work/gpt2_block.onnx" --emit=xf | grep -c '= xf\.') ops"
"$build/bin/xfc" "$work/gpt2_block.onnx" --emit=xf | count_ops
echo "== compiled to a shared library and run"
XFC_BUILD_DIR="$build" /usr/bin/python3 "$root/examples/run_demo.py" "$work"

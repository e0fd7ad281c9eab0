#!/usr/bin/env bash
# The README's main job: installs what is missing, builds xfc, writes a GPT-2
# transformer block as the TorchScript exporter spells it (random weights,
# symbolic batch and sequence), imports it and prints the graph after shape
# inference and folding, with the op counts before and after.
# (Compiling it to a shared library and running it come with the back ends.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"

model="$build/demo/gpt2_block.onnx"
mkdir -p "$(dirname "$model")"
/usr/bin/python3 "$root/examples/make_gpt2_block.py" "$model"

count_ops() { grep -oE '= xf\.[a-z_]+' | sed 's/= //' | sort | uniq -c | sort -rn | awk '{printf "%s x%s  ", $2, $1} END {print ""}'; }
echo "== imported ($model): $("$build/bin/xfc" "$model" --emit=xf-graph | grep -c '= xf\.') ops"
"$build/bin/xfc" "$model" --emit=xf-graph | count_ops
echo "== after shape inference and folding: $("$build/bin/xfc" "$model" --emit=xf | grep -c '= xf\.') ops"
"$build/bin/xfc" "$model" --emit=xf | count_ops
echo "== the graph (xfc --emit=xf, weights elided)"
"$build/bin/xfc" "$model" --emit=xf --mlir-elide-elementsattrs-if-larger=8 \
  --mlir-elide-resource-strings-if-larger=16

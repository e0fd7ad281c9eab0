#!/usr/bin/env bash
# The README's main job: installs what is missing, builds xfc, and runs the
# compiler on the bundled example, a GPT-2 attention block's shape
# arithmetic as exporters write it, printing the graph before and after.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFC_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"

example="$root/examples/gpt2-attention-heads.mlir"
echo "== imported graph ($example)"
"$build/bin/xfc" "$example" --emit=xf-graph
echo "== after shape inference and folding (xfc --emit=xf)"
"$build/bin/xfc" "$example" --emit=xf --mlir-timing

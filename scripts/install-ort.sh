#!/usr/bin/env bash
# Installs ONNX Runtime for Node.js (npm's onnxruntime-node 1.30.0, which
# carries its Linux x64 library) into .cache/ort, for reference outputs and
# side-by-side timing through ../shared/tools/ort/run_ort.js. Quick when
# already there. Prints the NODE_PATH to use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.cache/ort"
if [ ! -d "$dir/node_modules/onnxruntime-node" ]; then
  command -v npm > /dev/null || {
    sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get install -y -q --no-install-recommends nodejs npm
  }
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund --ignore-scripts \
     onnxruntime-node@1.30.0 > /dev/null)
fi
echo "$dir/node_modules"

#!/usr/bin/env bash
# Installs what the benchmarks need beyond scripts/install-deps.sh: PyTorch
# (Debian's python3-torch 1.13), with which bench/mixtral_shaped.py writes
# the Mixtral-shaped model as Hugging Face's code exports it. Quick when
# already there.
set -euo pipefail
if ! /usr/bin/python3 -c "import torch" 2> /dev/null; then
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch
fi

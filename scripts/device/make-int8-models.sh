#!/usr/bin/env bash
# Makes the int8 test models (test/models/*_int8dyn.*) with ONNX Runtime's
# quantize_dynamic, on a machine that has torch, transformers and
# onnxruntime (the GPU machine). The shared zoo script builds the models
# from Hugging Face configs, exports them with TorchScript, quantizes them
# and stores ONNX Runtime's outputs beside them.
#
#   here:  mkdir -p carry && cp ../shared/models/make_zoo.py carry/
#   there: bash scripts/device/make-int8-models.sh     (carrying carry/)
#   here:  tar xzf <files>/zoo.tgz.00 && cp zoo/*_int8dyn.* test/models/
#
# The TorchScript exports are listed too: quantize_dynamic reads them.
set -euo pipefail
cd "$(dirname "$0")/../../carry"
ZOO_ONLY=gpt2_ts,llama_ts,bert_ts,phi3_ts,gpt2_int8dyn,llama_int8dyn,bert_int8dyn,phi3_int8dyn \
  PYTHONUNBUFFERED=1 OUT="${OUT:-/tmp/out}" python3 make_zoo.py

#!/usr/bin/env bash
# More MoE models from ../shared/models/make_zoo.py (it needs torch 2.x and
# transformers, which only the GPU machine has): the generator's moedense and
# moesparse, and Mixtral / Qwen2-MoE at another size, in transformers'
# batched_mm and eager expert forms.
#
#   here:  bash scripts/device/make-zoo-sizes.sh prepare   (copies make_zoo.py to carry/zoo)
#   there: bash scripts/device/make-zoo-sizes.sh run       (device tool, carry: carry)
#   here:  bash scripts/device/make-zoo-sizes.sh unpack <files_at>   (zoo-sizes.tgz to test/models/zoo-sizes)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="$ROOT/test/models/zoo-sizes"

# One generator run: name suffix, then the generator's environment.
generate() {
  local tag=$1
  shift
  rm -rf /tmp/zoo
  env "$@" OUT="/tmp/gen-$tag" python3 "$ROOT/carry/zoo/make_zoo.py" >"/tmp/gen-$tag.log" 2>&1 || true
  grep -E '^case|FAILED' "/tmp/gen-$tag.log" | tee -a "$OUT/generator.txt" || true
  mkdir -p "/tmp/sizes/$tag"
  for f in /tmp/zoo/*.onnx; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .onnx)
    cp "$f" "/tmp/sizes/$tag/$name.onnx" && cp "/tmp/zoo/$name.npz" "/tmp/sizes/$tag/"
  done
}

case "${1:-}" in
prepare)
  mkdir -p "$ROOT/carry/zoo" && cp "$ROOT/../shared/models/make_zoo.py" "$ROOT/carry/zoo/"
  ;;
run)
  OUT="${OUT:-/tmp/out}"
  rm -rf /tmp/sizes && mkdir -p "$OUT"
  # The zoo's own size (hidden 96, 3 heads, 3 layers) for moedense, which the
  # shared zoo lacks; hidden 64 with 4 heads and 2 layers for the rest.
  generate h96 ZOO_ONLY=moedense_ts,moedense_dynamo
  small="ZOO_H=64 ZOO_HEADS=4 ZOO_L=2 ZOO_V=256 ZOO_SEED=3"
  # shellcheck disable=SC2086
  generate h64_batched_mm $small ZOO_EXPERTS=batched_mm \
    ZOO_ONLY=moedense_ts,moedense_dynamo,moesparse_ts,moesparse_dynamo,mixtral_ts,mixtral_dynamo,qwen2moe_ts,qwen2moe_dynamo
  # shellcheck disable=SC2086
  generate h64_eager $small ZOO_EXPERTS=eager ZOO_ONLY=mixtral_ts,mixtral_dynamo,qwen2moe_ts,qwen2moe_dynamo
  # One file: the device tool brings back a handful.
  tar czf "$OUT/zoo-sizes.tgz" -C /tmp/sizes .
  ;;
unpack)
  mkdir -p "$DEST" /tmp/zoo-sizes
  tar xzf "$2/zoo-sizes.tgz" -C /tmp/zoo-sizes
  for dir in /tmp/zoo-sizes/*/; do
    tag=$(basename "$dir")
    for f in "$dir"*.onnx; do
      [ -e "$f" ] || continue
      name=$(basename "$f" .onnx)
      case $name in moe*) out=${name}_${tag%%_*} ;; *) out=${name%_*}_${tag#h64_}_${name##*_}_h64 ;; esac
      cp "$f" "$DEST/$out.onnx" && cp "$dir$name.npz" "$DEST/$out.npz"
    done
  done
  ls -la "$DEST"
  ;;
*)
  echo "usage: $0 prepare|run|unpack <dir>" >&2
  exit 2
  ;;
esac

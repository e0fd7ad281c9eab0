#!/usr/bin/env bash
# The zoo models as CUDA libraries on an NVIDIA GPU: compiled here, run on
# the GPU machine (which has the driver but no LLVM/MLIR), compared there
# with ONNX Runtime's stored outputs.
#
#   here:  bash scripts/device/cuda-zoo.sh prepare
#          (writes carry/cuda: xfc-run, the runtime's unit tests, one
#          library per model, the .npz)
#   there: bash scripts/device/cuda-zoo.sh run       (device tool, carry: carry)
#          (writes $OUT/h100-correctness.json and prints a table)
#   here:  cp <files>/h100-correctness.json bench/results/
#
# Each model runs twice: on its stored inputs against ONNX Runtime's
# outputs, and on random inputs of another shape (batch 3, sequence 7)
# against xfc's CPU library run there on the same inputs. Tolerance:
# relative L2 error 1e-4 (float32 arithmetic throughout).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CARRY="$ROOT/carry/cuda"
MODELS="gpt2_ts llama_ts bert_ts gpt2_ortfused llama_dynamo moesparse_dynamo gpt2_int4 llama_int4"
RTOL=1e-4

case "${1:-}" in
prepare)
  ZOO="$ROOT/../shared/models/zoo"
  rm -rf "$CARRY" && mkdir -p "$CARRY"
  cp "$ROOT/build/bin/xfc-run" "$ROOT/build/test/unit/xfc-cuda-runtime-tests" "$CARRY/"
  for model in $MODELS; do
    echo "compiling $model"
    start=$(date +%s.%N)
    "$ROOT/build/bin/xfc" "$ZOO/$model.onnx" --target=cuda -o "$CARRY/$model.so"
    echo "$model $(echo "$(date +%s.%N) - $start" | bc)" >>"$CARRY/compile-seconds.txt"
    "$ROOT/build/bin/xfc" "$ZOO/$model.onnx" -o "$CARRY/$model.cpu.so"
    cp "$ZOO/$model.npz" "$CARRY/"
  done
  ;;
run)
  cd "$CARRY"
  OUT="${OUT:-/tmp/out}" && mkdir -p "$OUT"
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >"$OUT/gpu.txt" || true
  # The runtime's own tests, which need a GPU to run rather than skip.
  ./xfc-cuda-runtime-tests >"$OUT/runtime-tests.log" 2>&1 || true
  grep -E "PASSED|FAILED|SKIPPED" "$OUT/runtime-tests.log" || true
  mkdir -p logs
  for model in $MODELS; do
    ./xfc-run "./$model.so" --inputs "$model.npz" --expect "$model.npz" \
      --rtol "$RTOL" --bench 20 >"logs/$model.log" 2>&1 || true
    random="--seed 7 --dim batch=3 --dim seq=7"
    ./xfc-run "./$model.cpu.so" $random --output "$model.random.npz" \
      >/dev/null 2>&1 || true
    ./xfc-run "./$model.so" $random --expect "$model.random.npz" \
      --rtol "$RTOL" >"logs/$model.random.log" 2>&1 || true
  done
  tar czf "$OUT/logs.tgz" logs
  python3 - "$OUT" "$RTOL" $MODELS <<'PY'
import json, re, sys
out, rtol, models = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
compile_s = dict(line.split() for line in open("compile-seconds.txt"))
rows = []
def worst_error(log):
    errors = [float(e) for e in re.findall(r"relative error (\S+)", log)]
    return max(errors) if errors else None

for model in models:
    log = open(f"logs/{model}.log").read()
    random_log = open(f"logs/{model}.random.log").read()
    error, random_error = worst_error(log), worst_error(random_log)
    median = re.search(r"median (\S+) ms", log)
    rows.append({
        "model": model,
        "relative_error": error,
        "random_3x7_relative_error_vs_cpu": random_error,
        "tolerance": rtol,
        "passed": error is not None and random_error is not None
                  and max(error, random_error) <= rtol,
        "median_ms": float(median.group(1)) if median else None,
        "compile_s": round(float(compile_s[model]), 2),
        "log": (log.strip().splitlines() + random_log.strip().splitlines())[-4:],
    })
result = {"gpu": open(f"{out}/gpu.txt").read().strip(), "precision": "fp32",
          "rows": rows}
json.dump(result, open(f"{out}/h100-correctness.json", "w"), indent=1)
print(f"GPU: {result['gpu']}")
print("| model | rel. error (stored) | rel. error (3x7 vs CPU) | passed | median ms |")
for r in rows:
    print(f"| {r['model']} | {r['relative_error']} | "
          f"{r['random_3x7_relative_error_vs_cpu']} | {r['passed']} | {r['median_ms']} |")
PY
  ;;
*)
  echo "usage: $0 prepare|run" >&2
  exit 2
  ;;
esac

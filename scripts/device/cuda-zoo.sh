#!/usr/bin/env bash
# The zoo models as CUDA libraries on an NVIDIA GPU: compiled here, run on
# the GPU machine (which has the driver but no LLVM/MLIR), compared there
# with ONNX Runtime's stored outputs.
#
#   here:  bash scripts/device/cuda-zoo.sh prepare
#          (writes carry/cuda.tgz: xfc-run, the runtime's unit tests, the
#          libraries, the .npz; compressed to fit the device tool's 64 MB)
#   there: bash scripts/device/cuda-zoo.sh run       (device tool, carry: carry)
#          (writes $OUT/h100-correctness.json and prints a table)
#   here:  cp <files>/h100-correctness.json bench/results/
#
# Each model is compiled twice, with --precision=fp32 (tolerance: relative
# L2 error 1e-4) and bf16 (matrix products on the tensor cores; 2e-2), and
# each library runs twice: on the model's stored inputs against ONNX
# Runtime's outputs, and on random inputs of another shape (batch 3,
# sequence 7) against xfc's CPU library run there on the same inputs.
# MODELS="a b" picks some of the zoo (or test/models, test/models/zoo-sizes);
# give the same list at
# both steps. SPARSIFY=PATTERN (at prepare) compiles every library with
# --sparsify=PATTERN and replaces the stored outputs by ONNX Runtime's on
# the model pruned by the same rules (scripts/pruned-reference.py).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CARRY="$ROOT/carry/cuda"
ARCHIVE="$ROOT/carry/cuda.tgz"
MODELS="${MODELS:-gpt2_ts llama_ts bert_ts gpt2_ortfused llama_dynamo moesparse_dynamo gpt2_int4 llama_int4}"
# PRECISIONS=... picks others (precision:tolerance; tf32: 5e-3) at prepare
# time; the carry holds 64 MB, about two precisions' libraries.
PRECISIONS=${PRECISIONS:-"fp32:1e-4 bf16:2e-2"}
SPARSIFY=${SPARSIFY:-auto}

case "${1:-}" in
prepare)
  ZOO="$ROOT/../shared/models/zoo"
  rm -rf "$CARRY" && mkdir -p "$CARRY"
  cp "$ROOT/build/bin/xfc-run" "$ROOT/build/test/unit/xfc-cuda-runtime-tests" "$CARRY/"
  for model in $MODELS; do
    echo "compiling $model"
    # The zoo's, or one of the repository's (the int8dyn models).
    src="$ZOO/$model" && [ -f "$src.onnx" ] || src="$ROOT/test/models/$model"
    [ -f "$src.onnx" ] || src="$ROOT/test/models/zoo-sizes/$model"
    for p in $PRECISIONS; do
      precision=${p%%:*}
      start=$(date +%s.%N)
      "$ROOT/build/bin/xfc" "$src.onnx" --target=cuda \
        --precision="$precision" --sparsify="$SPARSIFY" \
        -o "$CARRY/$model.$precision.so"
      echo "$model.$precision $(echo "$(date +%s.%N) - $start" | bc)" \
        >>"$CARRY/compile-seconds.txt"
    done
    # Runs on the GPU machine's CPU: portable code (a session refuses a
    # library whose code needs extensions the CPU lacks).
    "$ROOT/build/bin/xfc" "$src.onnx" --cpu=x86-64-v3 --sparsify="$SPARSIFY" \
      -o "$CARRY/$model.cpu.so"
    if [ "$SPARSIFY" = auto ]; then
      cp "$src.npz" "$CARRY/"
    else
      /usr/bin/python3 "$ROOT/scripts/pruned-reference.py" "$SPARSIFY" \
        "$src.onnx" "$src.npz" "$CARRY/$model.npz"
    fi
  done
  echo "$PRECISIONS" >"$CARRY/precisions.txt"
  tar czf "$ARCHIVE" -C "$ROOT/carry" cuda && rm -rf "$CARRY"
  ;;
run)
  mkdir -p /tmp/xfc-cuda && tar xzf "$ARCHIVE" -C /tmp/xfc-cuda
  cd /tmp/xfc-cuda/cuda
  PRECISIONS=$(cat precisions.txt)
  OUT="${OUT:-/tmp/out}" && mkdir -p "$OUT"
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >"$OUT/gpu.txt" || true
  # The runtime's own tests, which need a GPU to run rather than skip.
  ./xfc-cuda-runtime-tests >"$OUT/runtime-tests.log" 2>&1 || true
  grep -E "PASSED|FAILED|SKIPPED" "$OUT/runtime-tests.log" || true
  mkdir -p logs
  random="--seed 7 --dim batch=3 --dim seq=7"
  for model in $MODELS; do
    ./xfc-run "./$model.cpu.so" $random --output "$model.random.npz" \
      >/dev/null 2>&1 || true
    for p in $PRECISIONS; do
      lib="./$model.${p%%:*}.so" rtol=${p#*:} log="logs/$model.${p%%:*}"
      ./xfc-run "$lib" --inputs "$model.npz" --expect "$model.npz" \
        --rtol "$rtol" --bench 20 >"$log.log" 2>&1 || true
      ./xfc-run "$lib" $random --expect "$model.random.npz" \
        --rtol "$rtol" >"$log.random.log" 2>&1 || true
    done
  done
  tar czf "$OUT/logs.tgz" logs
  python3 - "$OUT" "$PRECISIONS" $MODELS <<'PY'
import json, re, sys
out, precisions, models = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
compile_s = dict(line.split() for line in open("compile-seconds.txt"))
rows = []
def worst_error(log):
    errors = [float(e) for e in re.findall(r"relative error (\S+)", log)]
    return max(errors) if errors else None

for model in models:
  for precision, rtol in (p.split(":") for p in precisions):
    rtol = float(rtol)
    log = open(f"logs/{model}.{precision}.log").read()
    random_log = open(f"logs/{model}.{precision}.random.log").read()
    error, random_error = worst_error(log), worst_error(random_log)
    median = re.search(r"median (\S+) ms", log)
    rows.append({
        "model": model,
        "precision": precision,
        "relative_error": error,
        "random_3x7_relative_error_vs_cpu": random_error,
        "tolerance": rtol,
        "passed": error is not None and random_error is not None
                  and max(error, random_error) <= rtol,
        "median_ms": float(median.group(1)) if median else None,
        "compile_s": round(float(compile_s[f"{model}.{precision}"]), 2),
        "log": (log.strip().splitlines() + random_log.strip().splitlines())[-4:],
    })
result = {"gpu": open(f"{out}/gpu.txt").read().strip(), "rows": rows}
json.dump(result, open(f"{out}/h100-correctness.json", "w"), indent=1)
print(f"GPU: {result['gpu']}")
print("| model | precision | rel. error (stored) | rel. error (3x7 vs CPU) | passed | median ms |")
for r in rows:
    print(f"| {r['model']} | {r['precision']} | {r['relative_error']} | "
          f"{r['random_3x7_relative_error_vs_cpu']} | {r['passed']} | {r['median_ms']} |")
PY
  ;;
*)
  echo "usage: $0 prepare|run" >&2
  exit 2
  ;;
esac

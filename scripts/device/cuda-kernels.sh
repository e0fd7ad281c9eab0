#!/usr/bin/env bash
# The CUDA back end's GEMM, attention and MatMulNBits (int4 dequant-matmul)
# kernels at awkward shapes (odd sequence lengths, batch 1 and 7, head dims
# 64 and 128, grouped-query ratios 1, 4, 8), each in a one-op ONNX model
# (scripts/device/make_kernel_cases.py): compiled here, run on the GPU
# machine (driver, PyTorch, no LLVM/MLIR), compared there with PyTorch.
#
#   here:  bash scripts/device/cuda-kernels.sh prepare
#          (writes carry/kernels.tgz: xfc-run, the libraries, inputs and
#          reference weights, compile logs)
#   there: bash scripts/device/cuda-kernels.sh run   (device tool, carry:
#          carry/kernels.tgz; writes $OUT/h100-kernels.json, prints a table)
#   here:  cp <files>/h100-kernels.json bench/results/
#
# Each case is compiled with --precision=fp32 (tolerance: relative L2 error
# 1e-4) and bf16 (tensor-core operands; 2e-2). References are computed on
# the GPU in float64 by PyTorch from the same inputs and weights, not by
# xfc, so a wrong kernel cannot agree with itself. A case that fails to
# compile or run is a failed row with its error text.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CARRY="$ROOT/carry/kernels"
ARCHIVE="$ROOT/carry/kernels.tgz"
# PRECISIONS=... picks others (precision:tolerance; tf32: 5e-3) at prepare
# time; the carry holds 64 MB, about two precisions' libraries.
PRECISIONS=${PRECISIONS:-"fp32:1e-4 bf16:2e-2"}

case "${1:-}" in
prepare)
  rm -rf "$CARRY" && mkdir -p "$CARRY/logs"
  /usr/bin/python3 "$ROOT/scripts/device/make_kernel_cases.py" "$CARRY"
  cp "$ROOT/build/bin/xfc-run" "$CARRY/"
  # Which compiler made the libraries (the tree may hold uncommitted work).
  echo "$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD || echo +changes)" \
    "xfc built $(date -u -r "$ROOT/build/bin/xfc" +%FT%TZ)" >"$CARRY/build.txt"
  for model in "$CARRY"/*.onnx; do
    name=$(basename "$model" .onnx)
    # Each case must reach its kernel: attention raised to xf.attention,
    # products by weights to xf.linear; else the GPU runs something else.
    "$ROOT/build/bin/xfc" "$model" --report=fusion >"$CARRY/logs/$name.fusion.txt" 2>&1 || true
    case $name in attn_*) op=xf.attention ;; *) op=xf.linear ;; esac
    grep -q "$op: 1" "$CARRY/logs/$name.fusion.txt" || echo "not raised to $op: $name"
    for p in $PRECISIONS; do
      precision=${p%%:*}
      # A compile error stays in its log and becomes a failed row there.
      "$ROOT/build/bin/xfc" "$model" --target=cuda --precision="$precision" \
        -o "$CARRY/$name.$precision.so" >"$CARRY/logs/$name.$precision.compile.log" 2>&1 \
        || echo "compile failed: $name.$precision"
    done
  done
  # The GPU side needs no ONNX files or C headers; leaving them keeps the
  # archive under the device tool's 64 MB.
  rm -f "$CARRY"/*.onnx "$CARRY"/*.h
  echo "$PRECISIONS" >"$CARRY/precisions.txt"
  tar czf "$ARCHIVE" -C "$ROOT/carry" kernels && rm -rf "$CARRY"
  ls -l "$ARCHIVE"
  ;;
run)
  rm -rf /tmp/xfc-kernels && mkdir -p /tmp/xfc-kernels
  tar xzf "$ARCHIVE" -C /tmp/xfc-kernels
  cd /tmp/xfc-kernels/kernels
  PRECISIONS=$(cat precisions.txt)
  OUT="${OUT:-/tmp/out}" && mkdir -p "$OUT" outputs
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >"$OUT/gpu.txt" || true
  for inputs in *.npz; do
    name=${inputs%.npz}
    [ "${name%.ref}" = "$name" ] || continue  # the reference weights
    for p in $PRECISIONS; do
      precision=${p%%:*}
      [ -f "$name.$precision.so" ] || continue
      ./xfc-run "./$name.$precision.so" --inputs "$inputs" \
        --output "outputs/$name.$precision.npz" \
        >"logs/$name.$precision.run.log" 2>&1 || true
    done
  done
  tar czf "$OUT/kernel-logs.tgz" logs
  python3 - "$OUT" "$PRECISIONS" <<'PY'
import json, math, os, sys, traceback
import numpy as np
import torch
import torch.nn.functional as F

out, precisions = sys.argv[1], [p.split(":") for p in sys.argv[2].split()]
dev = torch.device("cuda")
def t(a):
    return torch.from_numpy(np.asarray(a)).to(dev)

def reference(case, x, r):
    """The float64 result, from the case's inputs x and weights r."""
    kind = case["kind"]
    if kind == "gemm":
        y = t(x["X"]).double() @ t(r["W"]).double()
        return y + t(r["bias"]).double() if case["bias"] else y
    if kind == "attention":
        q, k, v = (t(x[n]).double() for n in "QKV")
        # Head h reads K/V head h // (H/Hkv), as Expand then Reshape of
        # [B, Hkv, 1, S, D] (and MatMul's broadcasting of Hkv = 1) lay it out.
        group = case["h"] // case["hkv"]
        k, v = k.repeat_interleave(group, 1), v.repeat_interleave(group, 1)
        mask = t(r["mask"]).double() if "mask" in r else None
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                              scale=1 / math.sqrt(case["d"]))
    # MatMulNBits as ONNX Runtime's contrib op defines it: weight (n, k) is
    # (q - zero_point) * scale of its block of 32 along K; two 4-bit values
    # a byte, the low nibble first; zero points packed the same way per row
    # of N, and 8 when absent.
    n, k = case["n"], case["k"]
    blocks = (k + 31) // 32
    def nibbles(packed, count):
        p = t(packed).to(torch.int64).reshape(n, -1)
        return torch.stack([p & 15, p >> 4], -1).reshape(n, -1)[:, :count]
    q = nibbles(r["B_q4"], blocks * 32).double()
    zp = (nibbles(r["B_zero_points"], blocks).double() if "B_zero_points" in r
          else torch.full((n, blocks), 8.0, dtype=torch.float64, device=dev))
    scales = t(r["B_scales"]).double().reshape(n, blocks)
    w = (q.reshape(n, blocks, 32) - zp[..., None]) * scales[..., None]
    return t(x["A"]).double() @ w.reshape(n, -1)[:, :k].T

def tail(path, lines=6):
    try:
        return "\n".join(open(path).read().strip().splitlines()[-lines:])
    except OSError:
        return f"{path} missing"

rows = []
for case in json.load(open("cases.json")):
    name = case["name"]
    shape = {key: case[key] for key in case if key not in ("name", "kind", "seed")}
    for precision, rtol in precisions:
        row = {"case": name, "kind": case["kind"], **shape, "precision": precision,
               "relative_error": None, "tolerance": float(rtol), "passed": False,
               "error": None}
        rows.append(row)
        prefix = f"logs/{name}.{precision}"
        try:
            lib_out = f"outputs/{name}.{precision}.npz"
            try:
                y = np.load(lib_out)["Y"]
            except OSError:
                row["error"] = (("run failed: " + tail(prefix + ".run.log"))
                                if os.path.exists(f"{name}.{precision}.so")
                                else "compile failed: " + tail(prefix + ".compile.log"))
                continue
            x, r = np.load(f"{name}.npz"), np.load(f"{name}.ref.npz")
            ref = reference(case, x, r)
            y = t(y).double()
            if y.shape != ref.shape:
                row["error"] = f"output shape {tuple(y.shape)}, expected {tuple(ref.shape)}"
                continue
            error = (torch.linalg.norm(y - ref) / torch.linalg.norm(ref)).item()
            # NaN (an unwritten or broken output) never passes.
            row["relative_error"] = error if math.isfinite(error) else str(error)
            row["passed"] = math.isfinite(error) and error <= float(rtol)
        except Exception:
            row["error"] = "reference failed: " + traceback.format_exc(limit=2)

result = {"gpu": open(f"{out}/gpu.txt").read().strip(), "torch": torch.__version__,
          "compiler": open("build.txt").read().strip(), "rows": rows}
json.dump(result, open(f"{out}/h100-kernels.json", "w"), indent=1)
failed = [r for r in rows if not r["passed"]]
for r in failed:
    print(f"FAILED {r['case']} {r['precision']}: {r['error'] or r['relative_error']}")
print(f"GPU: {result['gpu']}; torch {result['torch']}")
print("| case | precision | rel. error | tolerance | passed |")
for r in rows:
    e = r["relative_error"]
    e = f"{e:.2e}" if isinstance(e, float) else e
    print(f"| {r['case']} | {r['precision']} | {e} | {r['tolerance']:g} | {r['passed']} |")
print(f"{len(rows) - len(failed)} passed, {len(failed)} failed")
PY
  ;;
*)
  echo "usage: $0 prepare|run" >&2
  exit 2
  ;;
esac

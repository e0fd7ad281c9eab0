"""xfc's generated matrix-product kernels against the machine's own limits.

GEMM (M x K times a constant K x N, as a transformer's linear layers) in
GFLOP/s against the measured f32 FMA peak; GEMV (one row: a single token)
in GB/s of weights read against the measured read bandwidth. Both limits
come from bench/cpu_peaks.c, built here with clang-22 -march=native. Each
size runs with 1 and 2 threads (XFC_NUM_THREADS). Writes
bench/results/gemm.json and prints a Markdown table.

Usage: PYTHONPATH=python python3 bench/gemm_vs_peak.py [--reps N]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import xfc  # noqa: E402

# (M, K, N): GPT-2-small's projections and MLP at sequence 128 and 512,
# BERT-base's, and single-token steps.
GEMMS = [(128, 768, 768), (128, 768, 3072), (128, 3072, 768), (512, 768, 768)]
GEMVS = [(1, 768, 3072), (1, 3072, 768), (1, 4096, 4096)]
THREADS = [1, 2]


def matmul_model(k, n, path, copies=1):
    """`copies` products of input `a` [m, k] by distinct [k, n] weights, one
    output each (`y`, else `y0`, `y1`, ...): together larger than the
    caches when one weight is not. Returns the first weight."""
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((k, n)).astype(np.float32) for _ in range(copies)]
    names = ["y"] if copies == 1 else [f"y{i}" for i in range(copies)]
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", f"w{i}"], [y]) for i, y in enumerate(names)],
        "matmul",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["m", k])],
        [helper.make_tensor_value_info(y, TensorProto.FLOAT, ["m", n]) for y in names],
        [numpy_helper.from_array(w, f"w{i}") for i, w in enumerate(weights)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return weights[0]


def build_cpu_peaks(work):
    """cpu_peaks.c built into `work` for this machine; returns its path."""
    peaks = pathlib.Path(work) / "cpu_peaks"
    subprocess.run(["clang-22", "-O2", "-march=native", "-pthread",
                    str(ROOT / "bench" / "cpu_peaks.c"), "-o", str(peaks)], check=True)
    return peaks


def cpu_peak(peaks, kind, threads):
    """GFLOP/s ("fma") or GB/s ("read") that `peaks` measures with `threads`."""
    return float(subprocess.run([str(peaks), kind, str(threads)], check=True,
                                capture_output=True, text=True).stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        peaks = build_cpu_peaks(work)
        limits = {t: {kind: cpu_peak(peaks, kind, t) for kind in ("fma", "read")}
                  for t in THREADS}
        # Each thread count in its own process: the pool reads XFC_NUM_THREADS
        # when it starts.
        for threads in THREADS:
            script = f"""
import json, sys, numpy as np
sys.path.insert(0, {str(ROOT / 'bench')!r}); sys.path.insert(0, {str(ROOT / 'python')!r})
import xfc, gemm_vs_peak as g
from timing import median_ms
out = []
for m, k, n in g.GEMMS + g.GEMVS:
    path = {str(work)!r} + f"/mm_{{k}}x{{n}}.onnx"
    weight = g.matmul_model(k, n, path)
    lib = xfc.load(xfc.compile(path, path.replace('.onnx', '.so')))
    a = np.random.default_rng(1).standard_normal((m, k)).astype(np.float32)
    got = lib.run({{"a": a}})["y"]
    want = a.astype(np.float64) @ weight.astype(np.float64)
    error = float(np.linalg.norm(got - want) / np.linalg.norm(want))
    out.append((m, k, n, median_ms(lib, {{"a": a}}, {args.reps}), error))
print(json.dumps(out))
"""
            env = dict(os.environ, XFC_NUM_THREADS=str(threads))
            result = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                    capture_output=True, text=True)
            for m, k, n, ms, error in json.loads(result.stdout):
                row = {"m": m, "k": k, "n": n, "threads": threads, "median_ms": round(ms, 4),
                       "relative_error": error}
                if m > 1:
                    gflops = 2 * m * k * n / (ms * 1e-3) / 1e9
                    row.update(gflops=round(gflops, 1),
                               fraction_of_fma_peak=round(gflops / limits[threads]["fma"], 3))
                else:
                    gbs = 4 * k * n / (ms * 1e-3) / 1e9
                    row.update(weight_gbs=round(gbs, 1),
                               fraction_of_read_bandwidth=round(gbs / limits[threads]["read"], 3))
                rows.append(row)
                print(row, flush=True)
    result = {"limits": {str(t): v for t, v in limits.items()}, "reps": args.reps, "rows": rows}
    (ROOT / "bench" / "results" / "gemm.json").write_text(json.dumps(result, indent=1) + "\n")
    print("\n| M x K x N | threads | ms | GFLOP/s or weight GB/s | of peak |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        value = r.get("gflops", r.get("weight_gbs"))
        share = r.get("fraction_of_fma_peak", r.get("fraction_of_read_bandwidth"))
        print(f"| {r['m']}x{r['k']}x{r['n']} | {r['threads']} | {r['median_ms']} | {value} | {share} |")
    print(f"\nlimits: {result['limits']}")


if __name__ == "__main__":
    main()

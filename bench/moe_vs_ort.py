"""The Mixtral-shaped model (4 layers, d=1024, 16 heads / 4 KV heads, 8
experts top-2, SwiGLU ff=2816, vocab 32000; bench/mixtral_shaped.py, Hugging
Face's eager MoE form exported by TorchScript) on the CPU: xfc against ONNX
Runtime 1.30 on the same file, batch 1 at sequence 1 and 128, with the
relative L2 error of xfc's logits against ONNX Runtime's. One token is
also compared with the time to read its active weights once (attention,
the router, the 2 chosen experts of each layer, the norms and the output
head) at the read bandwidth that bench/cpu_peaks.c measures with the same
threads. The model is written once to bench/.models (1.3 GB; needs
python3-torch: scripts/install-bench-deps.sh). Writes
bench/results/moe.json and prints a Markdown table.

Usage: PYTHONPATH=python /usr/bin/python3 bench/moe_vs_ort.py [--reps N]
           [--threads T]
"""

import argparse
import json
import pathlib
import platform
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "test" / "python"))
sys.path.insert(0, str(ROOT / "bench"))
import xfc  # noqa: E402
from gemm_vs_peak import build_cpu_peaks, cpu_peak  # noqa: E402
from ort_reference import run_ort  # noqa: E402
from timing import median_ms, parse_cpu_bench_args  # noqa: E402

SHAPE = dict(layers=4, hidden=1024, heads=16, kv_heads=4, experts=8, top_k=2, ffn=2816,
             vocab=32000)


def model_path():
    folder = ROOT / "bench" / ".models"
    folder.mkdir(exist_ok=True)
    path = folder / "mixtral_shaped.onnx"
    if not path.exists():
        from mixtral_shaped import export
        export(path, **SHAPE)
    return path


def active_bytes(s):
    """f32 bytes one token reads: every weight but the experts not chosen
    (and the embedding table, of which it reads one row)."""
    size = s["hidden"] // s["heads"]
    attention = 2 * s["hidden"] * s["hidden"] + 2 * s["hidden"] * s["kv_heads"] * size
    experts = s["top_k"] * 3 * s["hidden"] * s["ffn"]
    per_layer = attention + experts + s["hidden"] * s["experts"] + 2 * s["hidden"]
    return 4 * (s["layers"] * per_layer + s["hidden"] * s["vocab"] + s["hidden"] * 2)


def main():
    parser = argparse.ArgumentParser()
    args = parse_cpu_bench_args(parser, reps=10)
    path = model_path()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        read_gbs = cpu_peak(build_cpu_peaks(work), "read", args.threads)
        start = time.perf_counter()
        library = xfc.compile(path, work / "mixtral.so", weights="external")
        compile_s = time.perf_counter() - start
        model = xfc.load(library)
        rng = np.random.default_rng(0)
        for seq in (1, 128):
            feeds = {"input_ids": rng.integers(0, SHAPE["vocab"], (1, seq), dtype=np.int64)}
            got = model.run(feeds)
            xfc_ms = median_ms(model, feeds, args.reps)
            want, ort = run_ort(path, feeds, {k: (v.dtype, v.shape) for k, v in got.items()},
                                work / f"ort{seq}", reps=args.reps, threads=args.threads)
            error = float(np.linalg.norm(got["logits"] - want["logits"]) /
                          np.linalg.norm(want["logits"]))
            row = {"sequence": seq, "xfc_median_ms": round(xfc_ms, 3),
                   "ort_median_ms": round(ort["median_ms"], 3),
                   "ort_over_xfc": round(ort["median_ms"] / xfc_ms, 3),
                   "relative_error": error}
            if seq == 1:
                bound_ms = active_bytes(SHAPE) / (read_gbs * 1e9) * 1e3
                row.update(active_mb=round(active_bytes(SHAPE) / 1e6, 1),
                           read_bound_ms=round(bound_ms, 3),
                           xfc_over_read_bound=round(xfc_ms / bound_ms, 3))
            rows.append(row)
            print(row, flush=True)
    result = {"machine": platform.processor() or platform.machine(), "threads": args.threads,
              "reps": args.reps, "model": SHAPE, "read_gbs": round(read_gbs, 1),
              "compile_s": round(compile_s, 1), "rows": rows}
    (ROOT / "bench" / "results" / "moe.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nread bandwidth {read_gbs:.1f} GB/s, compile {compile_s:.0f} s\n")
    print("| sequence | xfc ms | ORT ms | ORT / xfc | xfc / read bound |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['sequence']} | {r['xfc_median_ms']} | {r['ort_median_ms']} | "
              f"{r['ort_over_xfc']} | {r.get('xfc_over_read_bound', '')} |")


if __name__ == "__main__":
    main()

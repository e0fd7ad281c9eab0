"""One Mixtral-sized MoE layer (hidden 1024, 8 experts of width 2816, top-2,
SwiGLU, renormalized) as ONNX Runtime's own com.microsoft MoE and QMoE ops,
on the CPU: xfc against ONNX Runtime 1.30's kernels for those ops on the
same file, at 1 and 128 tokens, f32 and 8- and 4-bit experts (QMoE,
symmetric, blocks of 32 for int4, per row for int8). One token is also
compared with the time to read its two experts' weights once at the read
bandwidth bench/cpu_peaks.c measures with the same threads. Writes
bench/results/microsoft_moe.json and prints a Markdown table.

Usage: PYTHONPATH=python /usr/bin/python3 bench/microsoft_moe_vs_ort.py
           [--reps N] [--threads T]
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
from microsoft_moe_models import moe_model, quantize  # noqa: E402
from ort_reference import run_ort  # noqa: E402
from timing import median_ms, parse_cpu_bench_args  # noqa: E402

HIDDEN, EXPERTS, WIDTH, TOP_K = 1024, 8, 2816, 2
SWIGLU = dict(k=TOP_K, activation_type="swiglu", swiglu_fusion=1, normalize_routing_weights=1)


def write_models(folder):
    """{name: (path, bytes of one expert's three matrices)}."""
    rng = np.random.default_rng(0)
    fc1 = rng.standard_normal((EXPERTS, 2 * WIDTH, HIDDEN)).astype(np.float32) / 32
    fc2 = rng.standard_normal((EXPERTS, HIDDEN, WIDTH)).astype(np.float32) / 53
    matrices = 3 * HIDDEN * WIDTH
    cases = {"f32": ("MoE", ["fc1", "", "fc2"], {"fc1": fc1, "fc2": fc2}, {}, 4 * matrices)}
    for bits, block in ((8, 0), (4, 32)):
        q1, s1, _, _ = quantize(fc1, bits, block, False)
        q2, s2, _, _ = quantize(fc2, bits, block, False)
        # One f32 scale per row and block: FC1's 2W rows of H, FC2's H rows of W.
        scales = 2 * WIDTH * -(-HIDDEN // (block or HIDDEN)) + HIDDEN * -(-WIDTH // (block or WIDTH))
        attrs = dict(expert_weight_bits=bits, **({"block_size": block} if block else {}))
        cases[f"int{bits}"] = ("QMoE", ["q1", "s1", "", "q2", "s2"],
                               {"q1": q1, "s1": s1, "q2": q2, "s2": s2}, attrs,
                               matrices * bits // 8 + 4 * scales)
    models = {}
    for name, (op, names, inits, attrs, expert_bytes) in cases.items():
        path = folder / f"moe_{name}.onnx"
        path.write_bytes(moe_model(op, names, inits, dict(SWIGLU, **attrs), HIDDEN,
                                   EXPERTS).SerializeToString())
        models[name] = (path, expert_bytes)
    return models


def main():
    parser = argparse.ArgumentParser()
    args = parse_cpu_bench_args(parser)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        read_gbs = cpu_peak(build_cpu_peaks(work), "read", args.threads)
        rng = np.random.default_rng(1)
        for name, (path, expert_bytes) in write_models(work).items():
            start = time.perf_counter()
            model = xfc.load(xfc.compile(path, work / f"{name}.so"))
            compile_s = time.perf_counter() - start
            for tokens in (1, 128):
                feeds = {"x": rng.standard_normal((tokens, HIDDEN)).astype(np.float32),
                         "router": rng.standard_normal((tokens, EXPERTS)).astype(np.float32)}
                got = model.run(feeds)
                xfc_ms = median_ms(model, feeds, args.reps)
                want, ort = run_ort(path, feeds, {"y": (np.float32, got["y"].shape)},
                                    work / f"ort_{name}_{tokens}", reps=args.reps,
                                    threads=args.threads)
                error = float(np.linalg.norm(got["y"] - want["y"]) / np.linalg.norm(want["y"]))
                row = {"experts": name, "tokens": tokens, "xfc_median_ms": round(xfc_ms, 3),
                       "ort_median_ms": round(ort["median_ms"], 3),
                       "ort_over_xfc": round(ort["median_ms"] / xfc_ms, 3),
                       "relative_error": error, "compile_s": round(compile_s, 1)}
                if tokens == 1:
                    bound_ms = TOP_K * expert_bytes / (read_gbs * 1e9) * 1e3
                    row.update(active_mb=round(TOP_K * expert_bytes / 1e6, 1),
                               read_bound_ms=round(bound_ms, 3),
                               xfc_over_read_bound=round(xfc_ms / bound_ms, 3))
                rows.append(row)
                print(row, flush=True)
    result = {"machine": platform.processor() or platform.machine(), "threads": args.threads,
              "reps": args.reps, "read_gbs": round(read_gbs, 1),
              "layer": dict(hidden=HIDDEN, experts=EXPERTS, width=WIDTH, top_k=TOP_K),
              "rows": rows}
    out = ROOT / "bench" / "results" / "microsoft_moe.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nread bandwidth {read_gbs:.1f} GB/s\n")
    print("| experts | tokens | xfc ms | ORT ms | ORT / xfc | xfc / read bound | rel. error |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['experts']} | {r['tokens']} | {r['xfc_median_ms']} | {r['ort_median_ms']} | "
              f"{r['ort_over_xfc']} | {r.get('xfc_over_read_bound', '')} | "
              f"{r['relative_error']:.1e} |")


if __name__ == "__main__":
    main()

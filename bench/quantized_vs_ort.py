"""xfc's weight-only quantized (MatMulNBits) path against ONNX Runtime (CPU).

Models: GPT-2-small and the Llama-style d=1024 model of cpu_vs_ort.py's
large suite, quantized by xfc.matmul_nbits to 4 bits in blocks of 128 with
zero points (bench/.models/NAME_int4_b128.onnx, written once); xfc and ONNX
Runtime 1.30 run the same quantized file at batch 1, sequence 1 and 128,
with the relative L2 error of xfc's output against ONNX Runtime's; xfc's
fp32 library of the fp32 file at sequence 1 is timed for reference.
Kernels: single-node models at [M, 4096] x [4096, 11008] (a 7B model's MLP
up-projection), M = 1, 16, 128: MatMulNBits 4-bit and 8-bit, blocks of 128
with zero points, and the fp32 MatMul; each in GB/s of the weights as
stored (packed values, scales, zero points), and that as a share of the
read bandwidth that bench/cpu_peaks.c measures with the same threads.
xfc runs fewer than --reps times where --reps runs would take over 20 s.
Writes bench/results/quantized.json and prints Markdown tables.

Usage: PYTHONPATH=python /usr/bin/python3 bench/quantized_vs_ort.py
           [--reps N] [--threads T] [--only models|kernels] [--models NAME ...]
"""

import argparse
import json
import os
import pathlib
import platform
import subprocess
import tempfile
import time

import numpy as np
import onnx

# cpu_vs_ort puts python/ and test/python/ on sys.path for the imports after it.
from cpu_vs_ort import LARGE, ROOT, large_model, side_by_side, token_feeds
from gemm_vs_peak import build_cpu_peaks, cpu_peak, matmul_model
from ort_reference import node_path
from timing import affordable_reps, median_ms, parse_cpu_bench_args
import xfc
from xfc.matmul_nbits import quantize_to_matmul_nbits

MODELS = ["gpt2_small", "llama_d1024"]
SEQUENCES = [1, 128]
K, N = 4096, 11008
KERNEL_ROWS = [1, 16, 128]
KERNELS = {"int4": 4, "int8": 8, "fp32": None}  # weights: bits, None for fp32
BLOCK = 128
# Products per kernel model: their weights together exceed the 32 MB L3
# cache of these machines (one int4 weight of 24 MB would stay in it).
COPIES = {"int4": 3, "int8": 2, "fp32": 1}
BUDGET_S = 20


def quantized(fp32_path, bits, out):
    """`out`: fp32_path with its MatMul weights as MatMulNBits, `bits` bits
    in blocks of BLOCK with zero points; written once."""
    if not out.exists():
        onnx.save(quantize_to_matmul_nbits(onnx.load(fp32_path), bits=bits, block_size=BLOCK),
                  out)
    return out


def compiled(path, work, **options):
    start = time.perf_counter()
    suffix = "_q" if options else ""
    library = xfc.compile(path, work / f"{path.stem}{suffix}.so", **options)
    return xfc.load(library), round(time.perf_counter() - start, 2)


def xfc_only(model, feeds, reps):
    """xfc's median over what the budget affords."""
    model.run(feeds)
    reps = affordable_reps(model, feeds, reps, BUDGET_S)
    return {"xfc_median_ms": round(median_ms(model, feeds, reps), 4), "xfc_reps": reps}


def model_rows(args, work):
    rows = []
    for name in args.models:
        fp32_path = large_model(name)
        path = quantized(fp32_path, 4, fp32_path.with_name(f"{name}_int4_b{BLOCK}.onnx"))
        model, compile_s = compiled(path, work)
        for seq in SEQUENCES:
            rows.append({"model": name, "weights": f"int4 b{BLOCK}", "sequence": seq,
                         **side_by_side(model, path, token_feeds(1, seq), args.reps,
                                        args.threads, work / f"{name}_{seq}", BUDGET_S),
                         "compile_s": compile_s})
            print(rows[-1], flush=True)
        del model
        # The fp32 file, as it is and quantized by xfc itself.
        for weights, options in [("fp32", {}),
                                 (f"xfc --quantize=int4 g{BLOCK}",
                                  {"quantize": "int4", "group_size": BLOCK})]:
            model, compile_s = compiled(fp32_path, work, **options)
            for seq in SEQUENCES if options else [1]:
                rows.append({"model": name, "weights": weights, "sequence": seq,
                             **xfc_only(model, token_feeds(1, seq), args.reps),
                             "compile_s": compile_s})
                print(rows[-1], flush=True)
            del model
    return rows


def stored_bytes(model):
    """Bytes of the weights as the model stores them."""
    return sum(onnx.numpy_helper.to_array(t).nbytes for t in model.graph.initializer)


def kernel_rows(args, work, read_gbs):
    rows = []
    for kind, bits in KERNELS.items():
        copies = COPIES[kind]
        fp32_path = work / f"matmul_fp32_x{copies}.onnx"
        if not fp32_path.exists():
            matmul_model(K, N, fp32_path, copies)
        path = fp32_path if bits is None else \
            quantized(fp32_path, bits, work / f"matmul_{kind}.onnx")
        weight_bytes = stored_bytes(onnx.load(path))
        model, compile_s = compiled(path, work)
        for m in KERNEL_ROWS:
            feeds = {"a": np.random.default_rng(m).standard_normal((m, K)).astype(np.float32)}
            row = {"kernel": kind, "m": m, "k": K, "n": N, "products": copies,
                   "weight_bytes": weight_bytes,
                   **side_by_side(model, path, feeds, args.reps, args.threads,
                                  work / f"{kind}_{m}", BUDGET_S), "compile_s": compile_s}
            for who in ("xfc", "ort"):
                row[f"{who}_ms_per_product"] = round(row[f"{who}_median_ms"] / copies, 4)
                gbs = weight_bytes / (row[f"{who}_median_ms"] * 1e-3) / 1e9
                row[f"{who}_weight_gbs"] = round(gbs, 2)
                row[f"{who}_of_read_bandwidth"] = round(gbs / read_gbs, 3)
            rows.append(row)
            print(rows[-1], flush=True)
        del model
    return rows


def environment():
    cpu = next((line.split(":", 1)[1].strip() for line in
                pathlib.Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip()
    ort = json.loads((pathlib.Path(node_path()) / "onnxruntime-node" / "package.json")
                     .read_text())["version"]
    return {"cpu": cpu, "cores": os.cpu_count(), "commit": commit,
            "versions": {"xfc": xfc.__version__, "onnxruntime": f"{ort} (npm onnxruntime-node)",
                         "numpy": np.__version__, "onnx": onnx.__version__,
                         "python": platform.python_version()}}


def print_tables(result):
    if result["models"]:
        print("\n| model | weights | seq | xfc ms | ORT ms | xfc / ORT | error vs ORT |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for r in result["models"]:
            print(f"| {r['model']} | {r['weights']} | {r['sequence']} | {r['xfc_median_ms']} | "
                  f"{r.get('ort_median_ms', '')} | {r.get('xfc_over_ort', '')} | "
                  + (f"{r['relative_error']:.1e} |" if "relative_error" in r else " |"))
    if result["kernels"]:
        print(f"\n| kernel | M x {K} x {N} | xfc ms per product | ORT ms | xfc / ORT | "
              f"xfc GB/s (of read) "
              f"| ORT GB/s (of read) | error vs ORT |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in result["kernels"]:
            print(f"| {r['kernel']} | {r['m']} | {r['xfc_ms_per_product']} | "
                  f"{r['ort_ms_per_product']} | "
                  f"{r['xfc_over_ort']} | {r['xfc_weight_gbs']} ({r['xfc_of_read_bandwidth']}) | "
                  f"{r['ort_weight_gbs']} ({r['ort_of_read_bandwidth']}) | "
                  f"{r['relative_error']:.1e} |")
        print(f"\nread bandwidth, {result['threads']} threads: {result['read_gbs']} GB/s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["models", "kernels"])
    parser.add_argument("--models", nargs="+", choices=list(LARGE), default=MODELS)
    args = parse_cpu_bench_args(parser)
    result = {**environment(), "threads": args.threads, "reps": args.reps,
              "budget_s": BUDGET_S, "models": [], "kernels": []}
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        if args.only != "kernels":
            result["models"] = model_rows(args, work)
        if args.only != "models":
            result["read_gbs"] = cpu_peak(build_cpu_peaks(work), "read", args.threads)
            result["kernels"] = kernel_rows(args, work, result["read_gbs"])
    out = ROOT / "bench" / "results" / "quantized.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print_tables(result)


if __name__ == "__main__":
    main()

"""xfc's CPU libraries against ONNX Runtime (CPU), side by side.

For each model, at batch 1 with sequence 128 and with sequence 1: the median
latency of xfc's library and of ONNX Runtime 1.30, both with the same number
of threads (XFC_NUM_THREADS for xfc), their ratio, and xfc's compile time.
Two suites: `zoo`, the zoo models and the int8 models in test/models, and
`large`, the benchmark shapes of docs/BENCHMARKS.md (GPT-2-small, BERT-base,
a Llama-style model with grouped-query attention and SwiGLU) written by
xfc.models with random weights into bench/.models. Writes
bench/results/cpu.json (zoo) or bench/results/cpu-large.json and prints a
Markdown table.

Usage: PYTHONPATH=python /usr/bin/python3 bench/cpu_vs_ort.py
           [--suite zoo|large] [--reps N] [--threads T]
"""

import argparse
import json
import pathlib
import platform
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "test" / "python"))
import xfc  # noqa: E402
from ort_reference import run_ort  # noqa: E402
from timing import affordable_reps, median_ms, parse_cpu_bench_args  # noqa: E402

ZOO = ROOT.parent / "shared" / "models" / "zoo"
INT8 = ROOT / "test" / "models"
MODELS = [ZOO / f"{name}.onnx" for name in
          ["gpt2_ts", "llama_ts", "bert_ts", "gpt2_ortfused", "llama_dynamo",
           "moesparse_dynamo", "mixtral_batched_mm_dynamo", "mixtral_batched_mm_ts",
           "mixtral_eager_ts", "qwen2moe_batched_mm_dynamo", "qwen2moe_batched_mm_ts",
           "qwen2moe_eager_ts", "gpt2_int4", "llama_int4"]]
MODELS += [INT8 / f"{name}.onnx" for name in ["gpt2_int8dyn", "llama_int8dyn"]]
SIZES = [(1, 128), (1, 1)]
# Traced loops over the 4 experts their trace reached: one token reaches 2,
# where ONNX Runtime stops at the trace's Split (xfc, which raises the loop
# to xf.moe, runs it: test/python/test_cpu_library.py checks that run).
TRACED_EXPERT_LOOPS = {"mixtral_eager_ts", "qwen2moe_eager_ts"}
LARGE = {
    "gpt2_small": lambda: xfc.models.gpt2(layers=12, hidden=768, heads=12, vocab=50257,
                                          max_positions=1024),
    "bert_base": lambda: xfc.models.bert(layers=12, hidden=768, heads=12, vocab=30522),
    "llama_d1024": lambda: xfc.models.llama(layers=4, hidden=1024, heads=16, kv_heads=4,
                                            ffn=2816, vocab=32000),
}


def large_model(name):
    """The path of LARGE's model `name`, written into bench/.models the
    first time (it takes a while)."""
    import onnx
    folder = ROOT / "bench" / ".models"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.onnx"
    if not path.exists():
        onnx.save(LARGE[name](), path)
    return path


def token_feeds(batch, seq):
    rng = np.random.default_rng(0)
    return {"input_ids": rng.integers(0, 384, (batch, seq), dtype=np.int64),
            "attention_mask": np.ones((batch, seq), dtype=np.int64)}


def side_by_side(model, path, feeds, reps, threads, work, budget_s=None):
    """xfc's library `model` and ONNX Runtime on the ONNX file `path`, both
    on `feeds` with `threads` threads: their median milliseconds over `reps`
    runs (for xfc fewer where they would take over `budget_s`), their
    ratio, and the relative L2 error of xfc's outputs against ONNX
    Runtime's (the largest over the outputs)."""
    outputs = model.run(feeds)
    xfc_reps = affordable_reps(model, feeds, reps, budget_s) if budget_s else reps
    xfc_ms = median_ms(model, feeds, xfc_reps)
    shapes = {k: (v.dtype, v.shape) for k, v in outputs.items()}
    want, ort = run_ort(path, feeds, shapes, work, reps=reps, threads=threads)
    error = max(float(np.linalg.norm(outputs[k] - want[k]) / np.linalg.norm(want[k]))
                for k in outputs)
    return {"xfc_median_ms": round(xfc_ms, 4), "xfc_reps": xfc_reps,
            "ort_median_ms": round(ort["median_ms"], 4),
            "xfc_over_ort": round(xfc_ms / ort["median_ms"], 3), "relative_error": error}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", choices=["zoo", "large"], default="zoo")
    args = parse_cpu_bench_args(parser)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        for path in MODELS if args.suite == "zoo" else map(large_model, LARGE):
            name = path.stem
            start = time.perf_counter()
            library = xfc.compile(path, work / f"{name}.so")
            compile_s = time.perf_counter() - start
            model = xfc.load(library)
            for batch, seq in SIZES:
                if name in TRACED_EXPERT_LOOPS and seq == 1:
                    continue
                rows.append({"model": name, "batch": batch, "sequence": seq,
                             **side_by_side(model, path, token_feeds(batch, seq), args.reps,
                                            args.threads, work / f"{name}_{seq}"),
                             "compile_s": round(compile_s, 2)})
                print(rows[-1], flush=True)
    ratios = [r["xfc_over_ort"] for r in rows]
    result = {"machine": platform.processor() or platform.machine(),
              "threads": args.threads, "reps": args.reps,
              "geomean_xfc_over_ort": round(float(np.exp(np.mean(np.log(ratios)))), 3),
              "rows": rows}
    out = ROOT / "bench" / "results" / ("cpu.json" if args.suite == "zoo" else "cpu-large.json")
    out.write_text(json.dumps(result, indent=1) + "\n")
    print("\n| model | batch x seq | xfc ms | ORT ms | xfc / ORT | compile s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['model']} | {r['batch']}x{r['sequence']} | {r['xfc_median_ms']} | "
              f"{r['ort_median_ms']} | {r['xfc_over_ort']} | {r['compile_s']} |")
    print(f"\ngeometric mean xfc / ORT: {result['geomean_xfc_over_ort']}")


if __name__ == "__main__":
    main()

"""xfc's fused attention against ONNX Runtime (CPU) on the same graph.

The graph is scaled dot-product attention as PyTorch's exporters write it:
MatMul(Q, Transpose(K)) * scale + mask, Softmax, MatMul by V, with Q, K, V
[1, H, S, D] and an additive causal mask [1, 1, S, S] as inputs; xfc raises
it to xf.attention and runs its fused kernel, ONNX Runtime its own graph
optimizations. Both with 2 threads; median of --reps runs; GFLOP/s count the
two products whole (4 * H * S * S * D), as a kernel that skips masked
blocks does not need to. Writes bench/results/attention.json and prints a
Markdown table.

Usage: PYTHONPATH=python /usr/bin/python3 bench/attention_vs_ort.py [--reps N]
"""

import argparse
import json
import os
import pathlib
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "test" / "python"))
import xfc  # noqa: E402
from ort_reference import run_ort  # noqa: E402
from timing import median_ms  # noqa: E402

# (heads, sequence, head size): GPT-2-small / BERT-base heads at prefill
# lengths, and Llama-style 128-wide heads.
SHAPES = [(12, 128, 64), (12, 512, 64), (12, 1024, 64), (16, 512, 128)]
THREADS = 2


def attention_model(heads, head, path):
    f = TensorProto.FLOAT
    nodes = [
        helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["q", "kt"], ["s"]),
        helper.make_node("Mul", ["s", "scale"], ["ss"]),
        helper.make_node("Add", ["ss", "mask"], ["sm"]),
        helper.make_node("Softmax", ["sm"], ["p"], axis=-1),
        helper.make_node("MatMul", ["p", "v"], ["o"]),
    ]
    seq = ["batch", heads, "seq", head]
    graph = helper.make_graph(
        nodes, "attention",
        [helper.make_tensor_value_info(n, f, seq) for n in ("q", "k", "v")] +
        [helper.make_tensor_value_info("mask", f, [1, 1, "seq", "seq"])],
        [helper.make_tensor_value_info("o", f, seq)],
        [helper.make_tensor("scale", f, [], [1.0 / np.sqrt(head)])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    os.environ["XFC_NUM_THREADS"] = str(THREADS)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        for heads, seq, head in SHAPES:
            path = work / f"attention_{heads}_{head}.onnx"
            attention_model(heads, head, path)
            model = xfc.load(xfc.compile(path, path.with_suffix(".so")))
            rng = np.random.default_rng(seq)
            feeds = {n: rng.standard_normal((1, heads, seq, head)).astype(np.float32)
                     for n in ("q", "k", "v")}
            causal = np.triu(np.full((seq, seq), -np.inf, np.float32), 1)
            feeds["mask"] = causal[None, None]
            got = model.run(feeds)["o"]
            xfc_ms = median_ms(model, feeds, args.reps)
            want, ort = run_ort(path, feeds, {"o": (np.float32, got.shape)},
                                work / f"ort_{seq}_{head}", reps=args.reps, threads=THREADS)
            flops = 4 * heads * seq * seq * head
            rows.append({"heads": heads, "sequence": seq, "head_size": head,
                         "xfc_median_ms": round(xfc_ms, 4),
                         "ort_median_ms": round(ort["median_ms"], 4),
                         "xfc_over_ort": round(xfc_ms / ort["median_ms"], 3),
                         "xfc_gflops": round(flops / (xfc_ms * 1e-3) / 1e9, 1),
                         "relative_error": float(np.linalg.norm(got - want["o"]) /
                                                 np.linalg.norm(want["o"]))})
            print(rows[-1], flush=True)
    ratios = [r["xfc_over_ort"] for r in rows]
    result = {"threads": THREADS, "reps": args.reps,
              "geomean_xfc_over_ort": round(float(np.exp(np.mean(np.log(ratios)))), 3),
              "rows": rows}
    (ROOT / "bench" / "results" / "attention.json").write_text(json.dumps(result, indent=1) + "\n")
    print("\n| heads x sequence x head size | xfc ms | ORT ms | xfc / ORT | xfc GFLOP/s | "
          "relative error |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['heads']}x{r['sequence']}x{r['head_size']} | {r['xfc_median_ms']} | "
              f"{r['ort_median_ms']} | {r['xfc_over_ort']} | {r['xfc_gflops']} | "
              f"{r['relative_error']:.1e} |")
    print(f"\ngeometric mean xfc / ORT: {result['geomean_xfc_over_ort']}")


if __name__ == "__main__":
    main()

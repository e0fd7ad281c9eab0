"""Sparse weights on the CPU: the matrix products of transformer layers at
GPT-2-small shapes (hidden 768: QKV 768x2304, projection 768x768, MLP
768x3072 and 3072x768; 4 layers) and Llama-style shapes (hidden 2048: Q, K,
V, O 2048x2048, gate and up 2048x5632, down 5632x2048; 1 layer), each
product a graph output of its own, at 1 and 128 tokens. Each model is
pruned by xfc's rules (xfc.sparsity, as --sparsify does: 2:4 and
unstructured 50/75/90%) and compiled by xfc, whose CPU kernels read only
the nonzeros of weights with at least 40% zeros; it is timed against xfc
on the dense model and ONNX Runtime 1.30 on the dense model (ONNX Runtime
has no sparse weight kernels), with the same threads, in rounds that time
every variant and ONNX Runtime once each (the machine's speed drifts
between runs; ratios are medians of each round's). One token is also
compared with the time to read the weights' bytes as the kernel stores them
(values and a mask bit per weight) at the read bandwidth bench/cpu_peaks.c
measures. Outputs are checked against ONNX Runtime running the pruned file.
Writes bench/results/sparse.json and prints a Markdown table.

Usage: PYTHONPATH=python /usr/bin/python3 bench/sparse_vs_dense.py
           [--reps N] [--threads T] [--rounds R] [--shapes gpt2,llama]
           [--patterns dense,2:4,...]
"""

import argparse
import json
import pathlib
import platform
import statistics
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "test" / "python"))
sys.path.insert(0, str(ROOT / "bench"))
import xfc  # noqa: E402
from gemm_vs_peak import build_cpu_peaks, cpu_peak  # noqa: E402
from ort_reference import run_ort  # noqa: E402
from timing import affordable_reps, median_ms, parse_cpu_bench_args  # noqa: E402
from xfc.sparsity import prune_model  # noqa: E402

# name: (layers, [(K, N) of each product of a layer])
SHAPES = {
    "gpt2": (4, [(768, 2304), (768, 768), (768, 3072), (3072, 768)]),
    "llama": (1, [(2048, 2048)] * 4 + [(2048, 5632)] * 2 + [(5632, 2048)]),
}
PATTERNS = ["dense", "2:4", "unstructured:0.5", "unstructured:0.75", "unstructured:0.9"]


def write_model(path, layers, products, seed=0):
    """Every product reads the input of its K (x768, x3072, ...) and is an
    output of its own: y_l_i = x_K @ W_l_i."""
    rng = np.random.default_rng(seed)
    widths = sorted({k for k, _ in products})
    inputs = [helper.make_tensor_value_info(f"x{k}", TensorProto.FLOAT, ["tokens", k])
              for k in widths]
    nodes, inits, outputs = [], [], []
    for layer in range(layers):
        for i, (k, n) in enumerate(products):
            name = f"{layer}_{i}"
            weight = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
            inits.append(numpy_helper.from_array(weight, f"w{name}"))
            nodes.append(helper.make_node("MatMul", [f"x{k}", f"w{name}"], [f"y{name}"],
                                          name=f"product_{name}"))
            outputs.append(helper.make_tensor_value_info(f"y{name}", TensorProto.FLOAT,
                                                         ["tokens", n]))
    graph = helper.make_graph(nodes, "products", inputs, outputs, inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return widths


def stored_bytes(model):
    """Bytes of the weights as the kernels read them: 4 per weight where
    fewer than 40% are zero, else 4 per nonzero and one bit per weight."""
    total = 0
    for init in model.graph.initializer:
        w = numpy_helper.to_array(init)
        zeros = np.count_nonzero(w == 0)
        total += 4 * w.size if zeros < 0.4 * w.size else 4 * (w.size - zeros) + w.size / 8
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shapes", default="gpt2,llama")
    parser.add_argument("--patterns", default=",".join(PATTERNS),
                        help="dense first: the others are compared with it")
    parser.add_argument("--rounds", type=int, default=3,
                        help="each round times every variant and ONNX Runtime once")
    args = parse_cpu_bench_args(parser)
    patterns = args.patterns.split(",")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        read_gbs = cpu_peak(build_cpu_peaks(work), "read", args.threads)
        for shapes in args.shapes.split(","):
            layers, products = SHAPES[shapes]
            dense_path = work / f"{shapes}_dense.onnx"
            widths = write_model(dense_path, layers, products)
            outputs = [o.name for o in onnx.load(dense_path).graph.output]
            rng = np.random.default_rng(1)
            feeds = {t: {f"x{k}": rng.standard_normal((t, k)).astype(np.float32)
                         for k in widths} for t in (1, 128)}
            # Every variant compiled and checked against ONNX Runtime on its
            # own (pruned) file first.
            variants = {}
            for pattern in patterns:
                model = onnx.load(dense_path)
                if pattern != "dense":
                    prune_model(model, pattern)
                path = work / f"{shapes}_{pattern.replace(':', '_')}.onnx"
                onnx.save(model, path)
                library = xfc.load(xfc.compile(path, work / f"{path.stem}.so"))
                errors = []
                for tokens, feed in feeds.items():
                    got = library.run(feed)
                    spec = {o: (np.float32, got[o].shape) for o in outputs}
                    want, _ = run_ort(path, feed, spec, work / f"check_{path.stem}_{tokens}",
                                      threads=args.threads)
                    errors.append(max(float(np.linalg.norm(got[o] - want[o]) /
                                            np.linalg.norm(want[o])) for o in outputs))
                variants[pattern] = (library, stored_bytes(model), max(errors))
            # Rounds of every variant side by side: ratios within a round
            # share the machine's state (its speed drifts by up to 30%).
            times = {(p, t): [] for p in patterns for t in feeds}
            ort_times = {t: [] for t in feeds}
            for round_ in range(args.rounds):
                for tokens, feed in feeds.items():
                    library = variants["dense"][0]
                    reps = affordable_reps(library, feed, args.reps, 10)
                    spec = {o: (np.float32, library.run(feed)[o].shape) for o in outputs}
                    _, ort = run_ort(dense_path, feed, spec,
                                     work / f"ort_{shapes}_{tokens}_{round_}", reps=reps,
                                     threads=args.threads)
                    ort_times[tokens].append(ort["median_ms"])
                    for pattern in patterns:
                        times[pattern, tokens].append(
                            median_ms(variants[pattern][0], feed, reps))
            for pattern in patterns:
                _, weight_bytes, error = variants[pattern]
                for tokens in feeds:
                    xfc_ms = times[pattern, tokens]
                    dense_ms, ort_ms = times["dense", tokens], ort_times[tokens]

                    def ratio(base):
                        return statistics.median(b / x for b, x in zip(base, xfc_ms))
                    row = {"shapes": shapes, "pattern": pattern, "tokens": tokens,
                           "xfc_ms": round(statistics.median(xfc_ms), 3),
                           "xfc_dense_ms": round(statistics.median(dense_ms), 3),
                           "ort_dense_ms": round(statistics.median(ort_ms), 3),
                           "speedup_vs_xfc_dense": round(ratio(dense_ms), 2),
                           "speedup_vs_ort_dense": round(ratio(ort_ms), 2),
                           "speedup_vs_ort_dense_per_round": [round(b / x, 2) for b, x in
                                                              zip(ort_ms, xfc_ms)],
                           "weight_mb": round(weight_bytes / 1e6, 1),
                           "max_relative_error_vs_ort": error}
                    if tokens == 1:
                        bound_ms = weight_bytes / (read_gbs * 1e9) * 1e3
                        row.update(read_bound_ms=round(bound_ms, 3),
                                   xfc_over_read_bound=round(row["xfc_ms"] / bound_ms, 2))
                    rows.append(row)
                    print(row, flush=True)
    result = {"machine": platform.processor() or platform.machine(), "threads": args.threads,
              "reps": args.reps, "rounds": args.rounds, "read_gbs": round(read_gbs, 1),
              "rows": rows}
    out = ROOT / "bench" / "results" / "sparse.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nread bandwidth {read_gbs:.1f} GB/s\n")
    print("| shapes | pattern | tokens | xfc ms | xfc dense ms | ORT dense ms | vs xfc dense |"
          " vs ORT dense (per round) | xfc / read bound | rel. error vs ORT |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        rounds = ", ".join(str(v) for v in r["speedup_vs_ort_dense_per_round"])
        print(f"| {r['shapes']} | {r['pattern']} | {r['tokens']} | {r['xfc_ms']} | "
              f"{r['xfc_dense_ms']} | {r['ort_dense_ms']} | {r['speedup_vs_xfc_dense']} | "
              f"{r['speedup_vs_ort_dense']} ({rounds}) | {r.get('xfc_over_read_bound', '')} | "
              f"{r['max_relative_error_vs_ort']:.1e} |")


if __name__ == "__main__":
    main()

"""The README's demo: a GPT-2 block, compiled by xfc, checked against NumPy.

Writes the block as the TorchScript exporter spells it (make_gpt2_block.py),
compiles it to a shared library with `xfc -o`, runs it through the C
interface on random inputs of two sizes (batch and sequence are symbolic),
and compares each result with a NumPy implementation of the same block.
Prints the error and the median run time.

Usage: run_demo.py WORKDIR
"""

import pathlib
import sys
import time

import numpy as np
from onnx import numpy_helper

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
import xfc  # noqa: E402
from make_gpt2_block import build  # noqa: E402

HIDDEN, HEADS = 96, 3


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b


def reference(w, x):
    """The block in NumPy, from the model's own weights."""
    batch, seq, _ = x.shape
    head = HIDDEN // HEADS
    h = layer_norm(x, w["ln1.g"], w["ln1.b"])
    q, k, v = np.split(h @ w["attn.w"] + w["attn.b"], 3, axis=-1)
    split = lambda t: t.reshape(batch, seq, HEADS, head).transpose(0, 2, 1, 3)
    q, k, v = split(q), split(k), split(v)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head)
    visible = np.tril(np.ones((seq, seq), dtype=bool))
    scores = np.where(visible, scores, -1e9)
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    attn = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, HIDDEN)
    x = x + attn @ w["proj.w"] + w["proj.b"]
    h = layer_norm(x, w["ln2.g"], w["ln2.b"]) @ w["fc.w"] + w["fc.b"]
    gelu = 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h**3)))
    return x + gelu @ w["out.w"] + w["out.b"]


def main():
    work = pathlib.Path(sys.argv[1])
    work.mkdir(parents=True, exist_ok=True)
    onnx_model = build(HIDDEN, HEADS, seed=0)
    onnx_path = work / "gpt2_block.onnx"
    onnx_path.write_bytes(onnx_model.SerializeToString())
    weights = {t.name: numpy_helper.to_array(t) for t in onnx_model.graph.initializer}

    start = time.perf_counter()
    library = xfc.compile(onnx_path, work / "gpt2_block.so")
    print(f"compiled {onnx_path.name} -> {library.name} in "
          f"{time.perf_counter() - start:.1f} s")
    model = xfc.load(library)
    print("inputs:", model.inputs, " outputs:", model.outputs)

    rng = np.random.default_rng(1)
    worst = 0.0
    for batch, seq in ((2, 16), (1, 37)):
        x = rng.standard_normal((batch, seq, HIDDEN)).astype(np.float32)
        y = model.run({"x": x})["y"]
        want = reference(weights, x.astype(np.float64))
        error = float(np.abs(y - want).max() / np.abs(want).max())
        worst = max(worst, error)
        times = []
        for _ in range(20):
            start = time.perf_counter()
            model.run({"x": x})
            times.append(time.perf_counter() - start)
        print(f"batch {batch}, sequence {seq}: output {y.shape}, relative error "
              f"{error:.2e} against NumPy, median {1e3 * np.median(times):.2f} ms")
    tolerance = 1e-4
    print("OK" if worst <= tolerance else "MISMATCH",
          f"(largest relative error {worst:.2e}, tolerance {tolerance:.0e})")
    return 0 if worst <= tolerance else 1


if __name__ == "__main__":
    sys.exit(main())

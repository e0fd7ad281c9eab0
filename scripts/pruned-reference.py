"""A model's stored inputs with ONNX Runtime's outputs on the model pruned by
xfc's --sparsify rules (xfc.sparsity), in the .npz layout of the zoo's
(inputs by name, outputs as "out:NAME"): the reference a library compiled
with --sparsify=PATTERN is checked against (scripts/device/cuda-zoo.sh with
SPARSIFY=PATTERN).

Usage: /usr/bin/python3 scripts/pruned-reference.py PATTERN MODEL.onnx STORED.npz OUT.npz
"""

import pathlib
import sys
import tempfile

import numpy as np
import onnx

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "test" / "python"))
from ort_reference import run_ort  # noqa: E402
from xfc.sparsity import prune_model  # noqa: E402


def main():
    pattern, model_path, stored_path, out_path = sys.argv[1:5]
    stored = np.load(stored_path)
    model = onnx.load(model_path)
    prune_model(model, pattern)
    inputs = {i.name: stored[i.name] for i in model.graph.input if i.name in stored}
    outputs = {k[4:]: (v.dtype, v.shape) for k, v in stored.items() if k.startswith("out:")}
    with tempfile.TemporaryDirectory() as work:
        pruned = pathlib.Path(work) / "pruned.onnx"
        onnx.save(model, pruned)
        got, _ = run_ort(pruned, inputs, outputs, pathlib.Path(work) / "ort")
    np.savez(out_path, **inputs, **{f"out:{k}": v for k, v in got.items()})


if __name__ == "__main__":
    main()

"""xfc --sparsify on the zoo's fp32 models against ONNX Runtime running the
same models pruned by the same rules (scripts/prune-onnx.py): outputs on the
stored inputs within 1e-4 relative L2 (float32 rounding; the pruned weights
are exact zeros on both sides), and the same weights pruned (xfc's remarks
against the script's count)."""

import importlib.util
import subprocess

import numpy as np
import onnx
import pytest

import xfc
from conftest import ROOT
from ort_reference import run_ort

ZOO = ROOT.parent / "shared" / "models" / "zoo"
FP32 = ["gpt2_ts", "llama_ts", "bert_ts", "gpt2_ortfused", "llama_dynamo", "moesparse_dynamo"]
PATTERNS = ["2:4", "unstructured:0.75"]


def prune_onnx():
    spec = importlib.util.spec_from_file_location("prune_onnx", ROOT / "scripts" / "prune-onnx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", FP32)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_sparsified_model_matches_onnx_runtime_on_the_pruned_model(name, pattern, tmp_path,
                                                                   build_dir):
    model = onnx.load(str(ZOO / f"{name}.onnx"))
    pruned_count = prune_onnx().prune_model(model, pattern)
    pruned = tmp_path / "pruned.onnx"
    onnx.save(model, str(pruned))

    report = subprocess.run([str(build_dir / "bin" / "xfc"), str(ZOO / f"{name}.onnx"),
                             f"--sparsify={pattern}", "--emit=xf-transformer"],
                            capture_output=True, text=True, check=True)
    remarks = report.stderr.count(f"weight sparsified ({pattern})")
    assert remarks == pruned_count > 0, report.stderr

    data = np.load(ZOO / f"{name}.npz")
    compiled = xfc.load(xfc.compile(ZOO / f"{name}.onnx", tmp_path / "sparse.so",
                                    sparsify=pattern))
    feeds = {i.name: data[i.name] for i in compiled.inputs}
    got = compiled.run(feeds)
    want, _ = run_ort(pruned, feeds, {k: (v.dtype, v.shape) for k, v in got.items()}, tmp_path)
    for key in got:
        error = np.linalg.norm(got[key] - want[key]) / np.linalg.norm(want[key])
        assert error <= 1e-4, (key, error)
        # The pruning changed the model: its output is not the dense one.
        dense = data["out:" + key]
        assert np.linalg.norm(got[key] - dense) / np.linalg.norm(dense) > 1e-3


@pytest.mark.parametrize("pattern, message", [
    ("3:4", "--sparsify is 2:4 or unstructured:R with 0 < R < 1, not '3:4'"),
    ("unstructured:1.5", "not 'unstructured:1.5'"),
])
def test_bad_patterns_are_errors(pattern, message, tmp_path, build_dir):
    result = subprocess.run([str(build_dir / "bin" / "xfc"), str(ZOO / "gpt2_ts.onnx"),
                             f"--sparsify={pattern}", "-o", str(tmp_path / "x.so")],
                            capture_output=True, text=True)
    assert result.returncode != 0 and message in result.stderr, result.stderr

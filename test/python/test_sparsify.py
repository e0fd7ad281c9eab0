"""xfc --sparsify on the zoo's fp32 models against ONNX Runtime running the
same models pruned by the same rules (xfc.sparsity, as scripts/prune-onnx.py
applies them): outputs on the
stored inputs within 1e-4 relative L2 (float32 rounding; the pruned weights
are exact zeros on both sides), and the same weights pruned (xfc's remarks
against the script's count)."""

import subprocess

import numpy as np
import onnx
import pytest

import xfc
from conftest import ROOT
from ort_reference import run_ort
from xfc.sparsity import prune_model

ZOO = ROOT.parent / "shared" / "models" / "zoo"
FP32 = ["gpt2_ts", "llama_ts", "bert_ts", "gpt2_ortfused", "llama_dynamo", "moesparse_dynamo"]
PATTERNS = ["2:4", "unstructured:0.75"]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """Libraries by (model, pattern, prune), compiled once for all tests."""
    folder, libraries = tmp_path_factory.mktemp("sparse"), {}

    def get(name, pattern, prune=None):
        key = (name, pattern, prune)
        if key not in libraries:
            out = folder / f"{name}_{pattern.replace(':', '_')}_{prune}.so"
            calibration = [ZOO / f"{name}.npz"] if prune else None
            libraries[key] = xfc.load(xfc.compile(ZOO / f"{name}.onnx", out, sparsify=pattern,
                                                  prune=prune, calibration=calibration))
        return libraries[key]
    return get


@pytest.mark.parametrize("name", FP32)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_sparsified_model_matches_onnx_runtime_on_the_pruned_model(name, pattern, compiled,
                                                                   tmp_path, build_dir):
    model = onnx.load(str(ZOO / f"{name}.onnx"))
    pruned_count = prune_model(model, pattern)
    pruned = tmp_path / "pruned.onnx"
    onnx.save(model, str(pruned))

    report = subprocess.run([str(build_dir / "bin" / "xfc"), str(ZOO / f"{name}.onnx"),
                             f"--sparsify={pattern}", "--emit=xf-transformer"],
                            capture_output=True, text=True, check=True)
    remarks = report.stderr.count(f"weight sparsified ({pattern})")
    assert remarks == pruned_count > 0, report.stderr

    data = np.load(ZOO / f"{name}.npz")
    library = compiled(name, pattern)
    feeds = {i.name: data[i.name] for i in library.inputs}
    got = library.run(feeds)
    want, _ = run_ort(pruned, feeds, {k: (v.dtype, v.shape) for k, v in got.items()}, tmp_path)
    for key in got:
        error = np.linalg.norm(got[key] - want[key]) / np.linalg.norm(want[key])
        assert error <= 1e-4, (key, error)
        # The pruning changed the model: its output is not the dense one.
        dense = data["out:" + key]
        assert np.linalg.norm(got[key] - dense) / np.linalg.norm(dense) > 1e-3


@pytest.mark.parametrize("pattern, message", [
    ("3:4", "--sparsify is auto, 2:4 or unstructured:R with 0 < R < 1, not '3:4'"),
    ("unstructured:1.5", "not 'unstructured:1.5'"),
])
def test_bad_patterns_are_errors(pattern, message, tmp_path, build_dir):
    result = subprocess.run([str(build_dir / "bin" / "xfc"), str(ZOO / "gpt2_ts.onnx"),
                             f"--sparsify={pattern}", "-o", str(tmp_path / "x.so")],
                            capture_output=True, text=True)
    assert result.returncode != 0 and message in result.stderr, result.stderr


def test_auto_prunes_nothing(tmp_path, build_dir):
    """--sparsify=auto (the default) keeps every weight: the library gives
    the stored outputs of the dense model."""
    library = tmp_path / "auto.so"
    subprocess.run([str(build_dir / "bin" / "xfc"), str(ZOO / "gpt2_ts.onnx"), "--sparsify=auto",
                    "-o", str(library)], check=True, capture_output=True)
    data = np.load(ZOO / "gpt2_ts.npz")
    loaded = xfc.load(library)
    got = loaded.run({i.name: data[i.name] for i in loaded.inputs})
    for key in got:
        want = data["out:" + key]
        assert np.linalg.norm(got[key] - want) / np.linalg.norm(want) <= 1e-4, key


WANDA = [(name, "2:4") for name in FP32] + [("llama_ts", "unstructured:0.75")]


@pytest.mark.parametrize("name, pattern", WANDA)
def test_wanda_is_closer_to_the_dense_model_than_magnitude(name, pattern, compiled):
    """Pruned by Wanda's scores on the stored inputs, the model's output on
    those inputs is closer to the dense model's than pruned by magnitude.
    (On other tokens these random-weight models show no consistent
    difference: their activations lack the outlier channels Wanda's scores
    keep; docs/sparsity.md.)"""
    data = np.load(ZOO / f"{name}.npz")
    errors = {}
    for prune in ("magnitude", "wanda"):
        model = compiled(name, pattern, None if prune == "magnitude" else prune)
        got = model.run({i.name: data[i.name] for i in model.inputs})
        # The dense model's outputs: ONNX Runtime's, stored.
        errors[prune] = max(np.linalg.norm(v - data["out:" + k]) / np.linalg.norm(data["out:" + k])
                            for k, v in got.items())
    assert errors["wanda"] < errors["magnitude"], errors


def test_wanda_needs_calibration(tmp_path):
    with pytest.raises(ValueError, match="needs sparsify= and calibration="):
        xfc.compile(ZOO / "gpt2_ts.onnx", tmp_path / "x.so", sparsify="2:4", prune="wanda")

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


def test_layer_errors_on_calibration_inputs(tmp_path):
    """scripts/prune-onnx.py --calibration prints each weight's error against
    its dense product on the calibration activations: for a MatMul and a
    transB Gemm fed by graph inputs, ||x (W' - W)|| / ||x W|| by NumPy."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng()
    w = rng.standard_normal((24, 10)).astype(np.float32)
    g = rng.standard_normal((6, 16)).astype(np.float32)  # Gemm B, transB: [N, K]
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"]),
         helper.make_node("Gemm", ["z", "g"], ["u"], transB=1)], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["t", 24]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, ["s", 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["t", 10]),
         helper.make_tensor_value_info("u", TensorProto.FLOAT, ["s", 6])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(g, "g")])
    model = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), model)
    samples = [{"x": rng.standard_normal((5, 24)).astype(np.float32),
                "z": rng.standard_normal((3, 16)).astype(np.float32)} for _ in range(2)]
    paths = []
    for i, sample in enumerate(samples):
        paths.append(tmp_path / f"c{i}.npz")
        np.savez(paths[-1], **sample)
    run = subprocess.run(["/usr/bin/python3", str(ROOT / "scripts" / "prune-onnx.py"), "2:4",
                          str(model), str(tmp_path / "p.onnx"), "--calibration", *map(str, paths)],
                         capture_output=True, text=True, check=True)
    printed = dict(line.split(": relative error ") for line in run.stdout.splitlines()[1:])
    pruned = {t.name: numpy_helper.to_array(t) for t in onnx.load(tmp_path / "p.onnx").graph.initializer}
    for name, dense, x in (("w", w, "x"), ("g", g.T, "z")):
        sparse = pruned[name] if name == "w" else pruned[name].T
        act = np.concatenate([s[x] for s in samples]).astype(np.float64)
        want = np.linalg.norm(act @ (sparse - dense)) / np.linalg.norm(act @ dense)
        assert abs(float(printed[name]) - want) <= 1e-3 * want, (name, printed[name], want)

"""MoE blocks as PyTorch 1.13's TorchScript exporter writes them, in 2-layer
models from bench/mixtral_shaped.py: Hugging Face's classic Mixtral block
(transformers v4.36 to v4.4x: one-hot mask, a loop over every expert with
torch.where, index_add_; test/models/mixtral_classic_ts.onnx) and the dense
form (every expert on every token, weighted by the routing mask;
mixtral_dense_ts.onnx). Every layer's block is raised to xf.moe, and the
library matches ONNX Runtime (1e-4 relative) at one token (most experts get
no rows), a short and a larger batch."""

import subprocess

import numpy as np
import pytest

import xfc
from conftest import ROOT

MODELS = ["mixtral_classic_ts", "mixtral_dense_ts"]


def model_path(name):
    return ROOT / "test" / "models" / f"{name}.onnx"


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("moe")
    return {name: xfc.load(xfc.compile(model_path(name), folder / f"{name}.so"))
            for name in MODELS}


@pytest.mark.parametrize("name", MODELS)
def test_every_layer_is_one_moe(name, build_dir):
    report = subprocess.run([str(build_dir / "bin" / "xfc"), str(model_path(name)),
                             "--report=fusion"], capture_output=True, text=True,
                            check=True).stdout
    assert "xf.moe: 2\n" in report and "MoE routings outside xf.moe: 0\n" in report, report
    assert "NonZero and ScatterND left: 0\n" in report, report


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("batch, seq", [(1, 1), (1, 7), (3, 11)])
def test_matches_onnx_runtime(libraries, name, batch, seq, tmp_path):
    from ort_reference import run_ort
    rng = np.random.default_rng(batch * 100 + seq)
    feeds = {"input_ids": rng.integers(0, 128, (batch, seq), dtype=np.int64)}
    got = libraries[name].run(feeds)
    want, _ = run_ort(model_path(name), feeds, {k: (v.dtype, v.shape) for k, v in got.items()},
                      tmp_path)
    error = np.linalg.norm(got["logits"] - want["logits"]) / np.linalg.norm(want["logits"])
    assert error <= 1e-4, error

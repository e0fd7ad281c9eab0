"""Hugging Face's classic Mixtral MoE block (transformers v4.36 to v4.4x:
one-hot mask, a loop over every expert with torch.where, index_add_), as
PyTorch 1.13's TorchScript exporter writes it: a 2-layer model from
bench/mixtral_shaped.py (test/models/mixtral_classic_ts.onnx). Every layer's
block is raised to xf.moe, and the library matches ONNX Runtime (1e-4
relative) at one token (most experts get no rows), a short and a padded
batch."""

import subprocess

import numpy as np
import pytest

import xfc
from conftest import ROOT

MODEL = ROOT / "test" / "models" / "mixtral_classic_ts.onnx"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return xfc.load(xfc.compile(MODEL, tmp_path_factory.mktemp("moe") / "mixtral.so"))


def test_every_layer_is_one_moe(build_dir):
    report = subprocess.run([str(build_dir / "bin" / "xfc"), str(MODEL), "--report=fusion"],
                            capture_output=True, text=True, check=True).stdout
    assert "xf.moe: 2\n" in report and "MoE routings outside xf.moe: 0\n" in report, report


@pytest.mark.parametrize("batch, seq", [(1, 1), (1, 7), (3, 11)])
def test_matches_onnx_runtime(library, batch, seq, tmp_path):
    from ort_reference import run_ort
    rng = np.random.default_rng(batch * 100 + seq)
    feeds = {"input_ids": rng.integers(0, 128, (batch, seq), dtype=np.int64)}
    got = library.run(feeds)
    want, _ = run_ort(MODEL, feeds, {k: (v.dtype, v.shape) for k, v in got.items()}, tmp_path)
    error = np.linalg.norm(got["logits"] - want["logits"]) / np.linalg.norm(want["logits"])
    assert error <= 1e-4, error

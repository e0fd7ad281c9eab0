"""xfc.models graphs at two model sizes each, run at two input sizes with
the last batch row left-padded: compiled by xfc against ONNX Runtime, and
ONNX Runtime against NumPy implementations of the same models on the same
weights (numpy_models.py), so that a graph-building mistake both engines
would agree on cannot pass."""

import inspect

import numpy as np
import pytest

import numpy_models
import xfc
from ort_reference import run_ort

BUILT = [
    ("gpt2", dict(layers=2, hidden=64, heads=4)),
    ("llama", dict(layers=2, hidden=64, heads=4, kv_heads=2, ffn=128)),
    ("bert", dict(layers=2, hidden=64, heads=4)),
    ("bert", dict(layers=1, hidden=48, heads=2, ffn=80, type_vocab=3)),
    ("mixtral", dict(layers=2, hidden=64, heads=4, kv_heads=2, ffn=96)),
    ("mixtral", dict(layers=1, hidden=48, heads=4, kv_heads=1, ffn=64, experts=6, top_k=3)),
]
SIZES = [(1, 7), (2, 12)]


def params(with_reference=False):
    return [pytest.param(family, config, id=f"{family}-{config['layers']}x{config['hidden']}")
            for family, config in BUILT
            if hasattr(numpy_models, family) or not with_reference]


def relative_error(got, want):
    return float(np.abs(got - want).max() / max(1.0, np.abs(want).max()))


def relative_l2(got, want):
    return float(np.linalg.norm(got - want) / np.linalg.norm(want))


def with_defaults(family, config):
    """`config` completed with the builder's defaults."""
    params = inspect.signature(getattr(xfc.models, family)).parameters
    return {**{name: p.default for name, p in params.items()}, **config}


def build(family, config, tmp_path):
    """The ONNX model and the file it is saved in."""
    model = getattr(xfc.models, family)(**config)
    path = tmp_path / f"{family}.onnx"
    path.write_bytes(model.SerializeToString())
    return model, path


def padded_feeds(batch, seq):
    mask = np.ones((batch, seq), dtype=np.int64)
    mask[-1, :2] = 0
    ids = np.random.default_rng(batch * 100 + seq).integers(0, 384, size=(batch, seq))
    return {"input_ids": ids.astype(np.int64), "attention_mask": mask}


def onnx_runtime(path, family, config, feeds, work):
    """The model's one output: BERT's hidden states, the decoders' logits."""
    full = with_defaults(family, config)
    name, width = (("last_hidden_state", full["hidden"]) if family == "bert"
                   else ("logits", full["vocab"]))
    shape = (*feeds["input_ids"].shape, width)
    return name, run_ort(path, feeds, {name: (np.float32, shape)}, work)[0][name]


@pytest.mark.parametrize("family, config", params())
def test_built_models_match_onnx_runtime(family, config, tmp_path):
    _, path = build(family, config, tmp_path)
    model = xfc.load(xfc.compile(path, tmp_path / f"{family}.so"))
    for batch, seq in SIZES:
        feeds = padded_feeds(batch, seq)
        name, want = onnx_runtime(path, family, config, feeds, tmp_path / f"ort_{batch}_{seq}")
        got = model.run(feeds)[name]
        assert relative_l2(got, want) <= 1e-4, (batch, seq)
        assert relative_error(got, want) <= 1e-4, (batch, seq)


@pytest.mark.parametrize("family, config", params(with_reference=True))
def test_onnx_runtime_matches_numpy_model(family, config, tmp_path):
    onnx_model, path = build(family, config, tmp_path)
    weights = numpy_models.weights(onnx_model)
    reference = getattr(numpy_models, family)
    for batch, seq in SIZES:
        feeds = padded_feeds(batch, seq)
        _, want = onnx_runtime(path, family, config, feeds, tmp_path / f"ort_{batch}_{seq}")
        got = reference(weights, feeds["input_ids"], feeds["attention_mask"],
                        **with_defaults(family, config))
        # They agree to ~3e-7; 1e-4 would pass BERT with tanh GELU (4e-5 off).
        assert relative_l2(got, want) <= 1e-5, (batch, seq)

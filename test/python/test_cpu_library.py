"""Zoo models compiled to shared libraries and run through the C interface.

Each model is compiled with `xfc -o model.so`, loaded with ctypes (the xfc
Python package) and run on the stored inputs; outputs must match ONNX
Runtime's within 1e-4 relative L2 error for fp32 models and 1e-3 for the
int4 (MatMulNBits) and int8 (ONNX Runtime's quantize_dynamic) ones. The
int8 models live in test/models: scripts/device/make-int8-models.sh made
they were made.
"""

import pathlib
import threading

import ctypes

import numpy as np
import pytest

import xfc
from conftest import ROOT

ZOO = ROOT.parent / "shared" / "models" / "zoo"
INT8 = ROOT / "test" / "models"
FP32 = ["gpt2_ts", "llama_ts", "bert_ts", "gpt2_ortfused", "llama_dynamo",
        "moesparse_dynamo"]
# Hugging Face Mixtral and Qwen2-MoE as the TorchScript and dynamo exporters
# write them: the eager loop over experts (OneHot, NonZero, ScatterElements)
# and the batched form (Tile, Clip).
MOE = ["mixtral_batched_mm_dynamo", "mixtral_batched_mm_ts", "mixtral_eager_ts",
       "qwen2moe_batched_mm_dynamo", "qwen2moe_batched_mm_ts", "qwen2moe_eager_ts"]
# The TorchScript trace unrolled the loop over the experts the router chose
# when it ran: 4 of them, split from NonZero's output in sizes [1, 1, 1, 1].
# Inputs that reach fewer experts are an error at that Split in ONNX
# Runtime; xfc raises the loop to xf.moe, which runs the experts chosen,
# so they compute the model. Their reference there is ONNX Runtime on the
# batched export of the same model (the same weights: the stored outputs
# of the two agree to 3e-7).
TRACED_EXPERT_LOOPS = {"mixtral_eager_ts": "mixtral_batched_mm_ts",
                       "qwen2moe_eager_ts": "qwen2moe_batched_mm_ts"}
QUANTIZED = ["gpt2_int4", "llama_int4", "gpt2_int8dyn", "llama_int8dyn",
             "bert_int8dyn", "phi3_int8dyn"]
MODELS = FP32 + MOE + QUANTIZED


def model_path(name, suffix):
    return (INT8 if "int8" in name else ZOO) / f"{name}{suffix}"


def tolerance(name):
    return 1e-3 if name in QUANTIZED else 1e-4


def relative_error(got, want):
    """Relative L2 error."""
    return float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30))


@pytest.fixture(scope="module")
def libraries(tmp_path_factory, build_dir):
    return tmp_path_factory.mktemp("libs")


def compiled(libraries, name):
    path = libraries / f"{name}.so"
    if not path.exists():
        xfc.compile(model_path(name, ".onnx"), path)
    return xfc.load(path)


@pytest.mark.parametrize("name", MODELS)
def test_zoo_model_matches_onnx_runtime(libraries, name):
    model = compiled(libraries, name)
    data = np.load(model_path(name, ".npz"))
    outputs = model.run({i.name: data[i.name] for i in model.inputs})
    for info in model.outputs:
        error = relative_error(outputs[info.name], data["out:" + info.name])
        assert error <= tolerance(name), error


class _HostArray:
    """A NumPy array behind __cuda_array_interface__: for a CPU library the
    device is the host, so run_on_device reads it in place."""

    def __init__(self, array):
        self.array = np.ascontiguousarray(array)
        self.__cuda_array_interface__ = {
            "shape": self.array.shape, "typestr": self.array.dtype.str,
            "data": (self.array.ctypes.data, False), "version": 3}


def test_run_on_device_is_run_for_cpu_libraries(libraries):
    model = compiled(libraries, "bert_ts")
    data = np.load(model_path("bert_ts", ".npz"))
    feeds = {i.name: data[i.name] for i in model.inputs}
    want = model.run(feeds)
    got = model.run_on_device({name: _HostArray(a) for name, a in feeds.items()})
    for name, array in got.items():
        assert array.shape == want[name].shape and array.dtype == want[name].dtype
        buffer = (ctypes.c_char * want[name].nbytes).from_address(array.data)
        np.testing.assert_array_equal(np.frombuffer(buffer, array.dtype).reshape(array.shape),
                                      want[name])
    strided = {name: _HostArray(a) for name, a in feeds.items()}
    ids = strided["input_ids"].__cuda_array_interface__
    ids["strides"] = (8, 8 * ids["shape"][0])  # column-major
    with pytest.raises(xfc.XfcError, match="C-contiguous"):
        model.run_on_device(strided)


def test_header_and_metadata(libraries):
    model = compiled(libraries, "gpt2_ts")
    assert [i.name for i in model.inputs] == ["input_ids", "attention_mask"]
    assert model.inputs[0].shape == ("batch", "seq")
    assert model.outputs[0].shape[-1] == 384
    header = (libraries / "gpt2_ts.h").read_text()
    assert "input 'input_ids': XFC_INT64, shape [batch, seq]" in header
    assert "xfc_status xfc_run(" in header


def test_two_sessions_in_two_threads(libraries):
    model = compiled(libraries, "llama_ts")
    data = np.load(ZOO / "llama_ts.npz")
    feeds = {i.name: data[i.name] for i in model.inputs}
    want = data["out:logits"]
    errors = []

    def worker():
        for _ in range(3):
            got = model.run(feeds)["logits"]
            errors.append(relative_error(got, want))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 6 and max(errors) <= 1e-4


@pytest.mark.parametrize("feeds, message", [
    (lambda ids: {"input_ids": ids.astype(np.int32), "attention_mask": ids},
     "input 'input_ids' has dtype int32, but the model takes int64"),
    (lambda ids: {"input_ids": ids[0], "attention_mask": ids},
     "input 'input_ids' has rank 1, but the model takes rank 2"),
    (lambda ids: {"input_ids": ids, "attention_mask": ids[:, :-1]},
     "input 'attention_mask' has seq = 15 in dimension 1, but an earlier input has seq = 16"),
    (lambda ids: {"input_ids": ids},
     "missing inputs ['attention_mask']"),
])
def test_bad_inputs_are_errors(libraries, feeds, message):
    model = compiled(libraries, "gpt2_ts")
    ids = np.load(ZOO / "gpt2_ts.npz")["input_ids"]
    with pytest.raises(xfc.XfcError, match=message.replace("[", r"\[").replace("]", r"\]")):
        model.run(feeds(ids))


def test_demo_block_matches_numpy_at_other_sizes(tmp_path, build_dir):
    """The demo's GPT-2 block at batch/sequence sizes no model file fixed,
    against a NumPy implementation (examples/run_demo.py, tolerance 1e-4)."""
    import subprocess
    import sys
    env = dict(__import__("os").environ, XFC_BUILD_DIR=str(build_dir))
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "run_demo.py"),
                             str(tmp_path)], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "batch 1, sequence 37" in result.stdout and "\nOK" in result.stdout


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("batch, seq", [(1, 1), (1, 5), (3, 9)])
def test_zoo_model_at_other_sizes_matches_onnx_runtime(libraries, name, batch, seq, tmp_path):
    """Sizes other than the stored ones, against ONNX Runtime run now."""
    from ort_reference import run_ort, with_exact_integer_products
    if batch * seq == 1 and "int8dyn" in name:
        # One token's activations are quantized alone: a 5e-7 float difference
        # in the first norm moved one int8 step in phi3_int8dyn (seed 101), and
        # the layers after took the output to 1.9e-2, where more tokens
        # dilute such a step below the 1e-3 the other sizes hold.
        pytest.skip("int8 dynamic quantization of a single token flips whole steps")
    model = compiled(libraries, name)
    rng = np.random.default_rng(batch * 100 + seq)
    ids = rng.integers(0, 384, size=(batch, seq), dtype=np.int64)
    mask = np.ones((batch, seq), dtype=np.int64)
    mask[0, : seq // 3] = 0  # left padding in the first row
    feeds = {"input_ids": ids, "attention_mask": mask}
    got = model.run(feeds)
    shapes = {k: (v.dtype, v.shape) for k, v in got.items()}
    reference = model_path(name, ".onnx")
    if name in TRACED_EXPERT_LOOPS and batch * seq in (1, 5):
        # 1 or 5 tokens, top-2: these reach 2 or 3 of the 4 experts. (One
        # token leaves experts without rows in every MoE model.)
        reference = model_path(TRACED_EXPERT_LOOPS[name], ".onnx")
    if name in QUANTIZED:
        reference = with_exact_integer_products(reference, tmp_path / "exact.onnx")
    want, _ = run_ort(reference, feeds, shapes, tmp_path)
    for key in got:
        error = relative_error(got[key], want[key])
        assert error <= tolerance(name), (key, error)


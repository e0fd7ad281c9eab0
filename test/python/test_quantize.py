"""xfc --quantize (xf-quantize): weights rounded to nearest by ONNX Runtime's
rules, run by the CPU kernel that reads packed weights.

The zoo's *_int4 models are ONNX Runtime's MatMul4BitsQuantizer (int4,
blocks of 32, zero points) applied to the *_ts models; the *_int4 .npz hold
ONNX Runtime's outputs of them on the *_ts inputs. xfc quantizing the fp32
model with the same settings, on the weights that quantizer takes (MatMul
nodes: GPT-2's Gemm layers it leaves alone), must be no further from the
fp32 output than ONNX Runtime's int4 model is (the rounding is the same, so
the two quantized models agree to the kernels' error, 1e-3 relative L2).
"""

import subprocess

import numpy as np
import pytest

import xfc
from conftest import ROOT

ZOO = ROOT.parent / "shared" / "models" / "zoo"
# model: what ONNX Runtime's quantizer left f32 (by node name)
MODELS = {"gpt2": "Gemm", "llama": None}


def relative_error(got, want):
    return float(np.linalg.norm(got - want) / np.linalg.norm(want))


@pytest.mark.parametrize("name", list(MODELS))
def test_int4_no_worse_than_onnx_runtime_quantizer(name, tmp_path, build_dir):
    exclude = MODELS[name]
    args = [build_dir / "bin" / "xfc", ZOO / f"{name}_ts.onnx", "--quantize=int4",
            "--group-size=32", "-o", tmp_path / "q.so"]
    if exclude:
        args.append(f"--exclude={exclude}")
    run = subprocess.run(args, capture_output=True, text=True, check=True)
    # One remark per quantized weight, naming its node.
    remarks = [line for line in run.stderr.splitlines() if "remark: weight quantized" in line]
    assert remarks and all("node '" in line and "relative error" in line for line in remarks)
    if exclude:
        assert not any(exclude in line for line in remarks)

    fp32 = np.load(ZOO / f"{name}_ts.npz")
    ort_int4 = np.load(ZOO / f"{name}_int4.npz")
    model = xfc.load(tmp_path / "q.so")
    outputs = model.run({i.name: fp32[i.name] for i in model.inputs})
    for info in model.outputs:
        want = fp32["out:" + info.name]
        ours = relative_error(outputs[info.name], want)
        theirs = relative_error(ort_int4["out:" + info.name], want)
        assert ours <= theirs * 1.001 + 1e-6, (ours, theirs)
        assert relative_error(outputs[info.name], ort_int4["out:" + info.name]) < 1e-3


def test_symmetric_int8_is_closer_than_int4(tmp_path, build_dir):
    data = np.load(ZOO / "llama_ts.npz")
    errors = {}
    for flags in (["--quantize=int4"], ["--quantize=int8", "--symmetric"]):
        out = tmp_path / f"{flags[0][-4:]}.so"
        subprocess.run([build_dir / "bin" / "xfc", ZOO / "llama_ts.onnx", *flags,
                        "--group-size=64", "-o", out, "-q"], check=True, capture_output=True)
        model = xfc.load(out)
        got = model.run({i.name: data[i.name] for i in model.inputs})
        errors[flags[0]] = relative_error(got["logits"], data["out:logits"])
    assert errors["--quantize=int8"] < errors["--quantize=int4"] / 4, errors


@pytest.mark.parametrize("flags, message", [
    (["--quantize=int3"], "--quantize"),
    (["--group-size=64"], "--group-size, --symmetric and --exclude are for --quantize"),
    (["--quantize=int4", "--group-size=33"], "--group-size must be an even number"),
    (["--quantize=int4", "--exclude=(unclosed"], "exclude is not a regular expression"),
])
def test_bad_quantize_options_are_refused(flags, message, tmp_path, build_dir):
    run = subprocess.run([build_dir / "bin" / "xfc", ZOO / "llama_ts.onnx", *flags,
                          "-o", tmp_path / "m.so"], capture_output=True, text=True)
    assert run.returncode != 0
    assert message in run.stderr


def test_moe_experts_are_quantized(tmp_path, build_dir):
    """xf-moe-dispatch gives each expert its own gated MLP before xf-quantize
    runs, so the experts' weights are quantized too: Mixtral (batched form,
    4 experts in each of 3 layers) has 36 expert matrices beside its 16
    others; int8 is closer to the fp32 output than int4."""
    data = np.load(ZOO / "mixtral_batched_mm_dynamo.npz")
    errors = {}
    for flags in (["--quantize=int4"], ["--quantize=int8", "--symmetric"]):
        out = tmp_path / f"{flags[0][-4:]}.so"
        run = subprocess.run([build_dir / "bin" / "xfc", ZOO / "mixtral_batched_mm_dynamo.onnx",
                              *flags, "--group-size=32", "-o", out],
                             capture_output=True, text=True, check=True)
        remarks = [line for line in run.stderr.splitlines() if "remark: weight quantized" in line]
        assert len(remarks) == 36 + 16, run.stderr
        model = xfc.load(out)
        got = model.run({i.name: data[i.name] for i in model.inputs})
        errors[flags[0]] = relative_error(got["logits"], data["out:logits"])
    assert errors["--quantize=int4"] < 0.3, errors
    assert errors["--quantize=int8"] < errors["--quantize=int4"] / 4, errors

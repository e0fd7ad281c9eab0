"""ONNX Runtime's com.microsoft MoE and QMoE, imported as xf.moe and compiled
for the CPU, against ONNX Runtime on the same random inputs (relative L2
error 1e-5: float32 rounding of a few sums; QMoE 1e-4) and, for the forms ONNX
Runtime's CPU kernel refuses (SwiGLU halves one after the other, FC3), against
the operator's definition in NumPy. Inputs are [tokens, hidden] or
[batch, sequence, hidden]."""

import subprocess

import numpy as np
import pytest

import xfc
from microsoft_moe_models import moe_model, quantize
from ort_reference import run_ort

# Experts, hidden and expert width: both K (32) hold whole pairs of
# 16-wide blocks, the only block counts whose packed 4-bit zero points
# ONNX Runtime reads as the spec lays them out.
E, D, F = 4, 32, 32

def write_model(path, op, names, inits, attrs, rank=2):
    path.write_bytes(moe_model(op, names, inits, attrs, D, E, rank).SerializeToString())
    return path


def expert_function(attrs, fusion):
    """y(h1, h3) of one expert from FC1's (and FC3's) outputs, by the spec."""
    kind = attrs.get("activation_type", "relu")
    alpha, beta = attrs.get("activation_alpha", 1.0), attrs.get("activation_beta", 0.0)
    limit = attrs.get("swiglu_limit")

    def apply(h1, h3):
        if kind == "swiglu":
            g, u = (h1[..., 0::2], h1[..., 1::2]) if fusion == 1 else \
                   (h1[..., :F], h1[..., F:]) if fusion == 2 else (h1, h3)
            if limit is not None:
                g, u = np.minimum(g, limit), np.clip(u, -limit, limit)
            return g / (1 + np.exp(-alpha * g)) * (u + beta)
        act = {"relu": lambda h: np.maximum(h, 0),
               "silu": lambda h: h / (1 + np.exp(-h)),
               "identity": lambda h: h,
               "gelu": lambda h: 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h**3)))}[kind]
        return act(h1) if h3 is None else act(h1) * h3
    return apply


def numpy_moe(x, router, w1, b1, w2, b2, w3, attrs, fusion):
    """The MoE operator: softmax over the experts, top-k, optional
    renormalization, each chosen expert's FC2(f(FC1 x, FC3 x))."""
    k, normalize = attrs.get("k", 1), attrs.get("normalize_routing_weights", 0)
    f = expert_function(attrs, fusion)
    flat = x.reshape(-1, D).astype(np.float64)
    y = np.zeros_like(flat)
    p = np.exp(router - router.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    for t in range(flat.shape[0]):
        chosen = np.argsort(-p[t], kind="stable")[:k]
        weights = p[t, chosen] / (p[t, chosen].sum() if normalize else 1)
        for e, w in zip(chosen, weights):
            h1 = w1[e] @ flat[t] + (b1[e] if b1 is not None else 0)
            h3 = w3[e] @ flat[t] if w3 is not None else None
            y[t] += w * (w2[e] @ f(h1, h3) + (b2[e] if b2 is not None else 0))
    return y.reshape(x.shape)


def float_case(rng, attrs, bias, fc3=False):
    fusion = attrs.get("swiglu_fusion", 0) if attrs.get("activation_type") == "swiglu" else 0
    rows = 2 * F if fusion else F
    w = {"w1": rng.standard_normal((E, rows, D)).astype(np.float32) / np.sqrt(D),
         "w2": rng.standard_normal((E, D, F)).astype(np.float32) / np.sqrt(F)}
    names = ["w1", "", "w2", "", "", ""]
    if bias:
        w["b1"] = rng.standard_normal((E, rows)).astype(np.float32) * 0.1
        w["b2"] = rng.standard_normal((E, D)).astype(np.float32) * 0.1
        names[1], names[3] = "b1", "b2"
    if fc3:
        w["w3"] = rng.standard_normal((E, F, D)).astype(np.float32) / np.sqrt(D)
        names[4] = "w3"
    while names[-1] == "":
        names.pop()
    return names, w, fusion


def run_both(path, rank, seed, tmp_path):
    """xfc's output and the inputs, on random tokens (3 x 5 of them)."""
    rng = np.random.default_rng(seed)
    shape = (15, D) if rank == 2 else (3, 5, D)
    feeds = {"x": rng.standard_normal(shape).astype(np.float32),
             "router": rng.standard_normal((15, E)).astype(np.float32)}
    library = xfc.load(xfc.compile(path, tmp_path / "moe.so"))
    return library.run(feeds)["y"], feeds


def relative_error(got, want):
    return np.linalg.norm(got - want) / np.linalg.norm(want)


FLOAT_CASES = {
    "relu_top2": (dict(k=2), False, 2),
    "gelu_top1_bias": (dict(k=1, activation_type="gelu"), True, 3),
    "silu_top2_normalized": (dict(k=2, activation_type="silu", normalize_routing_weights=1), False, 2),
    "identity_top2_bias": (dict(k=2, activation_type="identity"), True, 3),
    "swiglu_interleaved": (dict(k=2, activation_type="swiglu", swiglu_fusion=1,
                                normalize_routing_weights=1), False, 3),
    # gpt-oss's experts: clamped SwiGLU with a scaled sigmoid, biases.
    "swiglu_clamped_bias": (dict(k=2, activation_type="swiglu", swiglu_fusion=1, activation_alpha=1.702,
                                 activation_beta=1.0, swiglu_limit=0.7), True, 2),
}


@pytest.mark.parametrize("case", FLOAT_CASES)
def test_moe_matches_onnx_runtime(case, tmp_path, build_dir):
    attrs, bias, rank = FLOAT_CASES[case]
    names, weights, _ = float_case(np.random.default_rng(len(case)), attrs, bias)
    path = write_model(tmp_path / "moe.onnx", "MoE", names, weights, attrs, rank)
    got, feeds = run_both(path, rank, len(case) + 1, tmp_path)
    want, _ = run_ort(path, feeds, {"y": (np.float32, got.shape)}, tmp_path / "ort")
    assert relative_error(got, want["y"]) <= 1e-5


# ONNX Runtime's CPU kernel takes neither FC3 nor SwiGLU halves one after the
# other; the spec defines both.
NUMPY_CASES = {
    "swiglu_concatenated": (dict(k=2, activation_type="swiglu", swiglu_fusion=2), True, False),
    "swiglu_fc3": (dict(k=2, activation_type="swiglu", swiglu_fusion=0, swiglu_limit=1.0), False, True),
    "silu_fc3_gated": (dict(k=2, activation_type="silu", normalize_routing_weights=1), False, True),
}


@pytest.mark.parametrize("case", NUMPY_CASES)
def test_moe_matches_its_definition(case, tmp_path):
    attrs, bias, fc3 = NUMPY_CASES[case]
    names, w, fusion = float_case(np.random.default_rng(len(case)), attrs, bias, fc3)
    path = write_model(tmp_path / "moe.onnx", "MoE", names, w, attrs, 3)
    got, feeds = run_both(path, 3, 7, tmp_path)
    want = numpy_moe(feeds["x"], feeds["router"], w["w1"], w.get("b1"), w["w2"], w.get("b2"),
                     w.get("w3"), attrs, fusion)
    assert relative_error(got, want) <= 1e-5


@pytest.mark.parametrize("bits", [4, 8])
@pytest.mark.parametrize("block", [0, 16])
@pytest.mark.parametrize("zero_points", [False, True])
def test_qmoe_matches_onnx_runtime(bits, block, zero_points, tmp_path):
    rng = np.random.default_rng(bits * 10 + block + zero_points)
    w1 = rng.standard_normal((E, 2 * F, D)).astype(np.float32) / np.sqrt(D)
    w2 = rng.standard_normal((E, D, F)).astype(np.float32) / np.sqrt(F)
    p1, s1, z1, _ = quantize(w1, bits, block, zero_points)
    p2, s2, z2, _ = quantize(w2, bits, block, zero_points)
    inits = {"p1": p1, "s1": s1, "p2": p2, "s2": s2}
    names = ["p1", "s1", "", "p2", "s2"]
    if zero_points:
        inits.update(z1=z1, z2=z2)
        names += ["", "", "", "", "z1", "z2"]
    attrs = dict(k=2, activation_type="swiglu", swiglu_fusion=1, expert_weight_bits=bits,
                 normalize_routing_weights=1)
    if block:
        attrs["block_size"] = block
    path = write_model(tmp_path / "qmoe.onnx", "QMoE", names, inits, attrs, 3)
    got, feeds = run_both(path, 3, bits + block, tmp_path)
    want, _ = run_ort(path, feeds, {"y": (np.float32, got.shape)}, tmp_path / "ort")
    # The CPU's quantized products round the activations to 16 bits per
    # group (2^-15 relative), which zero points off the middle show.
    assert relative_error(got, want["y"]) <= 1e-4


def test_weights_given_at_run_time(tmp_path):
    """Expert weights as graph inputs: float stacks sliced and transposed at
    run time, QMoE's packed values and scales gathered per expert; against
    ONNX Runtime on the same model with the weights as initializers."""
    rng = np.random.default_rng(5)
    attrs = FLOAT_CASES["swiglu_clamped_bias"][0]
    names, w, _ = float_case(rng, attrs, True)
    cases = [("MoE", names, w, attrs, ["w1", "b1", "w2"])]
    p1, s1, _, _ = quantize(rng.standard_normal((E, 2 * F, D)).astype(np.float32), 4, 16, False)
    p2, s2, _, _ = quantize(rng.standard_normal((E, D, F)).astype(np.float32), 4, 16, False)
    cases.append(("QMoE", ["p1", "s1", "", "p2", "s2"], {"p1": p1, "s1": s1, "p2": p2, "s2": s2},
                  dict(k=2, activation_type="swiglu", swiglu_fusion=1, expert_weight_bits=4,
                       block_size=16, normalize_routing_weights=1), ["p1", "s1", "p2", "s2"]))
    for op, names, inits, attrs, given in cases:
        folder = tmp_path / op
        folder.mkdir()
        path, constant = folder / "moe.onnx", folder / "constant.onnx"
        path.write_bytes(moe_model(op, names, inits, attrs, D, E, as_inputs=given)
                         .SerializeToString())
        constant.write_bytes(moe_model(op, names, inits, attrs, D, E).SerializeToString())
        tokens = {"x": rng.standard_normal((9, D)).astype(np.float32),
                  "router": rng.standard_normal((9, E)).astype(np.float32)}
        got = xfc.load(xfc.compile(path, folder / "moe.so")).run(
            {**tokens, **{name: inits[name] for name in given}})["y"]
        want, _ = run_ort(constant, tokens, {"y": (np.float32, got.shape)}, folder / "ort")
        # Weights read at run time dequantize element-wise: f32 products.
        assert relative_error(got, want["y"]) <= 1e-5, op


def test_moe_is_dispatched(tmp_path, build_dir):
    """The fusion report counts the op; after dispatch no xf.moe is left."""
    attrs = FLOAT_CASES["swiglu_clamped_bias"][0]
    names, weights, _ = float_case(np.random.default_rng(0), attrs, True)
    path = write_model(tmp_path / "moe.onnx", "MoE", names, weights, attrs)
    xfc_bin = str(build_dir / "bin" / "xfc")
    report = subprocess.run([xfc_bin, str(path), "--report=fusion"], capture_output=True,
                            text=True, check=True).stdout
    assert "xf.moe: 1\n" in report, report
    raised = subprocess.run([xfc_bin, str(path), "--emit=xf-transformer"], capture_output=True,
                            text=True, check=True).stdout
    # Each expert: gate, up and down layers (the clamped SwiGLU between).
    assert "xf.moe" not in raised and raised.count("= xf.linear") == 3 * E, raised


def node_error(tmp_path, build_dir, op, names, inits, attrs):
    path = write_model(tmp_path / "bad.onnx", op, names, inits, attrs)
    result = subprocess.run([str(build_dir / "bin" / "xfc"), str(path), "-o",
                             str(tmp_path / "bad.so")], capture_output=True, text=True)
    assert result.returncode != 0
    return result.stderr


@pytest.mark.parametrize("attrs, message", [
    (dict(use_sparse_mixer=1), "use_sparse_mixer (Phi-3.5-MoE's routing) is not supported"),
    (dict(activation_type="tanh"), "activation_type 'tanh' is not one of"),
    (dict(activation_type="swiglu"), "unfused SwiGLU (swiglu_fusion 0) needs FC3"),
    (dict(k=5), "top_k must be between 1 and the expert count (4), not 5"),
])
def test_moe_errors_name_the_node(attrs, message, tmp_path, build_dir):
    names, weights, _ = float_case(np.random.default_rng(0), {}, False)
    stderr = node_error(tmp_path, build_dir, "MoE", names, weights, attrs)
    assert "node 'moe' (MoE)" in stderr and message in stderr, stderr


def test_qmoe_errors_name_the_node(tmp_path, build_dir):
    rng = np.random.default_rng(0)
    p, s, _, _ = quantize(rng.standard_normal((E, F, D)).astype(np.float32), 4, 0, False)
    p2, s2, _, _ = quantize(rng.standard_normal((E, D, F)).astype(np.float32), 4, 0, False)
    names = ["p1", "s1", "", "p2", "s2"]
    inits = {"p1": p, "s1": s, "p2": p2, "s2": s2}
    stderr = node_error(tmp_path, build_dir, "QMoE", names, inits, dict(expert_weight_bits=2))
    assert "node 'moe' (QMoE)" in stderr and "2-bit experts is not supported" in stderr, stderr
    bad_scales = dict(inits, s1=s[:, :-1].copy())
    stderr = node_error(tmp_path, build_dir, "QMoE", names, bad_scales, {})
    assert "QMoE scales of input 3 hold" in stderr, stderr

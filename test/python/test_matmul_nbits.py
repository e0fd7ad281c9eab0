"""xfc.matmul_nbits: MatMul weights rewritten as com.microsoft MatMulNBits.

The layout is checked by a NumPy dequantization written from the contrib
op's definition, the rounding by a scalar float32 quantizer written from
ONNX Runtime's rules (MLAS blockwise quantization), and the whole by
running a quantized BERT compiled with xfc: against NumPy's BERT on the
dequantized weights within 1e-4 relative L2 error, and against xfc's fp32
library within the error quantization itself brings (stated below).
scripts/device/check-matmul-nbits.py compares the bytes with ONNX
Runtime's own quantizer.
"""

import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

import numpy_models
import xfc
from xfc.matmul_nbits import quantize_to_matmul_nbits, quantize_weight

F32 = np.float32


def dequantize(packed, scales, zero_points, k, bits, block_size):
    """MatMulNBits' weight [K, N] from B [N, blocks, block_size * bits / 8],
    scales [N * blocks] and packed zero points (None: 2^(bits-1))."""
    n, blocks, _ = packed.shape
    if bits == 4:
        values = np.stack([packed & 15, packed >> 4], axis=-1).reshape(n, blocks * block_size)
    else:
        values = packed.reshape(n, blocks * block_size)
    if zero_points is None:
        zp = np.full((n, blocks), 1 << (bits - 1))
    elif bits == 4:
        zp = np.stack([zero_points & 15, zero_points >> 4], axis=-1).reshape(n, -1)[:, :blocks]
    else:
        zp = zero_points.reshape(n, blocks)
    deq = (values.reshape(n, blocks, block_size).astype(F32) - zp[:, :, None]) * \
        scales.reshape(n, blocks, 1)
    return deq.reshape(n, -1)[:, :k].T


def scalar_quantize(weight, bits, block_size, symmetric):
    """ONNX Runtime's rules one block and one value at a time, in float32
    scalars: ([N, K] values, [N, blocks] scales, [N, blocks] zero points)."""
    k, n = weight.shape
    top, mid = (1 << bits) - 1, 1 << (bits - 1)
    blocks = -(-k // block_size)
    values = np.zeros((n, k), np.uint8)
    scales = np.zeros((n, blocks), F32)
    zps = np.zeros((n, blocks), np.uint8)

    def roundf(x):
        return float(np.floor(abs(float(x)) + 0.5)) * (1 if x >= 0 else -1)

    for j in range(n):
        for b in range(blocks):
            block = weight[b * block_size:(b + 1) * block_size, j]
            lo, hi = F32(block.min()), F32(block.max())
            if symmetric:
                m = hi if abs(hi) > abs(lo) else lo
                scale, zp = F32(-m / F32(mid)), mid
            else:
                lo, hi = min(lo, F32(0)), max(hi, F32(0))
                scale = F32((hi - lo) / F32(top))
                zp = int(min(max(roundf(F32(0) - lo / scale), 0), top)) if scale else 0
            recip = F32(F32(1) / scale) if scale else F32(0)
            scales[j, b], zps[j, b] = scale, zp
            for i, v in enumerate(block):
                q = roundf(F32(F32(v * recip) + F32(zp)))
                values[j, b * block_size + i] = min(max(q, 0), top)
    return values, scales, zps


@pytest.mark.parametrize("bits,block_size,symmetric", [(4, 16, False), (4, 32, True),
                                                       (8, 16, False), (8, 32, True)])
def test_bytes_follow_onnx_runtime_rules(bits, block_size, symmetric):
    rng = np.random.default_rng()
    # 70 rows: a partial last block, and an odd block count for 4-bit
    # zero points. Column 0 is all zero (scale 0), column 1 all positive;
    # column 2 spans [-1, 0.875] in each block of 16 in steps of 1/256, so
    # that scales are powers of 2 and halves (ties) are common.
    weight = rng.standard_normal((70, 5)).astype(F32)
    weight[:, 0] = 0
    weight[:, 1] = np.abs(weight[:, 1])
    weight[:, 2] = rng.integers(-256, 225, 70) / 256
    weight[0::16, 2], weight[1::16, 2] = -1, 0.875
    packed, scales, zero_points = quantize_weight(weight, bits, block_size, symmetric)
    values, want_scales, want_zps = scalar_quantize(weight, bits, block_size, symmetric)
    blocks = -(-70 // block_size)
    assert packed.shape == (5, blocks, block_size * bits // 8) and packed.dtype == np.uint8
    assert scales.tobytes() == want_scales.tobytes()
    got = np.stack([packed & 15, packed >> 4], -1).reshape(5, -1) if bits == 4 \
        else packed.reshape(5, -1)
    np.testing.assert_array_equal(got[:, :70], values)
    assert not got[:, 70:].any()  # rows past K are stored as 0
    if symmetric:
        assert zero_points is None
    else:
        zp = np.stack([zero_points & 15, zero_points >> 4], -1).reshape(5, -1) if bits == 4 \
            else zero_points.reshape(5, -1)
        np.testing.assert_array_equal(zp[:, :blocks], want_zps)
        assert (zp[:, blocks:] == 8).all()


@pytest.mark.parametrize("bits", [4, 8])
@pytest.mark.parametrize("symmetric", [False, True])
def test_dequantized_weight_is_within_half_a_step(bits, symmetric):
    weight = (np.random.default_rng().standard_normal((300, 24)) * 0.05).astype(F32)
    packed, scales, zero_points = quantize_weight(weight, bits, 64, symmetric)
    deq = dequantize(packed, scales, zero_points, 300, bits, 64)
    step = np.abs(np.repeat(scales.reshape(24, -1).T, 64, axis=0)[:300])
    error = np.abs(deq - weight)
    # Round to nearest: half a step, and float32 rounding of the product.
    slack = 1e-6 * np.abs(weight) + 1e-9
    if not symmetric:
        assert (error <= step / 2 + slack).all()
    else:
        # Symmetric blocks put their largest magnitude at the far end
        # (-2^(bits-1)); the other end stops one step short, 2^(bits-1) - 1,
        # and values beyond it clamp there, off by up to a whole step.
        assert (error <= step + slack).all()
        sign_of_extreme = np.sign(-np.repeat(scales.reshape(24, -1).T, 64, axis=0)[:300])
        inside = weight * sign_of_extreme > -((1 << (bits - 1)) - 0.5) * step
        assert (error[inside] <= step[inside] / 2 + slack[inside]).all()


def test_graph_structure():
    model = xfc.models.gpt2(layers=1)
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    constant_matmuls = [n for n in model.graph.node
                        if n.op_type == "MatMul" and n.input[1] in weights]
    out = quantize_to_matmul_nbits(model, bits=4, block_size=32, accuracy_level=4)
    onnx.checker.check_model(out)
    assert ("com.microsoft", 1) in [(o.domain, o.version) for o in out.opset_import]
    inits = {t.name: numpy_helper.to_array(t) for t in out.graph.initializer}
    quantized = {n.output[0]: n for n in out.graph.node if n.op_type == "MatMulNBits"}
    assert sorted(quantized) == sorted(n.output[0] for n in constant_matmuls)
    # The attention products (of two activations) stay MatMul.
    assert sum(n.op_type == "MatMul" for n in out.graph.node) == \
        sum(n.op_type == "MatMul" for n in model.graph.node) - len(constant_matmuls)
    for node in constant_matmuls:
        new = quantized[node.output[0]]
        k, n = weights[node.input[1]].shape
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in new.attribute}
        assert new.domain == "com.microsoft" and new.input[0] == node.input[0]
        assert attrs == {"K": k, "N": n, "bits": 4, "block_size": 32, "accuracy_level": 4}
        blocks = -(-k // 32)
        b, scales, zp = (inits[name] for name in new.input[1:])
        assert b.shape == (n, blocks, 16) and b.dtype == np.uint8
        assert scales.shape == (n, blocks) and scales.dtype == np.float32
        assert zp.shape == (n, (blocks + 1) // 2) and zp.dtype == np.uint8
        assert node.input[1] not in inits  # the float weight is gone
    # Symmetric: no zero points; no accuracy_level unless given; excluded
    # nodes stay as they are.
    keep = constant_matmuls[0].name
    sym = quantize_to_matmul_nbits(model, bits=8, symmetric=True, exclude=[keep])
    nodes = [n for n in sym.graph.node if n.op_type == "MatMulNBits"]
    assert len(nodes) == len(constant_matmuls) - 1
    assert all(len(n.input) == 3 and "accuracy_level" not in
               [a.name for a in n.attribute] for n in nodes)
    assert any(n.name == keep and n.op_type == "MatMul" for n in sym.graph.node)


def test_shared_weight_is_quantized_once():
    model = xfc.models.gpt2(layers=1)
    node = next(n for n in model.graph.node if n.op_type == "MatMul" and
                n.input[1].endswith("c_proj.weight") and "attn" in n.input[1])
    twin = onnx.helper.make_node("MatMul", [node.output[0], node.input[1]], ["twin"])
    model.graph.node.append(twin)
    out = quantize_to_matmul_nbits(model)
    users = [n for n in out.graph.node if n.op_type == "MatMulNBits" and
             n.input[1] == node.input[1] + "_Q4"]
    assert len(users) == 2
    assert sum(t.name == node.input[1] + "_Q4" for t in out.graph.initializer) == 1


def test_bad_settings_and_weights_are_named():
    model = xfc.models.gpt2(layers=1)
    with pytest.raises(ValueError, match="block_size must be a power of 2"):
        quantize_to_matmul_nbits(model, block_size=100)
    with pytest.raises(ValueError, match="4 or 8 bits"):
        quantize_to_matmul_nbits(model, bits=3)
    weight = next(t for t in model.graph.initializer if t.name == "lm_head.weight")
    array = numpy_helper.to_array(weight).copy()
    array[3, 4] = np.nan
    weight.CopyFrom(numpy_helper.from_array(array, weight.name))
    with pytest.raises(ValueError, match="lm_head.weight holds NaN"):
        quantize_to_matmul_nbits(model)


def test_command_line(tmp_path):
    source, target = tmp_path / "in.onnx", tmp_path / "out.onnx"
    onnx.save(xfc.models.llama(layers=1), source)
    command = [sys.executable, "-m", "xfc.matmul_nbits", source, target]
    subprocess.run(command + ["--bits", "8", "--block-size", "32", "--symmetric"], check=True)
    nodes = [n for n in onnx.load(target).graph.node if n.op_type == "MatMulNBits"]
    assert nodes and all(len(n.input) == 3 for n in nodes)
    assert {onnx.helper.get_attribute_value(a) for n in nodes for a in n.attribute
            if a.name == "bits"} == {8}
    failed = subprocess.run(command + ["--block-size", "48"], capture_output=True, text=True)
    assert failed.returncode == 1 and "block_size must be a power of 2" in failed.stderr


def test_quantized_bert_through_xfc(tmp_path, build_dir):
    model = xfc.models.bert(layers=1)
    # Attention projections in 4 bits with zero points, the MLP in 8 bits
    # symmetric: both formats in one library.
    mlp = [n.name for n in model.graph.node if n.op_type == "MatMul" and
           ("intermediate" in n.input[1] or "output.dense" in n.input[1]) and
           "attention" not in n.input[1]]
    assert len(mlp) == 2
    quantized = quantize_to_matmul_nbits(model, bits=4, block_size=32, exclude=mlp)
    quantized = quantize_to_matmul_nbits(quantized, bits=8, block_size=16, symmetric=True)
    assert sum(n.op_type == "MatMulNBits" for n in quantized.graph.node) == 6
    onnx.save(model, tmp_path / "fp32.onnx")
    onnx.save(quantized, tmp_path / "q.onnx")
    fp32 = xfc.load(xfc.compile(tmp_path / "fp32.onnx", tmp_path / "fp32.so"))
    q = xfc.load(xfc.compile(tmp_path / "q.onnx", tmp_path / "q.so"))

    rng = np.random.default_rng()
    ids = rng.integers(0, 384, (2, 9))
    mask = np.ones_like(ids)
    mask[1, 6:] = 0
    feeds = {"input_ids": ids, "attention_mask": mask}
    got = q.run(feeds)["last_hidden_state"]

    inits = {t.name: numpy_helper.to_array(t) for t in quantized.graph.initializer}
    weights = numpy_models.weights(model)
    for node in quantized.graph.node:
        if node.op_type == "MatMulNBits":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            arrays = [inits[name] for name in node.input[1:]] + [None]
            name = node.input[1].rsplit("_", 1)[0]
            weights[name] = dequantize(*arrays[:3], attrs["K"], attrs["bits"],
                                       attrs["block_size"])
    want = numpy_models.bert(weights, ids, mask, layers=1, heads=3)
    relative = np.linalg.norm(got - want) / np.linalg.norm(want)
    assert relative <= 1e-4, relative

    # Quantization's own error, against the fp32 model: measured about 0.017
    # here (1-layer BERT, weights N(0, 0.05^2), 4-bit blocks of 32 and 8-bit
    # blocks of 16, LayerNorm'd outputs); 0.05 bounds it.
    reference = fp32.run(feeds)["last_hidden_state"]
    relative = np.linalg.norm(got - reference) / np.linalg.norm(reference)
    assert relative <= 0.05, relative

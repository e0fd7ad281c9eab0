"""MatMulNBits (ONNX Runtime's contrib op) through xfc's CPU kernel that reads
packed quantized weights, against NumPy's product by the dequantized weight.

One model holds every case (bits 4 and 8, blocks 16 to 256, with and without
zero points and bias, K padded to whole blocks, outputs that are not whole
tiles), each with its own input; it is compiled for this machine's CPU (the
kernel with vpmaddwd where the CPU has AVX2) and for plain x86-64 (the
portable kernel), and run on fresh random inputs of 1, 9 (two blocks of 4
rows and one more) and 2x5 rows. The kernel quantizes activations to 16 bits
per row and block: the error budget is 1e-4 relative L2 (for the weights of
one repeated value, relative to |x| times |W|: their outputs are sums of the
inputs, which can cancel).
"""

import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import xfc

TOLERANCE = 1e-4
# name: bits, block, K, N, zero points, bias
CASES = {
    "int4_zp": (4, 32, 64, 48, True, False),
    "int4_padded_k": (4, 16, 40, 13, False, True),
    "int4_block128": (4, 128, 256, 24, True, True),
    "int4_tiles": (4, 64, 128, 130, True, False),
    "int8_zp": (8, 32, 96, 20, True, False),
    "int8_one_block": (8, 256, 200, 16, False, True),
    "int4_g_idx": (4, 32, 64, 16, True, False),
    "int4_uniform": (4, 32, 64, 16, True, False),
    "int8_uniform": (8, 32, 64, 16, True, False),
}
# Cases whose node also has g_idx, the plain row // block one exporters write.
G_IDX = {"int4_g_idx"}
# Cases whose packed values and zero points are each one repeated byte (the
# importer reads them from splat constants); the scales still vary.
UNIFORM = {"int4_uniform", "int8_uniform"}


def pack(values, bits):
    """Rows of `bits`-bit values, low bits first in each byte."""
    if bits == 8:
        return values.astype(np.uint8)
    rows, count = values.shape
    padded = np.zeros((rows, count + count % 2), dtype=np.uint8)
    padded[:, :count] = values
    return (padded[:, 0::2] | (padded[:, 1::2] << 4)).astype(np.uint8)


def make_case(rng, name, bits, block, k, n, zero_points, bias):
    blocks = -(-k // block)
    q = rng.integers(0, 1 << bits, size=(n, blocks * block))
    scales = rng.uniform(0.01, 0.1, size=(n, blocks)).astype(np.float32)
    zp = (rng.integers(0, 1 << bits, size=(n, blocks)) if zero_points
          else np.full((n, blocks), 1 << (bits - 1)))
    if name in UNIFORM:
        q, zp = np.full_like(q, (1 << bits) - 2), np.full_like(zp, 3)
    b = rng.standard_normal(n).astype(np.float32) if bias else None
    weight = ((q[:, :k] - np.repeat(zp, block, axis=1)[:, :k])
              * np.repeat(scales, block, axis=1)[:, :k])
    inits = [numpy_helper.from_array(
                 pack(q, bits).reshape(n, blocks, block * bits // 8), f"{name}_B"),
             numpy_helper.from_array(scales.reshape(-1), f"{name}_scales")]
    inputs = [f"x_{name}", f"{name}_B", f"{name}_scales"]
    if zero_points:
        packed_zp = pack(zp, bits) if bits == 4 else zp.astype(np.uint8)
        inits.append(numpy_helper.from_array(packed_zp.reshape(-1), f"{name}_zp"))
        inputs.append(f"{name}_zp")
    if name in G_IDX:
        inputs += [""] * (4 - len(inputs))
        inits.append(numpy_helper.from_array(
            (np.arange(k) // block).astype(np.int32), f"{name}_g_idx"))
        inputs.append(f"{name}_g_idx")
    if b is not None:
        inputs += [""] * (5 - len(inputs))
        inits.append(numpy_helper.from_array(b, f"{name}_bias"))
        inputs.append(f"{name}_bias")
    node = helper.make_node("MatMulNBits", inputs, [f"y_{name}"], domain="com.microsoft",
                            K=k, N=n, bits=bits, block_size=block)
    return node, inits, weight, b


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    rng = np.random.default_rng()
    nodes, inits, refs, ins, outs = [], [], {}, [], []
    for name, case in CASES.items():
        node, case_inits, weight, bias = make_case(rng, name, *case)
        nodes.append(node)
        inits += case_inits
        refs[name] = (weight, bias)
        k, n = case[2], case[3]
        ins.append(helper.make_tensor_value_info(f"x_{name}", TensorProto.FLOAT,
                                                 ["batch", "seq", k]))
        outs.append(helper.make_tensor_value_info(f"y_{name}", TensorProto.FLOAT,
                                                  ["batch", "seq", n]))
    graph = helper.make_graph(nodes, "matmul_nbits", ins, outs, inits)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    path = tmp_path_factory.mktemp("nbits") / "nbits.onnx"
    onnx.save(proto, path)
    return path, refs


@pytest.mark.parametrize("cpu", [None, "x86-64"], ids=["native", "portable"])
def test_matmul_nbits_matches_dequantized_product(model, tmp_path, build_dir, cpu):
    path, refs = model
    library = xfc.load(xfc.compile(path, tmp_path / "nbits.so", cpu=cpu))
    rng = np.random.default_rng()
    for batch, seq in [(1, 1), (1, 9), (2, 5)]:
        feeds = {f"x_{name}": rng.standard_normal((batch, seq, case[2])).astype(np.float32)
                 for name, case in CASES.items()}
        outputs = library.run(feeds)
        for name, (weight, bias) in refs.items():
            want = feeds[f"x_{name}"].astype(np.float64) @ weight.T
            if bias is not None:
                want = want + bias
            got = outputs[f"y_{name}"]
            assert got.shape == want.shape
            # A uniform weight's outputs are sums of the inputs, which can
            # cancel: its error is measured against |x| times |W|.
            scale = (np.linalg.norm(np.abs(feeds[f"x_{name}"]) @ np.abs(weight.T))
                     if name in UNIFORM else np.linalg.norm(want))
            error = np.linalg.norm(got - want) / scale
            assert error < TOLERANCE, f"{name} at {batch}x{seq}: {error:.2e}"


def test_reordered_g_idx_is_refused(tmp_path, build_dir):
    """Act-order g_idx (rows not in block order) is named as unsupported."""
    rng = np.random.default_rng(3)
    node, inits, _, _ = make_case(rng, "w", 4, 32, 64, 16, True, False)
    order = rng.permutation(64) // 32
    inits.append(numpy_helper.from_array(order.astype(np.int32), "w_g_idx"))
    node.input.append("w_g_idx")
    node.name = "reordered"
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x_w", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("y_w", TensorProto.FLOAT, [1, 16])], inits)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    onnx.save(proto, tmp_path / "m.onnx")
    run = subprocess.run([build_dir / "bin" / "xfc", tmp_path / "m.onnx", "-o",
                          tmp_path / "m.so"], capture_output=True, text=True)
    assert run.returncode != 0
    assert "node 'reordered'" in run.stderr and "reordered g_idx (act-order)" in run.stderr

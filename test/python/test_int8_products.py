"""Products by constant 8-bit weights in the two forms quantized ONNX models
write them, through xfc's CPU kernel that reads packed weights, against
NumPy:

- dynamic quantization (ONNX Runtime's quantize_dynamic): the activation
  quantized by DynamicQuantizeLinear, MatMulInteger by the weight, Cast to
  float, Mul by the product of the two scales. The reference computes the
  integer product exactly, as ONNX Runtime does; xfc takes the activation's
  integers back from its dequantization, so only float rounding differs:
  1e-5 relative L2.
- QDQ: DequantizeLinear of the constant weight (per tensor, per column,
  blocks of K) feeding MatMul. The kernel quantizes the float activation to
  16 bits per row and group: 1e-4 relative L2.

Every case is one model with its own weight, run on fresh random inputs of
a static [2, 3, K] shape.
"""

import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import xfc

rng = np.random.default_rng(20261207)


def relative_error(got, want):
    return float(np.linalg.norm(got - want) / np.linalg.norm(want))


def weight(k, n, signed):
    low, high = (-128, 128) if signed else (0, 256)
    return rng.integers(low, high, (k, n)).astype(np.int8 if signed else np.uint8)


def assert_packed(path, build_dir):
    """The product reads the packed weight: the kernel's pairwise
    multiply-adds, and no dequantized weight left."""
    kernels = subprocess.run([build_dir / "bin" / "xfc", path, "--emit=kernels"],
                             capture_output=True, text=True, check=True).stdout
    assert "xf.multiply_add_pairs" in kernels
    assert "xf.quantized_weight" not in kernels and "xf.dequantize_linear %cst" not in kernels


def compile_and_run(tmp_path, nodes, initializers, k, opset):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, name) for name, v in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, tmp_path / "m.onnx")
    xfc.compile(tmp_path / "m.onnx", tmp_path / "m.so")
    x = rng.standard_normal((2, 3, k)).astype(np.float32)
    return x, xfc.load(tmp_path / "m.so").run({"x": x})["y"]


# name: K, N, signed weight, weight zero point per column, scale per column
DYNAMIC = {
    "int8_symmetric": (96, 40, True, False, False),
    "uint8_zero_points": (384, 96, False, True, True),
    "int8_long_k": (1000, 50, True, True, False),
}


@pytest.mark.parametrize("name", list(DYNAMIC))
def test_dynamic_quantization(name, tmp_path, build_dir):
    k, n, signed, zp_per_column, scale_per_column = DYNAMIC[name]
    w = weight(k, n, signed)
    dtype = w.dtype
    wz = (rng.integers(-5, 5, n) if signed else rng.integers(120, 136, n)) \
        if zp_per_column else np.array(0 if signed else 128)
    ws = rng.uniform(0.01, 0.03, n) if scale_per_column else np.array(0.02)
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
        helper.make_node("MatMulInteger", ["xq", "w", "xz", "wz"], ["yi"]),
        helper.make_node("Cast", ["yi"], ["yf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["xs", "ws"], ["s"]),
        helper.make_node("Mul", ["yf", "s"], ["y"]),
    ]
    inits = {"w": w, "wz": np.asarray(wz).astype(dtype), "ws": np.asarray(ws, np.float32)}
    x, got = compile_and_run(tmp_path, nodes, inits, k, 13)
    assert_packed(tmp_path / "m.onnx", build_dir)

    low, high = min(0.0, float(x.min())), max(0.0, float(x.max()))
    scale = np.float32((high - low) / 255)
    zero = np.round(np.clip(-low / scale, 0, 255))
    xq = np.clip(np.round(x / scale) + zero, 0, 255)
    integers = (xq - zero) @ (w.astype(np.float64) - inits["wz"].astype(np.float64))
    want = integers * (np.float64(scale) * inits["ws"].astype(np.float64))
    assert relative_error(got, want) < 1e-5


# name: K, N, signed, layout (tensor, column, block size)
QDQ = {
    "per_tensor": (64, 24, True, "tensor"),
    "per_column": (96, 33, False, "column"),
    "blocked": (128, 20, True, 32),
}


@pytest.mark.parametrize("name", list(QDQ))
def test_dequantized_weight(name, tmp_path, build_dir):
    k, n, signed, layout = QDQ[name]
    w = weight(k, n, signed)
    attrs, opset = {}, 13
    if layout == "tensor":
        scale, zero = np.float32(0.01), np.array(3 if signed else 130, w.dtype)
        expand = lambda v: v  # noqa: E731
    elif layout == "column":
        scale = rng.uniform(0.005, 0.02, n).astype(np.float32)
        zero = rng.integers(120, 136, n).astype(w.dtype)
        attrs, expand = {"axis": 1}, lambda v: v[None, :]  # noqa: E731
    else:
        scale = rng.uniform(0.005, 0.02, (k // layout, n)).astype(np.float32)
        zero = rng.integers(-4, 4, (k // layout, n)).astype(w.dtype)
        attrs, opset = {"axis": 0, "block_size": layout}, 21
        expand = lambda v: np.repeat(v, layout, axis=0)  # noqa: E731
    nodes = [helper.make_node("DequantizeLinear", ["w", "s", "z"], ["wf"], **attrs),
             helper.make_node("MatMul", ["x", "wf"], ["y"])]
    x, got = compile_and_run(tmp_path, nodes, {"w": w, "s": np.asarray(scale),
                                                "z": np.asarray(zero)}, k, opset)
    assert_packed(tmp_path / "m.onnx", build_dir)
    dequantized = (w.astype(np.float64) - expand(zero.astype(np.float64))) * expand(scale)
    assert relative_error(got, x.astype(np.float64) @ dequantized) < 1e-4


@pytest.mark.parametrize("signed", [False, True], ids=["uint8", "int8"])
def test_qlinear_matmul(signed, tmp_path, build_dir):
    """QLinearMatMul (uint8 activation per tensor, a constant weight per
    column, uint8 output): the float product of the dequantized operands,
    quantized again. Rounding the float result can land on the neighbouring
    step where the exact value is within float error of a half: at most one
    step apart, and nearly all equal."""
    k, n = 96, 24
    a = rng.integers(0, 256, (2, 3, k)).astype(np.uint8)
    w = weight(k, n, signed)
    sa, za = np.float32(0.02), np.uint8(120)
    sw = rng.uniform(0.005, 0.01, n).astype(np.float32)
    zw = rng.integers(-3, 3, n).astype(w.dtype)
    sy, zy = np.float32(0.5), np.uint8(128)
    graph = helper.make_graph(
        [helper.make_node("QLinearMatMul", ["a", "sa", "za", "w", "sw", "zw", "sy", "zy"],
                          ["y"], name="qlinear")],
        "g", [helper.make_tensor_value_info("a", TensorProto.UINT8, [2, 3, k])],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, None)],
        [numpy_helper.from_array(np.asarray(v), name) for name, v in
         {"sa": sa, "za": za, "w": w, "sw": sw, "zw": zw, "sy": sy, "zy": zy}.items()])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              tmp_path / "m.onnx")
    assert_packed(tmp_path / "m.onnx", build_dir)
    xfc.compile(tmp_path / "m.onnx", tmp_path / "m.so")
    got = xfc.load(tmp_path / "m.so").run({"a": a})["y"]
    exact = ((a.astype(np.float64) - za) * sa) @ ((w.astype(np.float64) - zw) * sw)
    want = np.clip(np.round(exact / sy) + zy, 0, 255)
    assert got.dtype == np.uint8 and got.shape == want.shape
    steps = np.abs(got.astype(np.int64) - want)
    assert steps.max() <= 1 and (steps == 0).mean() > 0.99


@pytest.mark.parametrize("shape", [[], [7], [2, 3, 5]], ids=["rank0", "rank1", "rank3"])
def test_dynamic_quantize_linear(shape, tmp_path):
    """DynamicQuantizeLinear alone at ranks the two-step range reshapes
    differently: scale, zero point and values as ONNX defines them."""
    graph = helper.make_graph(
        [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info(name, t, None)
         for name, t in (("y", TensorProto.UINT8), ("s", TensorProto.FLOAT),
                         ("z", TensorProto.UINT8))])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              tmp_path / "dq.onnx")
    xfc.compile(tmp_path / "dq.onnx", tmp_path / "dq.so")
    x = np.asarray(rng.standard_normal(shape) + 0.3, np.float32).reshape(shape)
    got = xfc.load(tmp_path / "dq.so").run({"x": x})
    low, high = min(0.0, float(x.min())), max(0.0, float(x.max()))
    scale = np.float32((np.float32(high) - np.float32(low)) / np.float32(255))
    zero = np.round(np.clip(-np.float32(low) / scale, 0, 255))
    assert got["s"] == scale and got["z"] == zero
    np.testing.assert_array_equal(got["y"], np.clip(np.round(x / scale) + zero, 0, 255))

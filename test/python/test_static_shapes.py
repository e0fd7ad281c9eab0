"""Models with every input shape pinned (--shape) compile and compute what
NumPy computes: a static shape leaves constant tile indices that the
compiler once placed after their uses."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import xfc

RTOL = 1e-5  # relative to the largest expected magnitude; f32 sums of 64-128 terms


def mlp(rng):
    weights = {"W1": rng.standard_normal((64, 128)), "B1": rng.standard_normal(128),
               "W2": rng.standard_normal((128, 10)), "B2": rng.standard_normal(10)}
    nodes = [helper.make_node("MatMul", ["x", "W1"], ["h"], name="mm1"),
             helper.make_node("Add", ["h", "B1"], ["h2"], name="add1"),
             helper.make_node("Relu", ["h2"], ["h3"], name="relu"),
             helper.make_node("MatMul", ["h3", "W2"], ["y0"], name="mm2"),
             helper.make_node("Add", ["y0", "B2"], ["y"], name="add2")]

    def reference(x):
        h = np.maximum(x @ weights["W1"] + weights["B1"], 0)
        return h @ weights["W2"] + weights["B2"]
    return nodes, weights, 10, reference


def matmul(rng):
    weights = {"W": rng.standard_normal((64, 100))}
    return ([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], weights, 100,
            lambda x: x @ weights["W"])


@pytest.mark.parametrize("rows", [1, 2, 4, 7])
@pytest.mark.parametrize("make", [mlp, matmul])
def test_pinned_batch_matches_numpy(make, rows, tmp_path):
    rng = np.random.default_rng(rows)
    nodes, weights, width, reference = make(rng)
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", width])],
        [numpy_helper.from_array(w.astype(np.float32), name) for name, w in weights.items()])
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    library = xfc.compile(path, tmp_path / "m.so", shapes={"x": (rows, 64)})
    x = rng.standard_normal((rows, 64)).astype(np.float32)
    got = xfc.load(library).run({"x": x})["y"]
    expected = reference(x.astype(np.float64))
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() <= RTOL * np.abs(expected).max()

"""CumSum (a running sum along an axis, lowered to loops) against NumPy: every
combination of exclusive and reverse, each axis of a [?, 5, 3] input given
a 7 x 5 x 3 one at run time, f32 and i64. Integers exactly; f32 within
1e-6 relative (both sum in the axis' order, so they agree but for the
order of the few additions NumPy vectorizes)."""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import xfc

CASES = [(axis, exclusive, reverse) for axis in (0, 1, -1)
         for exclusive in (0, 1) for reverse in (0, 1)]


def numpy_cumsum(x, axis, exclusive, reverse):
    y = np.flip(x, axis) if reverse else x
    s = np.cumsum(y, axis=axis, dtype=x.dtype)
    if exclusive:
        s = s - y
    return np.flip(s, axis) if reverse else s


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    nodes, inits, outputs = [], [], []
    for dtype, onnx_type in (("f", TensorProto.FLOAT), ("i", TensorProto.INT64)):
        for axis, exclusive, reverse in CASES:
            name = f"{dtype}_axis{axis}_x{exclusive}_r{reverse}".replace("-", "m")
            inits.append(numpy_helper.from_array(np.array(axis, np.int64), name + "_axis"))
            nodes.append(helper.make_node("CumSum", [f"x_{dtype}", name + "_axis"], [name],
                                          exclusive=exclusive, reverse=reverse))
            outputs.append(helper.make_tensor_value_info(name, onnx_type, None))
    inputs = [helper.make_tensor_value_info("x_f", TensorProto.FLOAT, ["n", 5, 3]),
              helper.make_tensor_value_info("x_i", TensorProto.INT64, ["n", 5, 3])]
    graph = helper.make_graph(nodes, "cumsum", inputs, outputs, inits)
    folder = tmp_path_factory.mktemp("cumsum")
    path = folder / "m.onnx"
    import onnx
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), path)
    return xfc.load(xfc.compile(path, folder / "m.so"))


@pytest.mark.parametrize("axis, exclusive, reverse", CASES)
def test_matches_numpy(library, axis, exclusive, reverse):
    rng = np.random.default_rng(7)
    x_f = rng.standard_normal((7, 5, 3)).astype(np.float32)
    x_i = rng.integers(-1000, 1000, (7, 5, 3)).astype(np.int64)
    got = library.run({"x_f": x_f, "x_i": x_i})
    suffix = f"_axis{axis}_x{exclusive}_r{reverse}".replace("-", "m")
    want_f = numpy_cumsum(x_f, axis, exclusive, reverse)
    error = np.linalg.norm(got["f" + suffix] - want_f) / np.linalg.norm(want_f)
    assert error <= 1e-6
    np.testing.assert_array_equal(got["i" + suffix], numpy_cumsum(x_i, axis, exclusive, reverse))

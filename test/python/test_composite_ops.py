"""Operators imported as compositions of xf ops (lib/Import/ONNX/
CompositeOps.cpp: Clip, Tile, OneHot, ScatterElements) against NumPy, in
the cases ONNX's own backend tests (opset 11 for OneHot, no reductions for
ScatterElements in the installed test data) leave out: OneHot at every
axis with negative and out-of-range indices, Tile with repeats given at
run time, ScatterElements with each reduction, Clip with one bound. One
model holds every case; exact equality (no arithmetic but the reductions,
whose order is the updates' order as in ONNX Runtime)."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import xfc

rng = np.random.default_rng(20261207)
DEPTH = 5


def one_hot(indices, depth, off, on, axis):
    wrapped = np.where(indices < 0, indices + depth, indices)
    hot = np.expand_dims(wrapped, axis) == np.arange(depth).reshape(
        [depth if d == (axis % (indices.ndim + 1)) else 1 for d in range(indices.ndim + 1)])
    return np.where(hot, on, off).astype(np.float32)


def scatter_elements(data, indices, updates, axis, reduction):
    out = data.copy()
    for position in np.ndindex(indices.shape):
        target = list(position)
        target[axis] = indices[position] % data.shape[axis]
        target = tuple(target)
        value = updates[position]
        out[target] = {"none": lambda a, b: b, "add": np.add, "mul": np.multiply,
                       "max": np.maximum, "min": np.minimum}[reduction](out[target], value)
    return out


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    nodes, inits, inputs, outputs, feeds, want = [], [], [], [], {}, {}

    def feed(name, array, onnx_type):
        feeds[name] = array
        inputs.append(helper.make_tensor_value_info(name, onnx_type, list(array.shape)))

    def expect(name, array):
        want[name] = array
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))

    # OneHot: indices from -DEPTH-1 to DEPTH (the ends outside the range).
    indices = rng.integers(-DEPTH - 1, DEPTH + 1, (3, 4)).astype(np.int64)
    feed("hot_indices", indices, TensorProto.INT64)
    inits += [numpy_helper.from_array(np.array(DEPTH, np.int64), "depth"),
              numpy_helper.from_array(np.array([-1.5, 2.0], np.float32), "off_on")]
    for axis in (-1, 0, 1, 2, -3):
        name = f"one_hot_axis{axis}".replace("-", "m")
        nodes.append(helper.make_node("OneHot", ["hot_indices", "depth", "off_on"], [name],
                                      axis=axis))
        expect(name, one_hot(indices, DEPTH, -1.5, 2.0, axis))

    # Tile by repeats known only at run time.
    x = rng.standard_normal((2, 3)).astype(np.float32)
    repeats = np.array([3, 2], np.int64)
    feed("tile_x", x, TensorProto.FLOAT)
    feed("tile_repeats", repeats, TensorProto.INT64)
    nodes.append(helper.make_node("Tile", ["tile_x", "tile_repeats"], ["tiled"]))
    expect("tiled", np.tile(x, repeats))

    # ScatterElements along axis 1 with duplicates and negative indices.
    data = rng.standard_normal((3, 6)).astype(np.float32)
    where = rng.integers(-6, 6, (3, 4)).astype(np.int64)
    updates = rng.standard_normal((3, 4)).astype(np.float32)
    feed("scatter_data", data, TensorProto.FLOAT)
    feed("scatter_indices", where, TensorProto.INT64)
    feed("scatter_updates", updates, TensorProto.FLOAT)
    for reduction in ("add", "mul", "max", "min"):
        name = f"scattered_{reduction}"
        nodes.append(helper.make_node("ScatterElements",
                                      ["scatter_data", "scatter_indices", "scatter_updates"],
                                      [name], axis=1, reduction=reduction))
        expect(name, scatter_elements(data, where, updates, 1, reduction))

    # Clip by an upper bound alone.
    clipped = rng.standard_normal((4, 5)).astype(np.float32)
    feed("clip_x", clipped, TensorProto.FLOAT)
    inits.append(numpy_helper.from_array(np.array(0.25, np.float32), "upper"))
    nodes.append(helper.make_node("Clip", ["clip_x", "", "upper"], ["clipped"]))
    expect("clipped", np.minimum(clipped, np.float32(0.25)))

    graph = helper.make_graph(nodes, "composites", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    folder = tmp_path_factory.mktemp("composites")
    onnx.save(model, folder / "m.onnx")
    library = xfc.load(xfc.compile(folder / "m.onnx", folder / "m.so"))
    return library.run(feeds), want


@pytest.mark.parametrize("name", [f"one_hot_axis{a}".replace("-", "m") for a in (-1, 0, 1, 2, -3)]
                         + ["tiled", "clipped"]
                         + [f"scattered_{r}" for r in ("add", "mul", "max", "min")])
def test_matches_numpy(cases, name):
    got, want = cases
    assert got[name].shape == want[name].shape
    np.testing.assert_array_equal(got[name], want[name].astype(np.float32))


def test_tile_with_repeats_of_the_wrong_length_is_refused(tmp_path, build_dir):
    import subprocess
    graph = helper.make_graph(
        [helper.make_node("Tile", ["x", "r"], ["y"], name="tile")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
         helper.make_tensor_value_info("r", TensorProto.INT64, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              tmp_path / "m.onnx")
    run = subprocess.run([build_dir / "bin" / "xfc", tmp_path / "m.onnx", "-o", tmp_path / "m.so"],
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert "node 'tile' (Tile)" in run.stderr
    assert "repeats must be a vector of 2 entries" in run.stderr

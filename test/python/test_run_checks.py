"""Bad values at run time that only the data shows (token ids outside the
vocabulary, positions past the position table, an empty sequence) fail the
run with XFC_INVALID_ARGUMENT and a message naming the ONNX node, like
ONNX Runtime; they never crash, clamp or answer."""

import numpy as np
import pytest

import xfc
from conftest import ROOT

ZOO = ROOT.parent / "shared" / "models" / "zoo"


@pytest.fixture(scope="module")
def gpt2(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gpt2")
    return xfc.load(xfc.compile(ZOO / "gpt2_ts.onnx", folder / "gpt2.so"))


def feeds(ids):
    return {"input_ids": ids, "attention_mask": np.ones_like(ids)}


def random_ids(rng, batch, seq, vocab):
    return rng.integers(0, vocab, (batch, seq), dtype=np.int64)


VOCAB, POSITIONS = 384, 256  # gpt2_ts's embedding tables


@pytest.mark.parametrize("bad", [VOCAB, 10**6, -VOCAB - 1, -10**6])
def test_token_id_outside_the_vocabulary_names_the_gather(gpt2, bad):
    ids = random_ids(np.random.default_rng(1), 2, 5, VOCAB)
    ids[1, 3] = bad
    with pytest.raises(xfc.XfcError) as error:
        gpt2.run(feeds(ids))
    assert str(error.value) == (
        f"node '/m/transformer/wte/Gather' (Gather): index {bad} is out of range for "
        "axis 0 of size 384 (valid indices: -size to size-1)")
    # The session stays usable.
    ids[1, 3] = 7
    assert gpt2.run(feeds(ids))["logits"].shape == (2, 5, VOCAB)


def test_negative_token_ids_count_from_the_end(gpt2):
    """ONNX allows -n to n-1: -k reads row n-k."""
    ids = random_ids(np.random.default_rng(2), 1, 6, VOCAB)
    negative = ids.copy()
    negative[0, ::2] -= VOCAB
    assert (negative < 0).any()
    np.testing.assert_array_equal(gpt2.run(feeds(negative))["logits"],
                                  gpt2.run(feeds(ids))["logits"])


def test_sequence_past_the_position_table_names_the_gather(gpt2):
    ids = random_ids(np.random.default_rng(3), 1, POSITIONS + 1, VOCAB)
    with pytest.raises(xfc.XfcError, match=r"node '/m/transformer/wpe/Gather' \(Gather\): "
                       r"index 256 is out of range for axis 0 of size 256"):
        gpt2.run(feeds(ids))
    assert gpt2.run(feeds(ids[:, :POSITIONS]))["logits"].shape == (1, POSITIONS, VOCAB)


def test_empty_sequence_fails_cleanly(gpt2):
    """The exporter's Reshape to [-1, seq] cannot infer -1 from 0 elements
    (ONNX Runtime refuses it too); it divided by zero (SIGFPE)."""
    ids = np.zeros((1, 0), dtype=np.int64)
    with pytest.raises(xfc.XfcError, match=r"\(Reshape\): cannot infer the -1 entry"):
        gpt2.run(feeds(ids))


@pytest.mark.parametrize("dtype", [np.int64, np.float32])
def test_range_with_a_zero_delta_names_the_node(dtype, tmp_path):
    """A Range whose delta comes from the data: 0 would count without end
    (an integer division by zero for int64)."""
    import onnx
    from onnx import helper

    element = onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(dtype)]
    scalars = [helper.make_tensor_value_info(n, element, []) for n in ("start", "limit", "delta")]
    graph = helper.make_graph(
        [helper.make_node("Range", ["start", "limit", "delta"], ["y"], name="steps")], "g",
        scalars, [helper.make_tensor_value_info("y", element, ["n"])])
    path = tmp_path / "range.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    model = xfc.load(xfc.compile(path, tmp_path / "range.so"))
    feeds = {"start": np.array(3, dtype), "limit": np.array(-8, dtype), "delta": np.array(-2, dtype)}
    np.testing.assert_array_equal(model.run(feeds)["y"], np.arange(3, -8, -2, dtype=dtype))
    feeds["delta"] = np.array(0, dtype)
    with pytest.raises(xfc.XfcError, match=r"node 'steps' \(Range\): the delta is 0"):
        model.run(feeds)


# op: (nodes' extra attributes, data shape, indices shape, axis in the message)
INDEXED = {
    "GatherElements": ({"axis": 1}, [2, 5], [2, 3], 1),
    "GatherND": ({}, [4, 5], [3, 2], 0),
    "ScatterND": ({}, [4, 5], [3, 2], 0),
}


@pytest.mark.parametrize("op", list(INDEXED))
def test_index_tuples_outside_the_data_name_the_node(op, tmp_path):
    """Indices from the data (a router's choices in MoE graphs) are checked
    before they are read: an error naming the node, not a clamped read."""
    import onnx
    from onnx import TensorProto, helper

    attrs, data_shape, index_shape, axis = INDEXED[op]
    inputs = ["x", "i"] + (["u"] if op == "ScatterND" else [])
    infos = [helper.make_tensor_value_info("x", TensorProto.FLOAT, data_shape),
             helper.make_tensor_value_info("i", TensorProto.INT64, index_shape),
             helper.make_tensor_value_info("u", TensorProto.FLOAT, [3])][:len(inputs)]
    graph = helper.make_graph([helper.make_node(op, inputs, ["y"], name="picked", **attrs)],
                              "g", infos, [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                                         None)])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 16)]),
              tmp_path / "m.onnx")
    model = xfc.load(xfc.compile(tmp_path / "m.onnx", tmp_path / "m.so"))
    rng = np.random.default_rng(4)
    feeds = {"x": rng.standard_normal(data_shape).astype(np.float32),
             "i": np.full(index_shape, -1, np.int64),
             "u": rng.standard_normal(3).astype(np.float32)}
    feeds = {name: feeds[name] for name in inputs}
    model.run(feeds)  # -1 counts from the end
    # GatherElements: an index along `axis`; ND: component `axis` of a tuple.
    feeds["i"][-1, -1 if op == "GatherElements" else axis] = data_shape[axis]
    with pytest.raises(xfc.XfcError) as error:
        model.run(feeds)
    assert str(error.value) == (
        f"node 'picked' ({op}): index {data_shape[axis]} is out of range for axis {axis} "
        f"of size {data_shape[axis]} (valid indices: -size to size-1)")


def test_split_sizes_that_miss_the_dynamic_axis_name_the_node(tmp_path):
    """Split with fixed sizes on an axis whose length only the data gives
    (a traced loop's NonZero output): sizes that do not add up to it are an
    error, as in ONNX Runtime, not slices read past the input."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("Split", ["x", "sizes"], ["a", "b", "c", "d"], name="pieces")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3])],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in "abcd"],
        [numpy_helper.from_array(np.ones(4, np.int64), "sizes")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              tmp_path / "split.onnx")
    model = xfc.load(xfc.compile(tmp_path / "split.onnx", tmp_path / "split.so"))
    x = np.random.default_rng(5).standard_normal((4, 3)).astype(np.float32)
    got = model.run({"x": x})
    np.testing.assert_array_equal(np.concatenate([got[n] for n in "abcd"]), x)
    with pytest.raises(xfc.XfcError, match=r"node 'pieces' \(Split\): the split sizes add up "
                       r"to 4, but axis 0 has 3 elements"):
        model.run({"x": x[:3]})

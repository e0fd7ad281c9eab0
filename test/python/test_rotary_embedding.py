"""ONNX Runtime's com.microsoft RotaryEmbedding, compiled by xfc and run next
to ONNX Runtime on the same random inputs: rotate-half and interleaved
pairs, a rotary size below the head size, position ids per token."""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import xfc
from ort_reference import run_ort

HEADS, HEAD, MAX_POSITIONS = 2, 16, 32


def rotary_model(interleaved, rotary):
    node = helper.make_node("RotaryEmbedding", ["x", "pos", "cos", "sin"], ["y"], name="rope",
                            domain="com.microsoft", num_heads=HEADS, interleaved=interleaved,
                            rotary_embedding_dim=rotary)
    rng = np.random.default_rng(7)
    angles = rng.uniform(-np.pi, np.pi, (MAX_POSITIONS, rotary // 2)).astype(np.float32)
    graph = helper.make_graph(
        [node], "rope",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", HEADS * HEAD]),
         helper.make_tensor_value_info("pos", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "seq", HEADS * HEAD])],
        initializer=[numpy_helper.from_array(np.cos(angles), "cos"),
                     numpy_helper.from_array(np.sin(angles), "sin")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                   helper.make_opsetid("com.microsoft", 1)])


@pytest.mark.parametrize("interleaved", [0, 1])
@pytest.mark.parametrize("rotary", [HEAD, HEAD // 2])
def test_matches_onnx_runtime(tmp_path, build_dir, interleaved, rotary):
    path = tmp_path / "rope.onnx"
    path.write_bytes(rotary_model(interleaved, rotary).SerializeToString())
    model = xfc.load(xfc.compile(path, tmp_path / "rope.so"))
    rng = np.random.default_rng(interleaved * 10 + rotary)
    feeds = {"x": rng.standard_normal((3, 5, HEADS * HEAD)).astype(np.float32),
             "pos": rng.integers(0, MAX_POSITIONS, (3, 5), dtype=np.int64)}
    got = model.run(feeds)["y"]
    want, _ = run_ort(path, feeds, {"y": (np.float32, got.shape)}, tmp_path / "ort")
    # Tolerance: float32 rounding of a few products per element.
    np.testing.assert_allclose(got, want["y"], rtol=1e-5, atol=1e-6)

"""Compiled code that cannot go on (no memory for an intermediate) fails the
run with a status and a message, never a crash, and the library runs on."""

import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import xfc

# n x 1 times 1 x n: an n x n float32 product, 2^44 bytes at n = 2^21 from
# two 8 MiB inputs: more than any machine will give (the allocation fails
# outright, rather than being overcommitted).
HUGE_N = 1 << 21


@pytest.fixture(scope="module")
def outer_product(tmp_path_factory, build_dir):
    root = tmp_path_factory.mktemp("outer")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="outer")], "outer",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["n", 1]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, "n"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", "n"])])
    model = root / "outer.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), model)
    return xfc.compile(model, root / "outer.so")


def feeds(n, rng):
    return {"a": rng.standard_normal((n, 1), dtype=np.float32),
            "b": rng.standard_normal((1, n), dtype=np.float32)}


def test_intermediate_too_large_is_out_of_memory(outer_product):
    model = xfc.load(outer_product)
    rng = np.random.default_rng(7)
    with pytest.raises(xfc.XfcError, match=r"^out of memory: cannot allocate \d+ bytes$"):
        model.run(feeds(HUGE_N, rng))
    # The same session runs on; exact: one product per element.
    small = feeds(33, rng)
    assert np.array_equal(model.run(small)["y"], small["a"] @ small["b"])


def test_xfc_run_reports_out_of_memory(outer_product, build_dir):
    result = subprocess.run([str(build_dir / "bin" / "xfc-run"), str(outer_product), "--seed", "1",
                             "--dim", f"n={HUGE_N}"], capture_output=True, text=True)
    assert result.returncode == 1, result
    assert "out of memory: cannot allocate 17592186044" in result.stderr

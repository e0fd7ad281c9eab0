"""Runs every ONNX backend node test whose operators xfc supports.

Each in-scope model (see backend_tests.py) is compiled to a shared library
and run on the test's inputs; outputs must equal the expected ones within
1e-4 relative error for floating point and exactly otherwise. Tests that
use an operator the CPU lowering does not handle yet, or a type the C
interface does not carry, are reported as expected failures with xfc's
message; a wrong answer or a crash fails.
"""

import re
import subprocess

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

import xfc
from backend_tests import KNOWN_LIMITS, MODELS, in_scope, supported_ops

NOT_LOWERED = re.compile(r"failed to legalize|has no C interface")


@pytest.fixture(scope="module")
def ops(xfc):
    return supported_ops(xfc)


def read_tensors(folder, prefix):
    tensors = []
    for path in sorted(folder.glob(f"{prefix}_*.pb"), key=lambda p: int(p.stem.split("_")[1])):
        proto = onnx.TensorProto()
        proto.ParseFromString(path.read_bytes())
        tensors.append(numpy_helper.to_array(proto))
    return tensors


@pytest.mark.parametrize("model_path", MODELS, ids=lambda p: p.parent.name)
def test_backend_node_model_computes(model_path, ops, tmp_path):
    if not in_scope(model_path, ops):
        pytest.skip("uses an operator or opset xfc does not import")
    library = tmp_path / "model.so"
    try:
        xfc.compile(model_path, library)
    except xfc.XfcError as error:
        message = str(error)
        if KNOWN_LIMITS.search(message) or NOT_LOWERED.search(message):
            pytest.xfail(message.splitlines()[0])
        raise
    model = xfc.load(library)
    if any(t.dtype is None for t in model.inputs + model.outputs):
        pytest.xfail("a tensor type NumPy lacks (bfloat16)")
    for data in sorted(model_path.parent.glob("test_data_set_*")):
        inputs = read_tensors(data, "input")
        expected = read_tensors(data, "output")
        outputs = model.run({info.name: array for info, array in zip(model.inputs, inputs)})
        for info, want in zip(model.outputs, expected):
            got = outputs[info.name]
            assert got.shape == want.shape, info.name
            if np.issubdtype(want.dtype, np.floating):
                scale = max(1.0, float(np.abs(want).max()) if want.size else 1.0)
                err = float(np.abs(got - want).max()) / scale if want.size else 0.0
                assert err <= 1e-4, f"{info.name}: relative error {err}"
            else:
                np.testing.assert_array_equal(got, want)

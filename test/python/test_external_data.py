"""Weights in ONNX external data: large ones are mapped from the data file
(where the offset leaves them aligned as their elements) or copied, and the
weights the compiler derives from them (packed panels, transposes) live in
temporary files; every way gives NumPy's answer."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import xfc

RTOL = 1e-5  # relative to the largest expected magnitude; f32 sums of 512 terms
K, N = 512, 768  # 1.5 MiB of f32: past the size from which blobs are mapped


def write_model(folder, weights, offset):
    """y = x @ W + b and z = x @ V^T (a Gemm with transB: a transposed
    weight), with W, V and b in one data file, the first at byte `offset`."""
    blob, tensors = bytearray(offset), []
    for name, value in weights.items():
        tensor = onnx.TensorProto(name=name, data_type=TensorProto.FLOAT,
                                  dims=value.shape)
        tensor.data_location = TensorProto.EXTERNAL
        for key, entry in (("location", "m.data"), ("offset", str(len(blob))),
                           ("length", str(value.nbytes))):
            tensor.external_data.add(key=key, value=entry)
        blob += value.astype("<f4").tobytes()
        tensors.append(tensor)
    (folder / "m.data").write_bytes(bytes(blob))
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"], name="mm"),
             helper.make_node("Add", ["xw", "b"], ["y"], name="bias"),
             helper.make_node("Gemm", ["x", "V"], ["z"], name="gemm", transB=1)]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", K])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", N]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", N])],
        tensors)
    path = folder / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


# 4100: aligned for f32 but inside a page (mapped from the page below);
# 4098: misaligned for f32 (copied).
@pytest.mark.parametrize("offset", [0, 4100, 4098], ids=["page", "inside-page", "misaligned"])
def test_external_data_matches_numpy(offset, tmp_path):
    rng = np.random.default_rng(offset)
    weights = {"W": rng.standard_normal((K, N)).astype(np.float32),
               "V": rng.standard_normal((N, K)).astype(np.float32),
               "b": rng.standard_normal(N).astype(np.float32)}
    library = xfc.compile(write_model(tmp_path, weights, offset), tmp_path / "m.so")
    x = rng.standard_normal((3, K)).astype(np.float32)
    got = xfc.load(library).run({"x": x})
    x64 = x.astype(np.float64)
    for name, expected in (("y", x64 @ weights["W"] + weights["b"]),
                           ("z", x64 @ weights["V"].T.astype(np.float64))):
        assert np.abs(got[name] - expected).max() <= RTOL * np.abs(expected).max(), name

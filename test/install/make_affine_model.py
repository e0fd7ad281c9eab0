"""Writes an ONNX model Y = X @ W + B to argv[1]: X float32 [batch, 4]
(batch symbolic), W[i][j] = 0.25 * (i + 1) - 0.5 * j, B[j] = 0.125 * j,
formulas consumer/run_model.c repeats to check Y."""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

i, j = np.meshgrid(np.arange(4), np.arange(3), indexing="ij")
w = (0.25 * (i + 1) - 0.5 * j).astype(np.float32)
b = (0.125 * np.arange(3)).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["X", "W"], ["XW"], name="matmul"),
     helper.make_node("Add", ["XW", "B"], ["Y"], name="add")],
    "affine",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 4])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 3])],
    initializer=[numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
save(model, sys.argv[1])

"""Models of one ONNX Runtime com.microsoft MoE or QMoE node, and QMoE's
weight quantization, for the tests (test_microsoft_moe.py), the test models
(scripts/make-microsoft-moe-models.py) and the benchmark
(bench/microsoft_moe_vs_ort.py)."""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

MS = "com.microsoft"


def moe_model(op, names, inits, attrs, hidden, experts, rank=2, router=None, as_inputs=()):
    """A graph of one `op` node reading x ([tokens, hidden], or [batch, seq,
    hidden] with rank 3) and router logits, then `names` (the node's inputs
    after those two; '' for an omitted one) from `inits`. The logits are an
    input [tokens, experts], or x times `router` [hidden, experts] when it
    is given (then x is the only input). The `inits` named in `as_inputs`
    are graph inputs of their static shapes instead (weights given at run
    time)."""
    shape = ["tokens", hidden] if rank == 2 else ["batch", "seq", hidden]
    nodes, inputs = [], [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)]
    inits = dict(inits)
    if router is None:
        inputs.append(helper.make_tensor_value_info("router", TensorProto.FLOAT,
                                                    ["tokens", experts]))
    else:
        nodes += [helper.make_node("MatMul", ["x", "router_weight"], ["logits"], name="router"),
                  helper.make_node("Reshape", ["logits", "logits_shape"], ["router"],
                                   name="flatten")]
        inits.update(router_weight=router, logits_shape=np.array([-1, experts], np.int64))
    nodes.append(helper.make_node(op, ["x", "router"] + names, ["y"], name="moe", domain=MS,
                                  **attrs))
    for name in as_inputs:
        array = inits.pop(name)
        inputs.append(helper.make_tensor_value_info(
            name, numpy_helper.from_array(array).data_type, list(array.shape)))
    graph = helper.make_graph(
        nodes, "moe", inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
        initializer=[numpy_helper.from_array(v, k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                   helper.make_opsetid(MS, 1)])


def pack(values, bits):
    """`bits`-wide values packed along the last axis, the first in the low
    bits; an odd count ends in half a byte."""
    if bits == 8:
        return values.astype(np.uint8)
    if values.shape[-1] % 2:
        values = np.concatenate([values, np.zeros(values.shape[:-1] + (1,), values.dtype)], -1)
    return (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)


def quantize(w, bits, block, zero_points):
    """[E, N, K] as QMoE stores it: packed values, scales [E, N] (with
    `block`: [E, N, K / block]) and packed zero points (None without them:
    symmetric, around the middle of the range). Also returns the
    dequantized weights."""
    experts, n, k = w.shape
    size = block or k
    groups = w.reshape(experts, n, k // size, size)
    top = (1 << bits) - 1
    if zero_points:
        low, high = groups.min(-1, keepdims=True), groups.max(-1, keepdims=True)
        scale = (high - low) / top
        zp = np.clip(np.round(-low / scale), 0, top)
    else:
        scale = np.abs(groups).max(-1, keepdims=True) / (1 << (bits - 1))
        zp = np.full_like(scale, 1 << (bits - 1))
    q = np.clip(np.round(groups / scale + zp), 0, top)
    dequantized = ((q - zp) * scale).astype(np.float32).reshape(w.shape)
    scales, zps = scale[..., 0].astype(np.float32), zp[..., 0].astype(np.uint8)
    if not block:
        scales, zps = scales[..., 0], zps[..., 0]
    packed = pack(q.astype(np.uint8).reshape(w.shape), bits)
    return packed, scales, pack(zps, bits) if zero_points else None, dequantized

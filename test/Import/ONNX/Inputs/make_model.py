"""Writes small ONNX models for the importer's lit tests, good and hostile.

Usage: make_model.py CASE OUT.onnx
Each case is a function below; hostile cases damage the file themselves.
"""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def model(nodes, inputs, outputs, inits=(), opset=17, extra_opsets=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets)
    m.ir_version = 8
    return m


def vinfo(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def add_model():
    """x[batch, 8] + w[8], with a symbolic batch."""
    return model([helper.make_node("Add", ["x", "w"], ["y"], name="the_add")],
                 [vinfo("x", F, ["batch", 8])], [vinfo("y", F, None)],
                 [const("w", np.arange(8, dtype=np.float32))])


def write(m, out):
    with open(out, "wb") as f:
        f.write(m.SerializeToString())


# ---- good models ----------------------------------------------------------

def symbolic(out):
    write(add_model(), out)


def weights(out):
    """A weight large enough to become a dense_resource blob."""
    w = np.linspace(-1, 1, 96 * 32, dtype=np.float32).reshape(96, 32)
    write(model([helper.make_node("MatMul", ["x", "w"], ["y"], name="proj")],
                [vinfo("x", F, ["batch", "seq", 96])], [vinfo("y", F, None)],
                [const("w", w)]), out)


def external(out):
    """The weight stored in a file beside the model."""
    w = np.arange(128, dtype=np.float32).reshape(16, 8)
    t = const("w", w)
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "weights.bin"), ("offset", "16"), ("length", str(w.nbytes))):
        e = t.external_data.add()
        e.key, e.value = k, v
    with open(os.path.join(os.path.dirname(out), "weights.bin"), "wb") as f:
        f.write(b"\0" * 16 + w.tobytes())
    write(model([helper.make_node("MatMul", ["x", "w"], ["y"], name="proj")],
                [vinfo("x", F, [2, 16])], [vinfo("y", F, None)], [t]), out)


def versions(out):
    """Operators whose inputs moved between opsets, at opset 13."""
    nodes = [
        helper.make_node("Split", ["x", "sizes"], ["a", "b"], name="split13", axis=1),
        helper.make_node("ReduceSum", ["a", "axes"], ["s"], name="sum13", keepdims=0),
        helper.make_node("ReduceMean", ["b"], ["m"], name="mean13", axes=[1]),
        helper.make_node("Unsqueeze", ["s", "axes"], ["u"], name="unsq13"),
        helper.make_node("Squeeze", ["u", "axes"], ["q"], name="sq13"),
    ]
    write(model(nodes, [vinfo("x", F, [2, 6])],
                [vinfo("q", F, None), vinfo("m", F, None)],
                [const("sizes", np.array([2, 4], np.int64)), const("axes", np.array([1], np.int64))],
                opset=13), out)


def versions18(out):
    """The same operators at opset 18: num_outputs, axes as inputs."""
    nodes = [
        helper.make_node("Split", ["x"], ["a", "b", "c"], name="split18", axis=1, num_outputs=3),
        helper.make_node("ReduceMean", ["a", "axes"], ["m"], name="mean18"),
        helper.make_node("ReduceMax", ["b"], ["mx"], name="max18", keepdims=0),
    ]
    write(model(nodes, [vinfo("x", F, [2, 7])],
                [vinfo("m", F, None), vinfo("mx", F, None), vinfo("c", F, None)],
                [const("axes", np.array([-1], np.int64))], opset=18), out)


def opset23(out):
    """Opset 23's RMSNormalization and Attention."""
    nodes = [
        helper.make_node("RMSNormalization", ["x", "scale"], ["n"], name="rms", epsilon=1e-4),
        helper.make_node("Attention", ["q", "k", "v"], ["o"], name="attn", is_causal=1),
    ]
    write(model(nodes, [vinfo("x", F, [2, 16, 64]), vinfo("q", F, [2, 8, 16, 64]),
                        vinfo("k", F, [2, 2, 16, 64]), vinfo("v", F, [2, 2, 16, 64])],
                [vinfo("n", F, None), vinfo("o", F, None)],
                [const("scale", np.ones(64, np.float32))], opset=23), out)


def contrib(out):
    """ONNX Runtime's fused operators."""
    ms = "com.microsoft"
    nodes = [
        helper.make_node("SkipLayerNormalization", ["x", "skip", "gamma", "beta"],
                         ["ln", "", "", "sum"], name="skipln", domain=ms, epsilon=1e-3),
        helper.make_node("FastGelu", ["ln", "bias"], ["g"], name="fastgelu", domain=ms),
        helper.make_node("QuickGelu", ["sum"], ["qg"], name="quickgelu", domain=ms, alpha=1.5),
    ]
    v = lambda n: vinfo(n, F, None)
    write(model(nodes, [vinfo("x", F, ["batch", 8]), vinfo("skip", F, ["batch", 8])],
                [v("g"), v("qg")],
                [const("gamma", np.ones(8, np.float32)), const("beta", np.zeros(8, np.float32)),
                 const("bias", np.full(8, 0.5, np.float32))],
                extra_opsets=[(ms, 1)]), out)


def nbits(out):
    """MatMulNBits: K = 40 (not a multiple of the block), N = 3, 4 bits."""
    k, n, block = 40, 3, 32
    blocks = 2
    rng = np.random.default_rng(0)
    q = rng.integers(0, 16, size=(n, blocks * block), dtype=np.uint8)
    packed = (q[:, 0::2] | (q[:, 1::2] << 4)).reshape(n, blocks, block // 2)
    scales = rng.random(n * blocks, dtype=np.float32)
    zp = rng.integers(0, 16, size=(n, blocks), dtype=np.uint8)
    zp_packed = (zp[:, 0::2] | (zp[:, 1::2] << 4)).reshape(-1)
    node = helper.make_node("MatMulNBits", ["a", "b", "scales", "zp"], ["y"], name="qproj",
                            domain="com.microsoft", K=k, N=n, bits=4, block_size=block)
    write(model([node], [vinfo("a", F, ["m", k])], [vinfo("y", F, None)],
                [const("b", packed), const("scales", scales), const("zp", zp_packed)],
                extra_opsets=[("com.microsoft", 1)]), out)


def ms_moe(out):
    """ONNX Runtime's MoE (SwiGLU with its gate and up rows interleaved in
    FC1, biases, gpt-oss's clamp) and QMoE (8 bits, 2 experts, 2 rows of
    4 values), on [batch, seq, 4] inputs."""
    ms = "com.microsoft"
    nodes = [
        helper.make_node("MoE", ["x", "router", "w1", "b1", "w2", "b2"], ["y"], name="moe",
                         domain=ms, k=1, activation_type="swiglu", swiglu_fusion=1,
                         swiglu_limit=7.0, activation_alpha=1.702, activation_beta=1.0),
        helper.make_node("QMoE", ["y", "router", "q1", "s1", "", "q2", "s2"], ["z"], name="qmoe",
                         domain=ms, k=2, activation_type="relu", expert_weight_bits=8),
    ]
    # w1: expert e's row r holds 100 e + r: gate rows 0, 2, up rows 1, 3.
    w1 = (100 * np.arange(2)[:, None, None] + np.arange(4)[None, :, None]
          + np.zeros((1, 1, 4))).astype(np.float32)
    write(model(nodes, [vinfo("x", F, ["batch", "seq", 4]), vinfo("router", F, ["tokens", 2])],
                [vinfo("z", F, None)],
                [const("w1", w1), const("b1", np.zeros((2, 4), np.float32)),
                 const("w2", np.ones((2, 4, 2), np.float32)), const("b2", np.zeros((2, 4), np.float32)),
                 const("q1", np.full((2, 2, 4), 130, np.uint8)), const("s1", np.ones((2, 2), np.float32)),
                 const("q2", np.full((2, 4, 2), 126, np.uint8)), const("s2", np.ones((2, 4), np.float32))],
                extra_opsets=[(ms, 1)]), out)


def attention23(out):
    """Opset 23 Attention on [B, S, hidden] inputs with caches, a boolean
    mask and causal masking, and RotaryEmbedding with position ids."""
    nodes = [
        helper.make_node("RotaryEmbedding", ["q", "cos", "sin", "pos"], ["qr"], name="rope",
                         num_heads=4),
        helper.make_node("Attention", ["qr", "k", "v", "mask", "past_k", "past_v"],
                         ["o", "present_k", "present_v"], name="attn", is_causal=1,
                         q_num_heads=4, kv_num_heads=2),
    ]
    B = TensorProto.BOOL
    write(model(nodes, [vinfo("q", F, ["batch", "seq", 64]), vinfo("k", F, ["batch", "seq", 32]),
                        vinfo("v", F, ["batch", "seq", 32]), vinfo("pos", I64, ["batch", "seq"]),
                        vinfo("mask", B, ["batch", 1, "seq", "total"]),
                        vinfo("past_k", F, ["batch", 2, "past", 16]),
                        vinfo("past_v", F, ["batch", 2, "past", 16])],
                [vinfo("o", F, None), vinfo("present_k", F, None), vinfo("present_v", F, None)],
                [const("cos", np.ones((128, 8), np.float32)), const("sin", np.zeros((128, 8), np.float32))],
                opset=23), out)


def ms_attention(out):
    """ONNX Runtime's MultiHeadAttention, Attention and RotaryEmbedding."""
    ms = "com.microsoft"
    nodes = [
        helper.make_node("RotaryEmbedding", ["q", "offset", "cos", "sin"], ["qr"], name="ms_rope",
                         domain=ms, num_heads=2, interleaved=1),
        helper.make_node("MultiHeadAttention", ["qr", "k", "v", "bias", "pad"], ["o"],
                         name="mha", domain=ms, num_heads=2),
        helper.make_node("Attention", ["x", "w", "b", "pad"], ["o2"], name="ms_attn", domain=ms,
                         num_heads=2, unidirectional=1),
    ]
    I32 = TensorProto.INT32
    write(model(nodes, [vinfo("q", F, ["batch", "seq", 16]), vinfo("k", F, ["batch", "seq", 16]),
                        vinfo("v", F, ["batch", "seq", 16]), vinfo("pad", I32, ["batch", "seq"]),
                        vinfo("x", F, ["batch", "seq", 16])],
                [vinfo("o", F, None), vinfo("o2", F, None)],
                [const("offset", np.array([3], np.int64)), const("cos", np.ones((64, 4), np.float32)),
                 const("sin", np.zeros((64, 4), np.float32)), const("bias", np.zeros(48, np.float32)),
                 const("w", np.ones((16, 48), np.float32) / 16), const("b", np.zeros(48, np.float32))],
                extra_opsets=[(ms, 1)]), out)


def quantization(out):
    """QDQ at opset 21 (blocked), dynamic quantization and MatMulInteger."""
    nodes = [
        helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], name="deq", axis=0,
                         block_size=16),
        helper.make_node("MatMul", ["x", "w"], ["y"], name="mm"),
        helper.make_node("QuantizeLinear", ["y", "ys", "yz"], ["yq"], name="q"),
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="dq"),
        helper.make_node("MatMulInteger", ["xq", "wi"], ["acc"], name="mmi"),
    ]
    write(model(nodes, [vinfo("x", F, ["batch", 32])],
                [vinfo("yq", TensorProto.INT8, None), vinfo("acc", TensorProto.INT32, None),
                 vinfo("xs", F, None)],
                [const("wq", np.ones((32, 8), np.int8)), const("ws", np.ones((2, 8), np.float32)),
                 const("wz", np.zeros((2, 8), np.int8)), const("ys", np.array(0.5, np.float32)),
                 const("yz", np.array(1, np.int8)), const("wi", np.ones((32, 4), np.uint8))],
                opset=21), out)


def composites(out):
    """Operators imported as several xf ops (MoE exports'), and QLinearMatMul."""
    nodes = [
        helper.make_node("Clip", ["x", "lo", "hi"], ["clipped"], name="clip"),
        helper.make_node("Tile", ["x", "reps"], ["tiled"], name="tile"),
        helper.make_node("OneHot", ["ids", "depth", "off_on"], ["hot"], name="onehot", axis=1),
        helper.make_node("ScatterElements", ["x", "ids", "x"], ["scattered"], name="scatter",
                         axis=1, reduction="add"),
        helper.make_node("QLinearMatMul", ["aq", "as", "az", "bq", "bs", "bz", "ys", "yz"],
                         ["yq"], name="qlinear"),
    ]
    write(model(nodes, [vinfo("x", F, ["batch", 4]), vinfo("ids", TensorProto.INT64, ["batch", 4]),
                        vinfo("aq", TensorProto.UINT8, ["batch", 4])],
                [vinfo(n, F, None) for n in ("clipped", "tiled", "hot", "scattered")]
                + [vinfo("yq", TensorProto.UINT8, None)],
                [const("lo", np.array(-1, np.float32)), const("hi", np.array(1, np.float32)),
                 const("reps", np.array([2, 3], np.int64)), const("depth", np.array(6, np.int64)),
                 const("off_on", np.array([0, 1], np.float32)),
                 const("as", np.array(0.1, np.float32)), const("az", np.array(128, np.uint8)),
                 const("bq", np.arange(12, dtype=np.int8).reshape(4, 3)),
                 const("bs", np.full(3, 0.5, np.float32)), const("bz", np.zeros(3, np.int8)),
                 const("ys", np.array(0.25, np.float32)), const("yz", np.array(3, np.uint8))],
                opset=18), out)


# ---- hostile models ---------------------------------------------------------

def truncated(out):
    data = add_model().SerializeToString()
    with open(out, "wb") as f:
        f.write(data[: len(data) // 2])


def garbled(out):
    with open(out, "wb") as f:
        f.write(b"\x0a\xff\xff\xff\xff\x0f this is not protobuf")


def empty(out):
    open(out, "wb").close()


def unsupported(out):
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="ok"),
        helper.make_node("Conv", ["r", "w"], ["c1"], name="conv_1"),
        helper.make_node("Conv", ["c1", "w"], ["c2"], name="conv_2"),
        helper.make_node("LSTM", ["c2", "w", "w"], ["l"], name="lstm"),
        helper.make_node("Frobnicate", ["l"], ["y"], name="custom", domain="org.example"),
    ]
    write(model(nodes, [vinfo("x", F, [1, 3, 8, 8])], [vinfo("y", F, None)],
                [const("w", np.ones((3, 3, 1, 1), np.float32))],
                extra_opsets=[("org.example", 2)]), out)


def old_opset(out):
    m = add_model()
    m.opset_import[0].version = 11
    write(m, out)


def future_opset(out):
    m = add_model()
    m.opset_import[0].version = 99
    write(m, out)


def size_mismatch(out):
    m = add_model()
    m.graph.initializer[0].raw_data = m.graph.initializer[0].raw_data[:-4]
    write(m, out)


def unknown_dtype(out):
    m = add_model()
    m.graph.initializer[0].data_type = 42
    write(m, out)


def string_input(out):
    m = add_model()
    m.graph.input[0].type.tensor_type.elem_type = TensorProto.STRING
    write(m, out)


def missing_external(out):
    external(out)
    os.remove(os.path.join(os.path.dirname(out), "weights.bin"))


def _retarget_external(out, location):
    external(out)
    from onnx import load
    m = load(out, load_external_data=False)
    for e in m.graph.initializer[0].external_data:
        if e.key == "location":
            e.value = location
    write(m, out)


def external_escape(out):
    _retarget_external(out, "../weights.bin")


def external_absolute(out):
    _retarget_external(out, "/etc/passwd")


def external_short(out):
    external(out)
    with open(os.path.join(os.path.dirname(out), "weights.bin"), "r+b") as f:
        f.truncate(100)


def cycle(out):
    nodes = [
        helper.make_node("Add", ["x", "b"], ["a"], name="first"),
        helper.make_node("Relu", ["a"], ["b"], name="second"),
    ]
    write(model(nodes, [vinfo("x", F, [4])], [vinfo("b", F, None)]), out)


def undefined_input(out):
    nodes = [helper.make_node("Add", ["x", "nowhere"], ["y"], name="dangling")]
    write(model(nodes, [vinfo("x", F, [4])], [vinfo("y", F, None)]), out)


def bad_shapes(out):
    """A MatMul whose dimensions disagree: the op's own rule, at the node."""
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="bad_matmul")]
    write(model(nodes, [vinfo("x", F, [2, 8])], [vinfo("y", F, None)],
                [const("w", np.ones((4, 3), np.float32))]), out)


def nonconstant_axes(out):
    nodes = [helper.make_node("Unsqueeze", ["x", "axes"], ["y"], name="dyn_unsqueeze")]
    write(model(nodes, [vinfo("x", F, [4]), vinfo("axes", I64, [1])], [vinfo("y", F, None)],
                opset=13), out)


def no_shape(out):
    m = add_model()
    m.graph.input[0].type.tensor_type.ClearField("shape")
    write(m, out)


# ---- nodes that break their operator's signature ---------------------------

def missing_input(out):
    """Add with one input: rejected before its shape function runs."""
    write(model([helper.make_node("Add", ["x"], ["y"], name="half_add")],
                [vinfo("x", F, [2, 3])], [vinfo("y", F, None)]), out)


def empty_input(out):
    """Relu of '' (an omitted required input), then a node reading it."""
    nodes = [helper.make_node("Relu", [""], ["r"], name="relu_of_nothing"),
             helper.make_node("Tanh", ["r"], ["y"], name="after")]
    write(model(nodes, [vinfo("x", F, [2, 3])], [vinfo("y", F, None)]), out)


def extra_input(out):
    nodes = [helper.make_node("Sigmoid", ["x", "x"], ["y"], name="greedy_sigmoid")]
    write(model(nodes, [vinfo("x", F, [2, 3])], [vinfo("y", F, None)]), out)


def unsqueeze_without_axes(out):
    """Opset 13 made Unsqueeze's axes an input, a required one."""
    nodes = [helper.make_node("Unsqueeze", ["x"], ["y"], name="no_axes")]
    write(model(nodes, [vinfo("x", F, [2, 3])], [vinfo("y", F, None)], opset=13), out)


def float_perm(out):
    """An INTS attribute given as a FLOAT."""
    nodes = [helper.make_node("Transpose", ["x"], ["y"], name="odd_perm", perm=1.5)]
    write(model(nodes, [vinfo("x", F, [2, 3])], [vinfo("y", F, None)]), out)


def cast_without_to(out):
    nodes = [helper.make_node("Cast", ["x"], ["y"], name="aimless_cast")]
    write(model(nodes, [vinfo("x", F, [2, 3])], [vinfo("y", F, None)]), out)


# ---- indices and sizes past what a shape allows ----------------------------

def gather_shape(out, index):
    """Shape(x)[index] used as a shape: a constant index past the vector."""
    nodes = [helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Gather", ["s", "i"], ["d"], name="pick_dim", axis=0),
             helper.make_node("Reshape", ["x", "d"], ["y"], name="reshape")]
    write(model(nodes, [vinfo("x", F, [2, 3])], [vinfo("y", F, None)],
                [const("i", np.array([int(index)], np.int64))]), out)


def slice_shape_far(out):
    """Slice(Shape(x)) far past its end: ONNX clamps it to an empty vector."""
    nodes = [helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Slice", ["s", "b", "e"], ["t"], name="far_slice"),
             helper.make_node("Concat", ["t", "n"], ["d"], name="join", axis=0),
             helper.make_node("Reshape", ["x", "d"], ["y"], name="flatten")]
    write(model(nodes, [vinfo("x", F, [2, 3])], [vinfo("y", F, None)],
                [const("b", np.array([10**6], np.int64)),
                 const("e", np.array([10**6 + 1], np.int64)),
                 const("n", np.array([-1], np.int64))]), out)


def input_dims(out, *dims):
    """A graph input of the given static dimensions."""
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    write(model(nodes, [vinfo("x", F, [int(d) for d in dims])], [vinfo("y", F, None)]), out)


def initializer_dims(out, *dims):
    """An initializer whose dimensions claim more than any machine holds."""
    w = TensorProto(name="w", data_type=F, dims=[int(d) for d in dims])
    nodes = [helper.make_node("Add", ["x", "w"], ["y"], name="add")]
    write(model(nodes, [vinfo("x", F, [2])], [vinfo("y", F, None)], [w]), out)


def to_shape(out, op, *dims):
    """A Reshape or Expand to a constant shape: sizes from the model's data."""
    nodes = [helper.make_node(op, ["x", "shape"], ["y"], name=op.lower())]
    write(model(nodes, [vinfo("x", F, [2, 3])], [vinfo("y", F, None)],
                [const("shape", np.array([int(d) for d in dims], np.int64))]), out)


if __name__ == "__main__":
    case, out = sys.argv[1], sys.argv[2]
    globals()[case](out, *sys.argv[3:])

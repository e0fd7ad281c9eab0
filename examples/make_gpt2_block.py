"""Writes one GPT-2 transformer block as the TorchScript exporter spells it.

Usage: make_gpt2_block.py OUT.onnx [--hidden 96 --heads 3 --seed 0]

Batch and sequence are symbolic ("batch", "seq"); the weights are random.
The head split uses the Shape -> Gather -> Unsqueeze -> Concat -> Reshape
chains exporters write, the causal mask is built from Range and
LessOrEqual, and the MLP uses the tanh form of GELU: the graph xfc's
importer and shape folding meet in real models.
"""

import argparse

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def build(hidden, heads, seed):
    rng = np.random.default_rng(seed)
    head = hidden // heads
    inits, nodes = [], []

    def const(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def weight(name, *shape):
        return const(name, (rng.standard_normal(shape) * 0.05).astype(np.float32))

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    i64 = lambda name, v: const(name, np.array(v, dtype=np.int64))
    f32 = lambda name, v: const(name, np.array(v, dtype=np.float32))

    ln1 = node("LayerNormalization", ["x", weight("ln1.g", hidden), weight("ln1.b", hidden)],
               "ln_1", axis=-1, epsilon=1e-5)
    qkv = node("Add", [node("MatMul", [ln1, weight("attn.w", hidden, 3 * hidden)], "qkv_mm"),
                       weight("attn.b", 3 * hidden)], "qkv")
    split = helper.make_node("Split", [qkv, i64("split", [hidden] * 3)], ["q", "k", "v"],
                             name="split_qkv", axis=2)
    nodes.append(split)

    shape = node("Shape", ["x"], "shape_x")
    batch = node("Unsqueeze", [node("Gather", [shape, i64("i0", 0)], "batch"), i64("ax0", [0])],
                 "batch_1d")
    seq = node("Unsqueeze", [node("Gather", [shape, i64("i1", 1)], "seq"), i64("ax0b", [0])],
               "seq_1d")
    heads_shape = node("Concat", [batch, seq, i64("heads", [heads, head])], "heads_shape", axis=0)

    def split_heads(t, perm):
        return node("Transpose", [node("Reshape", [t, heads_shape], t + "_4d")], t + "_heads",
                    perm=perm)

    q, k, v = split_heads("q", [0, 2, 1, 3]), split_heads("k", [0, 2, 3, 1]), \
        split_heads("v", [0, 2, 1, 3])
    scores = node("Div", [node("MatMul", [q, k], "qk"), f32("sqrt_d", np.sqrt(head))], "scores")

    # Causal mask: key j is visible from query i when j <= i.
    seq_scalar = node("Gather", [shape, i64("i1b", 1)], "seq_scalar")
    positions = node("Range", [i64("zero", 0), seq_scalar, i64("one", 1)], "positions")
    rows = node("Unsqueeze", [positions, i64("ax1", [1])], "rows")
    visible = node("LessOrEqual", [positions, rows], "visible")
    masked = node("Where", [visible, scores, f32("neg", -1e9)], "masked")
    attn = node("MatMul", [node("Softmax", [masked], "probs", axis=-1), v], "attn")
    merged_shape = node("Concat", [batch, seq, i64("hid", [hidden])], "merged_shape", axis=0)
    merged = node("Reshape", [node("Transpose", [attn], "attn_t", perm=[0, 2, 1, 3]), merged_shape],
                  "attn_merged")
    proj = node("Add", [node("MatMul", [merged, weight("proj.w", hidden, hidden)], "proj_mm"),
                        weight("proj.b", hidden)], "proj")
    h = node("Add", ["x", proj], "residual_1")

    ln2 = node("LayerNormalization", [h, weight("ln2.g", hidden), weight("ln2.b", hidden)],
               "ln_2", axis=-1, epsilon=1e-5)
    fc = node("Add", [node("MatMul", [ln2, weight("fc.w", hidden, 4 * hidden)], "fc_mm"),
                      weight("fc.b", 4 * hidden)], "fc")
    # GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    cube = node("Pow", [fc, f32("three", 3.0)], "cube")
    inner = node("Add", [fc, node("Mul", [cube, f32("gelu_c", 0.044715)], "cube_c")], "inner")
    t = node("Tanh", [node("Mul", [inner, f32("gelu_k", np.sqrt(2 / np.pi))], "inner_k")], "t")
    gelu = node("Mul", [node("Mul", [fc, f32("half", 0.5)], "half_x"),
                        node("Add", [t, f32("one_f", 1.0)], "one_plus_t")], "gelu")
    out = node("Add", [node("MatMul", [gelu, weight("out.w", 4 * hidden, hidden)], "out_mm"),
                       weight("out.b", hidden)], "mlp")
    nodes.append(helper.make_node("Add", [h, out], ["y"], name="residual_2"))

    graph = helper.make_graph(
        nodes, "gpt2_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", hidden])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "seq", hidden])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--hidden", type=int, default=96)
    parser.add_argument("--heads", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with open(args.out, "wb") as f:
        f.write(build(args.hidden, args.heads, args.seed).SerializeToString())

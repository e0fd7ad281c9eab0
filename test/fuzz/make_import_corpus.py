"""Writes the seed corpus of the importer's fuzz target (xfc-fuzz-import).

Usage: make_import_corpus.py OUT_DIR

Small valid models, a few per operator family, and tiny transformer-like
graphs; libFuzzer mutates them into the hostile ones. Each file is a few KB
at most. The corpus is checked in (test/fuzz/import-corpus); crashes found
by scripts/fuzz-importer.sh join it as regressions, under crash-*.
"""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F, I64, U8, I8, B = (TensorProto.FLOAT, TensorProto.INT64, TensorProto.UINT8,
                     TensorProto.INT8, TensorProto.BOOL)
MS = "com.microsoft"
rng = np.random.default_rng(7)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def weights(name, *shape):
    return const(name, rng.standard_normal(shape).astype(np.float32))


def model(nodes, inputs, outputs, inits=(), opset=17, ms=False):
    graph = helper.make_graph(nodes, "g", inputs, [vi(o, F, None) if isinstance(o, str) else o
                                                   for o in outputs], initializer=list(inits))
    opsets = [helper.make_opsetid("", opset)] + ([helper.make_opsetid(MS, 1)] if ms else [])
    m = helper.make_model(graph, opset_imports=opsets)
    m.ir_version = 8
    return m


def node(op, ins, outs, **attrs):
    domain = attrs.pop("domain", "")
    return helper.make_node(op, ins, outs, name=outs[0] + "_node", domain=domain, **attrs)


X = vi("x", F, ["batch", 4])
X3 = vi("x", F, [2, "seq", 8])


def elementwise():
    ops = ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min"]
    yield "binary", model([node(op, ["x", "w"], [f"y{i}"]) for i, op in enumerate(ops)],
                          [X], [f"y{i}" for i in range(len(ops))], [weights("w", 4)])
    ops = ["Sqrt", "Reciprocal", "Neg", "Exp", "Log", "Tanh", "Erf", "Sigmoid", "Relu",
           "Cos", "Sin", "Abs", "Identity"]
    yield "unary", model([node(op, ["x"], [f"y{i}"]) for i, op in enumerate(ops)],
                         [X], [f"y{i}" for i in range(len(ops))])
    cmp = ["Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"]
    nodes = [node(op, ["x", "w"], [f"c{i}"]) for i, op in enumerate(cmp)]
    nodes += [node("And", ["c0", "c1"], ["a"]), node("Or", ["a", "c2"], ["o"]),
              node("Not", ["o"], ["n"]), node("Where", ["n", "x", "w"], ["y"]),
              node("Cast", ["n"], ["z"], to=F)]
    yield "logic", model(nodes, [X], ["y", "z"], [weights("w", 4)])
    yield "gelu20", model([node("Gelu", ["x"], ["y"], approximate="tanh")], [X], ["y"],
                          opset=20)


def matrix():
    yield "matmul", model([node("MatMul", ["x", "w"], ["y"])], [X3], ["y"], [weights("w", 8, 6)])
    yield "gemm", model([node("Gemm", ["x", "w", "b"], ["y"], alpha=0.5, transB=1)],
                        [vi("x", F, [3, 4])], ["y"], [weights("w", 5, 4), weights("b", 5)])
    yield "einsum", model([node("Einsum", ["x", "w"], ["y"], equation="bsd,de->bse")],
                          [X3], ["y"], [weights("w", 8, 3)])


def normalization():
    yield "softmax", model([node("Softmax", ["x"], ["s"], axis=-1),
                            node("LogSoftmax", ["s"], ["y"], axis=1)], [X], ["y"])
    yield "layernorm", model([node("LayerNormalization", ["x", "g", "b"], ["y", "m", "r"],
                                   axis=-1, epsilon=1e-5)],
                             [X3], ["y", "m", "r"], [weights("g", 8), weights("b", 8)])
    yield "rmsnorm23", model([node("RMSNormalization", ["x", "g"], ["y"])], [X3], ["y"],
                             [weights("g", 8)], opset=23)
    yield "reduce13", model([node("ReduceMean", ["x"], ["m"], axes=[1]),
                             node("ReduceSum", ["x", "axes"], ["s"], keepdims=0),
                             node("ReduceMax", ["x"], ["y"], axes=[-1])],
                            [X], ["m", "s", "y"], [const("axes", np.array([1], np.int64))],
                            opset=13)
    yield "reduce18", model([node("ReduceMean", ["x", "axes"], ["m"]),
                             node("ReduceMax", ["x", "axes"], ["y"], keepdims=0)],
                            [X], ["m", "y"], [const("axes", np.array([1], np.int64))], opset=18)
    yield "cumsum_topk", model([node("CumSum", ["x", "axis"], ["c"], exclusive=1),
                                node("TopK", ["c", "k"], ["v", "i"], axis=-1)],
                               [X], ["v", vi("i", I64, None)],
                               [const("axis", np.array(1, np.int64)),
                                const("k", np.array([2], np.int64))])


def shape():
    i64 = lambda n, v: const(n, np.array(v, np.int64))
    nodes = [node("Shape", ["x"], ["s"]), node("Gather", ["s", "zero"], ["b"], axis=0),
             node("Unsqueeze", ["b", "ax0"], ["b1"]), node("Concat", ["b1", "m1"], ["shp"], axis=0),
             node("Reshape", ["x", "shp"], ["r"]), node("Transpose", ["r"], ["t"], perm=[0, 2, 1]),
             node("Flatten", ["t"], ["y"], axis=1)]
    yield "reshape", model(nodes, [X3], ["y"], [i64("zero", 0), i64("ax0", [0]),
                                                 i64("m1", [-1, 4])], opset=13)
    nodes = [node("Split", ["x", "sizes"], ["a", "b"], axis=1),
             node("Slice", ["a", "st", "en", "axes", "steps"], ["sl"]),
             node("Squeeze", ["sl", "ax1"], ["sq"]),
             node("Expand", ["b", "eshape"], ["e"])]
    yield "split_slice", model(nodes, [vi("x", F, [3, 4])], ["sq", "e"],
                               [i64("sizes", [1, 3]), i64("st", [0]), i64("en", [1]),
                                i64("axes", [1]), i64("steps", [1]), i64("ax1", [1]),
                                i64("eshape", [2, 3, 3])], opset=13)
    yield "split18", model([node("Split", ["x"], ["a", "b"], axis=1, num_outputs=2)],
                           [vi("x", F, [3, 4])], ["a", "b"], opset=18)
    nodes = [node("Constant", [], ["c"], value=const("v", np.array([2, 3], np.int64))),
             node("ConstantOfShape", ["c"], ["z"], value=const("f", np.array([1.5], np.float32))),
             node("Range", ["s", "l", "d"], ["r"]), node("Trilu", ["z", "k"], ["t"], upper=0),
             node("NonZero", ["t"], ["nz"]),
             node("Constant", [], ["cf"], value_floats=[1.0, 2.0])]
    yield "generators", model(nodes, [], ["t", "cf", vi("r", I64, None), vi("nz", I64, None)],
                              [i64("s", 0), i64("l", 5), i64("d", 1), i64("k", 1)], opset=14)


def indexing():
    i64 = lambda n, v: const(n, np.array(v, np.int64))
    nodes = [node("Gather", ["emb", "ids"], ["e"], axis=0),
             node("GatherElements", ["x", "gi"], ["ge"], axis=1),
             node("GatherND", ["x", "ndi"], ["gn"]),
             node("ScatterND", ["x", "ndi", "upd"], ["sc"])]
    yield "gathers", model(nodes, [vi("ids", I64, [2, "seq"]), vi("x", F, [2, 3])],
                           ["e", "ge", "gn", "sc"],
                           [weights("emb", 10, 4), i64("gi", [[0, 2], [1, 0]]),
                            i64("ndi", [[0, 1], [1, 2]]), weights("upd", 2)])


def quantization():
    nodes = [node("DynamicQuantizeLinear", ["x"], ["q", "s", "z"]),
             node("MatMulInteger", ["q", "wq", "z", "wz"], ["acc"]),
             node("Cast", ["acc"], ["accf"], to=F), node("Mul", ["accf", "s"], ["y"]),
             node("QuantizeLinear", ["x", "qs", "qz"], ["q8"]),
             node("DequantizeLinear", ["q8", "qs", "qz"], ["dq"])]
    yield "quant", model(nodes, [vi("x", F, [2, 4])], ["y", "dq"],
                         [const("wq", rng.integers(0, 255, (4, 3), dtype=np.uint8)),
                          const("wz", np.array(128, np.uint8)),
                          const("qs", np.array(0.1, np.float32)),
                          const("qz", np.array(3, np.uint8))])
    k, n, block = 16, 4, 16
    packed = rng.integers(0, 255, (n, 1, block // 2), dtype=np.uint8)
    yield "matmulnbits", model(
        [node("MatMulNBits", ["x", "w", "sc"], ["y"], domain=MS, K=k, N=n, bits=4,
              block_size=block)],
        [vi("x", F, [2, k])], ["y"], [const("w", packed), weights("sc", n)], ms=True)


def contrib():
    nodes = [node("FastGelu", ["x", "b"], ["f"], domain=MS),
             node("BiasGelu", ["f", "b"], ["g"], domain=MS),
             node("Gelu", ["g"], ["h"], domain=MS),
             node("QuickGelu", ["h"], ["q"], domain=MS, alpha=1.5),
             node("SkipLayerNormalization", ["q", "x", "gm", "bt", "b"], ["sl", "", "", "sum"],
                  domain=MS, epsilon=1e-5),
             node("SkipSimplifiedLayerNormalization", ["sl", "x", "gm"], ["ss"], domain=MS),
             node("SimplifiedLayerNormalization", ["ss", "gm"], ["y"], domain=MS)]
    yield "contrib", model(nodes, [X3], ["y", "sum"],
                           [weights("b", 8), weights("gm", 8), weights("bt", 8)], ms=True)


def attention():
    q = vi("q", F, [1, 2, 3, 4])
    yield "attention23", model(
        [node("Attention", ["q", "k", "v", "", "pk", "pv"], ["y", "nk", "nv"], is_causal=1)],
        [q, vi("k", F, [1, 2, 3, 4]), vi("v", F, [1, 2, 3, 4]),
         vi("pk", F, [1, 2, "past", 4]), vi("pv", F, [1, 2, "past", 4])],
        ["y", "nk", "nv"], opset=23)
    yield "rotary23", model(
        [node("RotaryEmbedding", ["x", "cos", "sin", "pos"], ["y"], num_heads=2)],
        [vi("x", F, [1, 3, 8]), vi("pos", I64, [1, 3])], ["y"],
        [weights("cos", 6, 2), weights("sin", 6, 2)], opset=23)
    yield "ms_attention", model(
        [node("Attention", ["x", "w", "b", "mask"], ["y"], domain=MS, num_heads=2)],
        [vi("x", F, [1, 3, 8]), vi("mask", I64, [1, 3])], ["y"],
        [weights("w", 8, 24), weights("b", 24)], ms=True)
    yield "ms_mha_rotary", model(
        [node("RotaryEmbedding", ["q", "pos", "cos", "sin"], ["qr"], domain=MS, num_heads=2),
         node("MultiHeadAttention", ["qr", "k", "v"], ["y"], domain=MS, num_heads=2)],
        [vi("q", F, [1, 3, 8]), vi("k", F, [1, 3, 8]), vi("v", F, [1, 3, 8]),
         vi("pos", I64, [1])], ["y"], [weights("cos", 6, 2), weights("sin", 6, 2)], ms=True)


def transformer_block():
    """A tiny decoder layer as exporters write it: embedding, norm,
    projections, head split, masked softmax attention, MLP, residuals."""
    d, h = 8, 2
    i64 = lambda n, v: const(n, np.array(v, np.int64))
    nodes = [node("Gather", ["emb", "ids"], ["x"], axis=0),
             node("LayerNormalization", ["x", "g", "b"], ["n"], axis=-1),
             node("MatMul", ["n", "wq"], ["q"]), node("MatMul", ["n", "wk"], ["k"]),
             node("MatMul", ["n", "wv"], ["v"]),
             node("Reshape", ["q", "heads"], ["q4"]), node("Transpose", ["q4"], ["qt"], perm=[0, 2, 1, 3]),
             node("Reshape", ["k", "heads"], ["k4"]), node("Transpose", ["k4"], ["kt"], perm=[0, 2, 3, 1]),
             node("Reshape", ["v", "heads"], ["v4"]), node("Transpose", ["v4"], ["vt"], perm=[0, 2, 1, 3]),
             node("MatMul", ["qt", "kt"], ["s"]), node("Div", ["s", "scale"], ["ss"]),
             node("Shape", ["ids"], ["ish"]), node("Gather", ["ish", "one"], ["len"], axis=0),
             node("Unsqueeze", ["len", "ax0"], ["len1"]), node("Concat", ["len1", "len1"], ["mshape"], axis=0),
             node("ConstantOfShape", ["mshape"], ["ones"], value=const("o", np.array([1.0], np.float32))),
             node("Trilu", ["ones"], ["tri"], upper=0), node("Equal", ["tri", "zero"], ["masked"]),
             node("Where", ["masked", "ninf", "ss"], ["sm"]), node("Softmax", ["sm"], ["p"], axis=-1),
             node("MatMul", ["p", "vt"], ["a"]), node("Transpose", ["a"], ["at"], perm=[0, 2, 1, 3]),
             node("Reshape", ["at", "merge"], ["am"]), node("Add", ["x", "am"], ["r1"]),
             node("MatMul", ["r1", "w1"], ["m1"]), node("Gelu", ["m1"], ["m2"], domain=MS),
             node("MatMul", ["m2", "w2"], ["m3"]), node("Add", ["r1", "m3"], ["y"])]
    inits = [weights("emb", 16, d), weights("g", d), weights("b", d), weights("wq", d, d),
             weights("wk", d, d), weights("wv", d, d), weights("w1", d, 2 * d),
             weights("w2", 2 * d, d), i64("heads", [0, 0, h, d // h]), i64("merge", [0, 0, d]),
             const("scale", np.array(2.0, np.float32)), i64("one", 1), i64("ax0", [0]),
             const("zero", np.array(0.0, np.float32)), const("ninf", np.array(-1e9, np.float32))]
    yield "decoder_block", model(nodes, [vi("ids", I64, ["batch", "seq"])], ["y"], inits, ms=True)


def main(out):
    os.makedirs(out, exist_ok=True)
    for family in (elementwise, matrix, normalization, shape, indexing, quantization,
                   contrib, attention, transformer_block):
        for name, m in family():
            with open(os.path.join(out, name + ".onnx"), "wb") as f:
                f.write(m.SerializeToString())


if __name__ == "__main__":
    main(sys.argv[1])

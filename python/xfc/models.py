"""ONNX transformer graphs of any size with random weights, written with the
primitive operators exporters use (MatMul, Softmax, Where, Range, ...), for
tests, the demo and benchmarks.

    model = xfc.models.gpt2(layers=12, hidden=768, heads=12)
    model = xfc.models.llama(layers=4, hidden=1024, heads=16, kv_heads=4)

Inputs are `input_ids` and `attention_mask` ([batch, seq], int64, symbolic),
the output is `logits` ([batch, seq, vocab]).
"""

import numpy as np
from onnx import TensorProto, helper, numpy_helper


class _Graph:
    """Accumulates nodes and initializers under unique names."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def const(self, value, hint="c"):
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def weight(self, *shape, scale=0.05):
        return self.const((self.rng.standard_normal(shape) * scale).astype(np.float32), "w")

    def op(self, op_type, *inputs, outputs=1, **attrs):
        names = [self.name(op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, list(inputs), names,
                                           name=names[0], **attrs))
        return names[0] if outputs == 1 else names

    def i64(self, values):
        return self.const(np.array(values, dtype=np.int64), "i")

    def f32(self, value):
        return self.const(np.array(value, dtype=np.float32), "f")

    # Layers.
    def linear(self, x, n_in, n_out, bias=True):
        y = self.op("MatMul", x, self.weight(n_in, n_out))
        return self.op("Add", y, self.weight(n_out, scale=0.01)) if bias else y

    def layer_norm(self, x, dim):
        return self.op("LayerNormalization", x,
                       self.const(np.ones(dim, np.float32) + self.rng.standard_normal(dim).astype(np.float32) * 0.05),
                       self.weight(dim, scale=0.05), axis=-1, epsilon=1e-5)

    def rms_norm(self, x, dim, eps=1e-6):
        # x / sqrt(mean(x^2) + eps) * g, as exporters write it.
        mean = self.op("ReduceMean", self.op("Pow", x, self.f32(2.0)), axes=[-1])
        inv = self.op("Reciprocal", self.op("Sqrt", self.op("Add", mean, self.f32(eps))))
        g = self.const(np.ones(dim, np.float32) + self.rng.standard_normal(dim).astype(np.float32) * 0.05)
        return self.op("Mul", self.op("Mul", x, inv), g)

    def gelu_tanh(self, x):
        cube = self.op("Pow", x, self.f32(3.0))
        inner = self.op("Add", x, self.op("Mul", cube, self.f32(0.044715)))
        t = self.op("Tanh", self.op("Mul", inner, self.f32(np.sqrt(2 / np.pi))))
        return self.op("Mul", self.op("Mul", x, self.f32(0.5)), self.op("Add", t, self.f32(1.0)))

    def silu(self, x):
        return self.op("Mul", x, self.op("Sigmoid", x))

    def heads(self, x, n_heads, head):
        """[B, S, n*head] -> [B, n, S, head]."""
        r = self.op("Reshape", x, self.i64([0, 0, n_heads, head]))
        return self.op("Transpose", r, perm=[0, 2, 1, 3])

    def attention(self, q, k, v, bias, heads, kv_heads, head):
        """softmax(q k^T / sqrt(d) + bias) v with grouped key/value heads."""
        if kv_heads != heads:
            group = heads // kv_heads
            def repeat(t):
                u = self.op("Unsqueeze", t, self.i64([2]))
                e = self.op("Expand", u, self.i64([1, 1, group, 1, 1]))
                return self.op("Reshape", e, self.i64([0, heads, -1, head]))
            k, v = repeat(k), repeat(v)
        kt = self.op("Transpose", k, perm=[0, 1, 3, 2])
        s = self.op("Div", self.op("MatMul", q, kt), self.f32(np.sqrt(head)))
        p = self.op("Softmax", self.op("Add", s, bias), axis=-1)
        o = self.op("Transpose", self.op("MatMul", p, v), perm=[0, 2, 1, 3])
        return self.op("Reshape", o, self.i64([0, 0, heads * head]))

    def mask_bias(self, ids, mask):
        """Additive [B, 1, S, S] bias: causal, and padding from attention_mask."""
        seq = self.op("Gather", self.op("Shape", ids), self.i64(1))
        pos = self.op("Range", self.i64(0), seq, self.i64(1))
        causal = self.op("LessOrEqual", pos, self.op("Unsqueeze", pos, self.i64([1])))
        keep = self.op("Cast", self.op("Unsqueeze", mask, self.i64([1, 2])),
                       to=TensorProto.BOOL)
        allowed = self.op("And", causal, keep)
        return self.op("Where", allowed, self.f32(0.0), self.f32(-1e9)), pos

    def model(self, logits, name):
        self.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="logits"))
        logits = "logits"
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
             helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
            [helper.make_tensor_value_info(logits, TensorProto.FLOAT, ["batch", "seq", None])],
            initializer=self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        return model


def gpt2(layers=2, hidden=96, heads=3, vocab=384, max_positions=512, seed=0):
    """GPT-2: learned positions, pre-norm blocks, GELU (tanh) MLP, tied-free
    LM head."""
    g = _Graph(seed)
    head = hidden // heads
    tok = g.op("Gather", g.weight(vocab, hidden, scale=0.1), "input_ids", axis=0)
    bias, pos = g.mask_bias("input_ids", "attention_mask")
    x = g.op("Add", tok, g.op("Gather", g.weight(max_positions, hidden, scale=0.1), pos, axis=0))
    for _ in range(layers):
        h = g.layer_norm(x, hidden)
        q, k, v = g.op("Split", g.linear(h, hidden, 3 * hidden), g.i64([hidden] * 3),
                       axis=2, outputs=3)
        a = g.attention(g.heads(q, heads, head), g.heads(k, heads, head),
                        g.heads(v, heads, head), bias, heads, heads, head)
        x = g.op("Add", x, g.linear(a, hidden, hidden))
        m = g.linear(g.gelu_tanh(g.linear(g.layer_norm(x, hidden), hidden, 4 * hidden)),
                     4 * hidden, hidden)
        x = g.op("Add", x, m)
    logits = g.linear(g.layer_norm(x, hidden), hidden, vocab, bias=False)
    return g.model(logits, "gpt2")


def llama(layers=2, hidden=96, heads=4, kv_heads=2, ffn=256, vocab=384,
          max_positions=512, seed=0):
    """Llama: RMSNorm, rotary positions (rotate-half), grouped-query
    attention, SwiGLU MLP."""
    g = _Graph(seed)
    head = hidden // heads
    x = g.op("Gather", g.weight(vocab, hidden, scale=0.1), "input_ids", axis=0)
    bias, pos = g.mask_bias("input_ids", "attention_mask")
    inv = 1.0 / (10000 ** (np.arange(0, head, 2) / head))
    angles = np.outer(np.arange(max_positions), inv)
    table = np.concatenate([angles, angles], axis=1).astype(np.float32)
    cos = g.op("Gather", g.const(np.cos(table)), pos, axis=0)  # [S, head]
    sin = g.op("Gather", g.const(np.sin(table)), pos, axis=0)

    def rope(t):
        half = head // 2
        x1 = g.op("Slice", t, g.i64([0]), g.i64([half]), g.i64([3]))
        x2 = g.op("Slice", t, g.i64([half]), g.i64([head]), g.i64([3]))
        rotated = g.op("Concat", g.op("Neg", x2), x1, axis=3)
        return g.op("Add", g.op("Mul", t, cos), g.op("Mul", rotated, sin))

    for _ in range(layers):
        h = g.rms_norm(x, hidden)
        q = rope(g.heads(g.linear(h, hidden, hidden, bias=False), heads, head))
        k = rope(g.heads(g.linear(h, hidden, kv_heads * head, bias=False), kv_heads, head))
        v = g.heads(g.linear(h, hidden, kv_heads * head, bias=False), kv_heads, head)
        a = g.attention(q, k, v, bias, heads, kv_heads, head)
        x = g.op("Add", x, g.linear(a, hidden, hidden, bias=False))
        h = g.rms_norm(x, hidden)
        gate = g.silu(g.linear(h, hidden, ffn, bias=False))
        x = g.op("Add", x, g.linear(g.op("Mul", gate, g.linear(h, hidden, ffn, bias=False)),
                                    ffn, hidden, bias=False))
    logits = g.linear(g.rms_norm(x, hidden), hidden, vocab, bias=False)
    return g.model(logits, "llama")

"""ONNX transformer graphs of any size with random weights, written with the
primitive operators exporters use (MatMul, Softmax, Where, Range, ...), for
tests, the demo and benchmarks.

    model = xfc.models.gpt2(layers=12, hidden=768, heads=12)
    model = xfc.models.llama(layers=4, hidden=1024, heads=16, kv_heads=4)
    model = xfc.models.bert(layers=4, hidden=256, heads=4)
    model = xfc.models.mixtral(layers=2, hidden=256, heads=8, kv_heads=2, experts=8)

Inputs are `input_ids` and `attention_mask` ([batch, seq], int64, symbolic).
The decoders output `logits` ([batch, seq, vocab]); BERT, an encoder,
outputs `last_hidden_state` ([batch, seq, hidden]). Weights are named after
the Hugging Face modules they stand for (`layers.0.self_attn.q_proj.weight`),
so a reference implementation can find them.
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
        return self.param(self.name(hint), value)

    def param(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def weight(self, name, *shape, scale=0.05):
        return self.param(name, (self.rng.standard_normal(shape) * scale).astype(np.float32))

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
    def embedding(self, ids, rows, dim, name):
        return self.op("Gather", self.weight(f"{name}.weight", rows, dim, scale=0.1), ids, axis=0)

    def linear(self, x, n_in, n_out, name, bias=True):
        y = self.op("MatMul", x, self.weight(f"{name}.weight", n_in, n_out))
        return self.op("Add", y, self.weight(f"{name}.bias", n_out, scale=0.01)) if bias else y

    def gain(self, dim, name):
        """A norm's scale: near one, so layers neither vanish nor explode."""
        return self.param(name, np.ones(dim, np.float32)
                          + self.rng.standard_normal(dim).astype(np.float32) * 0.05)

    def layer_norm(self, x, dim, name, eps=1e-5):
        return self.op("LayerNormalization", x, self.gain(dim, f"{name}.weight"),
                       self.weight(f"{name}.bias", dim, scale=0.05), axis=-1, epsilon=eps)

    def rms_norm(self, x, dim, name, eps=1e-6):
        # x / sqrt(mean(x^2) + eps) * g, as exporters write it.
        mean = self.op("ReduceMean", self.op("Pow", x, self.f32(2.0)), axes=[-1])
        inv = self.op("Reciprocal", self.op("Sqrt", self.op("Add", mean, self.f32(eps))))
        return self.op("Mul", self.op("Mul", x, inv), self.gain(dim, f"{name}.weight"))

    def gelu_tanh(self, x):
        cube = self.op("Pow", x, self.f32(3.0))
        inner = self.op("Add", x, self.op("Mul", cube, self.f32(0.044715)))
        t = self.op("Tanh", self.op("Mul", inner, self.f32(np.sqrt(2 / np.pi))))
        return self.op("Mul", self.op("Mul", x, self.f32(0.5)), self.op("Add", t, self.f32(1.0)))

    def gelu_erf(self, x):
        # x * (1 + erf(x / sqrt(2))) * 0.5, as PyTorch exports exact GELU.
        e = self.op("Erf", self.op("Div", x, self.f32(np.sqrt(2.0))))
        return self.op("Mul", self.op("Mul", x, self.op("Add", e, self.f32(1.0))), self.f32(0.5))

    def silu(self, x):
        return self.op("Mul", x, self.op("Sigmoid", x))

    def swiglu(self, x, dim, ffn, name):
        gate = self.silu(self.linear(x, dim, ffn, f"{name}.gate_proj", bias=False))
        up = self.linear(x, dim, ffn, f"{name}.up_proj", bias=False)
        return self.linear(self.op("Mul", gate, up), ffn, dim, f"{name}.down_proj", bias=False)

    def moe(self, x, dim, ffn, experts, top_k, name):
        """Mixtral's sparse MoE block written densely: every expert runs on
        every token, weighted by its routing weight, which is zero outside
        the token's top k. Exact, and free of data-dependent shapes."""
        router = self.linear(x, dim, experts, f"{name}.gate", bias=False)
        top, index = self.op("TopK", self.op("Softmax", router, axis=-1), self.i64([top_k]),
                             axis=-1, outputs=2)
        top = self.op("Div", top, self.op("ReduceSum", top, self.i64([-1]), keepdims=1))
        # routing[b, s, e] = sum over k of top[b, s, k] * (index[b, s, k] == e)
        hit = self.op("Equal", self.op("Unsqueeze", index, self.i64([-1])),
                      self.i64(np.arange(experts)))
        weighted = self.op("Mul", self.op("Cast", hit, to=TensorProto.FLOAT),
                           self.op("Unsqueeze", top, self.i64([-1])))
        routing = self.op("ReduceSum", weighted, self.i64([2]), keepdims=0)
        out = None
        for e in range(experts):
            share = self.op("Slice", routing, self.i64([e]), self.i64([e + 1]), self.i64([2]))
            y = self.op("Mul", self.swiglu(x, dim, ffn, f"{name}.experts.{e}"), share)
            out = y if out is None else self.op("Add", out, y)
        return out

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

    def positions(self, ids):
        """0, 1, ..., seq - 1: positions do not shift for left padding."""
        seq = self.op("Gather", self.op("Shape", ids), self.i64(1))
        return self.op("Range", self.i64(0), seq, self.i64(1))

    def mask_bias(self, ids, mask):
        """Additive [B, 1, S, S] bias: causal, and padding from attention_mask."""
        pos = self.positions(ids)
        causal = self.op("LessOrEqual", pos, self.op("Unsqueeze", pos, self.i64([1])))
        keep = self.op("Cast", self.op("Unsqueeze", mask, self.i64([1, 2])),
                       to=TensorProto.BOOL)
        allowed = self.op("And", causal, keep)
        return self.op("Where", allowed, self.f32(0.0), self.f32(-1e9)), pos

    def padding_bias(self, mask):
        """Additive [B, 1, 1, S] bias as BertModel builds it:
        (1 - mask) * the lowest float32."""
        m = self.op("Cast", self.op("Unsqueeze", mask, self.i64([1, 2])), to=TensorProto.FLOAT)
        return self.op("Mul", self.op("Sub", self.f32(1.0), m),
                       self.f32(np.finfo(np.float32).min))

    def model(self, y, name, output="logits"):
        self.nodes.append(helper.make_node("Identity", [y], [output], name=output))
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
             helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["batch", "seq", None])],
            initializer=self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        return model


def gpt2(layers=2, hidden=96, heads=3, vocab=384, max_positions=512, seed=0):
    """GPT-2: learned positions, pre-norm blocks, GELU (tanh) MLP, tied-free
    LM head."""
    g = _Graph(seed)
    head = hidden // heads
    tok = g.embedding("input_ids", vocab, hidden, "wte")
    bias, pos = g.mask_bias("input_ids", "attention_mask")
    x = g.op("Add", tok, g.embedding(pos, max_positions, hidden, "wpe"))
    for i in range(layers):
        h = g.layer_norm(x, hidden, f"h.{i}.ln_1")
        q, k, v = g.op("Split", g.linear(h, hidden, 3 * hidden, f"h.{i}.attn.c_attn"),
                       g.i64([hidden] * 3), axis=2, outputs=3)
        a = g.attention(g.heads(q, heads, head), g.heads(k, heads, head),
                        g.heads(v, heads, head), bias, heads, heads, head)
        x = g.op("Add", x, g.linear(a, hidden, hidden, f"h.{i}.attn.c_proj"))
        h = g.layer_norm(x, hidden, f"h.{i}.ln_2")
        m = g.linear(g.gelu_tanh(g.linear(h, hidden, 4 * hidden, f"h.{i}.mlp.c_fc")),
                     4 * hidden, hidden, f"h.{i}.mlp.c_proj")
        x = g.op("Add", x, m)
    logits = g.linear(g.layer_norm(x, hidden, "ln_f"), hidden, vocab, "lm_head", bias=False)
    return g.model(logits, "gpt2")


def _decoder(g, name, layers, hidden, heads, kv_heads, vocab, max_positions, mlp):
    """The Llama decoder: RMSNorm, rotary positions (rotate-half),
    grouped-query attention; `mlp(h, name)` is each block's feed-forward."""
    head = hidden // heads
    x = g.embedding("input_ids", vocab, hidden, "embed_tokens")
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

    for i in range(layers):
        p = f"layers.{i}"
        h = g.rms_norm(x, hidden, f"{p}.input_layernorm")
        q, k, v = (g.heads(g.linear(h, hidden, n * head, f"{p}.self_attn.{part}", bias=False),
                           n, head)
                   for n, part in ((heads, "q_proj"), (kv_heads, "k_proj"), (kv_heads, "v_proj")))
        q, k = rope(q), rope(k)
        a = g.attention(q, k, v, bias, heads, kv_heads, head)
        x = g.op("Add", x, g.linear(a, hidden, hidden, f"{p}.self_attn.o_proj", bias=False))
        h = g.rms_norm(x, hidden, f"{p}.post_attention_layernorm")
        x = g.op("Add", x, mlp(h, f"{p}.mlp"))
    logits = g.linear(g.rms_norm(x, hidden, "norm"), hidden, vocab, "lm_head", bias=False)
    return g.model(logits, name)


def llama(layers=2, hidden=96, heads=4, kv_heads=2, ffn=256, vocab=384,
          max_positions=512, seed=0):
    """Llama: RMSNorm, rotary positions (rotate-half), grouped-query
    attention, SwiGLU MLP."""
    g = _Graph(seed)
    return _decoder(g, "llama", layers, hidden, heads, kv_heads, vocab, max_positions,
                    lambda h, name: g.swiglu(h, hidden, ffn, name))


def mixtral(layers=2, hidden=96, heads=4, kv_heads=2, ffn=192, experts=4, top_k=2,
            vocab=384, max_positions=512, seed=0):
    """Mixtral: the Llama decoder with a mixture of SwiGLU experts as each
    block's MLP (router softmax, top k, the k weights renormalized to sum to
    one), computed densely (see _Graph.moe)."""
    g = _Graph(seed)
    return _decoder(g, "mixtral", layers, hidden, heads, kv_heads, vocab, max_positions,
                    lambda h, name: g.moe(h, hidden, ffn, experts, top_k, name))


def bert(layers=2, hidden=96, heads=3, ffn=None, vocab=384, max_positions=512,
         type_vocab=2, seed=0):
    """BERT's encoder as PyTorch exports BertModel (no pooler): word,
    position and token-type embeddings, LayerNorm, post-norm blocks with
    bidirectional attention masked only at padding, exact (erf) GELU MLP
    `ffn` wide (4 * hidden by default). Token types are all zero, as
    BertModel makes them when given no token_type_ids, so the inputs are the
    other models' two."""
    g = _Graph(seed)
    ffn = ffn or 4 * hidden
    head = hidden // heads
    zeros = g.op("ConstantOfShape", g.op("Shape", "input_ids"),
                 value=helper.make_tensor("zero", TensorProto.INT64, [1], [0]))
    x = g.op("Add", g.embedding("input_ids", vocab, hidden, "embeddings.word_embeddings"),
             g.embedding(zeros, type_vocab, hidden, "embeddings.token_type_embeddings"))
    x = g.op("Add", x, g.embedding(g.positions("input_ids"), max_positions, hidden,
                                   "embeddings.position_embeddings"))
    x = g.layer_norm(x, hidden, "embeddings.LayerNorm", eps=1e-12)
    bias = g.padding_bias("attention_mask")
    for i in range(layers):
        p = f"encoder.layer.{i}"
        q, k, v = (g.heads(g.linear(x, hidden, hidden, f"{p}.attention.self.{part}"), heads, head)
                   for part in ("query", "key", "value"))
        a = g.linear(g.attention(q, k, v, bias, heads, heads, head), hidden, hidden,
                     f"{p}.attention.output.dense")
        x = g.layer_norm(g.op("Add", a, x), hidden, f"{p}.attention.output.LayerNorm", eps=1e-12)
        m = g.linear(g.gelu_erf(g.linear(x, hidden, ffn, f"{p}.intermediate.dense")),
                     ffn, hidden, f"{p}.output.dense")
        x = g.layer_norm(g.op("Add", m, x), hidden, f"{p}.output.LayerNorm", eps=1e-12)
    return g.model(x, "bert", output="last_hidden_state")

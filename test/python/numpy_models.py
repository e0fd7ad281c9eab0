"""NumPy implementations of xfc.models' BERT and Mixtral, written from the
models' definitions rather than from their graphs, and run on a graph's own
weights (found by name). Float32 throughout, like the graphs, so that masked
scores round the same way (-1e9 swallows a score in float32, not in float64).
"""

import math

import numpy as np
from onnx import numpy_helper

F32 = np.float32


def weights(model):
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def layer_norm(x, w, name, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + F32(eps)) * w[f"{name}.weight"] + w[f"{name}.bias"]


def rms_norm(x, w, name, eps=1e-6):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + F32(eps)) * w[f"{name}.weight"]


def linear(x, w, name):
    y = x @ w[f"{name}.weight"]
    return y + w[f"{name}.bias"] if f"{name}.bias" in w else y


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def split_heads(x, n):
    b, s, d = x.shape
    return x.reshape(b, s, n, d // n).transpose(0, 2, 1, 3)


def attend(q, k, v, bias):
    """q [B, H, S, d]; k, v [B, KV, S, d], KV dividing H (head h reads
    key/value head h // (H / KV))."""
    group = q.shape[1] // k.shape[1]
    k, v = np.repeat(k, group, axis=1), np.repeat(v, group, axis=1)
    p = softmax(q @ k.transpose(0, 1, 3, 2) / F32(math.sqrt(q.shape[-1])) + bias)
    b, h, s, d = q.shape
    return (p @ v).transpose(0, 2, 1, 3).reshape(b, s, h * d)


_erf = np.vectorize(math.erf)


def gelu(x):
    return (0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))).astype(F32)


def bert(w, ids, mask, layers, heads, **_):
    """BertModel's last_hidden_state with token types all zero."""
    seq = ids.shape[1]
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.token_type_embeddings.weight"][0]
         + w["embeddings.position_embeddings.weight"][:seq])
    x = layer_norm(x, w, "embeddings.LayerNorm", 1e-12)
    # Padding keys get the lowest float32, as BertModel's extended mask does.
    bias = ((1 - mask[:, None, None, :]) * np.finfo(F32).min).astype(F32)
    for i in range(layers):
        p = f"encoder.layer.{i}"
        q, k, v = (split_heads(linear(x, w, f"{p}.attention.self.{part}"), heads)
                   for part in ("query", "key", "value"))
        a = linear(attend(q, k, v, bias), w, f"{p}.attention.output.dense")
        x = layer_norm(a + x, w, f"{p}.attention.output.LayerNorm", 1e-12)
        m = linear(gelu(linear(x, w, f"{p}.intermediate.dense")), w, f"{p}.output.dense")
        x = layer_norm(m + x, w, f"{p}.output.LayerNorm", 1e-12)
    return x


def rope(t, seq):
    """Rotate-half rotary embedding at positions 0..seq-1 (base 10000)."""
    head = t.shape[-1]
    angles = np.outer(np.arange(seq), 1.0 / (10000 ** (np.arange(0, head, 2) / head)))
    angles = np.concatenate([angles, angles], axis=1)
    cos, sin = np.cos(angles).astype(F32), np.sin(angles).astype(F32)
    rotated = np.concatenate([-t[..., head // 2:], t[..., : head // 2]], axis=-1)
    return t * cos + rotated * sin


def swiglu(x, w, name):
    gate = linear(x, w, f"{name}.gate_proj")
    gate = gate / (1 + np.exp(-gate))
    return linear(gate * linear(x, w, f"{name}.up_proj"), w, f"{name}.down_proj")


def sparse_moe(x, w, name, top_k):
    """Mixtral's MoE as Mixtral runs it: each expert sees only the tokens
    that picked it, and its output is scaled by the renormalized weight."""
    tokens = x.reshape(-1, x.shape[-1])
    probs = softmax(linear(tokens, w, f"{name}.gate"))
    index = np.argsort(-probs, axis=-1, kind="stable")[:, :top_k]  # ties: lower index
    top = np.take_along_axis(probs, index, axis=-1)
    top = top / top.sum(-1, keepdims=True)
    out = np.zeros_like(tokens)
    for e in range(probs.shape[-1]):
        token, slot = np.nonzero(index == e)
        out[token] += swiglu(tokens[token], w, f"{name}.experts.{e}") * top[token, slot, None]
    return out.reshape(x.shape)


def mixtral(w, ids, mask, layers, heads, kv_heads, top_k, **_):
    """Mixtral's logits, with xfc.models' mask: a key is visible when it is
    not in the future and not padding; invisible ones get -1e9."""
    seq = ids.shape[1]
    pos = np.arange(seq)
    allowed = (pos[None, :] <= pos[:, None])[None, None] & (mask[:, None, None, :] != 0)
    bias = np.where(allowed, F32(0), F32(-1e9))
    x = w["embed_tokens.weight"][ids]
    for i in range(layers):
        p = f"layers.{i}"
        h = rms_norm(x, w, f"{p}.input_layernorm")
        q = rope(split_heads(linear(h, w, f"{p}.self_attn.q_proj"), heads), seq)
        k = rope(split_heads(linear(h, w, f"{p}.self_attn.k_proj"), kv_heads), seq)
        v = split_heads(linear(h, w, f"{p}.self_attn.v_proj"), kv_heads)
        x = x + linear(attend(q, k, v, bias), w, f"{p}.self_attn.o_proj")
        x = x + sparse_moe(rms_norm(x, w, f"{p}.post_attention_layernorm"), w, f"{p}.mlp", top_k)
    return linear(rms_norm(x, w, "norm"), w, "lm_head")

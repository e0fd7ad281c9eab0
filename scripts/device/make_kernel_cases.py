"""Small ONNX models that each exercise one kernel family of the CUDA back end
(GEMM, attention, MatMulNBits dequant-matmul) at awkward shapes: odd sequence
lengths, batch 1 and 7, head dims 64 and 128, grouped-query ratios 1, 4, 8.

    python3 scripts/device/make_kernel_cases.py DIR

For each case NAME it writes DIR/NAME.onnx, DIR/NAME.npz (the graph inputs, by
ONNX input name, for xfc-run) and DIR/NAME.ref.npz (the weights and mask the
reference needs, so the GPU side computes it in PyTorch without onnx), and
DIR/cases.json lists every case with its kind and shape parameters. Needs only
numpy and onnx (opset 17 plus com.microsoft). Inputs are fresh normal draws
from a generator seeded per case: never zeros, which hide unwritten outputs.
"""
import json, os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
from xfc.sparsity import magnitude, prune  # noqa: E402

OPSETS = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
F32 = TensorProto.FLOAT


def save(out, name, nodes, inputs, output_shape, initializers, feeds, ref):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, F32, a.shape) for n, a in inputs],
        [helper.make_tensor_value_info("Y", F32, output_shape)],
        [numpy_helper.from_array(a, n) for n, a in initializers.items()])
    model = helper.make_model(graph, opset_imports=OPSETS,
                              producer_name="make_kernel_cases")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name + ".onnx"))
    np.savez(os.path.join(out, name + ".npz"), **feeds)
    np.savez(os.path.join(out, name + ".ref.npz"), **ref)


def gemm(out, name, seed, b, m, k, n, bias, sparse=False):
    """X [B, M, K] @ W [K, N] (+ bias): a dense layer as exporters write it;
    with `sparse`, W pruned 2:4 along K by xfc's rule (the sparse tensor
    cores' kernel)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((b, m, k), dtype=np.float32)
    # Scaled so outputs stay O(1) at any K: the error measure is relative,
    # but this keeps bf16 rounding of the result comparable across shapes.
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    if sparse:
        w = prune(w, magnitude(w), True, "2:4")
    inits = {"W": w}
    nodes = [helper.make_node("MatMul", ["X", "W"], ["XW" if bias else "Y"])]
    if bias:
        inits["bias"] = rng.standard_normal(n, dtype=np.float32)
        nodes.append(helper.make_node("Add", ["XW", "bias"], ["Y"]))
    save(out, name, nodes, [("X", x)], [b, m, n], inits, {"X": x}, inits)


def attention(out, name, seed, b, h, hkv, s, d, mask, broadcast=False):
    """Scaled dot-product attention in the TorchScript exporter's spelling:
    MatMul(Q, Transpose(K)) * 1/sqrt(D) (+ a constant additive causal mask
    [S, S] holding 0 and `mask` above the diagonal: -inf or -1e9, the two
    spellings exporters use; None: no mask), Softmax, MatMul with V;
    grouped-query K and V repeated to H heads as Llama's repeat_kv exports
    them: Unsqueeze -> Expand -> Reshape. With `broadcast` (Hkv 1 only) the
    one K/V head meets all query heads through MatMul's broadcasting instead:
    only that form reaches xf.attention with Hkv < H (the repeat above stays
    a materialized expand in front of it), so it alone runs the kernels'
    grouped-head indexing."""
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((b, h, s, d), dtype=np.float32)
    k = rng.standard_normal((b, hkv, s, d), dtype=np.float32)
    v = rng.standard_normal((b, hkv, s, d), dtype=np.float32)
    inits = {"scale": np.array(1 / np.sqrt(d), np.float32)}
    nodes, keys, values = [], "K", "V"
    if h != hkv and not broadcast:
        rep = h // hkv
        inits["unsq_axes"] = np.array([2], np.int64)
        inits["expand_shape"] = np.array([b, hkv, rep, s, d], np.int64)
        inits["heads_shape"] = np.array([b, h, s, d], np.int64)
        for t in ("K", "V"):
            nodes += [
                helper.make_node("Unsqueeze", [t, "unsq_axes"], [t + "_u"]),
                helper.make_node("Expand", [t + "_u", "expand_shape"], [t + "_e"]),
                helper.make_node("Reshape", [t + "_e", "heads_shape"], [t + "_r"])]
        keys, values = "K_r", "V_r"
    nodes += [
        helper.make_node("Transpose", [keys], ["Kt"], perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["Q", "Kt"], ["QK"]),
        helper.make_node("Mul", ["QK", "scale"], ["scores"])]
    logits = "scores"
    ref = {}
    if mask is not None:
        inits["mask"] = ref["mask"] = np.triu(np.full((s, s), mask, np.float32), 1)
        nodes.append(helper.make_node("Add", ["scores", "mask"], ["masked"]))
        logits = "masked"
    nodes += [helper.make_node("Softmax", [logits], ["probs"], axis=-1),
              helper.make_node("MatMul", ["probs", values], ["Y"])]
    feeds = {"Q": q, "K": k, "V": v}
    save(out, name, nodes, list(feeds.items()), [b, h, s, d], inits, feeds, ref)


def matmul_nbits(out, name, seed, b, m, k, n, zero_points, flat_scales):
    """com.microsoft MatMulNBits as ONNX Runtime's int4 quantizer writes it
    (gpt2_int4 in the zoo): 4-bit, block_size 32, B uint8 [N, K/32, 16]
    (two weights a byte, low nibble first), scales f32 [N, K/32] (or flat
    [N * K/32], which the contrib op's spec also allows), zero points uint8
    [N, ceil(K/32 / 2)] packed the same way, or absent (then 8)."""
    rng = np.random.default_rng(seed)
    blocks = k // 32
    a = rng.standard_normal((b, m, k), dtype=np.float32)
    q = rng.integers(0, 16, (n, blocks, 32), dtype=np.uint8)
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
    # Scales sized so the dequantized weights are about 1/sqrt(K).
    scales = (rng.uniform(0.5, 1.5, (n, blocks)) / (4 * np.sqrt(k))).astype(np.float32)
    if flat_scales:
        scales = scales.reshape(-1)
    inits = {"B_q4": packed, "B_scales": scales}
    inputs = ["A", "B_q4", "B_scales"]
    if zero_points:
        zp = rng.integers(0, 16, (n, blocks + blocks % 2), dtype=np.uint8)
        inits["B_zero_points"] = (zp[:, 0::2] | (zp[:, 1::2] << 4)).astype(np.uint8)
        inputs.append("B_zero_points")
    node = helper.make_node("MatMulNBits", inputs, ["Y"], domain="com.microsoft",
                            K=k, N=n, bits=4, block_size=32)
    save(out, name, [node], [("A", a)], [b, m, n], inits, {"A": a}, inits)


# (kind, parameters); names are made from them. Weights stay modest (one
# 768x3072 weight of each kind): the libraries embed them, the references need
# them too, and all of it travels to the GPU machine in one archive under the
# device tool's 64 MB.
INF = float("inf")
CASES = [
    ("gemm", dict(b=1, m=1, k=64, n=96, bias=False)),
    ("gemm", dict(b=7, m=37, k=64, n=96, bias=True)),
    ("gemm", dict(b=1, m=129, k=64, n=96, bias=True)),
    ("gemm", dict(b=7, m=1, k=64, n=96, bias=False)),
    ("gemm", dict(b=7, m=37, k=768, n=3072, bias=True)),
    ("gemm", dict(b=1, m=1, k=1024, n=256, bias=True)),
    ("gemm", dict(b=7, m=129, k=1024, n=256, bias=False)),
    ("gemm", dict(b=1, m=37, k=1024, n=256, bias=True)),
    # 2:4 weights: the sparse kernel's GEMV configuration (at most 16 rows)
    # and its 64x64 one; K not whole 32-deep tiles, N not whole 16 columns.
    ("gemm", dict(b=1, m=1, k=100, n=20, bias=False, sparse=True)),
    ("gemm", dict(b=1, m=16, k=1024, n=256, bias=True, sparse=True)),
    ("gemm", dict(b=7, m=1, k=4096, n=48, bias=False, sparse=True)),
    ("gemm", dict(b=7, m=37, k=768, n=1000, bias=True, sparse=True)),
    ("gemm", dict(b=7, m=129, k=64, n=96, bias=True, sparse=True)),
    ("attention", dict(b=1, h=8, hkv=8, s=7, d=64, mask=None)),
    ("attention", dict(b=7, h=8, hkv=8, s=33, d=128, mask=-INF)),
    ("attention", dict(b=1, h=8, hkv=2, s=129, d=64, mask=-1e9)),
    ("attention", dict(b=7, h=8, hkv=2, s=7, d=128, mask=None)),
    ("attention", dict(b=1, h=8, hkv=1, s=33, d=128, mask=None)),
    ("attention", dict(b=7, h=8, hkv=1, s=129, d=64, mask=-INF)),
    ("attention", dict(b=7, h=8, hkv=8, s=65, d=64, mask=None)),
    ("attention", dict(b=1, h=16, hkv=2, s=129, d=128, mask=-INF)),
    ("attention", dict(b=7, h=8, hkv=1, s=33, d=64, mask=None, broadcast=True)),
    ("attention", dict(b=7, h=4, hkv=1, s=1, d=64, mask=-1e9)),
    ("matmul_nbits", dict(b=1, m=37, k=256, n=96, zero_points=True, flat_scales=False)),
    ("matmul_nbits", dict(b=7, m=1, k=768, n=3072, zero_points=False, flat_scales=False)),
    ("matmul_nbits", dict(b=7, m=129, k=256, n=96, zero_points=False, flat_scales=True)),
    ("matmul_nbits", dict(b=1, m=33, k=256, n=3072, zero_points=True, flat_scales=False)),
]
BUILDERS = {"gemm": gemm, "attention": attention, "matmul_nbits": matmul_nbits}


def case_name(kind, p):
    if kind == "attention":
        return (f"attn_b{p['b']}_h{p['h']}kv{p['hkv']}_s{p['s']}_d{p['d']}"
                + ("_causal" if p["mask"] is not None else "")
                + ("_bcast" if p.get("broadcast") else ""))
    name = f"{kind}_b{p['b']}_m{p['m']}_k{p['k']}_n{p['n']}"
    return name + "".join(f"_{flag}" for flag in ("bias", "zero_points", "flat_scales", "sparse")
                          if p.get(flag))


def main(out):
    os.makedirs(out, exist_ok=True)
    manifest = []
    for seed, (kind, params) in enumerate(CASES, 1000):
        name = case_name(kind, params)
        BUILDERS[kind](out, name, seed, **params)
        # The mask value as text: JSON has no -inf.
        params = {**params, **({"mask": str(params["mask"])} if "mask" in params else {})}
        manifest.append({"name": name, "kind": kind, "seed": seed, **params})
    json.dump(manifest, open(os.path.join(out, "cases.json"), "w"), indent=1)
    print(f"wrote {len(manifest)} cases to {out}")


if __name__ == "__main__":
    main(sys.argv[1])

"""Writes an end-to-end test program for one lowering case.

Usage: make_case.py CASE OUT.mlir [--seed N]

The program holds fresh random inputs (never all zeros), runs xf ops on
them and compares the result with NumPy's inside the program: it prints [1]
when the largest error, relative to the largest expected magnitude, is
within the case's tolerance and [0] otherwise, then that error, so a wrong
lowering fails FileCheck. Inputs with symbolic dimensions are cast to
dynamic tensor types first, so the dynamic-shape paths run.
"""

import argparse
import math

import numpy as np

erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def attention(q, k, v, keep, causal):
    """xf.attention's definition: grouped heads, a boolean mask, the causal
    diagonal aligned to the end of the keys, all-masked rows giving zeros."""
    group = q.shape[1] // k.shape[1]
    k, v = np.repeat(k, group, axis=1), np.repeat(v, group, axis=1)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    sq, sk = q.shape[2], k.shape[2]
    allowed = np.broadcast_to(keep, s.shape)
    if causal:
        allowed = allowed & (np.arange(sk)[None, :] <= np.arange(sq)[:, None] + sk - sq)
    s = np.where(allowed, s, -np.inf)
    top = s.max(-1, keepdims=True)
    e = np.where(allowed, np.exp(s - np.where(np.isinf(top), 0, top)), 0)
    total = e.sum(-1, keepdims=True)
    p = np.where(total > 0, e / np.where(total > 0, total, 1), 0)
    return p @ v


def rope(x, cos, sin, interleaved):
    """xf.rope's definition: the first 2 * cos.shape[2] channels of each head
    rotate, the rest pass."""
    half = cos.shape[2]
    c, s = cos[:, None], sin[:, None]
    out = x.copy()
    if interleaved:
        a, b = x[..., 0:2 * half:2], x[..., 1:2 * half:2]
        out[..., 0:2 * half:2] = a * c - b * s
        out[..., 1:2 * half:2] = b * c + a * s
    else:
        a, b = x[..., :half], x[..., half:2 * half]
        out[..., :half] = a * c - b * s
        out[..., half:2 * half] = b * c + a * s
    return out


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# name: (inputs {name: (shape, dynamic dims)}, body, result, its type,
#        expected(inputs), tolerance)
CASES = {
    "broadcast_arith": (
        {"a": ((4, 6), [0]), "b": ((6,), []), "c": ((1, 6), [])},
        """
  %s = xf.add %a, %b : (tensor<?x6xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %m = xf.mul %s, %c : (tensor<?x6xf32>, tensor<1x6xf32>) -> tensor<?x6xf32>
  %d = xf.sub %m, %a : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %bb = xf.mul %b, %b : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %den = xf.add %bb, %one : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %r = xf.div %d, %den : (tensor<?x6xf32>, tensor<6xf32>) -> tensor<?x6xf32>""",
        "%r", "tensor<?x6xf32>",
        lambda a, b, c: ((a + b) * c - a) / (b * b + 1), 1e-6),
    "unary_math": (
        {"x": ((3, 8), [0, 1])},
        """
  %ax = xf.abs %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %ax1 = xf.add %ax, %one : (tensor<?x?xf32>, tensor<f32>) -> tensor<?x?xf32>
  %t1 = xf.sqrt %ax : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t2 = xf.exp %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t3 = xf.log %ax1 : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t4 = xf.tanh %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t5 = xf.erf %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t6 = xf.sigmoid %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t7 = xf.relu %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t8 = xf.neg %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t9 = xf.cos %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t10 = xf.sin %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t11 = xf.reciprocal %ax1 : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t12 = xf.gelu %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %t13 = xf.gelu %x {approximate = "tanh"} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %p = arith.constant dense<1.5> : tensor<f32>
  %t14 = xf.pow %ax, %p : (tensor<?x?xf32>, tensor<f32>) -> tensor<?x?xf32>
  %r = xf.max %t1, %t2, %t3, %t4, %t5, %t6, %t7, %t8, %t9, %t10, %t11, %t12, %t13, %t14 : (tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>""",
        "%r", "tensor<?x?xf32>",
        lambda x: np.maximum.reduce([
            np.sqrt(abs(x)), np.exp(x), np.log(abs(x) + 1), np.tanh(x), erf(x), sigmoid(x),
            np.maximum(x, 0), -x, np.cos(x), np.sin(x), 1 / (abs(x) + 1), gelu(x),
            gelu_tanh(x), abs(x) ** 1.5]), 1e-5),
    "compare_where": (
        {"a": ((5, 7), [0]), "b": ((7,), [])},
        """
  %zero = arith.constant dense<0.0> : tensor<f32>
  %gt = xf.greater %a, %b : (tensor<?x7xf32>, tensor<7xf32>) -> tensor<?x7xi1>
  %le0 = xf.less_or_equal %a, %zero : (tensor<?x7xf32>, tensor<f32>) -> tensor<?x7xi1>
  %pos = xf.not %le0 : (tensor<?x7xi1>) -> tensor<?x7xi1>
  %both = xf.and %gt, %pos : (tensor<?x7xi1>, tensor<?x7xi1>) -> tensor<?x7xi1>
  %w = xf.where %both, %a, %b : (tensor<?x7xi1>, tensor<?x7xf32>, tensor<7xf32>) -> tensor<?x7xf32>
  %lt = xf.less %a, %b : (tensor<?x7xf32>, tensor<7xf32>) -> tensor<?x7xi1>
  %eq = xf.equal %a, %b : (tensor<?x7xf32>, tensor<7xf32>) -> tensor<?x7xi1>
  %either = xf.or %lt, %eq : (tensor<?x7xi1>, tensor<?x7xi1>) -> tensor<?x7xi1>
  %ef = xf.cast %either : (tensor<?x7xi1>) -> tensor<?x7xf32>
  %mn = xf.min %a, %b : (tensor<?x7xf32>, tensor<7xf32>) -> tensor<?x7xf32>
  %s = xf.add %w, %ef : (tensor<?x7xf32>, tensor<?x7xf32>) -> tensor<?x7xf32>
  %r = xf.add %s, %mn : (tensor<?x7xf32>, tensor<?x7xf32>) -> tensor<?x7xf32>""",
        "%r", "tensor<?x7xf32>",
        lambda a, b: np.where((a > b) & ~(a <= 0), a, b) + (a <= b) + np.minimum(a, b), 1e-6),
    "casts": (
        {"x": ((6, 4), [1])},
        """
  %ten = arith.constant dense<10.0> : tensor<f32>
  %y = xf.mul %x, %ten : (tensor<6x?xf32>, tensor<f32>) -> tensor<6x?xf32>
  %i = xf.cast %y : (tensor<6x?xf32>) -> tensor<6x?xi32>
  %l = xf.cast %i : (tensor<6x?xi32>) -> tensor<6x?xi64>
  %r = xf.cast %l : (tensor<6x?xi64>) -> tensor<6x?xf32>""",
        "%r", "tensor<6x?xf32>", lambda x: np.trunc(x * np.float32(10)), 0),
    "matmul_2d": (
        {"a": ((5, 16), [0]), "b": ((16, 8), [])},
        "\n  %r = xf.matmul %a, %b : (tensor<?x16xf32>, tensor<16x8xf32>) -> tensor<?x8xf32>",
        "%r", "tensor<?x8xf32>", lambda a, b: a @ b, 1e-5),
    "matmul_rows": (
        {"a": ((2, 3, 16), [0, 1]), "b": ((16, 8), [])},
        "\n  %r = xf.matmul %a, %b : (tensor<?x?x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>",
        "%r", "tensor<?x?x8xf32>", lambda a, b: a @ b, 1e-5),
    "matmul_batched": (
        {"a": ((2, 3, 5, 8), [0, 2]), "b": ((2, 3, 8, 4), [0])},
        "\n  %r = xf.matmul %a, %b : (tensor<?x3x?x8xf32>, tensor<?x3x8x4xf32>) -> tensor<?x3x?x4xf32>",
        "%r", "tensor<?x3x?x4xf32>", lambda a, b: a @ b, 1e-5),
    "matmul_broadcast_batch": (
        {"a": ((2, 3, 4, 8), []), "b": ((3, 8, 5), [])},
        "\n  %r = xf.matmul %a, %b : (tensor<2x3x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>",
        "%r", "tensor<2x3x4x5xf32>", lambda a, b: a @ b, 1e-5),
    "gemm": (
        {"a": ((16, 6), [1]), "b": ((8, 16), []), "c": ((8,), [])},
        "\n  %r = xf.gemm %a, %b, %c {trans_a = true, trans_b = true, alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<16x?xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<?x8xf32>",
        "%r", "tensor<?x8xf32>", lambda a, b, c: 0.5 * (a.T @ b.T) + 2.0 * c, 1e-5),
    "reductions": (
        {"x": ((3, 5, 4), [0, 1])},
        """
  %s = xf.reduce_sum %x {axes = array<i64: 1>} : (tensor<?x?x4xf32>) -> tensor<?x1x4xf32>
  %m = xf.reduce_mean %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<?x?x4xf32>) -> tensor<4xf32>
  %x2 = xf.max %x, %s : (tensor<?x?x4xf32>, tensor<?x1x4xf32>) -> tensor<?x?x4xf32>
  %mx = xf.reduce_max %x2 {axes = array<i64: -1>} : (tensor<?x?x4xf32>) -> tensor<?x?x1xf32>
  %t = xf.add %mx, %m : (tensor<?x?x1xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %r = xf.transpose %t {perm = array<i64: 2, 0, 1>} : (tensor<?x?x4xf32>) -> tensor<4x?x?xf32>""",
        "%r", "tensor<4x?x?xf32>",
        lambda x: np.transpose(
            np.maximum(x, x.sum(1, keepdims=True)).max(-1, keepdims=True) + x.mean((0, 1)),
            (2, 0, 1)), 1e-5),
    "reshapes": (
        {"x": ((2, 3, 4), [0, 2])},
        """
  %s = arith.constant dense<[0, -1]> : tensor<2xi64>
  %flat = xf.reshape %x, %s : (tensor<?x3x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %u = xf.unsqueeze %flat {axes = array<i64: 0, -1>} : (tensor<?x?xf32>) -> tensor<1x?x?x1xf32>
  %q = xf.squeeze %u {axes = array<i64: 0>} : (tensor<1x?x?x1xf32>) -> tensor<?x?x1xf32>
  %f = xf.flatten %q {axis = 2 : i64} : (tensor<?x?x1xf32>) -> tensor<?x1xf32>
  %back = arith.constant dense<[3, 8]> : tensor<2xi64>
  %r = xf.reshape %f, %back : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<3x8xf32>""",
        "%r", "tensor<3x8xf32>", lambda x: x.reshape(3, 8), 0),
    "attention": (
        {"q": ((1, 4, 5, 8), [2]), "k": ((1, 2, 7, 8), [2]), "v": ((1, 2, 7, 8), [2]),
         "m": ((1, 1, 5, 7), [])},
        """
  %zero = arith.constant dense<0.0> : tensor<f32>
  %mask = xf.greater %m, %zero : (tensor<1x1x5x7xf32>, tensor<f32>) -> tensor<1x1x5x7xi1>
  %r = xf.attention %q, %k, %v, %mask {causal = true} : (tensor<1x4x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x1x5x7xi1>) -> tensor<1x4x?x8xf32>""",
        "%r", "tensor<1x4x?x8xf32>", lambda q, k, v, m: attention(q, k, v, m > 0, True), 1e-5),
    "linear_gated_mlp": (
        {"x": ((2, 3, 8), [1]), "w": ((8, 8), []), "b": ((8,), []), "g": ((8, 16), []),
         "u": ((8, 16), []), "d": ((16, 8), [])},
        """
  %h = xf.linear %x, %w, %b {activation = #xf<activation gelu_tanh>} : (tensor<2x?x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<2x?x8xf32>
  %r = xf.gated_mlp %h, %g, %u, %d : (tensor<2x?x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x?x8xf32>""",
        "%r", "tensor<2x?x8xf32>",
        lambda x, w, b, g, u, d: (lambda h: ((h @ g) * sigmoid(h @ g) * (h @ u)) @ d)(
            gelu_tanh(x @ w + b)), 1e-5),
    "rope": (
        {"x": ((1, 2, 5, 8), [2]), "c": ((1, 5, 3), [1]), "s": ((1, 5, 3), [1])},
        """
  %a = xf.rope %x, %c, %s : (tensor<1x2x?x8xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>) -> tensor<1x2x?x8xf32>
  %b = xf.rope %x, %c, %s {interleaved = true} : (tensor<1x2x?x8xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>) -> tensor<1x2x?x8xf32>
  %r = xf.concat %a, %b {axis = 0 : i64} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<2x2x?x8xf32>""",
        "%r", "tensor<2x2x?x8xf32>",
        lambda x, c, s: np.concatenate([rope(x, c, s, False), rope(x, c, s, True)]), 1e-5),
    # Several query and key blocks with partial last ones (32 x 64 blocks),
    # a padding mask [B, 1, 1, Sk] as booleans and as a large negative bias.
    "attention_blocks": (
        {"q": ((2, 4, 70, 16), [2]), "k": ((2, 1, 150, 16), [2]),
         "v": ((2, 1, 150, 16), [2]), "m": ((2, 1, 1, 150), [3])},
        """
  %limit = arith.constant dense<-1.5> : tensor<f32>
  %keep = xf.greater %m, %limit : (tensor<2x1x1x?xf32>, tensor<f32>) -> tensor<2x1x1x?xi1>
  %big = arith.constant dense<-1.0e30> : tensor<f32>
  %none = arith.constant dense<0.0> : tensor<f32>
  %add = xf.where %keep, %none, %big : (tensor<2x1x1x?xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x1x?xf32>
  %a = xf.attention %q, %k, %v, %keep {causal = true} : (tensor<2x4x?x16xf32>, tensor<2x1x?x16xf32>, tensor<2x1x?x16xf32>, tensor<2x1x1x?xi1>) -> tensor<2x4x?x16xf32>
  %b = xf.attention %q, %k, %v, %add : (tensor<2x4x?x16xf32>, tensor<2x1x?x16xf32>, tensor<2x1x?x16xf32>, tensor<2x1x1x?xf32>) -> tensor<2x4x?x16xf32>
  %r = xf.add %a, %b : (tensor<2x4x?x16xf32>, tensor<2x4x?x16xf32>) -> tensor<2x4x?x16xf32>""",
        "%r", "tensor<2x4x?x16xf32>",
        lambda q, k, v, m: attention(q, k, v, m > -1.5, True) + attention(q, k, v, m > -1.5, False),
        1e-5),
    # More queries than keys under the causal limit: the first 20 query rows
    # see no key and are zeros.
    "attention_no_keys": (
        {"q": ((1, 2, 70, 8), [2]), "k": ((1, 2, 50, 8), [2]), "v": ((1, 2, 50, 8), [2])},
        """
  %r = xf.attention %q, %k, %v {causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>""",
        "%r", "tensor<1x2x?x8xf32>", lambda q, k, v: attention(q, k, v, True, True), 1e-5),
    # Kernels built from configurations given by hand, not the selected
    # ones: attention in blocks of 16 queries by 8 keys (partial last
    # blocks, a causal limit and a padding mask), and a product in 4x16
    # register blocks whose 3 rows left over go through 1x48 blocks, its
    # constant weight packed in 16-column panels, 4 columns past the last.
    "attention_configured": (
        {"q": ((1, 4, 37, 16), [2]), "k": ((1, 2, 45, 16), [2]),
         "v": ((1, 2, 45, 16), [2]), "m": ((1, 1, 1, 45), [3])},
        """
  %limit = arith.constant dense<-1.5> : tensor<f32>
  %keep = xf.greater %m, %limit : (tensor<1x1x1x?xf32>, tensor<f32>) -> tensor<1x1x1x?xi1>
  %r = xf.attention %q, %k, %v, %keep {causal = true, xf.kernel_config = #xf.kernel_config<vector, tile = [16, 8]>} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x1x1x?xi1>) -> tensor<1x4x?x16xf32>""",
        "%r", "tensor<1x4x?x16xf32>",
        lambda q, k, v, m: attention(q, k, v, m > -1.5, True), 1e-5),
    "matmul_configured": (
        {"a": ((11, 24), [0]), "b": ((24, 100), [])},
        """
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %a, %c0 : tensor<?x24xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty(%rows) : tensor<?x100xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x100xf32>) -> tensor<?x100xf32>
  %r = linalg.matmul {xf.kernel_config = #xf.kernel_config<vector, tile = [4, 16, 48]>} ins(%a, %b : tensor<?x24xf32>, tensor<24x100xf32>) outs(%init : tensor<?x100xf32>) -> tensor<?x100xf32>""",
        "%r", "tensor<?x100xf32>", lambda a, b: a @ b, 1e-5),
}

# The vector products, written out: each result is reshaped by NumPy's rules
# and summed into one checked value.
CASES["matmul_vectors"] = (
    {"v": ((16,), []), "m": ((16, 8), []), "n": ((4, 16), [0])},
    """
  %vm = xf.matmul %v, %m : (tensor<16xf32>, tensor<16x8xf32>) -> tensor<8xf32>
  %nv = xf.matmul %n, %v : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?xf32>
  %vv = xf.matmul %v, %v : (tensor<16xf32>, tensor<16xf32>) -> tensor<f32>
  %nvc = xf.add %nv, %vv : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %col = xf.unsqueeze %nvc {axes = array<i64: 1>} : (tensor<?xf32>) -> tensor<?x1xf32>
  %r = xf.add %col, %vm : (tensor<?x1xf32>, tensor<8xf32>) -> tensor<?x8xf32>""",
    "%r", "tensor<?x8xf32>",
    lambda v, m, n: (n @ v + v @ v)[:, None] + v @ m, 1e-5)


def dense(array):
    """A dense attribute literal, nested like the array."""
    def render(a):
        if a.ndim == 0:
            return f"{float(a):.9e}"
        return "[" + ", ".join(render(x) for x in a) + "]"
    return f"dense<{render(np.asarray(array))}>"


def tensor_type(shape, dynamic=()):
    dims = ["?" if i in dynamic else str(d) for i, d in enumerate(shape)]
    return "tensor<" + "".join(d + "x" for d in dims) + "f32>"


def write(case, out, seed):
    inputs, body, result, result_type, expected_fn, tol = CASES[case]
    rng = np.random.default_rng(seed)
    arrays = {}
    lines = ["func.func private @printMemrefF32(tensor<*xf32>)",
             "func.func @main() {"]
    for name, (shape, dynamic) in inputs.items():
        a = rng.uniform(-2, 2, size=shape).astype(np.float32)
        a[a == 0] = 0.5  # never zero
        arrays[name] = a
        static = tensor_type(shape)
        if dynamic:
            lines.append(f"  %{name}_static = arith.constant {dense(a)} : {static}")
            lines.append(f"  %{name} = tensor.cast %{name}_static : {static} to "
                         f"{tensor_type(shape, dynamic)}")
        else:
            lines.append(f"  %{name} = arith.constant {dense(a)} : {static}")
    lines.append(body.strip("\n"))
    expected = np.asarray(expected_fn(*arrays.values()), dtype=np.float64)
    static = tensor_type(expected.shape)
    scale = max(1.0, float(np.abs(expected).max()))
    lines += [
        f"  %got = tensor.cast {result} : {result_type} to {static}",
        f"  %want = arith.constant {dense(expected.astype(np.float32))} : {static}",
        f"  %diff = xf.sub %got, %want : ({static}, {static}) -> {static}",
        f"  %adiff = xf.abs %diff : ({static}) -> {static}",
        f"  %maxerr = xf.reduce_max %adiff {{keepdims = false}} : ({static}) -> tensor<f32>",
        f"  %scale = arith.constant dense<{scale:.9e}> : tensor<f32>",
        "  %err = xf.div %maxerr, %scale : (tensor<f32>, tensor<f32>) -> tensor<f32>",
        f"  %tol = arith.constant dense<{tol:.3e}> : tensor<f32>",
        "  %ok = xf.less_or_equal %err, %tol : (tensor<f32>, tensor<f32>) -> tensor<i1>",
        "  %okf = xf.cast %ok : (tensor<i1>) -> tensor<f32>",
        "  %oku = tensor.cast %okf : tensor<f32> to tensor<*xf32>",
        "  call @printMemrefF32(%oku) : (tensor<*xf32>) -> ()",
        "  %erru = tensor.cast %err : tensor<f32> to tensor<*xf32>",
        "  call @printMemrefF32(%erru) : (tensor<*xf32>) -> ()",
        "  return",
        "}",
    ]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write(args.case, args.out, args.seed)

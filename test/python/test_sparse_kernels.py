"""xfc's CPU kernels that read only a sparse weight's nonzeros
(xf-cpu-sparse-matmul), against NumPy's dense product by the same weights.

One model holds every case, each product with its own input: K that is not
a multiple of the 16-lane chunk, K of more than one block of 32 chunks, N that is not a multiple of the 4-column
tile, 2:4 weights, 95% zeros with whole zero columns and tiles, Gemm's
transposed B with a bias, an all-zero weight, and a weight with 30% zeros
(dense kernels); and what --report=sparsity says of them. Compiled for this
machine's CPU (the sparse kernels where it has AVX-512) and for x86-64-v3
(AVX2: every weight stays dense, the same answers), run on fresh random
inputs of 1 row (one token), 3 (rows one by one), 6 (a block of 6), 13
(two blocks and one more) and 2x5. The sums are f32 in another order than
NumPy's float64: 1e-5 relative L2.
"""

import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import xfc

TOLERANCE = 1e-5
# name: K, N, kind of weight, op ("MatMul", or "Gemm" with transB and a bias)
CASES = {
    "odd_k": (37, 10, "sixty", "MatMul"),
    "two_four": (64, 48, "2:4", "MatMul"),
    "very_sparse": (96, 33, "ninety_five", "MatMul"),
    "gemm_trans_b": (50, 20, "half", "Gemm"),
    "all_zero": (24, 8, "zero", "MatMul"),
    "mostly_dense": (40, 12, "thirty", "MatMul"),
    "long_k": (600, 12, "sixty", "MatMul"),
}
DENSE = {"mostly_dense"}


def weight(rng, k, n, kind):
    w = rng.standard_normal((k, n)).astype(np.float32)
    if kind == "2:4":
        for g in range(0, k, 4):
            drop = np.argsort(np.abs(w[g:g + 4]), axis=0, kind="stable")[:2]
            np.put_along_axis(w[g:g + 4], drop, 0, axis=0)
        return w
    if kind == "zero":
        return np.zeros_like(w)
    fraction = {"sixty": 0.6, "half": 0.5, "thirty": 0.3, "ninety_five": 0.95}[kind]
    w[rng.random((k, n)) < fraction] = 0
    if kind == "ninety_five":
        w[:, 4:8] = 0  # a whole tile of columns
        w[:, 13] = 0
    return w


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    rng = np.random.default_rng()
    nodes, inits, refs, ins, outs = [], [], {}, [], []
    for name, (k, n, kind, op) in CASES.items():
        w = weight(rng, k, n, kind)
        x, y = f"x_{name}", f"y_{name}"
        if op == "Gemm":
            bias = rng.standard_normal(n).astype(np.float32)
            inits += [numpy_helper.from_array(np.ascontiguousarray(w.T), f"w_{name}"),
                      numpy_helper.from_array(bias, f"b_{name}")]
            nodes.append(helper.make_node("Gemm", [x, f"w_{name}", f"b_{name}"], [y], transB=1))
            refs[name] = (w, bias)
            shape = ["gemm_rows", k]
        else:
            inits.append(numpy_helper.from_array(w, f"w_{name}"))
            nodes.append(helper.make_node("MatMul", [x, f"w_{name}"], [y]))
            refs[name] = (w, None)
            shape = ["batch", "rows", k]
        ins.append(helper.make_tensor_value_info(x, TensorProto.FLOAT, shape))
        outs.append(helper.make_tensor_value_info(y, TensorProto.FLOAT, shape[:-1] + [n]))
    graph = helper.make_graph(nodes, "sparse", ins, outs, inits)
    path = tmp_path_factory.mktemp("sparse") / "sparse.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path, refs


def has_avx512():
    with open("/proc/cpuinfo") as info:
        return " avx512f" in info.read()


def test_sparse_weights_get_the_sparse_kernels(model, build_dir):
    """With AVX-512, every weight with at least 40% zeros is read by the
    sparse kernel (the all-zero one too); the 30% one is not."""
    if not has_avx512():
        pytest.skip("the sparse kernels need AVX-512")
    path, _ = model
    kernels = subprocess.run([build_dir / "bin" / "xfc", path, "--emit=kernels",
                              "--cpu=x86-64-v4"],
                             capture_output=True, text=True, check=True).stdout
    sparse = len(CASES) - len(DENSE)
    assert kernels.count(".sparse_values> : tensor<") == sparse
    assert "xf.expand_lanes" in kernels


@pytest.mark.parametrize("cpu", [None, "x86-64-v3"], ids=["native", "avx2"])
def test_sparse_products_match_numpy(model, tmp_path, build_dir, cpu):
    path, refs = model
    library = xfc.load(xfc.compile(path, tmp_path / "sparse.so", cpu=cpu))
    rng = np.random.default_rng()
    for batch, rows in [(1, 1), (1, 3), (1, 6), (1, 13), (2, 5)]:
        feeds = {}
        for name, (k, _, _, op) in CASES.items():
            shape = (batch * rows, k) if op == "Gemm" else (batch, rows, k)
            feeds[f"x_{name}"] = rng.standard_normal(shape).astype(np.float32)
        outputs = library.run(feeds)
        for name, (w, bias) in refs.items():
            want = feeds[f"x_{name}"].astype(np.float64) @ w
            if bias is not None:
                want = want + bias
            got = outputs[f"y_{name}"]
            assert got.shape == want.shape
            scale = max(np.linalg.norm(want), 1e-30)
            error = np.linalg.norm(got - want) / scale
            assert error < TOLERANCE, f"{name} at {batch}x{rows}: {error:.2e}"


@pytest.mark.parametrize("cpu,sparse", [("x86-64-v4", 6), ("x86-64-v3", 0)])
def test_sparsity_report(model, build_dir, cpu, sparse):
    """--report=sparsity names each weight with its pattern along K, the
    fraction nonzero, its bytes and kernel; AVX2 targets have no sparse
    kernels."""
    path, _ = model
    run = subprocess.run([build_dir / "bin" / "xfc", path, "--report=sparsity", f"--cpu={cpu}"],
                         capture_output=True, text=True, check=True)
    lines = {name: next(line for line in run.stdout.splitlines() if f"'w_{name}'" in line)
             for name in CASES}
    assert "K 64 x N 48, 2:4, 50.0% nonzero, 0.01 MB" in lines["two_four"]
    assert "K 37 x N 10, unstructured" in lines["odd_k"]
    assert "K 50 x N 20, unstructured" in lines["gemm_trans_b"]
    assert "K 24 x N 8, 2:4, 0.0% nonzero" in lines["all_zero"]
    assert "K 40 x N 12, dense" in lines["mostly_dense"]
    assert lines["mostly_dense"].endswith("(dense kernel)")
    kernel = "(sparse kernel)" if sparse else "(dense kernel)"
    assert all(lines[name].endswith(kernel) for name in CASES if name not in DENSE)
    assert f"weights: {len(CASES)}, on sparse kernels: {sparse}, bytes" in run.stdout


def is_two_four(w):
    """At most 2 nonzeros in each group of 4 along K (w's rows)."""
    k = w.shape[0]
    padded = np.concatenate([w, np.zeros(((-k) % 4, w.shape[1]), w.dtype)])
    return bool(((padded.reshape(-1, 4, w.shape[1]) != 0).sum(axis=1) <= 2).all())


@pytest.mark.parametrize("precision", ["bf16", "fp32"])
def test_cuda_sparsity_report(model, build_dir, precision):
    """On CUDA the 2:4 weights (two_four, all_zero, and others whose random
    zeros happen to leave at most 2 in each group of 4) go to the sparse
    tensor cores in bf16, packed: K 64 x N 48 is 2 x 3 tiles of 576 bytes;
    in f32 every weight stays dense. The others stay dense (bf16 copies)."""
    path, refs = model
    run = subprocess.run([build_dir / "bin" / "xfc", path, "--report=sparsity",
                          "--target=cuda", f"--precision={precision}"],
                         capture_output=True, text=True, check=True)
    lines = {name: next(line for line in run.stdout.splitlines() if f"'w_{name}'" in line)
             for name in CASES}
    sparse = {name for name, (w, _) in refs.items() if is_two_four(w)} if precision == "bf16" else set()
    assert precision == "fp32" or {"two_four", "all_zero"} <= sparse
    for name in CASES:
        assert lines[name].endswith("(sparse kernel)" if name in sparse else "(dense kernel)"), name
    if sparse:
        assert "2:4 weights, on the sparse tensor cores" in run.stdout
        assert lines["two_four"].endswith("0.01 MB -> 0.00 MB (sparse kernel)")
    assert f"weights: {len(CASES)}, on sparse kernels: {len(sparse)}, bytes" in run.stdout

"""xfc's 2:4 sparse tensor-core products against its dense ones and cuBLAS.

Each case is an ONNX MatMul of an input X [M, K] by a constant W [K, N],
compiled for CUDA with --precision=bf16 twice: W pruned 2:4 along K by
xfc's rule (the sparse kernel: mma.sp) and W as drawn (the dense kernel:
mma.sync). Kernel time does not depend on the values, and the carry holds
64 MB, so W repeats a random [64, 128] block (64 deep: whole groups of 4,
so the pruned W repeats the pruned block); both machines build it from the
seed. On the GPU machine each library runs through Model.run_on_device,
PyTorch multiplies the same operands in bf16 (cuBLAS dense, and
torch.sparse's semi-structured 2:4 where it runs). Times: the kernels'
device time from PyTorch's profiler (CUPTI), median over 20 runs after 5
warm-up runs, and the whole call's median wall time. The sparse result is
checked against float64 with the pruned W.

  here:  /usr/bin/python3 bench/gpu_sparse_vs_dense.py prepare
  there: python3 bench/gpu_sparse_vs_dense.py run   (carry: carry/sparse-gemm.tgz)
         (writes $OUT/h100-sparse.json, prints a table)
  here:  cp <files>/h100-sparse.json bench/results/
"""

import json
import os
import pathlib
import statistics
import subprocess
import sys
import tarfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
CASES = [(1, 4096, 11008), (16, 4096, 11008), (4096, 4096, 4096), (8192, 8192, 8192)]
ARCHIVE = ROOT / "carry" / "sparse-gemm.tgz"


def name(m, k, n, sparse):
    return f"gemm_m{m}_k{k}_n{n}_{'sparse' if sparse else 'dense'}"


def weight(k, n, sparse):
    """W [K, N], the same on both machines (NumPy's PCG64 is stable)."""
    from xfc.sparsity import magnitude, prune
    rng = np.random.default_rng(k * 1_009 + n)
    block = rng.standard_normal((64, 128), dtype=np.float32) / np.float32(np.sqrt(k))
    if sparse:
        block = prune(block, magnitude(block), True, "2:4")
    return np.tile(block, (k // 64, n // 128))


def prepare():
    from gpu_gemm_vs_torch import compile_matmul
    folder = ROOT / "carry" / "sparse-gemm"
    folder.mkdir(parents=True, exist_ok=True)
    for m, k, n in CASES:
        for sparse in (True, False):
            compile_matmul(folder, name(m, k, n, sparse), m, weight(k, n, sparse), ["bf16"])
    with tarfile.open(ARCHIVE, "w:gz") as archive:
        archive.add(folder, arcname="sparse-gemm")
    subprocess.run(["rm", "-rf", str(folder)], check=True)


def device_ms(step, repeats=20, warmup=5):
    """(median kernel ms per call, median wall ms per call)."""
    import torch
    from torch.profiler import ProfilerActivity, profile
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    walls, kernels = [], []
    for _ in range(repeats):
        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            start = time.perf_counter()
            step()
            torch.cuda.synchronize()
            walls.append(time.perf_counter() - start)
        kernels.append(sum(e.device_time_total for e in prof.key_averages()
                           if e.device_type.name == "CUDA") / 1e3)
    return statistics.median(kernels), statistics.median(walls) * 1e3


def run():
    import torch
    import xfc
    folder = pathlib.Path("/tmp/xfc-sparse-gemm")
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(folder)
    folder = folder / "sparse-gemm"
    out = pathlib.Path(os.environ.get("OUT", "/tmp/out"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for m, k, n in CASES:
        x = torch.randn(m, k, device="cuda")
        row = {"m": m, "k": k, "n": n}
        for sparse in (True, False):
            kind = "sparse" if sparse else "dense"
            w = torch.from_numpy(weight(k, n, sparse)).cuda()
            model = xfc.load(folder / f"{name(m, k, n, sparse)}.bf16.so")
            result = {}

            def ours():
                result["y"] = model.run_on_device({"x": x})["y"]

            row[f"xfc_{kind}_kernel_ms"], row[f"xfc_{kind}_wall_ms"] = device_ms(ours)
            reference = x.double() @ w.double()
            y = torch.as_tensor(result["y"], device="cuda")
            row[f"xfc_{kind}_relative_error"] = (
                (y.double() - reference).norm() / reference.norm()).item()
            xb, wb = x.bfloat16(), w.bfloat16()
            if not sparse:
                row["cublas_kernel_ms"], row["cublas_wall_ms"] = device_ms(lambda: xb @ wb)
                continue
            try:
                # torch's 2:4 kernels take the sparse operand first: (W^T X^T)^T.
                from torch.sparse import to_sparse_semi_structured
                wt = to_sparse_semi_structured(wb.t().contiguous())
                xt = xb.t().contiguous()
                row["torch_sparse_kernel_ms"], _ = device_ms(lambda: wt @ xt)
            except Exception as error:  # reported, not fatal: a baseline only
                row["torch_sparse_error"] = f"{type(error).__name__}: {error}"[:200]
        flops = 2.0 * m * k * n
        for key in ("xfc_sparse", "xfc_dense", "cublas", "torch_sparse"):
            if f"{key}_kernel_ms" in row:
                row[f"{key}_tflops"] = flops / row[f"{key}_kernel_ms"] / 1e9
        row["sparse_over_dense_speed"] = row["xfc_dense_kernel_ms"] / row["xfc_sparse_kernel_ms"]
        row["sparse_over_cublas_speed"] = row["cublas_kernel_ms"] / row["xfc_sparse_kernel_ms"]
        # What the weights alone take from memory at one token.
        row["sparse_weight_gb_per_s"] = k * n * 1.125 / row["xfc_sparse_kernel_ms"] / 1e6
        row["dense_weight_gb_per_s"] = k * n * 2 / row["xfc_dense_kernel_ms"] / 1e6
        rows.append(row)
    gpu = torch.cuda.get_device_name()
    json.dump({"gpu": gpu, "torch": torch.__version__, "rows": rows},
              open(out / "h100-sparse.json", "w"), indent=1)
    print(f"GPU: {gpu}, torch {torch.__version__}")
    print("| M x K x N | xfc 2:4 ms | xfc dense ms | cuBLAS ms | torch 2:4 ms | "
          "2:4 / dense speed | 2:4 / cuBLAS speed | 2:4 rel. error |")
    for r in rows:
        print(f"| {r['m']}x{r['k']}x{r['n']} | {r['xfc_sparse_kernel_ms']:.4f} | "
              f"{r['xfc_dense_kernel_ms']:.4f} | {r['cublas_kernel_ms']:.4f} | "
              f"{r.get('torch_sparse_kernel_ms', float('nan')):.4f} | "
              f"{r['sparse_over_dense_speed']:.2f} | {r['sparse_over_cublas_speed']:.2f} | "
              f"{r['xfc_sparse_relative_error']:.1e} |")


if __name__ == "__main__":
    {"prepare": prepare, "run": run}[sys.argv[1]]()

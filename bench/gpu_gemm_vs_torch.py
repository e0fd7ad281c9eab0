"""xfc's tensor-core matrix products against PyTorch (cuBLAS) on the GPU.

Each case is an ONNX MatMul of an input X [M, K] by a constant W [K, N],
compiled for CUDA with --precision=bf16 and tf32. On the GPU machine the
library runs through Model.run_on_device on PyTorch tensors (no host
copies); PyTorch multiplies the same operands, pre-rounded to bf16 (or with
TF32 allowed), the way cuBLAS is normally used. Both are timed around the
call, synchronized, median of 50 runs after 10 warm-up runs; xfc's time
therefore includes its launches and output allocation. Also checks the
result against float64.

  here:  /usr/bin/python3 bench/gpu_gemm_vs_torch.py prepare
         (writes carry/gemm.tgz; the device tool carries it)
  there: python3 bench/gpu_gemm_vs_torch.py run
         (writes $OUT/h100-gemm.json, prints a table)
  here:  cp <files>/h100-gemm.json bench/results/
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
CASES = [(128, 768, 3072), (4096, 1024, 1024), (2048, 2048, 2048)]
PRECISIONS = ["bf16", "tf32"]
ARCHIVE = ROOT / "carry" / "gemm.tgz"


def name(m, k, n):
    return f"gemm_m{m}_k{k}_n{n}"


def weight(m, k, n):
    """The case's weight, made the same way on both machines (NumPy's PCG64
    and normal sampling are stable), so it need not travel."""
    rng = np.random.default_rng(m * 1_000_003 + k * 1_009 + n)
    return rng.standard_normal((k, n), dtype=np.float32) / np.float32(np.sqrt(k))


def compile_matmul(folder, stem, m, w, precisions):
    """An ONNX MatMul of an input x [m, K] by the constant w [K, N], compiled
    for CUDA into folder/STEM.PRECISION.so at each precision (the ONNX file
    is not kept)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    import xfc
    k, n = w.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], stem,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(w, "w")])
    model_path = folder / f"{stem}.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              model_path)
    for precision in precisions:
        xfc.compile(model_path, folder / f"{stem}.{precision}.so",
                    target="cuda", precision=precision)
    model_path.unlink()


def prepare():
    folder = ROOT / "carry" / "gemm"
    folder.mkdir(parents=True, exist_ok=True)
    for m, k, n in CASES:
        compile_matmul(folder, name(m, k, n), m, weight(m, k, n), PRECISIONS)
    with tarfile.open(ARCHIVE, "w:gz") as archive:
        archive.add(folder, arcname="gemm")
    subprocess.run(["rm", "-rf", str(folder)], check=True)


def median_seconds(step, repeats=50, warmup=10):
    import torch
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run():
    import torch
    import xfc
    folder = pathlib.Path("/tmp/xfc-gemm")
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(folder)
    folder = folder / "gemm"
    out = pathlib.Path(os.environ.get("OUT", "/tmp/out"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for m, k, n in CASES:
        w = torch.from_numpy(weight(m, k, n)).cuda()
        x = torch.randn(m, k, device="cuda")
        reference = x.double() @ w.double()
        flops = 2.0 * m * k * n
        for precision in PRECISIONS:
            model = xfc.load(folder / f"{name(m, k, n)}.{precision}.so")
            result = {}

            def ours():
                result["y"] = model.run_on_device({"x": x})["y"]

            ours_s = median_seconds(ours)
            y = torch.as_tensor(result["y"], device="cuda")
            error = ((y.double() - reference).norm() / reference.norm()).item()
            torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
            if precision == "bf16":
                xb, wb = x.bfloat16(), w.bfloat16()
                theirs_s = median_seconds(lambda: xb @ wb)
            else:
                theirs_s = median_seconds(lambda: x @ w)
            rows.append({"m": m, "k": k, "n": n, "precision": precision,
                         "xfc_ms": ours_s * 1e3, "torch_ms": theirs_s * 1e3,
                         "xfc_tflops": flops / ours_s / 1e12,
                         "torch_tflops": flops / theirs_s / 1e12,
                         "xfc_over_torch": ours_s / theirs_s,
                         "relative_error": error})
    gpu = torch.cuda.get_device_name()
    json.dump({"gpu": gpu, "torch": torch.__version__, "rows": rows},
              open(out / "h100-gemm.json", "w"), indent=1)
    print(f"GPU: {gpu}, torch {torch.__version__}")
    print("| M x K x N | precision | xfc ms | torch ms | xfc TFLOP/s | torch TFLOP/s | "
          "xfc / torch | rel. error |")
    for r in rows:
        print(f"| {r['m']}x{r['k']}x{r['n']} | {r['precision']} | {r['xfc_ms']:.3f} | "
              f"{r['torch_ms']:.3f} | {r['xfc_tflops']:.1f} | {r['torch_tflops']:.1f} | "
              f"{r['xfc_over_torch']:.2f} | {r['relative_error']:.1e} |")


if __name__ == "__main__":
    {"prepare": prepare, "run": run}[sys.argv[1]]()

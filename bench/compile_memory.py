"""Peak memory of compiling models whose weights are large against the size
of their weights: the compiler maps the ONNX external data and keeps the
weights it derives (packed, transposed) in files, so its peak should stay
well under the weights, with either place for the library's weights file.

Models (written once with random weights into bench/.models, git-ignored,
as ONNX with external data): GPT-2-small (0.65 GB of fp32 weights) and a
Llama with TinyLlama-1.1B's shape (4.4 GB). Each is compiled with
--weights=embedded and --weights=external; the peak is the largest resident
set of xfc and of the programs it runs (the C compiler and linker), as the
kernel reports it for waited-for children. Writes
bench/results/compile-memory.json and prints a table.

    /usr/bin/python3 bench/compile_memory.py [--models gpt2_small,tinyllama]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))
import xfc.models  # noqa: E402

MODELS = {
    "gpt2_small": lambda: xfc.models.gpt2(layers=12, hidden=768, heads=12, vocab=50257,
                                          max_positions=1024),
    "tinyllama": lambda: xfc.models.llama(layers=22, hidden=2048, heads=32, kv_heads=4,
                                          ffn=5632, vocab=32000, max_positions=2048),
}


def model_path(name):
    """The model with its weights as external data, written once."""
    import onnx
    folder = ROOT / "bench" / ".models"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.external.onnx"
    if not path.exists():
        onnx.save(MODELS[name](), str(path), save_as_external_data=True,
                  all_tensors_to_one_file=True, location=f"{name}.external.data")
    return path


def peak_compile(model, weights, out):
    """Seconds and peak resident bytes of one compile, in a child process of
    its own so that the kernel's peak for waited-for children is this
    compile's alone."""
    xfc_binary = Path(os.environ.get("XFC_BUILD_DIR", ROOT / "build")) / "bin" / "xfc"
    script = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True)\n"
        "seconds = time.perf_counter() - start\n"
        "print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    result = subprocess.run(
        [sys.executable, "-c", script, str(xfc_binary), str(model), f"--weights={weights}",
         "-o", str(out), "--quiet"],
        check=True, capture_output=True, text=True)
    seconds, kib = result.stdout.split()
    return float(seconds), int(kib) * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    rows = []
    for name in args.models.split(","):
        model = model_path(name)
        weight_bytes = (model.parent / f"{name}.external.data").stat().st_size
        for weights in ("embedded", "external"):
            with tempfile.TemporaryDirectory() as folder:
                seconds, peak = peak_compile(model, weights, Path(folder) / f"{name}.so")
            rows.append({"model": name, "weights": weights, "weight_bytes": weight_bytes,
                         "peak_bytes": peak, "peak_over_weights": round(peak / weight_bytes, 3),
                         "compile_s": round(seconds, 1)})
            print(f"| {name} | {weights} | {weight_bytes / 1e9:.2f} GB | "
                  f"{peak / 1e9:.2f} GB | {peak / weight_bytes:.2f} | {seconds:.0f} s |",
                  flush=True)
    out = ROOT / "bench" / "results" / "compile-memory.json"
    out.write_text(json.dumps({"cpu_count": os.cpu_count(), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()

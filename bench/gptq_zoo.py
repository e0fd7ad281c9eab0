"""GPTQ against round to nearest on the zoo: relative L2 error of each
output against the fp32 output of the zoo's .npz, both int4 MatMulNBits
(blocks of 32, zero points unless --symmetric) compiled by xfc.

GPTQ calibrates on seeded random token ids (and masks like the evaluation
inputs': right padding where those have any) of the evaluation shapes,
never on the evaluation inputs.

    PYTHONPATH=python /usr/bin/python3 bench/gptq_zoo.py \\
        [--models gpt2_ts llama_ts] [--samples 16] [--sequential]
"""

import argparse
import pathlib
import tempfile
import time

import numpy as np
import onnx

import xfc
from xfc.gptq import quantize_gptq
from xfc.matmul_nbits import quantize_to_matmul_nbits

ZOO = pathlib.Path(__file__).resolve().parents[2] / "shared" / "models" / "zoo"


def vocabulary(model):
    """Rows of the largest constant table a Gather reads (the token
    embedding)."""
    initializers = {t.name: t for t in model.graph.initializer}
    rows = [initializers[node.input[0]].dims[0] for node in model.graph.node
            if node.op_type == "Gather" and node.input[0] in initializers]
    if not rows:
        raise ValueError("no Gather from a constant table")
    return max(rows)


def calibration_samples(model, evaluation, count, seed, folder, accepts):
    """`count` .npz files of random inputs shaped as `evaluation`'s that
    `accepts` (the fp32 model runs them: a traced loop over the experts its
    trace reached refuses inputs that reach fewer)."""
    rng = np.random.default_rng(seed)
    vocab = vocabulary(model)
    paths = []
    for i in range(count * 8):
        if len(paths) == count:
            break
        sample = {}
        for name, value in evaluation.items():
            if name.startswith("out:"):
                continue
            if "mask" in name:
                mask = np.ones_like(value)
                if (value == 0).any():  # padded evaluation rows: pad some here too
                    for row in mask.reshape(-1, value.shape[-1]):
                        row[value.shape[-1] - rng.integers(0, value.shape[-1] // 2 + 1):] = 0
                sample[name] = mask
            elif "position" in name:
                sample[name] = np.broadcast_to(np.arange(value.shape[-1]), value.shape) \
                    .astype(value.dtype)
            else:
                sample[name] = rng.integers(0, vocab, value.shape).astype(value.dtype)
        if not accepts(sample):
            continue
        paths.append(folder / f"calibration{i}.npz")
        np.savez(paths[-1], **sample)
    return paths


def output_errors(model, evaluation, folder, tag):
    path, library = folder / f"{tag}.onnx", folder / f"{tag}.so"
    onnx.save(model, str(path))
    xfc.compile(str(path), str(library))
    compiled = xfc.load(str(library))
    outputs = compiled.run({i.name: evaluation[i.name] for i in compiled.inputs})
    return {name: float(np.linalg.norm(outputs[name] - evaluation["out:" + name]) /
                        np.linalg.norm(evaluation["out:" + name])) for name in outputs}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", nargs="+",
                        default=["gpt2_ts", "llama_ts", "bert_ts", "llama_dynamo",
                                 "gpt2_ortfused"])
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--block-size", type=int, default=32)
    parser.add_argument("--symmetric", action="store_true")
    parser.add_argument("--sequential", action="store_true")
    parser.add_argument("--damp", type=float, default=0.01)
    args = parser.parse_args()
    settings = dict(bits=4, block_size=args.block_size, symmetric=args.symmetric)
    for name in args.models:
        model = onnx.load(str(ZOO / f"{name}.onnx"))
        evaluation = dict(np.load(ZOO / f"{name}.npz"))
        with tempfile.TemporaryDirectory() as folder:
            folder = pathlib.Path(folder)
            xfc.compile(str(ZOO / f"{name}.onnx"), str(folder / "fp32.so"))
            fp32 = xfc.load(str(folder / "fp32.so"))

            def accepts(sample):
                try:
                    fp32.run({i.name: sample[i.name] for i in fp32.inputs})
                    return True
                except xfc.XfcError:
                    return False
            calibration = calibration_samples(model, evaluation, args.samples, 1234, folder,
                                              accepts)
            try:
                rtn = output_errors(quantize_to_matmul_nbits(model, **settings), evaluation,
                                    folder, "rtn")
            except xfc.XfcError as error:
                print(f"{name}: does not compile ({str(error).splitlines()[0][:100]})")
                continue
            start = time.perf_counter()
            gptq_model = quantize_gptq(model, calibration, damp=args.damp,
                                       sequential=args.sequential, **settings)
            seconds = time.perf_counter() - start
            gptq = output_errors(gptq_model, evaluation, folder, "gptq")
        for output in rtn:
            print(f"{name} {output}: rtn {rtn[output]:.4e} gptq {gptq[output]:.4e} "
                  f"ratio {gptq[output] / rtn[output]:.3f} gptq {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main()

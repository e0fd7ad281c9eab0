"""xfc.matmul_nbits against ONNX Runtime's own MatMulNBits quantizer, byte
for byte, on a machine with the onnxruntime Python package (the GPU
machine; xfc itself is not needed there).

    python3 scripts/device/check-matmul-nbits.py [MODEL.onnx|-] [OUT.json]

Quantizes the fp32 MODEL (without one, or with "-": a 2-layer GPT-2 of
width 160 written by the repository's xfc.models, so that K = 160 and 640
leave partial and odd numbers of blocks) with ONNX Runtime's
MatMulNBitsQuantizer (MatMul4BitsQuantizer in older releases; its default
round-to-nearest algorithm, accuracy_level None) and with
python/xfc/matmul_nbits.py, 4 bits with blocks of 32 and 128, asymmetric and
symmetric, and 8 bits the same where this onnxruntime quantizes 8 bits.
For each MatMulNBits node (matched by output name) it reports whether B,
scales and zero points are byte-identical (and how many bytes differ), and
runs both files with ONNX Runtime's CPU provider on the same random inputs:
the largest absolute difference of their outputs, and each one's relative
L2 error against the fp32 model. Prints a line per setting and writes the
whole as JSON to OUT.json (default: $OUT/check-matmul-nbits.json when $OUT
is set).
"""

import importlib.util
import json
import os
import pathlib
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

ROOT = pathlib.Path(__file__).resolve().parents[2]
SETTINGS = [(bits, block, symmetric) for bits in (4, 8) for block in (32, 128)
            for symmetric in (False, True)]


def load_ours():
    spec = importlib.util.spec_from_file_location(
        "matmul_nbits", ROOT / "python" / "xfc" / "matmul_nbits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_model(path):
    sys.path.insert(0, str(ROOT / "python"))
    import xfc.models
    onnx.save(xfc.models.gpt2(layers=2, hidden=160, heads=5, vocab=384), path)


def ort_quantize(model, bits, block_size, symmetric):
    """ONNX Runtime's quantizer's model; None where it has no `bits`-bit
    quantizer."""
    try:
        from onnxruntime.quantization.matmul_nbits_quantizer import (
            DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer as Quantizer)
    except ImportError:
        from onnxruntime.quantization.matmul_4bits_quantizer import (
            DefaultWeightOnlyQuantConfig, MatMul4BitsQuantizer as Quantizer)
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    try:
        config = DefaultWeightOnlyQuantConfig(block_size=block_size, is_symmetric=symmetric,
                                              accuracy_level=None, bits=bits)
    except TypeError:
        if bits != 4:
            return None
        config = None  # older releases: 4 bits only, configured by the quantizer
    quantizer = Quantizer(copy, block_size=block_size, is_symmetric=symmetric,
                          accuracy_level=None, algo_config=config)
    quantizer.process()
    return quantizer.model.model


def nbits_nodes(model):
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    nodes = {}
    for node in model.graph.node:
        if node.op_type == "MatMulNBits":
            arrays = [inits.get(name) for name in node.input[1:4]] + [None] * 3
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            nodes[node.output[0]] = (attrs, arrays[:3])
    return nodes


def differing_bytes(a, b):
    if a is None or b is None:
        return None if a is None and b is None else "only in one file"
    if a.shape != b.shape or a.dtype != b.dtype:
        return f"{a.dtype}{list(a.shape)} against {b.dtype}{list(b.shape)}"
    return int(np.count_nonzero(np.frombuffer(a.tobytes(), np.uint8) !=
                                np.frombuffer(b.tobytes(), np.uint8)))


def compare_nodes(theirs, ours):
    rows = []
    a, b = nbits_nodes(theirs), nbits_nodes(ours)
    for output in sorted(set(a) | set(b)):
        if output not in a or output not in b:
            rows.append({"node": output, "only_in": "ort" if output in a else "xfc"})
            continue
        (attrs_a, arrays_a), (attrs_b, arrays_b) = a[output], b[output]
        row = {"node": output, "K": attrs_a.get("K"), "N": attrs_a.get("N"),
               "attributes_equal": attrs_a == attrs_b}
        for name, x, y in zip(("B", "scales", "zero_points"), arrays_a, arrays_b):
            diff = differing_bytes(x, y)
            row[f"{name}_identical"] = diff in (0, None)
            row[f"{name}_differing_bytes"] = diff
        if arrays_a[1] is not None and arrays_b[1] is not None and \
                arrays_a[1].shape == arrays_b[1].shape:
            row["scales_max_abs_diff"] = float(np.abs(arrays_a[1] - arrays_b[1]).max())
        rows.append(row)
    return rows


def random_feeds(model):
    rng = np.random.default_rng(0)
    feeds = {}
    types = {onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.INT64: np.int64,
             onnx.TensorProto.INT32: np.int32}
    for value in model.graph.input:
        tensor = value.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else (1 if i == 0 else 9)
                 for i, d in enumerate(tensor.shape.dim)]
        dtype = types[tensor.elem_type]
        if "mask" in value.name:
            feeds[value.name] = np.ones(shape, dtype)
        elif dtype == np.float32:
            feeds[value.name] = rng.standard_normal(shape).astype(dtype)
        else:
            feeds[value.name] = rng.integers(0, 64, shape).astype(dtype)
    return feeds


def run(path, feeds):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def relative(got, want):
    return max(float(np.linalg.norm(g - w) / np.linalg.norm(w)) for g, w in zip(got, want))


def main():
    args = sys.argv[1:]
    ours = load_ours()
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        source = pathlib.Path(args[0]) if args and args[0] != "-" else work / "gpt2_small.onnx"
        if not source.exists():
            small_model(source)
        model = onnx.load(source)
        feeds = random_feeds(model)
        reference = run(source, feeds)
        results = []
        for bits, block_size, symmetric in SETTINGS:
            setting = {"bits": bits, "block_size": block_size, "symmetric": symmetric}
            theirs = ort_quantize(model, bits, block_size, symmetric)
            if theirs is None:
                results.append(dict(setting, skipped="this onnxruntime quantizes 4 bits only"))
                print(results[-1], flush=True)
                continue
            mine = ours.quantize_to_matmul_nbits(model, bits, block_size, symmetric)
            onnx.save(theirs, work / "ort.onnx")
            onnx.save(mine, work / "xfc.onnx")
            out_theirs, out_mine = run(work / "ort.onnx", feeds), run(work / "xfc.onnx", feeds)
            nodes = compare_nodes(theirs, mine)
            identical = all(n.get("B_identical") and n.get("scales_identical") and
                            n.get("zero_points_identical") and n.get("attributes_equal")
                            for n in nodes)
            results.append(dict(
                setting, nodes=nodes, all_identical=identical and bool(nodes),
                output_max_abs_diff=max(float(np.abs(a - b).max())
                                        for a, b in zip(out_theirs, out_mine)),
                ort_relative_error_vs_fp32=relative(out_theirs, reference),
                xfc_relative_error_vs_fp32=relative(out_mine, reference)))
            print({k: v for k, v in results[-1].items() if k != "nodes"}, flush=True)
    report = {"onnxruntime": ort.__version__, "onnx": onnx.__version__,
              "numpy": np.__version__, "model": str(args[0]) if args else "-",
              "inputs": {k: list(v.shape) for k, v in feeds.items()}, "settings": results}
    out = args[1] if len(args) > 1 else (
        os.path.join(os.environ["OUT"], "check-matmul-nbits.json") if "OUT" in os.environ
        else None)
    if out:
        pathlib.Path(out).write_text(json.dumps(report, indent=1) + "\n")
    failed = [r for r in results if "skipped" not in r and not r["all_identical"]]
    print(f"{len(results) - len(failed)} of {len(results)} settings identical or skipped"
          + (f"; differing: {[(r['bits'], r['block_size'], r['symmetric']) for r in failed]}"
             if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

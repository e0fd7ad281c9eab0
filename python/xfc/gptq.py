"""GPTQ: weight-only int4/int8 quantization into com.microsoft MatMulNBits
that minimises each product's output error on calibration inputs, instead
of each weight's own rounding error (xfc.matmul_nbits, round to nearest).

    model = quantize_gptq(onnx.load("model.onnx"), ["a.npz", "b.npz"], bits=4, block_size=32)

    /usr/bin/python3 -m xfc.gptq IN.onnx OUT.onnx --calibration A.npz [B.npz ...] \\
        [--bits 4] [--block-size 128] [--symmetric] [--exclude NAME ...]

The weights taken are xfc.matmul_nbits' (MatMul of a float32 [K, N]
initializer). For each, H = X^T X over the rows of its input X ([-1, K]),
observed by running the fp32 model compiled by xfc on every calibration
sample (an .npz per sample whose keys are the graph inputs). GPTQ (Frantar
et al., 2022) then rounds the weight one input row k at a time, each
against the scale and zero point of its block, and moves the rounding error
onto the rows not yet rounded through the Cholesky factor of H^-1, so that
X W - X Q stays small. Scales and zero points are ONNX Runtime's round-to-
nearest ones of the original weight ("static groups"), so the result is a
plain MatMulNBits model, rounded exactly as matmul_nbits rounds. Rows go in
decreasing diag(H) (act-order) unless act_order=False.

With sequential=True the products are calibrated in stages: products whose
inputs depend on no other quantized product first, and each later stage on
the outputs of the model with the earlier stages already quantized (one
compilation per stage), so a layer also corrects the error of those before.
MatMuls inside subgraphs (If/Loop bodies) cannot be observed from the
graph's outputs and are rounded to nearest (a warning names them).
"""

import argparse
import os
import pathlib
import tempfile
import time
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, shape_inference

from .matmul_nbits import (block_scales, pack, quantizable_weight, quantize_to_matmul_nbits,
                           quantize_weight, round_to_grid, save_model)


def gptq_weight(weight, hessian, bits=4, block_size=128, symmetric=False, damp=0.01,
                act_order=True, batch=128):
    """GPTQ of a float32 [K, N] weight against H = X^T X [K, K]; returns
    MatMulNBits' (B, scales, zero points) as matmul_nbits.quantize_weight
    does."""
    weight = np.asarray(weight, np.float32)
    k, n = weight.shape
    if hessian.shape != (k, k):
        raise ValueError(f"GPTQ: H is {hessian.shape}, the weight {weight.shape}")
    scales, zero_points = block_scales(weight, bits, block_size, symmetric)
    h = np.array(hessian, np.float64)
    diag = np.diag(h).copy()
    # An input never seen nonzero: its row of H is 0. A 1 on the diagonal
    # rounds that row to nearest and passes no error on (H^-1 stays block
    # diagonal), so the weight still serves inputs where it is not 0.
    dead = diag == 0
    h[dead, dead] = 1
    order = np.argsort(-diag, kind="stable") if act_order else np.arange(k)
    h = h[np.ix_(order, order)]
    upper = _inverse_cholesky_upper(h, damp)
    w = weight.T.astype(np.float64)[:, order]  # [N, K], the rows of the weight as columns
    group = order // block_size
    col_scales, col_zero_points = scales[:, group], zero_points[:, group]
    values = np.zeros((n, k), np.uint8)
    for i1 in range(0, k, batch):
        i2 = min(i1 + batch, k)
        block = w[:, i1:i2].copy()
        errors = np.zeros_like(block)
        u = upper[i1:i2, i1:i2]
        for i in range(i2 - i1):
            s, z = col_scales[:, i1 + i], col_zero_points[:, i1 + i]
            q = round_to_grid(block[:, i], s, z, bits)
            values[:, i1 + i] = q
            dequantized = (q.astype(np.float32) - z) * s  # MatMulNBits' weight
            error = (block[:, i] - dequantized) / u[i, i]
            block[:, i:] -= np.outer(error, u[i, i:])
            errors[:, i] = error
        # The block's errors reach the later columns at once (lazy batch).
        w[:, i2:] -= errors @ upper[i1:i2, i2:]
    unpermuted = np.empty_like(values)
    unpermuted[:, order] = values
    return pack(unpermuted, scales, zero_points, bits, block_size, symmetric)


def _inverse_cholesky_upper(h, damp):
    """U upper triangular with U^T U = (H + damp * mean(diag H) * I)^-1;
    the dampening grows tenfold while H is not positive definite."""
    k = h.shape[0]
    lam = damp * float(np.mean(np.diag(h)))
    for _ in range(6):
        try:
            lower = np.linalg.cholesky(h + lam * np.eye(k))
            inverse_lower = np.linalg.solve(lower, np.eye(k))
            inverse = inverse_lower.T @ inverse_lower
            return np.linalg.cholesky(inverse).T
        except np.linalg.LinAlgError:
            lam = max(lam * 10, 1e-8)
    raise ValueError("GPTQ: H = X^T X stays singular after dampening")


def load_calibration(calibration, input_names):
    """Feeds {input: array} per sample from .npz paths (or dicts); keys that
    are not graph inputs ("out:..." references) are ignored."""
    if isinstance(calibration, (str, os.PathLike, dict)):
        calibration = [calibration]
    samples = []
    for source in calibration:
        data = dict(np.load(source)) if not isinstance(source, dict) else source
        missing = [name for name in input_names if name not in data]
        if missing:
            where = f"calibration file {source}" if not isinstance(source, dict) else \
                "a calibration sample"
            raise ValueError(f"{where} lacks the model input(s) {', '.join(missing)} "
                             f"(it holds {', '.join(sorted(data)) or 'nothing'})")
        samples.append({name: data[name] for name in input_names})
    if not samples:
        raise ValueError("GPTQ needs at least one calibration sample")
    return samples


def _graph_inputs(model):
    initializers = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in initializers]


def _observe(model, names, samples, folder, tag):
    """{activation name: X^T X} over all samples, running `model` (compiled
    by xfc) with `names` added as graph outputs."""
    import xfc  # the package: compile and load
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    inputs = set(_graph_inputs(model))
    outputs = {o.name for o in probe.graph.output}
    try:
        inferred = {v.name: v for v in
                    shape_inference.infer_shapes(model).graph.value_info}
    except Exception:  # shapes only help; xfc infers its own
        inferred = {}
    for name in names:
        if name in inputs or name in outputs:
            continue
        info = inferred.get(name) or helper.make_tensor_value_info(name, TensorProto.FLOAT,
                                                                   None)
        probe.graph.output.append(info)
    onnx_path, library = folder / f"{tag}.onnx", folder / f"{tag}.so"
    save_model(probe, onnx_path)
    xfc.compile(str(onnx_path), str(library))
    compiled = xfc.load(str(library))
    hessians = {}
    for feeds in samples:
        results = compiled.run(feeds)
        for name in names:
            x = feeds[name] if name in feeds else results[name]
            x = np.asarray(x, np.float64)
            x = x.reshape(-1, x.shape[-1])
            hessians[name] = hessians.get(name, 0) + x.T @ x
    return hessians


def _products(model, exclude):
    """The main graph's quantizable MatMuls: [(position, node, weight name, K)]."""
    found = []
    for position, node in enumerate(model.graph.node):
        weight = quantizable_weight(node, [model.graph], exclude)
        if weight is not None:
            found.append((position, node, weight[0].name, weight[0].dims[0]))
    return found


def _stages(model, products):
    """Stage of each product (by index): 0 when no quantized product feeds
    it, else one more than the latest one that does."""
    index = {position: i for i, (position, _, _, _) in enumerate(products)}
    depth = {}  # tensor name -> stage of products upstream (-1 none)
    stage = {}
    # ONNX keeps nodes in topological order.
    for position, node in enumerate(model.graph.node):
        upstream = max((depth.get(name, -1) for name in node.input), default=-1)
        if position in index:
            stage[index[position]] = upstream + 1
            upstream += 1
        for name in node.output:
            depth[name] = upstream
    return [stage[i] for i in range(len(products))]


def quantize_gptq(model, calibration, bits=4, block_size=128, symmetric=False, exclude=(),
                  damp=0.01, act_order=True, sequential=False, accuracy_level=None):
    """Returns a copy of `model` (onnx.ModelProto) with each MatMul of a
    constant float32 [K, N] weight replaced by MatMulNBits whose weights
    GPTQ chose on `calibration` (.npz paths or {input: array} dicts, one
    per sample); `exclude` names MatMul nodes to keep."""
    if not isinstance(model, onnx.ModelProto):
        model = onnx.load(str(model))
    exclude = set(exclude)
    samples = load_calibration(calibration, _graph_inputs(model))
    products = _products(model, exclude)
    stages = _stages(model, products) if sequential else [0] * len(products)
    done = {}  # weight name -> MatMulNBits arrays

    def quantize(name, weight):
        if name not in done:
            warnings.warn(f"GPTQ: weight {name} (in a subgraph) is rounded to nearest")
            return quantize_weight(weight, bits, block_size, symmetric)
        return done[name]

    with tempfile.TemporaryDirectory(prefix="xfc-gptq-") as folder:
        folder = pathlib.Path(folder)
        # Unnamed nodes get names here so that a stage can leave later
        # products f32 (exclude works by name); the result keeps the originals.
        work = onnx.ModelProto()
        work.CopyFrom(model)
        names = []
        for i, (position, node, _, _) in enumerate(products):
            names.append(node.name or f"xfc_gptq_matmul_{i}")
            work.graph.node[position].name = names[-1]
        for stage in range(max(stages, default=-1) + 1):
            members = [i for i, s in enumerate(stages) if s == stage]
            later = {names[i] for i, s in enumerate(stages) if s >= stage} | exclude
            current = quantize_to_matmul_nbits(work, bits, block_size, symmetric,
                                               exclude=later, quantize=quantize) \
                if stage else work
            activations = sorted({products[i][1].input[0] for i in members})
            hessians = _observe(current, activations, samples, folder, f"stage{stage}")
            by_weight = {}
            for i in members:
                _, node, weight, k = products[i]
                h = hessians[node.input[0]]
                if h.shape != (k, k):
                    raise ValueError(f"MatMul {node.name or node.output[0]}: its input "
                                     f"{node.input[0]} has {h.shape[0]} columns, its weight "
                                     f"{weight} {k} rows")
                by_weight[weight] = by_weight.get(weight, 0) + h
            initializers = {t.name: t for t in model.graph.initializer}
            for weight, h in by_weight.items():
                array = onnx.numpy_helper.to_array(initializers[weight])
                if not np.isfinite(array).all():
                    raise ValueError(f"weight {weight} holds NaN or infinite values")
                done[weight] = gptq_weight(array, h, bits, block_size, symmetric, damp,
                                           act_order)
    return quantize_to_matmul_nbits(model, bits, block_size, symmetric, accuracy_level,
                                    exclude, quantize=quantize)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m xfc.gptq",
        description="Quantize MatMul weights to com.microsoft MatMulNBits by GPTQ on "
                    "calibration inputs (xfc runs the fp32 model to observe activations).")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--calibration", nargs="+", required=True,
                        help=".npz files, one sample each, keyed by graph input name")
    parser.add_argument("--bits", type=int, choices=[4, 8], default=4)
    parser.add_argument("--block-size", type=int, default=128)
    parser.add_argument("--symmetric", action="store_true")
    parser.add_argument("--exclude", nargs="*", default=[], help="MatMul node names to keep")
    parser.add_argument("--damp", type=float, default=0.01,
                        help="dampening, a fraction of H's mean diagonal")
    parser.add_argument("--no-act-order", action="store_true")
    parser.add_argument("--sequential", action="store_true",
                        help="calibrate each stage on the earlier stages quantized")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        model = quantize_gptq(onnx.load(args.input), args.calibration, args.bits,
                              args.block_size, args.symmetric, args.exclude, args.damp,
                              not args.no_act_order, args.sequential)
    except (ValueError, OSError) as error:
        parser.exit(1, f"error: {error}\n")
    save_model(model, args.output)
    print(f"GPTQ: {args.output} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

"""xfc's pruning rules (xf-sparsify, docs/sparsity.md) on ONNX models, by
magnitude or by Wanda's scores from calibration inputs.

Rules, on a score per weight (magnitude |W|, NaN the largest; Wanda:
|W| times the L2 norm of the input channel it multiplies):

  2:4             in each group of 4 consecutive weights along K (the last,
                  shorter group included), the 2 of highest score stay
                  (ties: the lower index of K)
  unstructured:R  the floor(R * size) weights of lowest score in each
                  weight become 0 (ties: the earlier element, row-major)

The weights are the f32 2-D initializers that are MatMul's B (K: rows) or
Gemm's B (K: columns with transB), read by no other node and no graph
output: those `xfc --sparsify` prunes.
"""

import collections
import pathlib
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper


def parse_pattern(pattern):
    """(two_of_four, fraction) of a pattern string."""
    if pattern == "2:4":
        return True, 0.0
    if pattern.startswith("unstructured:"):
        try:
            fraction = float(pattern.split(":", 1)[1])
        except ValueError:
            fraction = 0.0
        if 0 < fraction < 1:
            return False, fraction
    raise ValueError(f"pattern is 2:4 or unstructured:R with 0 < R < 1, not {pattern!r}")


def magnitude(w):
    m = np.abs(np.asarray(w, np.float64))
    m[np.isnan(w)] = np.inf
    return m


def prune(w, scores, k_is_rows, pattern):
    """`w` with the weights of lowest `scores` (same shape) zeroed by
    `pattern`'s rule; K is the rows of `w` or its columns."""
    two_of_four, fraction = parse_pattern(pattern)
    out = np.array(w, copy=True)
    if not two_of_four:
        count = int(np.floor(fraction * w.size))
        order = np.argsort(scores.reshape(-1), kind="stable")
        out.reshape(-1)[order[:count]] = 0
        return out
    kn, score = (out, scores) if k_is_rows else (out.T, scores.T)  # [K, N] views
    columns = np.arange(kn.shape[1])
    for k0 in range(0, kn.shape[0], 4):
        group = score[k0:k0 + 4]
        if group.shape[0] <= 2:
            continue
        # Highest first; the stable sort keeps the lower k first among equals.
        order = np.argsort(-group, axis=0, kind="stable")
        for rank in range(2, group.shape[0]):
            kn[k0 + order[rank], columns] = 0
    return out


def product_weights(graph):
    """[(initializer name, K is its rows, the node's activation input or
    None when its channels are not its last axis)] for the weights xfc
    --sparsify prunes."""
    uses = collections.Counter(name for node in graph.node for name in node.input)
    uses.update(output.name for output in graph.output)
    initializers = {init.name: init for init in graph.initializer}
    found = []
    for node in graph.node:
        if node.op_type not in ("MatMul", "Gemm") or node.domain not in ("", "ai.onnx"):
            continue
        name = node.input[1] if len(node.input) > 1 else ""
        init = initializers.get(name)
        if init is None or uses[name] != 1 or len(init.dims) != 2 or \
                init.data_type != onnx.TensorProto.FLOAT:
            continue
        trans_b = any(a.name == "transB" and a.i for a in node.attribute)
        # Gemm's transA puts the activation's K channels in its rows.
        activation = None if any(a.name == "transA" and a.i for a in node.attribute) \
            else node.input[0]
        found.append((name, not (node.op_type == "Gemm" and trans_b), activation))
    return found


def prune_model(model, pattern, channel_norms=None):
    """Prunes `model` (onnx.ModelProto) in place by magnitude, or by Wanda's
    scores when `channel_norms` maps each product's activation input to the
    L2 norms of its K channels. Returns the number of weights pruned."""
    parse_pattern(pattern)
    targets = {name: (k_is_rows, activation)
               for name, k_is_rows, activation in product_weights(model.graph)}
    for init in model.graph.initializer:
        if init.name not in targets:
            continue
        k_is_rows, activation = targets[init.name]
        w = numpy_helper.to_array(init)
        scores = magnitude(w)
        if channel_norms is not None:
            norms = channel_norms[activation]
            scores = scores * (norms[:, None] if k_is_rows else norms[None, :])
        pruned = prune(w, scores, k_is_rows, pattern)
        init.CopyFrom(numpy_helper.from_array(pruned.astype(np.float32), init.name))
    return len(targets)


def _activation_products(model, calibration):
    """({activation input of each pruned product: X^T X over all calibration
    tokens}, the products), observed by running `model` compiled by xfc on
    `calibration` (.npz paths or {input: array})."""
    from .gptq import _graph_inputs, _observe, load_calibration
    samples = load_calibration(calibration, _graph_inputs(model))
    products = product_weights(model.graph)
    if any(a is None for _, _, a in products):
        raise ValueError("a Gemm with transA reads its activation's channels as rows; "
                         "only products of [..., K] activations are supported")
    activations = sorted({a for _, _, a in products})
    with tempfile.TemporaryDirectory(prefix="xfc-sparsity-") as folder:
        return _observe(model, activations, samples, pathlib.Path(folder), "sparsity"), products


def wanda_channel_norms(model, calibration):
    """{activation input of each pruned product: L2 norm of each of its
    channels over all calibration tokens}."""
    squares, _ = _activation_products(model, calibration)
    return {name: np.sqrt(np.diag(h)) for name, h in squares.items()}


def layer_errors(model, pruned, calibration):
    """{weight: relative L2 error of its product pruned against the dense
    product, on the dense model's activations for `calibration`}:
    ||X (W' - W)|| / ||X W||, from X^T X (no activation is kept)."""
    squares, products = _activation_products(model, calibration)
    names = {name for name, _, _ in products}
    dense = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer
             if t.name in names}
    sparse = {t.name: numpy_helper.to_array(t) for t in pruned.graph.initializer
              if t.name in names}
    errors = {}
    for name, k_is_rows, activation in products:
        w = dense[name].astype(np.float64)
        d = sparse[name].astype(np.float64) - w
        if not k_is_rows:
            w, d = w.T, d.T
        h = squares[activation]
        reference = np.trace(w.T @ h @ w)
        errors[name] = float(np.sqrt(np.trace(d.T @ h @ d) / reference)) if reference else 0.0
    return errors


def prune_wanda(model, calibration, pattern):
    """Prunes `model` in place by Wanda's scores on `calibration`; returns
    the number of weights pruned."""
    return prune_model(model, pattern, wanda_channel_norms(model, calibration))

"""Prunes an ONNX model's matrix-product weights by xfc's --sparsify rules
(lib/Dialect/XF/Transforms/SparsifyWeights.cpp), so that ONNX Runtime can
run the model xfc compiles with --sparsify:

  2:4             in each group of 4 consecutive weights along K (the last,
                  shorter group included), the 2 of largest magnitude stay
                  (ties: the lower index of K)
  unstructured:R  the floor(R * size) weights of smallest magnitude in each
                  weight become 0 (ties: the earlier element, row-major)

NaN counts as the largest magnitude. The weights are the f32 2-D
initializers that are MatMul's B (K: rows) or Gemm's B (K: columns with
transB), read by no other node and no graph output.

Usage: /usr/bin/python3 scripts/prune-onnx.py PATTERN IN.onnx OUT.onnx
Prints the number of weights pruned.
"""

import collections
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def magnitude(w):
    m = np.abs(w)
    m[np.isnan(w)] = np.inf
    return m


def prune_two_of_four(w, k_is_rows):
    """`w` with the 2 largest magnitudes of each 4 along K kept."""
    kn = w if k_is_rows else w.T  # [K, N] view
    out = kn.copy()
    mag = magnitude(kn)
    for k0 in range(0, kn.shape[0], 4):
        group = mag[k0:k0 + 4]
        if group.shape[0] <= 2:
            continue
        # Rank by magnitude, descending; the stable sort keeps the lower k
        # first among equals.
        order = np.argsort(-group, axis=0, kind="stable")
        for rank in range(2, group.shape[0]):
            out[k0 + order[rank], np.arange(kn.shape[1])] = 0
    return out if k_is_rows else out.T


def prune_unstructured(w, fraction):
    """`w` with its floor(fraction * size) smallest magnitudes zeroed."""
    count = int(np.floor(fraction * w.size))
    flat = w.reshape(-1).copy()
    order = np.argsort(magnitude(flat), kind="stable")
    flat[order[:count]] = 0
    return flat.reshape(w.shape)


def weights_of_products(graph):
    """{initializer name: whether its rows are K} for the weights xfc prunes."""
    uses = collections.Counter(name for node in graph.node for name in node.input)
    uses.update(output.name for output in graph.output)
    initializers = {init.name: init for init in graph.initializer}
    found = {}
    for node in graph.node:
        if node.op_type not in ("MatMul", "Gemm") or node.domain not in ("", "ai.onnx"):
            continue
        name = node.input[1] if len(node.input) > 1 else ""
        init = initializers.get(name)
        if init is None or uses[name] != 1 or len(init.dims) != 2 or \
                init.data_type != onnx.TensorProto.FLOAT:
            continue
        trans_b = any(a.name == "transB" and a.i for a in node.attribute)
        found[name] = not (node.op_type == "Gemm" and trans_b)
    return found


def prune_model(model, pattern):
    """Prunes `model` in place; returns the number of weights pruned."""
    if pattern == "2:4":
        rule = prune_two_of_four
    elif pattern.startswith("unstructured:") and 0 < float(pattern.split(":")[1]) < 1:
        fraction = float(pattern.split(":")[1])
        rule = lambda w, k_is_rows: prune_unstructured(w, fraction)  # noqa: E731
    else:
        raise ValueError(f"pattern is 2:4 or unstructured:R with 0 < R < 1, not {pattern!r}")
    targets = weights_of_products(model.graph)
    for init in model.graph.initializer:
        if init.name in targets:
            pruned = rule(numpy_helper.to_array(init), targets[init.name])
            init.CopyFrom(numpy_helper.from_array(pruned.astype(np.float32), init.name))
    return len(targets)


def main():
    pattern, source, target = sys.argv[1:4]
    model = onnx.load(source)
    count = prune_model(model, pattern)
    onnx.save(model, target)
    print(count)


if __name__ == "__main__":
    main()

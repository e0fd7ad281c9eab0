"""Prunes an ONNX model's matrix-product weights by magnitude by xfc's
--sparsify rules (xfc.sparsity; lib/Dialect/XF/Transforms/SparsifyWeights.cpp),
so that ONNX Runtime can run the model xfc compiles with --sparsify:

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

import pathlib
import sys

import onnx

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
from xfc.sparsity import prune_model  # noqa: E402


def main():
    pattern, source, target = sys.argv[1:4]
    model = onnx.load(source)
    count = prune_model(model, pattern)
    onnx.save(model, target)
    print(count)


if __name__ == "__main__":
    main()

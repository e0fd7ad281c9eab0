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
           [--calibration A.npz ...]
Prints the number of weights pruned; with calibration inputs (.npz keyed
by input name), then each weight's error against its dense product on the
dense model's activations for those inputs: ||X (W' - W)|| / ||X W||.
"""

import argparse
import pathlib
import sys

import onnx

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
from xfc.sparsity import layer_errors, prune_model  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pattern")
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--calibration", nargs="+")
    args = parser.parse_args()
    pruned = onnx.load(args.source)
    count = prune_model(pruned, args.pattern)
    onnx.save(pruned, args.target)
    print(count)
    if args.calibration:
        dense = onnx.load(args.source)
        for name, error in layer_errors(dense, pruned, args.calibration).items():
            print(f"{name}: relative error {error:.3e}")


if __name__ == "__main__":
    main()

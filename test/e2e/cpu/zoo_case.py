"""Writes a program that runs a zoo model and checks it against ONNX Runtime.

Usage: zoo_case.py XFC MODEL.onnx CASE.npz OUT.mlir [--tol T] [--shape ...]

The model is imported with `XFC --emit=xf` (with any --shape options) and
renamed @model; @main feeds it the .npz inputs, compares each output with
ONNX Runtime's (stored as out:NAME) and prints [1] when the largest error,
relative to the output's largest magnitude, is within T, then the error.
"""

import argparse
import re
import subprocess

import numpy as np

MLIR_TYPES = {np.dtype("int64"): "i64", np.dtype("int32"): "i32",
              np.dtype("float32"): "f32", np.dtype("bool"): "i1"}


def tensor_type(shape, element):
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def dense(array):
    def render(a):
        if a.ndim == 0:
            v = a.item()
            return ("true" if v else "false") if isinstance(v, bool) else repr(v)
        return "[" + ", ".join(render(x) for x in a) + "]"
    return f"dense<{render(np.asarray(array))}>"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("xfc")
    parser.add_argument("model")
    parser.add_argument("npz")
    parser.add_argument("out")
    parser.add_argument("--tol", type=float, default=1e-4)
    parser.add_argument("--shape", action="append", default=[])
    args = parser.parse_args()

    command = [args.xfc, args.model, "--emit=xf", "--print-weights"] + [f"--shape={s}" for s in args.shape]
    module = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    signature = re.search(r"func\.func @main\((.*?)\) -> \((.*?)\) \{", module)
    arg_types = re.findall(r"tensor<[^>]*>", signature.group(1))
    result_types = re.findall(r"tensor<[^>]*>", signature.group(2))
    result_names = re.findall(r'xf\.name = "([^"]*)"', signature.group(2))
    input_names = re.findall(r'xf\.name = "([^"]*)"', signature.group(1))
    module = module.replace("func.func @main(", "func.func @model(", 1)
    body = module.strip()
    assert body.startswith("module {") and body.endswith("}")

    data = np.load(args.npz)
    lines = ["func.func private @printMemrefF32(tensor<*xf32>)", "func.func @main() {"]
    operands = []
    for i, (name, mlir_type) in enumerate(zip(input_names, arg_types)):
        array = data[name]
        static = tensor_type(array.shape, MLIR_TYPES[array.dtype])
        lines.append(f"  %in{i}_static = arith.constant {dense(array)} : {static}")
        lines.append(f"  %in{i} = tensor.cast %in{i}_static : {static} to {mlir_type}")
        operands.append(f"%in{i}")
    results = ", ".join(f"%out{i}" for i in range(len(result_types)))
    lines.append(f"  {results} = func.call @model({', '.join(operands)}) : "
                 f"({', '.join(arg_types)}) -> ({', '.join(result_types)})")
    for i, (name, mlir_type) in enumerate(zip(result_names, result_types)):
        want = data["out:" + name].astype(np.float32)
        static = tensor_type(want.shape, "f32")
        scale = max(1.0, float(np.abs(want).max()))
        lines += [
            f"  %got{i} = tensor.cast %out{i} : {mlir_type} to {static}",
            f"  %want{i} = arith.constant {dense(want)} : {static}",
            f"  %diff{i} = xf.sub %got{i}, %want{i} : ({static}, {static}) -> {static}",
            f"  %abs{i} = xf.abs %diff{i} : ({static}) -> {static}",
            f"  %max{i} = xf.reduce_max %abs{i} {{keepdims = false}} : ({static}) -> tensor<f32>",
            f"  %scale{i} = arith.constant dense<{scale!r}> : tensor<f32>",
            f"  %err{i} = xf.div %max{i}, %scale{i} : (tensor<f32>, tensor<f32>) -> tensor<f32>",
            f"  %tol{i} = arith.constant dense<{args.tol!r}> : tensor<f32>",
            f"  %ok{i} = xf.less_or_equal %err{i}, %tol{i} : (tensor<f32>, tensor<f32>) -> tensor<i1>",
            f"  %okf{i} = xf.cast %ok{i} : (tensor<i1>) -> tensor<f32>",
            f"  %oku{i} = tensor.cast %okf{i} : tensor<f32> to tensor<*xf32>",
            f"  call @printMemrefF32(%oku{i}) : (tensor<*xf32>) -> ()",
            f"  %erru{i} = tensor.cast %err{i} : tensor<f32> to tensor<*xf32>",
            f"  call @printMemrefF32(%erru{i}) : (tensor<*xf32>) -> ()",
        ]
    lines += ["  return", "}"]
    # The harness goes inside the model's module, before its resources.
    inner = body[len("module {"):body.rindex("}")]
    resources = ""
    if "{-#" in module:
        resources = module[module.index("{-#"):]
        inner = body[len("module {"):body.index("{-#")].rstrip()
        inner = inner[:inner.rindex("}")]
    with open(args.out, "w") as f:
        f.write("module {\n" + inner + "\n" + "\n".join(lines) + "\n}\n" + resources)


if __name__ == "__main__":
    main()

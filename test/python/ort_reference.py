"""ONNX Runtime's outputs for any inputs, through ../shared/tools/ort.

Runs run_ort.js (npm's onnxruntime-node, installed by scripts/install-ort.sh)
on inputs written as raw files, and reads its outputs back.
"""

import json
import os
import pathlib
import subprocess

import numpy as np

from conftest import ROOT

RUN_ORT = ROOT.parent / "shared" / "tools" / "ort" / "run_ort.js"
_DTYPES = {np.dtype("float32"): "float32", np.dtype("int64"): "int64",
           np.dtype("int32"): "int32", np.dtype("uint8"): "uint8", np.dtype("int8"): "int8"}


def node_path():
    result = subprocess.run(["bash", str(ROOT / "scripts" / "install-ort.sh")],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def run_ort(model, inputs, outputs, work, reps=1, threads=2):
    """Returns ({output name: array}, timing) for `inputs` ({name: array});
    `outputs` maps each output name to (dtype, shape)."""
    work = pathlib.Path(work)
    work.mkdir(parents=True, exist_ok=True)
    spec = []
    for name, array in inputs.items():
        path = work / f"in_{name}.bin"
        path.write_bytes(np.ascontiguousarray(array).tobytes())
        spec.append({"name": name, "dtype": _DTYPES[array.dtype],
                     "shape": list(array.shape), "file": path.name})
    (work / "inputs.json").write_text(json.dumps(spec))
    env = dict(os.environ, NODE_PATH=node_path())
    result = subprocess.run(["node", str(RUN_ORT), str(model), str(work), str(reps),
                             str(threads)], capture_output=True, text=True, env=env,
                            check=True)
    timing = json.loads(result.stdout.strip().splitlines()[-1])
    got = {}
    for name, (dtype, shape) in outputs.items():
        raw = (work / f"ort_out_{name}.bin").read_bytes()
        got[name] = np.frombuffer(raw, dtype=dtype).reshape(shape)
    return got, timing


def with_exact_integer_products(model, out):
    """Writes `model` to `out` with every MatMulInteger an int32 MatMul of
    its operands less their zero points: the exact products, which xfc
    computes. ONNX Runtime's uint8 x int8 kernel on x86 CPUs without VNNI
    adds pairs of products in 16 bits with saturation (vpmaddubsw), so its
    own answer depends on the machine it runs on. Returns `out`."""
    import onnx
    from onnx import TensorProto, helper

    exact = onnx.load(str(model))
    nodes = []
    for node in exact.graph.node:
        if node.op_type != "MatMulInteger":
            nodes.append(node)
            continue
        operands = []
        zeros = list(node.input[2:4]) + ["", ""]
        for side in range(2):
            name = f"{node.output[0]}__exact{side}"
            nodes.append(helper.make_node("Cast", [node.input[side]], [name],
                                          to=TensorProto.INT32))
            if zeros[side]:
                nodes.append(helper.make_node("Cast", [zeros[side]], [name + "_zero"],
                                              to=TensorProto.INT32))
                nodes.append(helper.make_node("Sub", [name, name + "_zero"],
                                              [name + "_shifted"]))
                name += "_shifted"
            operands.append(name)
        nodes.append(helper.make_node("MatMul", operands, list(node.output), name=node.name))
    del exact.graph.node[:]
    exact.graph.node.extend(nodes)
    onnx.save(exact, str(out))
    return out

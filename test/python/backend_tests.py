"""Which ONNX backend node tests xfc should handle, by its own op table."""

import pathlib
import re
import subprocess

import onnx

NODE_TESTS = pathlib.Path("/usr/share/libonnx-testdata/data/node")
MODELS = sorted(NODE_TESTS.glob("*/model.onnx")) if NODE_TESTS.exists() else []

# Documented limits (see docs/supported-ops.md), reported as such.
KNOWN_LIMITS = re.compile(
    r"must be a constant|is not supported|does not support|ellipses|must hold")


def supported_ops(xfc):
    table = subprocess.run([str(xfc), "--print-supported-ops"], capture_output=True,
                           text=True, check=True).stdout
    ops = {}
    for row in re.finditer(r"^\| (\S+) \| (\S+) \| (\d+) \|", table, re.M):
        domain, op, since = row.groups()
        domain = "" if domain == "ai.onnx" else domain
        ops[(domain, op)] = min(int(since), ops.get((domain, op), 99))
    return ops


def in_scope(model_path, ops):
    model = onnx.load(str(model_path), load_external_data=False)
    opsets = {("" if o.domain == "ai.onnx" else o.domain): o.version for o in model.opset_import}
    if not 13 <= opsets.get("", 0) <= 23:
        return False
    for node in model.graph.node:
        domain = "" if node.domain == "ai.onnx" else node.domain
        since = ops.get((domain, node.op_type))
        if since is None or opsets.get(domain, -1) < since:
            return False
    return True

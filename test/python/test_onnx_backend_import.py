"""Imports every ONNX backend node test whose operators xfc supports.

The models come from Debian's libonnx-testdata. A model is in scope when
every node's (domain, operator) is in the importer's own table (printed by
`xfc --print-supported-ops`) at the model's opset; it must then import and
verify. Operators used in a way the table's notes exclude (axes given at run
time, say) must fail with a clear error, never a crash.
"""

import pathlib
import re
import subprocess

import onnx
import pytest

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


@pytest.fixture(scope="module")
def ops(xfc):
    return supported_ops(xfc)


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.parent.name)
def test_backend_node_model_imports(model, xfc, ops):
    if not in_scope(model, ops):
        pytest.skip("uses an operator or opset xfc does not import")
    result = subprocess.run([str(xfc), str(model), "--emit=xf"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode in (0, 1), f"crashed: {result.stderr[-2000:]}"
    if result.returncode == 1 and KNOWN_LIMITS.search(result.stderr):
        pytest.xfail(result.stderr.strip().splitlines()[0])
    assert result.returncode == 0, result.stderr
    assert "func.func @main" in result.stdout

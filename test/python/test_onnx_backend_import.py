"""Imports every ONNX backend node test whose operators xfc supports.

The models come from Debian's libonnx-testdata. A model is in scope when
every node's (domain, operator) is in the importer's own table (printed by
`xfc --print-supported-ops`) at the model's opset; it must then import and
verify. Operators used in a way the table's notes exclude (axes given at run
time, say) must fail with a clear error, never a crash.
"""

import subprocess

import pytest

from backend_tests import KNOWN_LIMITS, MODELS, in_scope, supported_ops


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

"""The command-line tools as a user meets them."""

import ctypes
import os
import re
import subprocess

import pytest

import xfc
from conftest import ROOT

ZOO = ROOT.parent / "shared" / "models" / "zoo"


def run(*args, check=True):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=check)


def test_xfc_opt_lists_every_xf_pass(xfc_opt):
    help_text = run(xfc_opt, "--help").stdout
    passes_td = (ROOT / "dialects/xfc/Dialect/XF/Transforms/Passes.td").read_text()
    declared = re.findall(r'Pass<"(xf-[a-z-]+)"', passes_td)
    assert declared, "no passes declared"
    for flag in declared + ["xf-graph-cleanup"]:
        assert f"--{flag}" in help_text


def test_demo_example_folds_all_shape_arithmetic(xfc):
    example = ROOT / "examples/gpt2-attention-heads.mlir"
    before = run(xfc, example, "--emit=xf-graph").stdout
    after = run(xfc, example, "--emit=xf").stdout
    assert before.count("xf.shape") == 3
    for op in ("xf.shape", "xf.gather", "xf.unsqueeze", "xf.concat"):
        assert op not in after
    assert "-> (tensor<2x3x16x32xf32>, tensor<2x3x32x16xf32>, tensor<2x3x16x32xf32>)" in after


def test_stage_output_feeds_xfc_opt(xfc, xfc_opt, tmp_path):
    """Any stage's output, given to xfc-opt with the rest of the pipeline,
    gives what xfc gives."""
    example = ROOT / "examples/gpt2-attention-heads.mlir"
    graph = tmp_path / "graph.mlir"
    graph.write_text(run(xfc, example, "--emit=xf-graph").stdout)
    via_opt = run(xfc_opt, graph, "--xf-graph-cleanup").stdout
    via_xfc = run(xfc, example, "--emit=xf").stdout
    assert via_opt.strip() == via_xfc.strip()


def test_invalid_input_is_a_diagnostic_not_a_crash(xfc, tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text(
        "func.func @f(%a: tensor<4xf32>, %b: tensor<3xf32>) -> tensor<4xf32> {\n"
        "  %0 = xf.add %a, %b : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>\n"
        "  return %0 : tensor<4xf32>\n}\n")
    result = run(xfc, bad, check=False)
    assert result.returncode == 1
    assert "bad.mlir:2:8: error: 'xf.add' op operand shapes do not broadcast: [4] [3]" in result.stderr


def test_truncated_input_is_a_diagnostic(xfc, tmp_path):
    text = (ROOT / "examples/gpt2-attention-heads.mlir").read_text()
    cut = tmp_path / "cut.mlir"
    cut.write_text(text[: len(text) // 2])
    result = run(xfc, cut, check=False)
    assert result.returncode == 1
    assert "error:" in result.stderr


def test_deep_residual_stream_compiles_in_linear_time(xfc, tmp_path):
    """Every layer adds to the residual stream (x + f(x)), so each symbolic
    dimension is reachable along 2^layers paths; shape tracing must visit
    each tensor once. 40 layers would take days if it did not."""
    import onnx
    from xfc import models

    model = tmp_path / "deep.onnx"
    onnx.save(models.gpt2(layers=40, hidden=8, heads=2, vocab=16), str(model))
    graph = subprocess.run([str(xfc), str(model), "--emit=xf"], capture_output=True,
                           text=True, check=True, timeout=120).stdout
    assert graph.count("xf.softmax") == 40


@pytest.mark.skipif(not os.access(os.path.join(os.environ.get("CUDA_PATH", "/usr/local/cuda"),
                                               "bin", "ptxas"), os.X_OK),
                    reason="no CUDA toolkit")
def test_cuda_library_without_a_driver_is_an_error(tmp_path):
    """A library compiled for CUDA loads anywhere; where there is no NVIDIA
    driver, making its session fails with a message, not a crash."""
    try:
        ctypes.CDLL("libcuda.so.1")
        pytest.skip("this machine has an NVIDIA driver")
    except OSError:
        pass
    library = xfc.compile(ZOO / "bert_ts.onnx", tmp_path / "bert.so", target="cuda",
                          precision="tf32")
    with pytest.raises(xfc.XfcError, match="needs an NVIDIA driver: cannot load libcuda.so.1"):
        xfc.load(library)

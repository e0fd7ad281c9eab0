"""Shared fixtures: where the built tools are, and a small compiled model."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def build_dir() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("XFC_BUILD_DIR", ROOT / "build"))
    if not (path / "bin" / "xfc").exists():
        pytest.fail(f"xfc is not built in {path}; run scripts/build.sh")
    return path


@pytest.fixture(scope="session")
def xfc(build_dir) -> pathlib.Path:
    return build_dir / "bin" / "xfc"


@pytest.fixture(scope="session")
def xfc_opt(build_dir) -> pathlib.Path:
    return build_dir / "bin" / "xfc-opt"


class AffineModel:
    """test/install/make_affine_model.py's Y = X @ W + B (X [batch, 4]
    float32) as ONNX and compiled, and its reference outputs."""

    def __init__(self, folder, xfc_binary):
        self.onnx = folder / "affine.onnx"
        self.library = folder / "affine.so"
        subprocess.run([sys.executable, ROOT / "test" / "install" / "make_affine_model.py",
                        self.onnx], check=True)
        subprocess.run([xfc_binary, self.onnx, "-o", self.library], check=True)
        weights = {t.name: numpy_helper.to_array(t)
                   for t in onnx.load(self.onnx).graph.initializer}
        self.w, self.b = weights["W"], weights["B"]
        self.rng = np.random.default_rng()

    def input(self, batch=3):
        return self.rng.standard_normal((batch, 4)).astype(np.float32)

    def reference(self, x):
        return x @ self.w + self.b


@pytest.fixture(scope="session")
def affine(tmp_path_factory, xfc) -> AffineModel:
    return AffineModel(tmp_path_factory.mktemp("affine"), xfc)

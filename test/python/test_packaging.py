"""xfc's version (CMakeLists.txt's project() is the one source) and the
Python package installed with pip, as README.md says, into a virtual
environment that reaches no package index."""

import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

import xfc
from conftest import ROOT


def cmake_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"^project\(xfc VERSION (\d+)\.(\d+)\.(\d+)\b", text, re.MULTILINE)
    assert match, "CMakeLists.txt's project() names no version"
    return match.groups()


def test_python_version_is_cmakes():
    assert xfc.__version__ == ".".join(cmake_version())


def test_version_header_is_cmakes(build_dir):
    header = (build_dir / "include" / "xfc" / "Version.h").read_text()
    defined = dict(re.findall(r"^#define XFC_VERSION_(\w+) (\S+)$", header, re.MULTILINE))
    major, minor, patch = cmake_version()
    assert defined == {"MAJOR": major, "MINOR": minor, "PATCH": patch,
                       "STRING": f'"{major}.{minor}.{patch}"'}


def test_pip_install_into_a_venv(tmp_path, build_dir, affine):
    # A copy, so pip's in-tree build leaves the checkout alone.
    source = tmp_path / "python"
    shutil.copytree(ROOT / "python", source,
                    ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    venv], check=True)
    install = subprocess.run([venv / "bin" / "python", "-m", "pip", "install",
                              "--no-build-isolation", "--no-index", source],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr

    # From elsewhere, with the package from the venv and xfc from PATH only.
    x = affine.input()
    np.savez(tmp_path / "data.npz", X=x, Y=affine.reference(x))
    script = """
import importlib.metadata, json, sys
import numpy as np
import xfc
onnx_path, library, data = sys.argv[1:]
print(xfc.__version__, importlib.metadata.version("xfc"), xfc.__file__)
print(json.dumps(importlib.metadata.requires("xfc")))
xfc.compile(onnx_path, library)
data = np.load(data)
y = xfc.load(library).run({"X": data["X"]})["Y"]
assert np.abs(y - data["Y"]).max() <= 1e-5 * (1 + np.abs(data["Y"]).max())
"""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "XFC_BUILD_DIR")}
    env["PATH"] = f"{build_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run([venv / "bin" / "python", "-c", script, affine.onnx,
                             "m.so", tmp_path / "data.npz"],
                            cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    versions, requires = result.stdout.splitlines()[:2]
    version, metadata_version, location = versions.split()
    assert version == metadata_version == ".".join(cmake_version())
    assert location.startswith(str(venv))
    requires = json.loads(requires)
    assert requires[0] == "numpy"
    assert re.fullmatch(r"onnx *; *extra *== *['\"]onnx['\"]", requires[1]), requires
    assert (elsewhere / "m.so").exists()

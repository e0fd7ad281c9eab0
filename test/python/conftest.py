"""Shared fixtures: where the built tools are."""

import os
import pathlib

import pytest

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

"""xfc's version: CMakeLists.txt's project() is the one source."""

import re

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

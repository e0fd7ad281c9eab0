"""The xfc package's Model: file names, per-thread sessions and their
lifetime, and what `import xfc` needs (NumPy only)."""

import ctypes
import os
import shutil
import subprocess
import sys
import threading
import types

import numpy as np

import xfc
from conftest import ROOT

TOLERANCE = 1e-5  # relative to 1 + |reference|: float32 sums of four products


def assert_affine(affine, x, y):
    want = affine.reference(x)
    assert y.shape == want.shape
    assert np.abs(y - want).max() <= TOLERANCE * (1 + np.abs(want).max())


def test_load_takes_a_file_name_in_the_current_directory(affine, tmp_path, monkeypatch):
    # dlopen would search the library path for a name without '/'.
    shutil.copy(affine.library, tmp_path / "bare_name_model.so")
    monkeypatch.chdir(tmp_path)
    model = xfc.load("bare_name_model.so")
    x = affine.input()
    assert_affine(affine, x, model.run({"X": x})["Y"])


def test_a_threads_session_ends_with_the_thread(affine):
    model = xfc.load(affine.library)
    assert model.session_count == 1  # the loading thread's
    workers = 4
    ran, release = threading.Barrier(workers + 1), threading.Barrier(workers + 1)
    failures = []

    def work():
        try:
            x = affine.input()
            assert_affine(affine, x, model.run({"X": x})["Y"])
            assert_affine(affine, x, model.run({"X": x})["Y"])  # the same session again
        except Exception as error:  # reported by the main thread
            failures.append(error)
        ran.wait()
        release.wait()

    for _ in range(50):  # 200 short-lived threads, 4 at a time
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        ran.wait()
        assert model.session_count == 1 + workers
        release.wait()
        for thread in threads:
            thread.join()
        assert model.session_count == 1
    assert not failures, failures[0]


def host_array(array):
    """A NumPy array behind __cuda_array_interface__ (for a CPU library,
    run_on_device reads host memory)."""
    return types.SimpleNamespace(__cuda_array_interface__={
        "shape": array.shape, "typestr": array.dtype.str,
        "data": (array.ctypes.data, False), "version": 3})


def test_device_outputs_outlive_their_thread(affine):
    # run_on_device's outputs live in the session's memory until the
    # thread's next run: a thread that ends has none, so they stay valid.
    model = xfc.load(affine.library)
    x = affine.input()
    outputs = []
    thread = threading.Thread(target=lambda: outputs.append(
        model.run_on_device({"X": host_array(x)})["Y"]))
    thread.start()
    thread.join()
    y = outputs[0]
    assert model.session_count == 2
    values = (ctypes.c_float * (y.shape[0] * y.shape[1])).from_address(y.data)
    assert_affine(affine, x, np.ctypeslib.as_array(values).reshape(y.shape))
    outputs.clear()
    del y
    assert model.session_count == 1


def test_import_compile_and_run_without_onnx(affine, tmp_path, build_dir):
    x = affine.input()
    np.savez(tmp_path / "data.npz", X=x, Y=affine.reference(x))
    script = """
import sys
sys.modules["onnx"] = None  # any `import onnx` fails
import numpy as np
import xfc
onnx_path, library, data = sys.argv[1:]
xfc.compile(onnx_path, library)
data = np.load(data)
y = xfc.load(library).run({"X": data["X"]})["Y"]
assert np.abs(y - data["Y"]).max() <= %g * (1 + np.abs(data["Y"]).max())
print("ran without onnx")
""" % TOLERANCE
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"), XFC_BUILD_DIR=str(build_dir))
    result = subprocess.run([sys.executable, "-c", script, affine.onnx, tmp_path / "m.so",
                             tmp_path / "data.npz"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "ran without onnx" in result.stdout

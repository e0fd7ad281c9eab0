"""libxfc_compiler.so, the compiler in the caller's process (what
xfc.compile runs): the command line's options and checks, errors as
messages rather than a crash or an exit, one command line not leaking into
the next, and compiles from several threads."""

import ctypes
import threading

import numpy as np
import pytest

import xfc


def symbols(library):
    """The library's exported xfc functions, found by name."""
    lib = ctypes.CDLL(str(library))
    return {name for name in ("xfc_run", "mine_run") if hasattr(lib, name)}


def test_version_is_the_packages():
    assert xfc._compiler_library().xfc_compiler_version().decode() == xfc.__version__


def test_compile_writes_a_library_that_runs(affine, tmp_path):
    messages = xfc._run_compiler([affine.onnx, "-o", tmp_path / "m.so"])
    assert f"xfc: wrote {tmp_path / 'm.so'} and {tmp_path / 'm.h'}" in messages
    x = affine.input()
    y = xfc.load(tmp_path / "m.so").run({"X": x})["Y"]
    want = affine.reference(x)
    assert np.abs(y - want).max() <= 1e-5 * (1 + np.abs(want).max())


@pytest.mark.parametrize("args, message", [
    (["--target=tpu"], "unknown target 'tpu'"),
    (["--emit=everything"], "--emit=everything is not a choice; valid: library, obj"),
    (["--shape=X=2xq"], "X"),
    (["--no-such-flag"], "no-such-flag"),
])
def test_bad_options_are_messages(affine, tmp_path, args, message):
    with pytest.raises(xfc.XfcError) as error:
        xfc._run_compiler([affine.onnx, "-o", tmp_path / "m.so", *args])
    assert message in str(error.value)
    assert not (tmp_path / "m.so").exists()


def test_a_bad_model_is_a_message_naming_it(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x08\x07not a model")
    with pytest.raises(xfc.XfcError) as error:
        xfc.compile(broken, tmp_path / "m.so")
    assert "broken.onnx" in str(error.value)


@pytest.mark.parametrize("flag", ["--help", "-help-hidden", "--version", "--print-options"])
def test_flags_that_would_exit_are_refused(affine, tmp_path, flag):
    with pytest.raises(xfc.XfcError, match="is for the xfc command, not the compiler library"):
        xfc._run_compiler([affine.onnx, flag])


def test_options_do_not_carry_over_to_the_next_compile(affine, tmp_path):
    xfc._run_compiler([affine.onnx, "-o", tmp_path / "a.so", "--c-prefix=mine",
                       "--shape=X=2x4", "--weights=external"])
    xfc._run_compiler([affine.onnx, "-o", tmp_path / "b.so"])
    assert symbols(tmp_path / "a.so") == {"mine_run"}
    assert symbols(tmp_path / "b.so") == {"xfc_run"}
    assert (tmp_path / "a.weights").exists() and not (tmp_path / "b.weights").exists()
    # The first pinned the batch; the second keeps it as the model names it.
    mine = ctypes.CDLL(str(tmp_path / "a.so"))
    mine.mine_input_dim.restype = ctypes.c_int64
    mine.mine_input_dim.argtypes = [ctypes.c_size_t, ctypes.c_int32]
    assert [mine.mine_input_dim(0, d) for d in range(2)] == [2, 4]
    batch, width = xfc.load(tmp_path / "b.so").inputs[0].shape
    assert isinstance(batch, str) and width == 4


def test_compiles_from_several_threads(affine, tmp_path):
    errors = []

    def build(i):
        try:
            xfc.compile(affine.onnx, tmp_path / f"m{i}.so", shapes={"X": (i + 1, 4)})
        except Exception as e:  # reported below, with the thread's number
            errors.append((i, e))

    threads = [threading.Thread(target=build, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for i in range(3):
        x = affine.input(batch=i + 1)
        y = xfc.load(tmp_path / f"m{i}.so").run({"X": x})["Y"]
        want = affine.reference(x)
        assert np.abs(y - want).max() <= 1e-5 * (1 + np.abs(want).max())


def test_a_dump_folder_that_cannot_be_made_is_a_message(affine, tmp_path):
    (tmp_path / "taken").write_text("a file where the folder would go")
    with pytest.raises(xfc.XfcError, match="cannot create .*taken"):
        xfc._run_compiler([affine.onnx, "-o", tmp_path / "m.so",
                           f"--dump-ir-dir={tmp_path / 'taken'}"])

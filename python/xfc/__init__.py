"""Compile ONNX models with xfc and run the libraries it writes from Python.

    import xfc
    xfc.compile("model.onnx", "model.so")
    model = xfc.load("model.so")
    outputs = model.run({"input_ids": ids, "attention_mask": mask})

Importable with PYTHONPATH=python; needs NumPy and an xfc build (found
through $XFC_BUILD_DIR, then build/ beside this package, then $PATH).
"""

import ctypes
import os
import pathlib
import shutil
import subprocess
import threading

import numpy as np

__all__ = ["XfcError", "compile", "load", "Model", "models"]

_ROOT = pathlib.Path(__file__).resolve().parents[2]
_MAX_RANK = 8

# xfc_dtype codes (ONNX's) and NumPy's types.
_DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16,
           6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16,
           11: np.float64, 12: np.uint32, 13: np.uint64}
_CODES = {np.dtype(t): code for code, t in _DTYPES.items()}


class XfcError(RuntimeError):
    """A compilation or run-time failure, with xfc's message."""


class _Tensor(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_int), ("rank", ctypes.c_int32),
                ("shape", ctypes.c_int64 * _MAX_RANK), ("data", ctypes.c_void_p)]


def _xfc_binary():
    candidates = []
    if os.environ.get("XFC_BUILD_DIR"):
        candidates.append(pathlib.Path(os.environ["XFC_BUILD_DIR"]) / "bin" / "xfc")
    candidates.append(_ROOT / "build" / "bin" / "xfc")
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which("xfc")
    if not found:
        raise XfcError("xfc is not built: run scripts/build.sh or set XFC_BUILD_DIR")
    return found


def compile(onnx_path, out_path, target="cpu", shapes=None, cpu=None, weights="embedded",
            precision=None):
    """Compiles `onnx_path` into the shared library `out_path` (and its
    header beside it). `shapes` pins input shapes: {"input_ids": (1, 128)}.
    `weights="external"` writes the weights to NAME.weights beside NAME.so
    instead of into it, to be mapped by `load` (keep the two together).
    `target="cuda"` (or "cuda:sm_80") compiles for an NVIDIA GPU, with
    matrix products in `precision` "bf16" (the default), "tf32" or "fp32"."""
    command = [_xfc_binary(), str(onnx_path), "-o", str(out_path), f"--target={target}",
               f"--weights={weights}"]
    if precision:
        command.append(f"--precision={precision}")
    for name, shape in (shapes or {}).items():
        command.append(f"--shape={name}=" + "x".join(str(d) for d in shape))
    if cpu:
        command.append(f"--cpu={cpu}")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise XfcError(result.stderr.strip() or f"xfc failed ({result.returncode})")
    return pathlib.Path(out_path)


class _TensorInfo:
    def __init__(self, name, dtype, dims):
        self.name, self.dtype, self.shape = name, dtype, dims

    def __repr__(self):
        return f"{self.name}: {np.dtype(self.dtype).name}{list(self.shape)}"


class Model:
    """A library xfc compiled. Each thread gets its own session, so one
    Model may be run from several threads at once."""

    def __init__(self, path):
        self._lib = ctypes.CDLL(str(path))
        lib = self._lib
        lib.xfc_session_create.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        lib.xfc_session_destroy.argtypes = [ctypes.c_void_p]
        lib.xfc_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Tensor), ctypes.c_size_t,
                                ctypes.POINTER(_Tensor), ctypes.c_size_t]
        lib.xfc_session_error.argtypes = [ctypes.c_void_p]
        lib.xfc_session_error.restype = ctypes.c_char_p
        for side in ("input", "output"):
            getattr(lib, f"xfc_{side}_name").restype = ctypes.c_char_p
            getattr(lib, f"xfc_{side}_name").argtypes = [ctypes.c_size_t]
            getattr(lib, f"xfc_{side}_dtype").argtypes = [ctypes.c_size_t]
            getattr(lib, f"xfc_{side}_rank").argtypes = [ctypes.c_size_t]
            getattr(lib, f"xfc_{side}_dim").argtypes = [ctypes.c_size_t, ctypes.c_int32]
            getattr(lib, f"xfc_{side}_dim").restype = ctypes.c_int64
        lib.xfc_input_dim_name.restype = ctypes.c_char_p
        lib.xfc_input_dim_name.argtypes = [ctypes.c_size_t, ctypes.c_int32]
        self.inputs = [self._info("input", i, lib.xfc_input_dim_name)
                       for i in range(lib.xfc_num_inputs())]
        self.outputs = [self._info("output", i, None) for i in range(lib.xfc_num_outputs())]
        self._local = threading.local()
        self._sessions = []
        self._lock = threading.Lock()
        # A missing or wrong weights file fails here rather than at the first run.
        self._session()

    def _info(self, side, index, dim_name):
        lib = self._lib
        rank = getattr(lib, f"xfc_{side}_rank")(index)
        dims = []
        for d in range(rank):
            size = getattr(lib, f"xfc_{side}_dim")(index, d)
            if size < 0:
                name = dim_name(index, d).decode() if dim_name else ""
                size = name or None
            dims.append(size)
        code = getattr(lib, f"xfc_{side}_dtype")(index)
        return _TensorInfo(getattr(lib, f"xfc_{side}_name")(index).decode(),
                           _DTYPES.get(code), tuple(dims))

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            handle = ctypes.c_void_p()
            if self._lib.xfc_session_create(ctypes.byref(handle)) != 0:
                raise XfcError(self._lib.xfc_session_error(None).decode())
            session = self._local.session = handle
            with self._lock:
                self._sessions.append(handle)
        return session

    def run(self, feeds):
        """Runs the model on {input name: array}; returns {output name: array}."""
        missing = [i.name for i in self.inputs if i.name not in feeds]
        extra = sorted(set(feeds) - {i.name for i in self.inputs})
        if missing or extra:
            raise XfcError(f"missing inputs {missing}, unknown inputs {extra}")
        # np.require keeps rank-0 arrays rank 0 (ascontiguousarray does not).
        arrays = [np.require(feeds[i.name], requirements="C") for i in self.inputs]
        inputs = (_Tensor * max(1, len(arrays)))()
        for tensor, array in zip(inputs, arrays):
            if array.ndim > _MAX_RANK:
                raise XfcError(f"rank {array.ndim} exceeds {_MAX_RANK}")
            tensor.dtype = _CODES.get(array.dtype, 0)
            tensor.rank = array.ndim
            for d, size in enumerate(array.shape):
                tensor.shape[d] = size
            tensor.data = array.ctypes.data
        outputs = (_Tensor * max(1, len(self.outputs)))()
        session = self._session()
        status = self._lib.xfc_run(session, inputs, len(arrays), outputs, len(self.outputs))
        if status != 0:
            raise XfcError(self._lib.xfc_session_error(session).decode())
        results = {}
        for info, tensor in zip(self.outputs, outputs):
            shape = tuple(tensor.shape[d] for d in range(tensor.rank))
            if tensor.dtype not in _DTYPES:
                raise XfcError(f"output '{info.name}' has a type NumPy lacks "
                               f"(xfc_dtype {tensor.dtype})")
            dtype = np.dtype(_DTYPES[tensor.dtype])
            count = int(np.prod(shape)) if shape else 1
            buffer = (ctypes.c_char * (count * dtype.itemsize)).from_address(tensor.data)
            results[info.name] = np.frombuffer(buffer, dtype=dtype).reshape(shape).copy()
        return results

    def __del__(self):
        for session in getattr(self, "_sessions", []):
            self._lib.xfc_session_destroy(session)


def load(path):
    """Loads a library written by `compile` (or `xfc -o`)."""
    return Model(path)


from . import models  # noqa: E402  (needs onnx; imported last)

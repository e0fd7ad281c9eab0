"""Compile ONNX models with xfc and run the libraries it writes from Python.

    import xfc
    xfc.compile("model.onnx", "model.so")
    model = xfc.load("model.so")
    outputs = model.run({"input_ids": ids, "attention_mask": mask})

Install with `pip install ./python` (see README.md) or import with
PYTHONPATH=python. Running a library needs only NumPy; `compile` loads the
compiler into the process: lib/libxfc_compiler.so of $XFC_BUILD_DIR, else
of build/ in the source tree this package sits in, else beside the `xfc`
on $PATH. `xfc.models`, `xfc.matmul_nbits` (MatMul weights to 4- or 8-bit
MatMulNBits) and `xfc.gptq` (the same, error-minimising on calibration
inputs) need onnx.
"""

import ctypes
import importlib
import os
import pathlib
import shutil
import threading
import weakref

import numpy as np

__version__ = "0.4.0"  # CMakeLists.txt's project() version; a test keeps them equal.

__all__ = ["XfcError", "compile", "load", "Model", "DeviceArray"]

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


def _compiler_path():
    """libxfc_compiler.so: of $XFC_BUILD_DIR, else of the source tree this
    package sits in, else beside the `xfc` on $PATH (its ../lib)."""
    candidates = []
    if os.environ.get("XFC_BUILD_DIR"):
        candidates.append(pathlib.Path(os.environ["XFC_BUILD_DIR"]))
    candidates.append(_ROOT / "build")
    found = shutil.which("xfc")
    if found:
        candidates.append(pathlib.Path(found).resolve().parents[1])
    for root in candidates:
        library = root / "lib" / "libxfc_compiler.so"
        if library.exists():
            return str(library)
    raise XfcError("no xfc compiler library (lib/libxfc_compiler.so): set XFC_BUILD_DIR to "
                   "a build folder, put xfc on PATH, or run scripts/build.sh in the source "
                   "tree")


_compiler = None
_compiler_lock = threading.Lock()


def _compiler_library():
    """The compiler, loaded into this process on first use."""
    global _compiler
    with _compiler_lock:
        if _compiler is None:
            lib = ctypes.CDLL(_compiler_path())
            lib.xfc_compiler_run.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p),
                                             ctypes.POINTER(ctypes.c_void_p)]
            lib.xfc_compiler_free.argtypes = [ctypes.c_void_p]
            lib.xfc_compiler_version.restype = ctypes.c_char_p
            _compiler = lib
        return _compiler


def _run_compiler(args):
    """Runs xfc with command-line `args` in this process; raises XfcError
    with its messages when it fails."""
    lib = _compiler_library()
    encoded = [os.fsencode(str(arg)) for arg in args]
    argv = (ctypes.c_char_p * len(encoded))(*encoded)
    messages = ctypes.c_void_p()
    status = lib.xfc_compiler_run(len(encoded), argv, ctypes.byref(messages))
    text = ""
    if messages.value:
        text = ctypes.string_at(messages.value).decode(errors="replace")
        lib.xfc_compiler_free(messages)
    if status != 0:
        raise XfcError(text.strip() or f"xfc failed ({status})")
    return text


def compile(onnx_path, out_path, target="cpu", shapes=None, cpu=None, weights="embedded",
            precision=None, quantize=None, group_size=None, method=None, calibration=None,
            sparsify=None, prune=None):
    """Compiles `onnx_path` into the shared library `out_path` (and its
    header beside it), in this process (libxfc_compiler.so). `shapes` pins
    input shapes: {"input_ids": (1, 128)}.
    `weights="external"` writes the weights to NAME.weights beside NAME.so
    instead of into it, to be mapped by `load` (keep the two together).
    `target="cuda"` (or "cuda:sm_80") compiles for an NVIDIA GPU, with
    matrix products in `precision` "bf16" (the default), "tf32" or "fp32".
    `quantize="int4"` or `"int8"` quantizes the products' weights (xfc
    --quantize), in groups of `group_size` along K (128 by default):
    `method=None` or `"rtn"` rounds to nearest; `method="gptq"` with
    `calibration` (.npz paths, one sample each, keyed by input name) has
    xfc.gptq choose the weights (int4 when `quantize` is not given) and
    compiles the MatMulNBits model it writes (needs onnx).
    `sparsify="2:4"` or `"unstructured:R"` prunes the products' weights by
    magnitude first (xfc --sparsify, docs/sparsity.md); with
    `prune="wanda"` and `calibration`, by Wanda's scores (|W| times the
    norm of the input channel on the calibration inputs) instead: the
    pruned model xfc.sparsity writes is compiled (needs onnx). Pruned here
    or before, weights with at least 40% zeros run on sparse kernels on
    AVX-512 CPUs (docs/sparsity.md)."""
    if prune not in (None, "magnitude", "wanda"):
        raise ValueError(f"prune must be None, 'magnitude' or 'wanda', not {prune!r}")
    if prune == "wanda":
        if not sparsify or not calibration:
            raise ValueError("prune='wanda' needs sparsify= and calibration=[.npz paths]")
        return _compile_wanda(onnx_path, out_path, sparsify, calibration, target=target,
                              shapes=shapes, cpu=cpu, weights=weights, precision=precision,
                              quantize=quantize, group_size=group_size)
    if method not in (None, "rtn", "gptq"):
        raise ValueError(f"method must be None, 'rtn' or 'gptq', not {method!r}")
    if method == "gptq":
        if not calibration:
            raise ValueError("method='gptq' needs calibration=[.npz paths] (inputs to observe)")
        return _compile_gptq(onnx_path, out_path, quantize or "int4", group_size or 128,
                             calibration, target=target, shapes=shapes, cpu=cpu,
                             weights=weights, precision=precision)
    if calibration:
        raise ValueError("calibration= is for method='gptq' (round to nearest takes none)")
    args = [onnx_path, "-o", out_path, f"--target={target}", f"--weights={weights}"]
    if precision:
        args.append(f"--precision={precision}")
    for name, shape in (shapes or {}).items():
        args.append(f"--shape={name}=" + "x".join(str(d) for d in shape))
    if cpu:
        args.append(f"--cpu={cpu}")
    if quantize:
        args.append(f"--quantize={quantize}")
    if group_size:
        args.append(f"--group-size={group_size}")
    if sparsify:
        args.append(f"--sparsify={sparsify}")
    _run_compiler(args)
    return pathlib.Path(out_path)


def _compile_wanda(onnx_path, out_path, sparsify, calibration, **options):
    import tempfile

    import onnx

    from .matmul_nbits import save_model
    from .sparsity import prune_wanda
    model = onnx.load(str(onnx_path))
    prune_wanda(model, calibration, sparsify)
    with tempfile.TemporaryDirectory(prefix="xfc-wanda-") as folder:
        pruned = pathlib.Path(folder) / "pruned.onnx"
        save_model(model, pruned)
        return compile(pruned, out_path, **options)


def _compile_gptq(onnx_path, out_path, quantize, group_size, calibration, **options):
    """GPTQ into a temporary MatMulNBits model, compiled as it is."""
    import tempfile

    import onnx

    from .gptq import quantize_gptq
    from .matmul_nbits import save_model
    bits = {"int4": 4, "int8": 8}.get(quantize)
    if bits is None:
        raise ValueError(f"quantize must be 'int4' or 'int8', not {quantize!r}")
    # quantize_gptq takes one .npz path or a list of them.
    model = quantize_gptq(onnx.load(str(onnx_path)), calibration, bits=bits,
                          block_size=group_size)
    with tempfile.TemporaryDirectory(prefix="xfc-gptq-") as folder:
        path = os.path.join(folder, pathlib.Path(onnx_path).stem + "_gptq.onnx")
        save_model(model, path)
        return compile(path, out_path, **options)


class _TensorInfo:
    def __init__(self, name, dtype, dims):
        self.name, self.dtype, self.shape = name, dtype, dims

    def __repr__(self):
        return f"{self.name}: {np.dtype(self.dtype).name}{list(self.shape)}"


class _Session:
    """One thread's xfc_session, destroyed with this object: once its
    thread has ended (threading.local drops it) or its Model has gone, and
    no DeviceArray it filled is left."""

    def __init__(self, lib):
        self._destroy = lib.xfc_session_destroy
        self.handle = ctypes.c_void_p()
        if lib.xfc_session_create(ctypes.byref(self.handle)) != 0:
            raise XfcError(lib.xfc_session_error(None).decode())

    def __del__(self):
        if self.handle:
            self._destroy(self.handle)


class Model:
    """A library xfc compiled. Each thread gets its own session, so one
    Model may be run from several threads at once; a thread's session is
    freed when the thread ends."""

    def __init__(self, path):
        # dlopen searches the library path for a name without '/': make it a path.
        self._lib = ctypes.CDLL(os.path.abspath(path))
        lib = self._lib
        lib.xfc_session_create.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        lib.xfc_session_destroy.argtypes = [ctypes.c_void_p]
        for run in (lib.xfc_run, lib.xfc_run_on_device):
            run.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Tensor), ctypes.c_size_t,
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
        self._sessions = weakref.WeakSet()  # the live ones, for session_count
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
            session = self._local.session = _Session(self._lib)
            self._sessions.add(session)
        return session

    @property
    def session_count(self):
        """The sessions alive now: one per thread that has run this Model
        (or created it) and has not ended, or whose run_on_device outputs
        are still referenced."""
        return len(self._sessions)

    def _call(self, function, feeds, describe):
        """Calls `function` (xfc_run or xfc_run_on_device) on `feeds`, each
        described by `describe(value)` as (address, shape, NumPy dtype);
        returns the filled output tensors and the _Session that owns them."""
        missing = [i.name for i in self.inputs if i.name not in feeds]
        extra = sorted(set(feeds) - {i.name for i in self.inputs})
        if missing or extra:
            raise XfcError(f"missing inputs {missing}, unknown inputs {extra}")
        inputs = (_Tensor * max(1, len(self.inputs)))()
        for tensor, info in zip(inputs, self.inputs):
            address, shape, dtype = describe(feeds[info.name])
            if len(shape) > _MAX_RANK:
                raise XfcError(f"rank {len(shape)} exceeds {_MAX_RANK}")
            tensor.dtype = _CODES.get(np.dtype(dtype), 0)
            tensor.rank = len(shape)
            for d, size in enumerate(shape):
                tensor.shape[d] = size
            tensor.data = address
        outputs = (_Tensor * max(1, len(self.outputs)))()
        session = self._session()
        status = function(session.handle, inputs, len(self.inputs), outputs, len(self.outputs))
        if status != 0:
            raise XfcError(self._lib.xfc_session_error(session.handle).decode())
        for info, tensor in zip(self.outputs, outputs):
            if tensor.dtype not in _DTYPES:
                raise XfcError(f"output '{info.name}' has a type NumPy lacks "
                               f"(xfc_dtype {tensor.dtype})")
        return outputs, session

    def run(self, feeds):
        """Runs the model on {input name: array}; returns {output name: array}."""
        # np.require keeps rank-0 arrays rank 0 (ascontiguousarray does not).
        arrays = {name: np.require(value, requirements="C") for name, value in feeds.items()}
        outputs, _ = self._call(self._lib.xfc_run, arrays,
                                lambda a: (a.ctypes.data, a.shape, a.dtype))
        results = {}
        for info, tensor in zip(self.outputs, outputs):
            shape = tuple(tensor.shape[d] for d in range(tensor.rank))
            dtype = np.dtype(_DTYPES[tensor.dtype])
            count = int(np.prod(shape)) if shape else 1
            buffer = (ctypes.c_char * (count * dtype.itemsize)).from_address(tensor.data)
            results[info.name] = np.frombuffer(buffer, dtype=dtype).reshape(shape).copy()
        return results

    def run_on_device(self, feeds):
        """CUDA libraries: runs the model on {input name: GPU array} (any
        object with __cuda_array_interface__, C-contiguous: a PyTorch or
        CuPy tensor), read in place; returns {output name: DeviceArray}
        that torch.as_tensor(x, device="cuda") or cupy.asarray(x) wrap
        without a copy, valid until this thread's next run (each keeps
        the session that owns its memory alive past the thread's end)."""
        outputs, session = self._call(self._lib.xfc_run_on_device, feeds,
                                      _describe_device_array)
        return {info.name: DeviceArray(tensor, session)
                for info, tensor in zip(self.outputs, outputs)}


def _describe_device_array(value):
    interface = value.__cuda_array_interface__
    shape = tuple(interface["shape"])
    dtype = np.dtype(interface["typestr"])
    strides = interface.get("strides")
    contiguous = tuple(int(np.prod(shape[d + 1:], dtype=np.int64)) * dtype.itemsize
                       for d in range(len(shape)))
    if strides is not None and tuple(strides) != contiguous:
        raise XfcError("run_on_device takes C-contiguous arrays")
    return interface["data"][0], shape, dtype


class DeviceArray:
    """An output left in GPU memory by run_on_device: its address, shape
    and dtype, and __cuda_array_interface__ for frameworks to wrap."""

    def __init__(self, tensor, session):
        self._session = session  # owns the memory
        self.shape = tuple(tensor.shape[d] for d in range(tensor.rank))
        self.dtype = np.dtype(_DTYPES[tensor.dtype])
        self.data = tensor.data or 0
        self.__cuda_array_interface__ = {"shape": self.shape, "typestr": self.dtype.str,
                                         "data": (self.data, False), "version": 3}


def load(path):
    """Loads a library written by `compile` (or `xfc -o`)."""
    return Model(path)


def __getattr__(name):
    # xfc.models needs onnx: imported on first use, so that compiling and
    # running libraries need only NumPy.
    if name == "models":
        return importlib.import_module(".models", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

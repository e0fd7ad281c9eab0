# lit configuration for xfc's FileCheck tests.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "xfc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.xfc_obj_root, "test")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "python", "unit",
                   "ptxas_report.py"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%xfc", os.path.join(config.xfc_tools_dir, "xfc")))
config.substitutions.append(
    ("%zoo", os.path.join(config.xfc_src_root, "..", "shared", "models", "zoo")))
config.excludes.append("Inputs")
# End-to-end numerics: lowered programs run by upstream's JIT runner, with
# the runtime's allocator that generated code calls.
runner_libs = ",".join(
    [os.path.join(config.llvm_tools_dir, "..", "lib", lib)
     for lib in ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so")]
    + [os.path.join(config.xfc_tools_dir, "..", "lib", "libxfc_jit_runtime.so")])
# scripts/check-asan.sh: the runner is not instrumented but the runtime is.
runner_preload = os.environ.get("XFC_LIT_RUNNER_PRELOAD")
runner_env = f"env LD_PRELOAD={runner_preload} " if runner_preload else ""
config.substitutions.append(
    ("%run_main",
     runner_env + "mlir-runner -e main -entry-point-result=void -shared-libs=" + runner_libs))
llvm_config.add_tool_substitutions(
    ["xfc-opt", "xfc-run", "xfc", "xfc-fuzz-import"], [config.xfc_tools_dir])

# The CUDA target: tests that compile kernels need the toolkit's ptxas;
# tests that run them need an NVIDIA driver (this machine's CI has none).
cuda_path = os.environ.get("CUDA_PATH", "/usr/local/cuda")
if os.access(os.path.join(cuda_path, "bin", "ptxas"), os.X_OK):
    config.available_features.add("cuda-toolkit")
    config.substitutions.append(("%cuda_path", cuda_path))
try:
    import ctypes
    ctypes.CDLL("libcuda.so.1")
    config.available_features.add("cuda-driver")
except OSError:
    pass

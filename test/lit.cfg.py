# lit configuration for xfc's FileCheck tests.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "xfc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.xfc_obj_root, "test")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "python", "unit"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(
    ("%zoo", os.path.join(config.xfc_src_root, "..", "shared", "models", "zoo")))
config.excludes.append("Inputs")
llvm_config.add_tool_substitutions(
    ["xfc-opt", "xfc"], [config.xfc_tools_dir])

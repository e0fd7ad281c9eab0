"""What a compiled library shows the programs that link it: its C functions
only (under --c-prefix), a SONAME, a header naming dtypes, and a refusal on
a CPU that lacks the instructions its code was compiled for."""

import re
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import xfc
from conftest import ROOT


def elementwise_model(path, op, dtype, names):
    """y = a OP b over [n], with inputs named `names`."""
    inputs = [helper.make_tensor_value_info(name, dtype, ["n"]) for name in names]
    graph = helper.make_graph([helper.make_node(op, list(names), ["y"], name=op.lower())],
                              op.lower(), inputs,
                              [helper.make_tensor_value_info("y", dtype, ["n"])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


def compile_library(xfc_binary, model, library, *options):
    result = subprocess.run([str(xfc_binary), str(model), "-o", str(library), *options],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return library


def interface_functions():
    header = (ROOT / "include" / "xfc" / "Runtime" / "xfc_runtime.h").read_text()
    return sorted(set(re.findall(r"\bxfc_([a-z0-9_]+)\(", header)))


def exported(library):
    out = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True,
                         text=True, check=True).stdout
    return sorted(line.split()[-1] for line in out.splitlines())


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    return (elementwise_model(root / "adder.onnx", "Add", TensorProto.FLOAT, ("a", "b")),
            elementwise_model(root / "multiplier.onnx", "Mul", TensorProto.INT64, ("x", "z")))


def test_only_the_c_interface_is_exported(models, xfc, tmp_path):
    for prefix in ("xfc", "adder"):
        library = compile_library(xfc, models[0], tmp_path / f"{prefix}_lib.so",
                                  f"--c-prefix={prefix}")
        assert exported(library) == sorted(f"{prefix}_{f}" for f in interface_functions())
        dynamic = subprocess.run(["readelf", "-d", str(library)], capture_output=True,
                                 text=True, check=True).stdout
        assert f"Library soname: [{prefix}_lib.so]" in dynamic


def test_header_names_dtypes(models, xfc, tmp_path):
    compile_library(xfc, models[1], tmp_path / "m.so")
    header = (tmp_path / "m.h").read_text()
    assert " *   input 'x': XFC_INT64, shape [n]\n" in header
    assert " *   output 'y': XFC_INT64, shape [" in header


def test_python_dtypes_are_the_headers():
    """The Python package's code-to-NumPy table (it cannot read the C++ one)
    against xfc_dtype: each code it knows is the enumerator of that name, and
    it knows every enumerator NumPy has a type for (not bfloat16)."""
    header = (ROOT / "include" / "xfc" / "Runtime" / "xfc_runtime.h").read_text()
    body = re.search(r"typedef enum \{([^}]*)\} xfc_dtype;", header).group(1)
    enumerators = {int(code): name.lower()
                   for name, code in re.findall(r"\bXFC_([A-Z0-9]+) = (\d+)", body)}
    assert enumerators[1] == "float32" and enumerators[16] == "bfloat16"
    assert {code: np.dtype(t).name for code, t in xfc._DTYPES.items()} == {
        code: name for code, name in enumerators.items() if name != "bfloat16"}


def test_prefix_must_be_a_c_identifier(models, xfc, tmp_path):
    for bad in ("9lives", "my-model", "a.b", ""):
        result = subprocess.run([str(xfc), str(models[0]), "-o", str(tmp_path / "bad.so"),
                                 f"--c-prefix={bad}"], capture_output=True, text=True)
        assert result.returncode == 1
        assert f"xfc: --c-prefix='{bad}' is not a C identifier" in result.stderr


PROGRAM = r"""
#include "adder.h"
#include "multiplier.h"
#include <stdio.h>
#include <stdlib.h>

/* argv: n, then n floats a, n floats b, n integers x, n integers z. */
int main(int argc, char **argv) {
  int64_t n = atoll(argv[1]);
  float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  int64_t *x = malloc(n * sizeof *x), *z = malloc(n * sizeof *z);
  for (int64_t i = 0; i < n; ++i) {
    a[i] = strtof(argv[2 + i], NULL);
    b[i] = strtof(argv[2 + n + i], NULL);
    x[i] = atoll(argv[2 + 2 * n + i]);
    z[i] = atoll(argv[2 + 3 * n + i]);
  }
  xfc_session *adding, *multiplying;
  if (adder_session_create(&adding) != XFC_OK ||
      multiplier_session_create(&multiplying) != XFC_OK)
    return 2;
  xfc_tensor sum_in[2] = {{XFC_FLOAT32, 1, {n}, a}, {XFC_FLOAT32, 1, {n}, b}};
  xfc_tensor product_in[2] = {{XFC_INT64, 1, {n}, x}, {XFC_INT64, 1, {n}, z}};
  xfc_tensor sum, product;
  if (adder_run(adding, sum_in, 2, &sum, 1) != XFC_OK) {
    fprintf(stderr, "%s\n", adder_session_error(adding));
    return 3;
  }
  if (multiplier_run(multiplying, product_in, 2, &product, 1) != XFC_OK) {
    fprintf(stderr, "%s\n", multiplier_session_error(multiplying));
    return 3;
  }
  printf("%s %s\n", adder_input_name(0), multiplier_input_name(0));
  for (int64_t i = 0; i < n; ++i)
    printf("%.9g %lld\n", ((float *)sum.data)[i],
           (long long)((int64_t *)product.data)[i]);
  adder_session_destroy(adding);
  multiplier_session_destroy(multiplying);
  return 0;
}
"""


def test_two_prefixed_libraries_in_one_program(models, xfc, tmp_path):
    compile_library(xfc, models[0], tmp_path / "adder.so", "--c-prefix=adder")
    compile_library(xfc, models[1], tmp_path / "multiplier.so", "--c-prefix=multiplier")
    (tmp_path / "main.c").write_text(PROGRAM)
    subprocess.run(["clang-22", "-Wall", "-Werror", "-o", str(tmp_path / "main"),
                    str(tmp_path / "main.c"), f"-I{tmp_path}", str(tmp_path / "adder.so"),
                    str(tmp_path / "multiplier.so"), f"-Wl,-rpath,{tmp_path}"],
                   check=True)
    rng = np.random.default_rng(11)
    n = 37
    a, b = (rng.standard_normal(n, dtype=np.float32) for _ in range(2))
    x, z = (rng.integers(-2**31, 2**31, n, dtype=np.int64) for _ in range(2))
    args = [str(n)] + [repr(float(v)) for v in np.concatenate([a, b])] + \
        [str(int(v)) for v in np.concatenate([x, z])]
    out = subprocess.run([str(tmp_path / "main"), *args], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "a x"  # each library answered for itself
    got = [line.split() for line in lines[1:]]
    # Exact: one rounding per element, as NumPy's.
    assert np.array_equal(np.array([float(s) for s, _ in got], dtype=np.float32), a + b)
    assert np.array_equal(np.array([int(p) for _, p in got], dtype=np.int64), x * z)


def test_unprefixed_libraries_in_one_program_share_names(models, xfc, tmp_path):
    """What the README says: with one prefix, the dynamic linker binds every
    xfc_* call to the library loaded first."""
    compile_library(xfc, models[0], tmp_path / "adder.so")
    compile_library(xfc, models[1], tmp_path / "multiplier.so")
    (tmp_path / "main.c").write_text(
        '#include "xfc/Runtime/xfc_runtime.h"\n#include <stdio.h>\n'
        'int main(void) { printf("%s\\n", xfc_input_name(0)); return 0; }\n')
    for first, second, name in (("adder", "multiplier", "a"), ("multiplier", "adder", "x")):
        subprocess.run(["clang-22", "-o", str(tmp_path / "main"), str(tmp_path / "main.c"),
                        f"-I{ROOT / 'include'}", str(tmp_path / f"{first}.so"),
                        str(tmp_path / f"{second}.so"), f"-Wl,-rpath,{tmp_path}"], check=True)
        out = subprocess.run([str(tmp_path / "main")], capture_output=True, text=True, check=True)
        assert out.stdout == f"{name}\n"


def cpu_flags():
    for line in open("/proc/cpuinfo"):
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def test_library_for_a_cpu_with_amx_is_refused_here(models, tmp_path):
    if "amx_tile" in cpu_flags():
        pytest.skip("this CPU has AMX")
    library = xfc.compile(models[0], tmp_path / "spr.so", cpu="sapphirerapids")
    with pytest.raises(xfc.XfcError) as error:
        xfc.load(library)
    message = str(error.value)
    assert message.startswith("this library's code (compiled for CPU 'sapphirerapids') uses "
                              "instructions this CPU lacks: ")
    assert "amx-tile" in message.split(": ", 1)[1].split(" (")[0].split(", ")


def test_x86_64_v3_library_runs_here(models, tmp_path):
    if not {"avx2", "fma", "bmi2", "f16c", "movbe"} <= cpu_flags():
        pytest.skip("this CPU is older than x86-64-v3")
    library = xfc.compile(models[0], tmp_path / "v3.so", cpu="x86-64-v3")
    rng = np.random.default_rng(5)
    a, b = (rng.standard_normal(100, dtype=np.float32) for _ in range(2))
    assert np.array_equal(xfc.load(library).run({"a": a, "b": b})["y"], a + b)

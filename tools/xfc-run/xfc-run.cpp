//===- xfc-run.cpp - run a library xfc compiled ---------------------------===//
//
//   xfc-run model.so [--inputs in.npz | --seed N] [--dim NAME=SIZE ...]
//           [--output out.npz] [--expect ref.npz [--rtol R]] [--bench N]
//
// Loads the library, feeds it inputs from an .npz (by input name) or random
// ones, writes the outputs to an .npz, compares them with a reference
// (entries named NAME or out:NAME) and times repeated runs. Uses only the
// library's C interface: no LLVM or MLIR.
//
//===----------------------------------------------------------------------===//

#include "npz.h"
#include "xfc/Runtime/xfc_runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

/// The library's C interface, looked up by name.
struct Library {
  void *handle = nullptr;
  decltype(&xfc_session_create) sessionCreate;
  decltype(&xfc_session_destroy) sessionDestroy;
  decltype(&xfc_run) run;
  decltype(&xfc_session_error) sessionError;
  decltype(&xfc_num_inputs) numInputs;
  decltype(&xfc_num_outputs) numOutputs;
  decltype(&xfc_input_name) inputName;
  decltype(&xfc_output_name) outputName;
  decltype(&xfc_input_dtype) inputDtype;
  decltype(&xfc_input_rank) inputRank;
  decltype(&xfc_input_dim) inputDim;
  decltype(&xfc_input_dim_name) inputDimName;

  bool load(const char *path) {
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      std::fprintf(stderr, "xfc-run: %s\n", dlerror());
      return false;
    }
    bool ok = true;
    auto get = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
          dlsym(handle, name));
      if (!fn) {
        std::fprintf(stderr, "xfc-run: %s is not an xfc library (no %s)\n",
                     path, name);
        ok = false;
      }
    };
    get(sessionCreate, "xfc_session_create");
    get(sessionDestroy, "xfc_session_destroy");
    get(run, "xfc_run");
    get(sessionError, "xfc_session_error");
    get(numInputs, "xfc_num_inputs");
    get(numOutputs, "xfc_num_outputs");
    get(inputName, "xfc_input_name");
    get(outputName, "xfc_output_name");
    get(inputDtype, "xfc_input_dtype");
    get(inputRank, "xfc_input_rank");
    get(inputDim, "xfc_input_dim");
    get(inputDimName, "xfc_input_dim_name");
    return ok;
  }
};

/// An element as a double, read from its bytes.
template <typename T> double readAs(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return double(v);
}

/// The element types xfc-run moves between .npz files and libraries.
struct ElementType {
  xfc_dtype dtype;
  const char *descr; // NumPy's type string
  size_t bytes;
  double (*read)(const char *);
};
const ElementType kElementTypes[] = {
    {XFC_FLOAT32, "<f4", 4, readAs<float>},
    {XFC_FLOAT64, "<f8", 8, readAs<double>},
    {XFC_FLOAT16, "<f2", 2, readAs<_Float16>},
    {XFC_INT64, "<i8", 8, readAs<int64_t>},
    {XFC_INT32, "<i4", 4, readAs<int32_t>},
    {XFC_INT16, "<i2", 2, readAs<int16_t>},
    {XFC_INT8, "|i1", 1, readAs<int8_t>},
    {XFC_UINT64, "<u8", 8, readAs<uint64_t>},
    {XFC_UINT32, "<u4", 4, readAs<uint32_t>},
    {XFC_UINT16, "<u2", 2, readAs<uint16_t>},
    {XFC_UINT8, "|u1", 1, readAs<uint8_t>},
    {XFC_BOOL, "|b1", 1, readAs<uint8_t>},
};

/// NumPy's type string and the element size of an xfc dtype.
bool describe(xfc_dtype dtype, std::string &descr, size_t &bytes) {
  for (const ElementType &type : kElementTypes)
    if (type.dtype == dtype) {
      descr = type.descr;
      bytes = type.bytes;
      return true;
    }
  return false;
}

/// One element as a double, for comparisons.
double element(const xfc::npz::Array &a, size_t i) {
  for (const ElementType &type : kElementTypes)
    if (a.descr == type.descr)
      return type.read(a.data.data() + type.bytes * i);
  return 0;
}

size_t count(const std::vector<int64_t> &shape) {
  size_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<size_t>(d);
  return n;
}

int usage() {
  std::fprintf(stderr,
               "usage: xfc-run model.so [--inputs in.npz | --seed N] "
               "[--dim NAME=SIZE ...] [--output out.npz] [--expect ref.npz "
               "[--rtol R]] [--bench N]\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return usage();
  std::string libraryPath = argv[1], inputsPath, outputPath, expectPath;
  unsigned seed = 0, benchRuns = 0;
  double rtol = 1e-4;
  std::map<std::string, int64_t> dims;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "xfc-run: %s needs a value\n", arg.c_str());
        std::exit(usage());
      }
      return argv[++i];
    };
    if (arg == "--inputs")
      inputsPath = value();
    else if (arg == "--output")
      outputPath = value();
    else if (arg == "--expect")
      expectPath = value();
    else if (arg == "--seed")
      seed = std::strtoul(value().c_str(), nullptr, 10);
    else if (arg == "--bench")
      benchRuns = std::strtoul(value().c_str(), nullptr, 10);
    else if (arg == "--rtol")
      rtol = std::strtod(value().c_str(), nullptr);
    else if (arg == "--dim") {
      std::string v = value();
      size_t eq = v.find('=');
      if (eq == std::string::npos)
        return usage();
      dims[v.substr(0, eq)] = std::strtoll(v.c_str() + eq + 1, nullptr, 10);
    } else {
      std::fprintf(stderr, "xfc-run: unknown option %s\n", arg.c_str());
      return usage();
    }
  }

  Library lib;
  if (!lib.load(libraryPath.c_str()))
    return 1;
  std::string error;
  std::map<std::string, xfc::npz::Array> given;
  if (!inputsPath.empty() && !xfc::npz::read(inputsPath, given, error)) {
    std::fprintf(stderr, "xfc-run: %s\n", error.c_str());
    return 1;
  }

  // Inputs: by name from the archive, or random with the model's shapes.
  size_t numInputs = lib.numInputs(), numOutputs = lib.numOutputs();
  std::vector<xfc::npz::Array> inputs(numInputs);
  std::vector<xfc_tensor> tensors(numInputs);
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < numInputs; ++i) {
    std::string name = lib.inputName(i);
    xfc::npz::Array &a = inputs[i];
    xfc_dtype dtype = lib.inputDtype(i);
    size_t bytes;
    if (!describe(dtype, a.descr, bytes)) {
      std::fprintf(stderr, "xfc-run: input '%s' has a type .npz cannot hold\n",
                   name.c_str());
      return 1;
    }
    if (!inputsPath.empty()) {
      auto it = given.find(name);
      if (it == given.end()) {
        std::fprintf(stderr, "xfc-run: %s has no input '%s'\n",
                     inputsPath.c_str(), name.c_str());
        return 1;
      }
      a = it->second;
    } else {
      for (int32_t d = 0; d < lib.inputRank(i); ++d) {
        int64_t size = lib.inputDim(i, d);
        if (size < 0) {
          std::string dimName = lib.inputDimName(i, d);
          size = dims.count(dimName) ? dims[dimName] : 1;
        }
        a.shape.push_back(size);
      }
      a.data.resize(count(a.shape) * bytes);
      for (size_t k = 0; k < count(a.shape); ++k) {
        // Floats in [-1, 1); integers (token ids, masks) in [0, 2).
        if (dtype == XFC_FLOAT32) {
          float v = std::uniform_real_distribution<float>(-1, 1)(rng);
          std::memcpy(&a.data[4 * k], &v, 4);
        } else if (dtype == XFC_INT64) {
          int64_t v = rng() % 2;
          std::memcpy(&a.data[8 * k], &v, 8);
        } else if (bytes == 1) {
          a.data[k] = static_cast<char>(rng() % 2);
        }
      }
    }
    xfc_tensor &t = tensors[i];
    t.dtype = dtype;
    if (a.shape.size() > XFC_MAX_RANK)
      return usage();
    t.rank = static_cast<int32_t>(a.shape.size());
    std::copy(a.shape.begin(), a.shape.end(), t.shape);
    t.data = a.data.data();
    // The runtime checks the dtype; the archive's type string must agree.
    std::string descr;
    describe(dtype, descr, bytes);
    if (descr != a.descr) {
      std::fprintf(
          stderr, "xfc-run: input '%s' in %s has type %s, the model takes %s\n",
          name.c_str(), inputsPath.c_str(), a.descr.c_str(), descr.c_str());
      return 1;
    }
  }

  xfc_session *session = nullptr;
  if (lib.sessionCreate(&session) != XFC_OK) {
    std::fprintf(stderr, "xfc-run: %s\n", lib.sessionError(nullptr));
    return 1;
  }
  std::vector<xfc_tensor> outputs(numOutputs);
  if (lib.run(session, tensors.data(), numInputs, outputs.data(), numOutputs) !=
      XFC_OK) {
    std::fprintf(stderr, "xfc-run: %s\n", lib.sessionError(session));
    lib.sessionDestroy(session);
    return 1;
  }

  std::map<std::string, xfc::npz::Array> results;
  for (size_t i = 0; i < numOutputs; ++i) {
    xfc::npz::Array a;
    size_t bytes;
    if (!describe(outputs[i].dtype, a.descr, bytes))
      continue;
    a.shape.assign(outputs[i].shape, outputs[i].shape + outputs[i].rank);
    const char *data = static_cast<const char *>(outputs[i].data);
    a.data.assign(data, data + count(a.shape) * bytes);
    std::printf("%s: [", lib.outputName(i));
    for (size_t d = 0; d < a.shape.size(); ++d)
      std::printf("%s%lld", d ? ", " : "", static_cast<long long>(a.shape[d]));
    std::printf("] %s\n", a.descr.c_str());
    results[lib.outputName(i)] = std::move(a);
  }
  if (!outputPath.empty() && !xfc::npz::write(outputPath, results, error)) {
    std::fprintf(stderr, "xfc-run: %s\n", error.c_str());
    return 1;
  }

  int status = 0;
  if (!expectPath.empty()) {
    std::map<std::string, xfc::npz::Array> expected;
    if (!xfc::npz::read(expectPath, expected, error)) {
      std::fprintf(stderr, "xfc-run: %s\n", error.c_str());
      return 1;
    }
    for (const auto &[name, got] : results) {
      auto it = expected.find("out:" + name);
      if (it == expected.end())
        it = expected.find(name);
      if (it == expected.end()) {
        std::printf("%s: no reference in %s\n", name.c_str(),
                    expectPath.c_str());
        status = 1;
        continue;
      }
      const xfc::npz::Array &want = it->second;
      if (want.shape != got.shape) {
        std::printf("%s: shape differs from the reference\n", name.c_str());
        status = 1;
        continue;
      }
      double maxError = 0, scale = 1;
      for (size_t k = 0; k < count(got.shape); ++k) {
        maxError =
            std::max(maxError, std::fabs(element(got, k) - element(want, k)));
        scale = std::max(scale, std::fabs(element(want, k)));
      }
      double relative = maxError / scale;
      bool ok = relative <= rtol;
      std::printf("%s: relative error %.3g (tolerance %.3g) %s\n", name.c_str(),
                  relative, rtol, ok ? "ok" : "MISMATCH");
      status |= ok ? 0 : 1;
    }
  }

  if (benchRuns) {
    std::vector<double> ms;
    for (unsigned r = 0; r < benchRuns; ++r) {
      auto start = std::chrono::steady_clock::now();
      lib.run(session, tensors.data(), numInputs, outputs.data(), numOutputs);
      ms.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%u runs: median %.3f ms, min %.3f ms\n", benchRuns,
                ms[ms.size() / 2], ms.front());
  }
  lib.sessionDestroy(session);
  return status;
}

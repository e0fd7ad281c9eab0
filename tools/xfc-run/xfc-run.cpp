//===- xfc-run.cpp - run a library xfc compiled ---------------------------===//
//
// Loads the library, feeds it inputs from an .npz (by input name) or random
// ones, writes the outputs to an .npz, compares them with a reference
// (entries named NAME or out:NAME) and times repeated runs. Uses only the
// library's C interface: no LLVM or MLIR.
//
//===----------------------------------------------------------------------===//

#include "RunOptions.h"
#include "npz.h"
#include "xfc/Runtime/xfc_runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

/// The library's C interface, looked up by name (PREFIX_session_create, ...).
struct Library {
  void *handle = nullptr;
  decltype(&xfc_session_create) sessionCreate;
  decltype(&xfc_session_destroy) sessionDestroy;
  decltype(&xfc_run) run;
  decltype(&xfc_session_error) sessionError;
  decltype(&xfc_set_num_threads) setNumThreads;
  decltype(&xfc_num_inputs) numInputs;
  decltype(&xfc_num_outputs) numOutputs;
  decltype(&xfc_input_name) inputName;
  decltype(&xfc_output_name) outputName;
  decltype(&xfc_input_dtype) inputDtype;
  decltype(&xfc_input_rank) inputRank;
  decltype(&xfc_input_dim) inputDim;
  decltype(&xfc_input_dim_name) inputDimName;

  bool load(const std::string &path, const std::string &prefix) {
    // dlopen searches the library path for a name without a '/': a file
    // named on the command line is relative to the working directory.
    std::string file = path.find('/') == std::string::npos ? "./" + path : path;
    handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      std::fprintf(stderr, "xfc-run: %s\n", dlerror());
      return false;
    }
    bool ok = true;
    auto get = [&](auto &fn, const char *name) {
      std::string symbol = prefix + "_" + name;
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
          dlsym(handle, symbol.c_str()));
      if (!fn && ok)
        std::fprintf(stderr,
                     "xfc-run: %s has no function %s: not an xfc library, or "
                     "compiled with another --c-prefix (give it with "
                     "--c-prefix)\n",
                     path.c_str(), symbol.c_str());
      ok &= fn != nullptr;
    };
    get(sessionCreate, "session_create");
    get(sessionDestroy, "session_destroy");
    get(run, "run");
    get(sessionError, "session_error");
    get(setNumThreads, "set_num_threads");
    get(numInputs, "num_inputs");
    get(numOutputs, "num_outputs");
    get(inputName, "input_name");
    get(outputName, "output_name");
    get(inputDtype, "input_dtype");
    get(inputRank, "input_rank");
    get(inputDim, "input_dim");
    get(inputDimName, "input_dim_name");
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

const ElementType *findType(xfc_dtype dtype) {
  for (const ElementType &type : kElementTypes)
    if (type.dtype == dtype)
      return &type;
  return nullptr;
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

/// The bytes of a tensor of `shape`, or false when they overflow.
bool byteSize(const std::vector<int64_t> &shape, size_t elementBytes,
              size_t &bytes) {
  bytes = elementBytes;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(bytes, static_cast<size_t>(d), &bytes))
      return false;
  return true;
}

/// Random inputs with the model's shapes, symbolic sizes from --dim.
bool makeRandomInput(const Library &lib, size_t i, const ElementType &type,
                     const xfc::run::Options &options, std::mt19937_64 &rng,
                     xfc::npz::Array &a) {
  const char *name = lib.inputName(i);
  for (int32_t d = 0; d < lib.inputRank(i); ++d) {
    int64_t size = lib.inputDim(i, d);
    if (size < 0) {
      std::string key = xfc::run::dimKey(name, d, lib.inputDimName(i, d));
      auto it = options.dims.find(key);
      if (it == options.dims.end()) {
        std::fprintf(stderr,
                     "xfc-run: input '%s' has a symbolic size in dimension "
                     "%d: give it with --dim %s=SIZE (or give --inputs)\n",
                     name, d, key.c_str());
        return false;
      }
      size = it->second;
    }
    a.shape.push_back(size);
  }
  size_t bytes;
  if (!byteSize(a.shape, type.bytes, bytes) || bytes > (size_t(1) << 40)) {
    std::fprintf(stderr, "xfc-run: input '%s' would take more than 1 TiB\n",
                 name);
    return false;
  }
  a.data.resize(bytes);
  for (size_t k = 0; k < count(a.shape); ++k) {
    // Floats in [-1, 1); integers (token ids, masks) in [0, 2).
    if (type.dtype == XFC_FLOAT32) {
      float v = std::uniform_real_distribution<float>(-1, 1)(rng);
      std::memcpy(&a.data[4 * k], &v, 4);
    } else if (type.dtype == XFC_INT64) {
      int64_t v = rng() % 2;
      std::memcpy(&a.data[8 * k], &v, 8);
    } else if (type.bytes == 1) {
      a.data[k] = static_cast<char>(rng() % 2);
    }
  }
  return true;
}

/// Outputs against the reference archive: whether all are within rtol.
bool compare(const std::map<std::string, xfc::npz::Array> &results,
             const std::map<std::string, xfc::npz::Array> &expected,
             const std::string &expectPath, double rtol) {
  bool allOk = true;
  for (const auto &[name, got] : results) {
    auto it = expected.find("out:" + name);
    if (it == expected.end())
      it = expected.find(name);
    if (it == expected.end()) {
      std::printf("%s: no reference in %s\n", name.c_str(), expectPath.c_str());
      allOk = false;
      continue;
    }
    const xfc::npz::Array &want = it->second;
    if (want.shape != got.shape) {
      std::printf("%s: shape differs from the reference\n", name.c_str());
      allOk = false;
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
    allOk &= ok;
  }
  return allOk;
}

/// Times `runs` runs; prints percentiles of their latency.
bool bench(const Library &lib, xfc_session *session,
           const std::vector<xfc_tensor> &inputs,
           std::vector<xfc_tensor> &outputs, unsigned runs) {
  std::vector<double> ms;
  for (unsigned r = 0; r < runs; ++r) {
    auto start = std::chrono::steady_clock::now();
    if (lib.run(session, inputs.data(), inputs.size(), outputs.data(),
                outputs.size()) != XFC_OK) {
      std::fprintf(stderr, "xfc-run: %s\n", lib.sessionError(session));
      return false;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  // The nearest-rank percentile.
  auto percentile = [&](double p) {
    size_t rank = static_cast<size_t>(std::ceil(p / 100 * ms.size()));
    return ms[std::max<size_t>(rank, 1) - 1];
  };
  double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / ms.size();
  std::printf("%u runs: median %.3f ms, p90 %.3f ms, p99 %.3f ms, min %.3f "
              "ms, mean %.3f ms\n",
              runs, percentile(50), percentile(90), percentile(99), ms.front(),
              mean);
  return true;
}

} // namespace

int main(int argc, char **argv) {
  xfc::run::Options options;
  if (int exit = xfc::run::parseOptions(argc, argv, options); exit >= 0)
    return exit;

  Library lib;
  if (!lib.load(options.library, options.cPrefix))
    return 1;
  if (options.threads && lib.setNumThreads(options.threads) != XFC_OK) {
    std::fprintf(stderr, "xfc-run: --threads %d: the library refused it\n",
                 options.threads);
    return 1;
  }
  xfc_session *session = nullptr;
  if (lib.sessionCreate(&session) != XFC_OK) {
    std::fprintf(stderr, "xfc-run: %s\n", lib.sessionError(nullptr));
    return 1;
  }
  struct SessionGuard {
    const Library &lib;
    xfc_session *session;
    ~SessionGuard() { lib.sessionDestroy(session); }
  } guard{lib, session};

  // Every --dim must name a symbolic dimension of the model.
  size_t numInputs = lib.numInputs(), numOutputs = lib.numOutputs();
  std::vector<std::string> symbolic;
  for (size_t i = 0; i < numInputs; ++i)
    for (int32_t d = 0; d < lib.inputRank(i); ++d)
      if (lib.inputDim(i, d) < 0)
        symbolic.push_back(
            xfc::run::dimKey(lib.inputName(i), d, lib.inputDimName(i, d)));
  if (!xfc::run::checkDimNames(options, symbolic))
    return 2;

  std::string error;
  std::map<std::string, xfc::npz::Array> given;
  if (!options.inputsPath.empty() &&
      !xfc::npz::read(options.inputsPath, given, error)) {
    std::fprintf(stderr, "xfc-run: %s\n", error.c_str());
    return 1;
  }
  std::vector<xfc::npz::Array> inputs(numInputs);
  std::vector<xfc_tensor> tensors(numInputs);
  std::mt19937_64 rng(options.seed);
  for (size_t i = 0; i < numInputs; ++i) {
    std::string name = lib.inputName(i);
    xfc::npz::Array &a = inputs[i];
    const ElementType *type = findType(lib.inputDtype(i));
    if (!type) {
      std::fprintf(stderr, "xfc-run: input '%s' has a type .npz cannot hold\n",
                   name.c_str());
      return 1;
    }
    if (!options.inputsPath.empty()) {
      auto it = given.find(name);
      if (it == given.end()) {
        std::fprintf(stderr, "xfc-run: %s has no input '%s'\n",
                     options.inputsPath.c_str(), name.c_str());
        return 1;
      }
      a = it->second;
      if (a.descr != type->descr) {
        std::fprintf(
            stderr,
            "xfc-run: input '%s' in %s has type %s, the model takes %s\n",
            name.c_str(), options.inputsPath.c_str(), a.descr.c_str(),
            type->descr);
        return 1;
      }
    } else if (!makeRandomInput(lib, i, *type, options, rng, a)) {
      return 2;
    }
    if (a.shape.size() > XFC_MAX_RANK) {
      std::fprintf(stderr, "xfc-run: input '%s' has rank %zu (at most %d)\n",
                   name.c_str(), a.shape.size(), int(XFC_MAX_RANK));
      return 1;
    }
    xfc_tensor &t = tensors[i];
    t.dtype = type->dtype;
    t.rank = static_cast<int32_t>(a.shape.size());
    std::copy(a.shape.begin(), a.shape.end(), t.shape);
    t.data = a.data.data();
  }

  std::vector<xfc_tensor> outputs(numOutputs);
  if (lib.run(session, tensors.data(), numInputs, outputs.data(), numOutputs) !=
      XFC_OK) {
    std::fprintf(stderr, "xfc-run: %s\n", lib.sessionError(session));
    return 1;
  }

  std::map<std::string, xfc::npz::Array> results;
  for (size_t i = 0; i < numOutputs; ++i) {
    xfc::npz::Array a;
    const ElementType *type = findType(outputs[i].dtype);
    if (!type)
      continue;
    a.descr = type->descr;
    a.shape.assign(outputs[i].shape, outputs[i].shape + outputs[i].rank);
    const char *data = static_cast<const char *>(outputs[i].data);
    a.data.assign(data, data + count(a.shape) * type->bytes);
    std::printf("%s: [", lib.outputName(i));
    for (size_t d = 0; d < a.shape.size(); ++d)
      std::printf("%s%lld", d ? ", " : "", static_cast<long long>(a.shape[d]));
    std::printf("] %s\n", a.descr.c_str());
    results[lib.outputName(i)] = std::move(a);
  }
  if (!options.outputPath.empty() &&
      !xfc::npz::write(options.outputPath, results, error)) {
    std::fprintf(stderr, "xfc-run: %s\n", error.c_str());
    return 1;
  }

  int status = 0;
  if (!options.expectPath.empty()) {
    std::map<std::string, xfc::npz::Array> expected;
    if (!xfc::npz::read(options.expectPath, expected, error)) {
      std::fprintf(stderr, "xfc-run: %s\n", error.c_str());
      return 1;
    }
    status =
        compare(results, expected, options.expectPath, options.rtol) ? 0 : 1;
  }
  if (options.benchRuns &&
      !bench(lib, session, tensors, outputs, options.benchRuns))
    return 1;
  return status;
}

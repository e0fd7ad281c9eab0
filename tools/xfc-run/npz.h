//===- npz.h - NumPy .npz archives for xfc-run ------------------*- C++ -*-===//
//
// Reading and writing the uncompressed archives numpy.savez writes: a zip of
// .npy files. Plain C++, no LLVM: xfc-run links only this and libdl.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_RUNTIME_NPZ_H
#define XFC_LIB_RUNTIME_NPZ_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xfc::npz {

struct Array {
  std::string descr; // NumPy's type string: "<f4", "<i8", "|b1", ...
  std::vector<int64_t> shape;
  std::vector<char> data; // row-major
};

/// The arrays of `path` by name (".npy" dropped); throws nothing: on failure
/// returns false with the reason in `error`.
bool read(const std::string &path, std::map<std::string, Array> &arrays,
          std::string &error);

/// Writes `arrays` as an uncompressed .npz.
bool write(const std::string &path, const std::map<std::string, Array> &arrays,
           std::string &error);

} // namespace xfc::npz

#endif // XFC_LIB_RUNTIME_NPZ_H

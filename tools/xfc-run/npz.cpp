//===- npz.cpp - NumPy .npz archives for xfc-run --------------------------===//

#include "npz.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace xfc::npz {

static uint32_t crc32(const char *data, size_t size) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ static_cast<uint8_t>(data[i])) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

template <typename T> static T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// Parses one .npy file (format versions 1 to 3).
static bool parseNpy(const std::string &bytes, Array &array,
                     std::string &error) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
    error = "not a .npy file";
    return false;
  }
  size_t headerLength, start;
  if (bytes[6] == 1) {
    headerLength = load<uint16_t>(&bytes[8]);
    start = 10;
  } else {
    headerLength = load<uint32_t>(&bytes[8]);
    start = 12;
  }
  if (start + headerLength > bytes.size()) {
    error = "truncated .npy header";
    return false;
  }
  std::string header = bytes.substr(start, headerLength);
  auto field = [&](const std::string &key) {
    size_t at = header.find("'" + key + "'");
    return at == std::string::npos ? std::string()
                                   : header.substr(header.find(':', at) + 1);
  };
  std::string descr = field("descr");
  size_t q1 = descr.find('\''), q2 = descr.find('\'', q1 + 1);
  array.descr = descr.substr(q1 + 1, q2 - q1 - 1);
  if (field("fortran_order").find("True") == 0 ||
      field("fortran_order").find(" True") == 0) {
    error = "Fortran-ordered arrays are not supported";
    return false;
  }
  std::string shape = field("shape");
  shape =
      shape.substr(shape.find('(') + 1, shape.find(')') - shape.find('(') - 1);
  std::stringstream dims(shape);
  std::string dim;
  array.shape.clear();
  while (std::getline(dims, dim, ','))
    if (dim.find_first_not_of(' ') != std::string::npos)
      array.shape.push_back(std::strtoll(dim.c_str(), nullptr, 10));
  array.data.assign(bytes.begin() + start + headerLength, bytes.end());
  return true;
}

bool read(const std::string &path, std::map<std::string, Array> &arrays,
          std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read '" + path + "'";
    return false;
  }
  std::string zip((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  size_t at = 0;
  // Local file headers, one per member.
  while (at + 30 <= zip.size() && load<uint32_t>(&zip[at]) == 0x04034b50u) {
    uint16_t method = load<uint16_t>(&zip[at + 8]);
    uint32_t size = load<uint32_t>(&zip[at + 18]);
    uint16_t nameLength = load<uint16_t>(&zip[at + 26]);
    uint16_t extraLength = load<uint16_t>(&zip[at + 28]);
    std::string name = zip.substr(at + 30, nameLength);
    size_t dataStart = at + 30 + nameLength + extraLength;
    uint64_t size64 = size;
    if (size == 0xFFFFFFFFu) {
      // Zip64 (numpy.savez writes it): the sizes are in an extra field.
      size_t extra = at + 30 + nameLength;
      for (size_t e = extra;
           e + 4 <= extra + extraLength && e + 4 <= zip.size();) {
        uint16_t id = load<uint16_t>(&zip[e]);
        uint16_t length = load<uint16_t>(&zip[e + 2]);
        if (id == 0x0001 && length >= 16 && e + 20 <= zip.size())
          size64 = load<uint64_t>(&zip[e + 12]); // compressed size
        e += 4 + length;
      }
    }
    if (method != 0) {
      error = "'" + path + "' is compressed; write it with numpy.savez";
      return false;
    }
    if (size64 > zip.size() || dataStart + size64 > zip.size()) {
      error = "'" + path + "' is truncated";
      return false;
    }
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
      name.resize(name.size() - 4);
    Array array;
    if (!parseNpy(zip.substr(dataStart, size64), array, error)) {
      error = "'" + path + "' member '" + name + "': " + error;
      return false;
    }
    arrays[name] = std::move(array);
    at = dataStart + size64;
  }
  return true;
}

bool write(const std::string &path, const std::map<std::string, Array> &arrays,
           std::string &error) {
  std::string zip, directory;
  uint16_t count = 0;
  auto put16 = [](std::string &s, uint16_t v) { s.append((char *)&v, 2); };
  auto put32 = [](std::string &s, uint32_t v) { s.append((char *)&v, 4); };
  for (const auto &[key, array] : arrays) {
    std::string shape = "(";
    for (int64_t d : array.shape)
      shape += std::to_string(d) + ",";
    if (array.shape.size() > 1)
      shape.pop_back();
    shape += ")";
    std::string header = "{'descr': '" + array.descr +
                         "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0)
      header += ' ';
    header += '\n';
    std::string npy = "\x93NUMPY\x01";
    npy += '\0';
    put16(npy, static_cast<uint16_t>(header.size()));
    npy += header;
    npy.append(array.data.begin(), array.data.end());
    std::string name = key + ".npy";
    uint32_t crc = crc32(npy.data(), npy.size());
    uint32_t offset = static_cast<uint32_t>(zip.size());
    put32(zip, 0x04034b50u);
    put16(zip, 20);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, 0x21);
    put32(zip, crc);
    put32(zip, npy.size());
    put32(zip, npy.size());
    put16(zip, name.size());
    put16(zip, 0);
    zip += name;
    zip += npy;
    put32(directory, 0x02014b50u);
    put16(directory, 20);
    put16(directory, 20);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0x21);
    put32(directory, crc);
    put32(directory, npy.size());
    put32(directory, npy.size());
    put16(directory, name.size());
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put32(directory, 0);
    put32(directory, offset);
    directory += name;
    ++count;
  }
  uint32_t directoryOffset = static_cast<uint32_t>(zip.size());
  zip += directory;
  put32(zip, 0x06054b50u);
  put16(zip, 0);
  put16(zip, 0);
  put16(zip, count);
  put16(zip, count);
  put32(zip, directory.size());
  put32(zip, directoryOffset);
  put16(zip, 0);
  std::ofstream out(path, std::ios::binary);
  if (!out.write(zip.data(), zip.size())) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

} // namespace xfc::npz

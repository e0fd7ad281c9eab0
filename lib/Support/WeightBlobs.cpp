//===- WeightBlobs.cpp - weight bytes that need not stay resident ---------===//

#include "xfc/Support/WeightBlobs.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <fcntl.h>
#include <memory>

namespace mlir::xf {

namespace fs = llvm::sys::fs;

/// A blob over a mapping, which it unmaps when it goes.
static AsmResourceBlob
blobOverMapping(std::unique_ptr<fs::mapped_file_region> region,
                const char *data, size_t bytes, size_t alignment) {
  return AsmResourceBlob(
      ArrayRef<char>(data, bytes), alignment,
      [region = std::move(region)](void *, size_t, size_t) mutable {
        region.reset();
      },
      /*dataIsMutable=*/false);
}

FailureOr<AsmResourceBlob> mapFileBlob(StringRef path, uint64_t offset,
                                       size_t bytes, size_t alignment,
                                       std::string &error) {
  auto cannotRead = [&](std::error_code ec) {
    error = "cannot read '" + path.str() + "': " + ec.message();
    return failure();
  };
  llvm::Expected<fs::file_t> file = fs::openNativeFileForRead(path);
  if (!file)
    return cannotRead(llvm::errorToErrorCode(file.takeError()));
  llvm::scope_exit close([&] { (void)fs::closeFile(*file); });
  // Mapped from the page the data starts in: aligned as the offset is.
  if (bytes >= kFileBackedBlobBytes && offset % alignment == 0) {
    uint64_t start = offset - offset % fs::mapped_file_region::alignment();
    std::error_code ec;
    auto region = std::make_unique<fs::mapped_file_region>(
        *file, fs::mapped_file_region::readonly, bytes + (offset - start),
        start, ec);
    if (ec)
      return cannotRead(ec);
    const char *data = region->const_data() + (offset - start);
    return blobOverMapping(std::move(region), data, bytes, alignment);
  }
  // Read straight into the blob.
  std::error_code ec;
  AsmResourceBlob blob = allocateBlob(bytes, alignment, [&](char *out) {
    for (size_t done = 0; done < bytes && !ec;) {
      llvm::Expected<size_t> got = fs::readNativeFileSlice(
          *file, MutableArrayRef<char>(out + done, bytes - done),
          offset + done);
      if (!got)
        ec = llvm::errorToErrorCode(got.takeError());
      else if (*got == 0)
        ec = std::make_error_code(std::errc::io_error); // shorter than checked
      else
        done += *got;
    }
  });
  if (ec)
    return cannotRead(ec);
  return blob;
}

/// An unlinked temporary file of `bytes` bytes (space reserved, so that
/// writing through a mapping cannot fault on a full disk), or none.
static std::optional<fs::file_t> createScratchFile(size_t bytes) {
  SmallString<128> model;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, model);
  llvm::sys::path::append(model, "xfc-weight-%%%%%%%%.bin");
  int fd;
  SmallString<128> path;
  if (fs::createUniqueFile(model, fd, path))
    return std::nullopt;
  (void)fs::remove(path); // unlinked: the space goes with the last mapping
  if (posix_fallocate(fd, 0, static_cast<off_t>(bytes)) != 0) {
    (void)fs::closeFile(fd);
    return std::nullopt;
  }
  return fd;
}

AsmResourceBlob allocateBlob(size_t bytes, size_t alignment,
                             function_ref<void(char *)> fill) {
  std::optional<fs::file_t> file;
  if (bytes >= kFileBackedBlobBytes)
    file = createScratchFile(bytes);
  if (file) {
    std::error_code ec;
    {
      fs::mapped_file_region writable(*file, fs::mapped_file_region::readwrite,
                                      bytes, 0, ec);
      if (!ec)
        fill(writable.data());
    }
    std::unique_ptr<fs::mapped_file_region> readable;
    if (!ec)
      readable = std::make_unique<fs::mapped_file_region>(
          *file, fs::mapped_file_region::readonly, bytes, 0, ec);
    (void)fs::closeFile(*file);
    if (!ec) {
      const char *data = readable->const_data();
      return blobOverMapping(std::move(readable), data, bytes, alignment);
    }
  }
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(bytes, alignment);
  fill(blob.getMutableData().data());
  return blob;
}

} // namespace mlir::xf

//===- WeightFile.cpp - the weights file, beside or inside the library ----===//
//
// A library's code loads each weight's address from a table that the
// runtime fills when it maps the weights file (lib/Runtime/weights.c):
// NAME.weights with --weights=external, else a section appended to the
// library after linking. The table is a global of the
// library rather than an argument of the model function, so neither the
// calling convention nor the kernels change: each `llvm.mlir.addressof` of
// a weight becomes a load from the table, once per run where the weight's
// descriptor is built.
//
//===----------------------------------------------------------------------===//

#include "xfc/Target/Library/WeightFile.h"
#include "xfc/Runtime/weights_file.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/bit.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace mlir::xf {

static_assert(llvm::endianness::native == llvm::endianness::little,
              "the weights file is little-endian, written as the host lays "
              "out xfc_weights_header");

LogicalResult readWeightsThroughTable(ModuleOp module,
                                      ArrayRef<WeightBlob> weights,
                                      std::string &error) {
  SmallVector<std::string> symbols;
  for (const WeightBlob &weight : weights)
    symbols.push_back(weight.symbol);
  return readThroughTable(module, symbols, kWeightTableSymbol, error);
}

LogicalResult readThroughTable(ModuleOp module, ArrayRef<std::string> symbols,
                               StringRef tableSymbol, std::string &error) {
  auto ptr = LLVM::LLVMPointerType::get(module.getContext());
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  auto table = LLVM::GlobalOp::create(
      builder, module.getLoc(), LLVM::LLVMArrayType::get(ptr, symbols.size()),
      /*isConstant=*/false, LLVM::Linkage::External, tableSymbol, Attribute());
  table.setVisibility_(LLVM::Visibility::Hidden);
  llvm::StringMap<size_t> indices;
  for (auto [index, symbol] : llvm::enumerate(symbols))
    indices[symbol] = index;
  // One walk over the module's symbol uses, not one per weight.
  std::optional<SymbolTable::UseRange> uses =
      SymbolTable::getSymbolUses(&module.getBodyRegion());
  if (!uses) {
    error = "cannot find where the module uses its weights";
    return failure();
  }
  for (const SymbolTable::SymbolUse &use : *uses) {
    StringRef symbol = use.getSymbolRef().getRootReference().getValue();
    auto found = indices.find(symbol);
    if (found == indices.end())
      continue;
    auto address = dyn_cast<LLVM::AddressOfOp>(use.getUser());
    if (!address) {
      error = "weight '" + symbol.str() + "' is used by '" +
              use.getUser()->getName().getStringRef().str() +
              "', which a table of weights cannot serve";
      return failure();
    }
    builder.setInsertionPoint(address);
    Location loc = address.getLoc();
    Value base = LLVM::AddressOfOp::create(builder, loc, table);
    Value slot = LLVM::GEPOp::create(builder, loc, ptr, ptr, base,
                                     LLVM::GEPArg(int32_t(found->second)));
    Value pointer = LLVM::LoadOp::create(builder, loc, ptr, slot,
                                         /*alignment=*/alignof(void *));
    address.replaceAllUsesWith(pointer);
    address.erase();
  }
  for (auto global :
       llvm::make_early_inc_range(module.getOps<LLVM::GlobalOp>()))
    if (indices.contains(global.getSymName()))
      global.erase();
  return success();
}

/// Writes the header, table and blobs to `fd`, setting the header's id;
/// returns why it could not.
static std::string writeContents(int fd, ArrayRef<WeightBlob> weights,
                                 xfc_weights_header &header) {
  SmallVector<xfc_weights_entry> table;
  uint64_t end = sizeof header + weights.size() * sizeof(xfc_weights_entry);
  for (const WeightBlob &weight : weights) {
    uint64_t offset = llvm::alignTo(end, XFC_WEIGHTS_ALIGNMENT);
    table.push_back({offset, weight.bytes});
    end = offset + weight.bytes;
  }
  llvm::raw_fd_ostream os(fd, /*shouldClose=*/false);
  // What follows the header goes through the checksum as it is written.
  xfc_weights_hasher checksum;
  xfc_weights_hash_init(&checksum);
  auto write = [&](const char *data, size_t size) {
    os.write(data, size);
    xfc_weights_hash_update(&checksum, data, size);
  };
  // The header again at the end, once the blobs' hashes are known.
  os.write(reinterpret_cast<const char *>(&header), sizeof header);
  write(reinterpret_cast<const char *>(table.data()),
        table.size() * sizeof(xfc_weights_entry));
  SmallVector<uint64_t> hashes;
  std::string error;
  const char zeros[XFC_WEIGHTS_ALIGNMENT] = {};
  for (auto [weight, entry] : llvm::zip_equal(weights, table)) {
    auto blob = llvm::MemoryBuffer::getFile(weight.path);
    if (!blob) {
      error = "cannot read '" + weight.path + "': " + blob.getError().message();
      break;
    }
    write(zeros, entry.offset - os.tell());
    write((*blob)->getBufferStart(), (*blob)->getBufferSize());
    hashes.push_back(llvm::xxh3_64bits((*blob)->getBuffer()));
  }
  header.checksum = xfc_weights_hash_final(&checksum);
  header.id = llvm::xxh3_64bits(
      llvm::ArrayRef(reinterpret_cast<const uint8_t *>(hashes.data()),
                     hashes.size() * sizeof(uint64_t)));
  os.seek(0);
  os.write(reinterpret_cast<const char *>(&header), sizeof header);
  os.flush();
  if (os.has_error() && error.empty())
    error = os.error().message();
  os.clear_error(); // reported here, not by the stream's destructor
  return error;
}

FailureOr<uint64_t> writeWeightFile(ArrayRef<WeightBlob> weights,
                                    StringRef path, std::string &error) {
  xfc_weights_header header = {};
  std::memcpy(header.magic, XFC_WEIGHTS_MAGIC, sizeof header.magic);
  header.version = XFC_WEIGHTS_VERSION;
  header.count = weights.size();
  // Written under a temporary name, then renamed: a process that has the
  // previous file mapped keeps its pages instead of faulting on a file
  // truncated under it.
  llvm::Expected<llvm::sys::fs::TempFile> file =
      llvm::sys::fs::TempFile::create(path + "-%%%%%%.tmp");
  if (!file) {
    error = "cannot write '" + path.str() +
            "': " + llvm::toString(file.takeError());
    return failure();
  }
  std::string why = writeContents(file->FD, weights, header);
  if (!why.empty()) {
    llvm::consumeError(file->discard());
  } else if (llvm::Error err = file->keep(path)) {
    why = llvm::toString(std::move(err));
  }
  if (!why.empty()) {
    error = "cannot write '" + path.str() + "': " + why;
    return failure();
  }
  return header.id;
}

namespace {
/// Reads and writes at offsets of an open file, remembering the first
/// failure.
struct FileAccess {
  int fd;
  std::string why;

  bool read(void *data, size_t size, uint64_t offset) {
    if (!why.empty())
      return false;
    ssize_t got = ::pread(fd, data, size, offset);
    if (got < 0)
      why = std::strerror(errno);
    else if (got != ssize_t(size))
      why = "it is shorter than its headers say";
    return why.empty();
  }
  bool write(const void *data, size_t size, uint64_t offset) {
    if (why.empty() && ::pwrite(fd, data, size, offset) != ssize_t(size))
      why = std::strerror(errno);
    return why.empty();
  }
};
} // namespace

LogicalResult appendWeightsSection(StringRef library, StringRef weightsFile,
                                   std::string &error) {
  namespace ELF = llvm::ELF;
  auto fail = [&](const std::string &why) {
    error = "cannot put the weights into '" + library.str() + "': " + why;
    return failure();
  };
  int fd, weightsFd;
  if (std::error_code ec = llvm::sys::fs::openFileForReadWrite(
          library, fd, llvm::sys::fs::CD_OpenExisting, llvm::sys::fs::OF_None))
    return fail(ec.message());
  llvm::scope_exit closeLibrary([&] { ::close(fd); });
  if (std::error_code ec =
          llvm::sys::fs::openFileForRead(weightsFile, weightsFd))
    return fail(ec.message());
  llvm::scope_exit closeWeights([&] { ::close(weightsFd); });
  FileAccess file{fd, {}}, weights{weightsFd, {}};

  ELF::Elf64_Ehdr header;
  if (!file.read(&header, sizeof header, 0))
    return fail(file.why);
  if (std::memcmp(header.e_ident, ELF::ElfMagic, 4) != 0 ||
      header.e_ident[ELF::EI_CLASS] != ELF::ELFCLASS64 ||
      header.e_ident[ELF::EI_DATA] != ELF::ELFDATA2LSB ||
      header.e_shentsize != sizeof(ELF::Elf64_Shdr) ||
      header.e_shnum >= ELF::SHN_LORESERVE ||
      header.e_shstrndx >= header.e_shnum)
    return fail("the linker wrote no 64-bit little-endian ELF with section "
                "headers");
  std::vector<ELF::Elf64_Shdr> sections(header.e_shnum);
  if (!file.read(sections.data(), sections.size() * sizeof(ELF::Elf64_Shdr),
                 header.e_shoff))
    return fail(file.why);
  ELF::Elf64_Shdr &names = sections[header.e_shstrndx];
  std::string nameTable(names.sh_size, '\0');
  if (!file.read(nameTable.data(), nameTable.size(), names.sh_offset))
    return fail(file.why);

  // The weights at a page boundary past the end, where the runtime maps
  // them; copied in pieces, so they never sit in memory.
  constexpr uint64_t kPage = 4096;
  uint64_t start = llvm::alignTo(::lseek(fd, 0, SEEK_END), kPage);
  uint64_t size = 0;
  std::vector<char> piece(1 << 20);
  for (;;) {
    ssize_t got = ::pread(weightsFd, piece.data(), piece.size(), size);
    if (got < 0)
      return fail(std::string("cannot read '") + weightsFile.str() +
                  "': " + std::strerror(errno));
    if (got == 0)
      break;
    if (!file.write(piece.data(), got, start + size))
      return fail(file.why);
    size += got;
  }

  // A name table with the new name, then the section headers with the new
  // section; the old table and headers stay behind, unreferenced.
  ELF::Elf64_Shdr section = {};
  section.sh_name = nameTable.size();
  section.sh_type = ELF::SHT_PROGBITS;
  section.sh_offset = start;
  section.sh_size = size;
  section.sh_addralign = kPage;
  nameTable.append(XFC_WEIGHTS_SECTION);
  nameTable.push_back('\0');
  uint64_t namesOffset = start + size;
  names.sh_offset = namesOffset;
  names.sh_size = nameTable.size();
  // `names` refers into `sections`: not used once the vector grows.
  sections.push_back(section);
  header.e_shoff = llvm::alignTo(namesOffset + nameTable.size(), 8);
  header.e_shnum = sections.size();
  if (!file.write(nameTable.data(), nameTable.size(), namesOffset) ||
      !file.write(sections.data(), sections.size() * sizeof(ELF::Elf64_Shdr),
                  header.e_shoff) ||
      !file.write(&header, sizeof header, 0))
    return fail(file.why);
  return success();
}

} // namespace mlir::xf

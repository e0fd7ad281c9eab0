/*===- weights.c - mapping a library's weights at session creation --------===*
 *
 * Compiled code reads its weights through xfc__weights, which this file
 * points into the library's weights file (weights_file.h): the section
 * XFC_WEIGHTS_SECTION of the library's own file, or NAME.weights beside
 * it (--weights=external). Every check happens here, before compiled code
 * reads a byte, so a missing or wrong file is an error naming it, never a
 * crash.
 *
 * The first session also checks the whole file against its checksum
 * (weights_file.h), a pass over it at memory speed, so that flipped bits
 * on disk are an error instead of wrong outputs.
 *
 * Sessions of one library share one read-only mapping: the table is a
 * global of the library (the model function takes no session), so all its
 * sessions read the same weights anyway, and one mapping is one set of
 * page-table entries. The first session maps the file; the last one to go
 * unmaps it, when no run can be reading it.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE /* dladdr */
#include "runtime_internal.h"
#include "xfc/Runtime/weights_file.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static size_t users; /* sessions alive */
static void *mapping;
static size_t mapping_bytes;

static xfc_status report(char *error, size_t size, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(error, size, format, args);
  va_end(args);
  return XFC_WEIGHTS_ERROR;
}

/* The file the weights are in: the library this code is linked into, or
 * NAME.weights beside it (NAME.so). */
static int weights_path(char *path, size_t size) {
  Dl_info info;
  if (!dladdr((void *)&weights_path, &info) || !info.dli_fname)
    return 0;
  const char *name = info.dli_fname;
  if (xfc__weights_in_library)
    return snprintf(path, size, "%s", name) < (int)size;
  const char *slash = strrchr(name, '/');
  const char *dot = strrchr(name, '.');
  size_t stem =
      dot && (!slash || dot > slash) ? (size_t)(dot - name) : strlen(name);
  return snprintf(path, size, "%.*s.weights", (int)stem, name) < (int)size;
}

static int read_at(int fd, void *data, size_t size, uint64_t offset) {
  return pread(fd, data, size, (off_t)offset) == (ssize_t)size;
}

/* Where XFC_WEIGHTS_SECTION lies in the ELF file `fd`; 0 if it has none. */
static int find_section(int fd, uint64_t *offset, uint64_t *bytes) {
  Elf64_Ehdr header;
  if (!read_at(fd, &header, sizeof header, 0) ||
      memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_shentsize != sizeof(Elf64_Shdr) ||
      header.e_shstrndx >= header.e_shnum)
    return 0;
  Elf64_Shdr names;
  if (!read_at(fd, &names, sizeof names,
               header.e_shoff + (uint64_t)header.e_shstrndx * sizeof names))
    return 0;
  const char wanted[] = XFC_WEIGHTS_SECTION;
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr section;
    char name[sizeof wanted];
    if (!read_at(fd, &section, sizeof section,
                 header.e_shoff + (uint64_t)i * sizeof section))
      return 0;
    if (section.sh_name >= names.sh_size ||
        names.sh_size - section.sh_name < sizeof wanted ||
        !read_at(fd, name, sizeof name, names.sh_offset + section.sh_name) ||
        memcmp(name, wanted, sizeof wanted) != 0)
      continue;
    *offset = section.sh_offset;
    *bytes = section.sh_size;
    return 1;
  }
  return 0;
}

/* Whether the mapped weights (at least a header's bytes) are the ones this
 * library was compiled with; `what` names them in messages. */
static xfc_status check(const char *base, uint64_t bytes, const char *what,
                        char *error, size_t size) {
  const xfc_weights_header *header = (const xfc_weights_header *)base;
  if (memcmp(header->magic, XFC_WEIGHTS_MAGIC, sizeof header->magic) != 0)
    return report(error, size,
                  "%s holds no xfc weights (its magic number is wrong)", what);
  if (header->version != XFC_WEIGHTS_VERSION)
    return report(error, size,
                  "%s has format version %u; this library reads version %d",
                  what, header->version, XFC_WEIGHTS_VERSION);
  if (header->count != xfc__num_weights)
    return report(error, size, "%s holds %u weights; this library expects %zu",
                  what, header->count, xfc__num_weights);
  if (header->id != xfc__weights_id)
    return report(error, size,
                  "%s belongs to another compilation of the model (id "
                  "%016llx; this library expects %016llx)",
                  what, (unsigned long long)header->id,
                  (unsigned long long)xfc__weights_id);
  uint64_t table_end =
      sizeof *header + (uint64_t)header->count * sizeof(xfc_weights_entry);
  if (bytes < table_end)
    return report(error, size,
                  "%s is truncated: %llu bytes, fewer than its table of "
                  "contents",
                  what, (unsigned long long)bytes);
  const xfc_weights_entry *table =
      (const xfc_weights_entry *)(base + sizeof *header);
  for (size_t i = 0; i < xfc__num_weights; ++i) {
    xfc_weights_entry entry = table[i];
    if (entry.size != xfc__weight_sizes[i])
      return report(error, size,
                    "%s gives weight %zu %llu bytes; this library expects "
                    "%llu",
                    what, i, (unsigned long long)entry.size,
                    (unsigned long long)xfc__weight_sizes[i]);
    if (entry.offset % XFC_WEIGHTS_ALIGNMENT != 0)
      return report(error, size,
                    "%s is corrupt: weight %zu starts at byte %llu, not a "
                    "multiple of %d",
                    what, i, (unsigned long long)entry.offset,
                    XFC_WEIGHTS_ALIGNMENT);
    if (entry.offset > bytes || entry.size > bytes - entry.offset)
      return report(error, size,
                    "%s is truncated: weight %zu ends at byte %llu, but the "
                    "file has %llu",
                    what, i, (unsigned long long)(entry.offset + entry.size),
                    (unsigned long long)bytes);
  }
  if (xfc_weights_checksum(base + sizeof *header, bytes - sizeof *header) !=
      header->checksum)
    return report(error, size,
                  "%s is damaged: its contents do not match their checksum "
                  "(%s)",
                  what,
                  xfc__weights_in_library
                      ? "compile the library again"
                      : "write it again with xfc --weights=external");
  return XFC_OK;
}

/* Maps the weights (the whole file, or the library's section: from the
 * page it starts in) and points the table into them. */
static xfc_status map_weights(char *error, size_t size) {
  char path[4096], what[4200];
  if (!weights_path(path, sizeof path))
    return report(error, size,
                  "cannot tell where this library's weights are (dladdr "
                  "does not know the library)");
  snprintf(what, sizeof what,
           xfc__weights_in_library ? "the weights section of '%s'"
                                   : "the weights file '%s'",
           path);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return report(error, size, "cannot open %s: %s", what, strerror(errno));
  struct stat st;
  uint64_t offset = 0, bytes;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return report(error, size, "cannot read %s: %s", what, strerror(err));
  }
  bytes = (uint64_t)st.st_size;
  if (xfc__weights_in_library &&
      (!find_section(fd, &offset, &bytes) || offset > (uint64_t)st.st_size ||
       bytes > (uint64_t)st.st_size - offset)) {
    close(fd);
    return report(error, size,
                  "the library '%s' has lost its weights: it has no intact "
                  "section %s (llvm-strip drops it unless given "
                  "--keep-section=%s)",
                  path, XFC_WEIGHTS_SECTION, XFC_WEIGHTS_SECTION);
  }
  if (bytes < sizeof(xfc_weights_header)) {
    close(fd);
    return report(error, size,
                  "%s is truncated: %llu bytes, fewer than its header", what,
                  (unsigned long long)bytes);
  }
  uint64_t skip = offset % (uint64_t)sysconf(_SC_PAGESIZE);
  void *start = mmap(NULL, bytes + skip, PROT_READ, MAP_PRIVATE, fd,
                     (off_t)(offset - skip));
  int err = errno;
  close(fd); /* the mapping keeps the file */
  if (start == MAP_FAILED)
    return report(error, size, "cannot map %s: %s", what, strerror(err));
  char *base = (char *)start + skip;
  xfc_status status = check(base, bytes, what, error, size);
  if (status != XFC_OK) {
    munmap(start, bytes + skip);
    return status;
  }
  const xfc_weights_entry *table =
      (const xfc_weights_entry *)(base + sizeof(xfc_weights_header));
  for (size_t i = 0; i < xfc__num_weights; ++i)
    xfc__weights[i] = base + table[i].offset;
  mapping = start;
  mapping_bytes = bytes + skip;
  return XFC_OK;
}

xfc_status xfc__weights_acquire(char *error, size_t error_size) {
  if (xfc__num_weights == 0)
    return XFC_OK;
  pthread_mutex_lock(&lock);
  xfc_status status = users ? XFC_OK : map_weights(error, error_size);
  if (status == XFC_OK)
    ++users;
  pthread_mutex_unlock(&lock);
  return status;
}

void xfc__weights_release(void) {
  if (xfc__num_weights == 0)
    return;
  pthread_mutex_lock(&lock);
  if (--users == 0)
    munmap(mapping, mapping_bytes);
  pthread_mutex_unlock(&lock);
}

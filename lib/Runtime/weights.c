/*===- weights.c - mapping a library's weights file at session creation ---===*
 *
 * A library compiled with --weights=external reads its weights through
 * xfc__weights, which this file points into NAME.weights, found beside the
 * library itself. Every check happens here, before compiled code reads a
 * byte, so a missing or wrong file is an error naming it, never a crash.
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

/* NAME.weights beside NAME.so, the library this code is linked into. */
static int weights_path(char *path, size_t size) {
  Dl_info info;
  if (!dladdr((void *)&weights_path, &info) || !info.dli_fname)
    return 0;
  const char *name = info.dli_fname;
  const char *slash = strrchr(name, '/');
  const char *dot = strrchr(name, '.');
  size_t stem =
      dot && (!slash || dot > slash) ? (size_t)(dot - name) : strlen(name);
  return snprintf(path, size, "%.*s.weights", (int)stem, name) < (int)size;
}

/* Whether the mapped file is the one this library was compiled with. */
static xfc_status check(const char *base, uint64_t bytes, const char *path,
                        char *error, size_t size) {
  const xfc_weights_header *header = (const xfc_weights_header *)base;
  if (memcmp(header->magic, XFC_WEIGHTS_MAGIC, sizeof header->magic) != 0)
    return report(error, size,
                  "'%s' is not an xfc weights file (its magic number is "
                  "wrong)",
                  path);
  if (header->version != XFC_WEIGHTS_VERSION)
    return report(error, size,
                  "the weights file '%s' has format version %u; this library "
                  "reads version %d",
                  path, header->version, XFC_WEIGHTS_VERSION);
  if (header->count != xfc__num_weights)
    return report(error, size,
                  "the weights file '%s' holds %u weights; this library "
                  "expects %zu",
                  path, header->count, xfc__num_weights);
  if (header->id != xfc__weights_id)
    return report(error, size,
                  "the weights file '%s' belongs to another compilation of "
                  "the model (id %016llx; this library expects %016llx)",
                  path, (unsigned long long)header->id,
                  (unsigned long long)xfc__weights_id);
  uint64_t table_end =
      sizeof *header + (uint64_t)header->count * sizeof(xfc_weights_entry);
  if (bytes < table_end)
    return report(error, size,
                  "the weights file '%s' is truncated: %llu bytes, fewer "
                  "than its table of contents",
                  path, (unsigned long long)bytes);
  const xfc_weights_entry *table =
      (const xfc_weights_entry *)(base + sizeof *header);
  for (size_t i = 0; i < xfc__num_weights; ++i) {
    xfc_weights_entry entry = table[i];
    if (entry.size != xfc__weight_sizes[i])
      return report(error, size,
                    "the weights file '%s' gives weight %zu %llu bytes; this "
                    "library expects %llu",
                    path, i, (unsigned long long)entry.size,
                    (unsigned long long)xfc__weight_sizes[i]);
    if (entry.offset % XFC_WEIGHTS_ALIGNMENT != 0)
      return report(error, size,
                    "the weights file '%s' is corrupt: weight %zu starts at "
                    "byte %llu, not a multiple of %d",
                    path, i, (unsigned long long)entry.offset,
                    XFC_WEIGHTS_ALIGNMENT);
    if (entry.offset > bytes || entry.size > bytes - entry.offset)
      return report(error, size,
                    "the weights file '%s' is truncated: weight %zu ends at "
                    "byte %llu, but the file has %llu",
                    path, i, (unsigned long long)(entry.offset + entry.size),
                    (unsigned long long)bytes);
  }
  return XFC_OK;
}

/* Maps the file and points the table into it. */
static xfc_status map_weights(char *error, size_t size) {
  char path[4096];
  if (!weights_path(path, sizeof path))
    return report(error, size,
                  "cannot tell where this library's weights file is (dladdr "
                  "does not know the library)");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return report(error, size, "cannot open the weights file '%s': %s", path,
                  strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return report(error, size, "cannot read the weights file '%s': %s", path,
                  strerror(err));
  }
  uint64_t bytes = (uint64_t)st.st_size;
  if (bytes < sizeof(xfc_weights_header)) {
    close(fd);
    return report(error, size,
                  "the weights file '%s' is truncated: %llu bytes, fewer "
                  "than its header",
                  path, (unsigned long long)bytes);
  }
  void *base = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  close(fd); /* the mapping keeps the file */
  if (base == MAP_FAILED)
    return report(error, size, "cannot map the weights file '%s': %s", path,
                  strerror(err));
  xfc_status status = check(base, bytes, path, error, size);
  /* Last: a file of another shape or build gets the more telling message. */
  if (status == XFC_OK &&
      xfc_weights_checksum((const char *)base + sizeof(xfc_weights_header),
                           bytes - sizeof(xfc_weights_header)) !=
          ((const xfc_weights_header *)base)->checksum)
    status = report(error, size,
                    "the weights file '%s' is damaged: its contents do not "
                    "match their checksum (write it again with xfc "
                    "--weights=external)",
                    path);
  if (status != XFC_OK) {
    munmap(base, bytes);
    return status;
  }
  const xfc_weights_entry *table =
      (const xfc_weights_entry *)((const char *)base +
                                  sizeof(xfc_weights_header));
  for (size_t i = 0; i < xfc__num_weights; ++i)
    xfc__weights[i] = (char *)base + table[i].offset;
  mapping = base;
  mapping_bytes = bytes;
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

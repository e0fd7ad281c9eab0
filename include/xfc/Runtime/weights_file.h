/*===- weights_file.h - the file a library's external weights live in ------===*
 *
 * `xfc --weights=external -o NAME.so` writes the model's large constants to
 * NAME.weights beside the library instead of into it; the runtime maps the
 * file when a session is created and checks it against what the library
 * expects before compiled code reads a byte. xfc (C++) writes this format
 * and the runtime (C) reads it, so both include this header.
 *
 *   xfc_weights_header                  at offset 0
 *   xfc_weights_entry[count]            right after it: where each blob lies
 *   blobs, in the library's order       each at a multiple of
 *                                       XFC_WEIGHTS_ALIGNMENT, gaps zero
 *
 * Numbers are little-endian, the byte order of every target xfc has. `id`
 * is a hash of all blobs that the library also records, so a file from
 * another compilation of the model is refused rather than run.
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_RUNTIME_WEIGHTS_FILE_H
#define XFC_RUNTIME_WEIGHTS_FILE_H

#include <stdint.h>

#define XFC_WEIGHTS_MAGIC "XFCWGTS" /* 8 bytes with its NUL */

enum { XFC_WEIGHTS_VERSION = 1, XFC_WEIGHTS_ALIGNMENT = 64 };

typedef struct {
  char magic[8];
  uint32_t version;
  uint32_t count; /* blobs */
  uint64_t id;
} xfc_weights_header;

typedef struct {
  uint64_t offset; /* from the start of the file */
  uint64_t size;   /* bytes */
} xfc_weights_entry;

#endif /* XFC_RUNTIME_WEIGHTS_FILE_H */

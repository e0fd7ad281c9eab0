/*===- weights_file.h - the file a library's external weights live in ------===*
 *
 * A library's large constants live in this format: in NAME.weights beside
 * the library (`xfc --weights=external`) or, by default, in the library's
 * own file as the section XFC_WEIGHTS_SECTION, which xfc appends after
 * linking (no program header loads it: the weights never pass through the
 * assembler or linker and have no 2 GiB limit). The runtime maps the file
 * or section when a session is created and checks it against what the
 * library expects before compiled code reads a byte. xfc (C++) writes this
 * format and the runtime (C) reads it, so both include this header.
 *
 *   xfc_weights_header                  at offset 0
 *   xfc_weights_entry[count]            right after it: where each blob lies
 *   blobs, in the library's order       each at a multiple of
 *                                       XFC_WEIGHTS_ALIGNMENT, gaps zero
 *
 * Numbers are little-endian, the byte order of every target xfc has. `id`
 * is a hash of all blobs that the library also records, so a file from
 * another compilation of the model is refused rather than run. `checksum`
 * is xfc_weights_checksum of everything after the header (table, blobs
 * and gaps), which the first session checks, so that a damaged file is an
 * error rather than wrong outputs.
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_RUNTIME_WEIGHTS_FILE_H
#define XFC_RUNTIME_WEIGHTS_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XFC_WEIGHTS_MAGIC "XFCWGTS" /* 8 bytes with its NUL */
#define XFC_WEIGHTS_SECTION ".xfc_weights"

enum { XFC_WEIGHTS_VERSION = 2, XFC_WEIGHTS_ALIGNMENT = 64 };

typedef struct {
  char magic[8];
  uint32_t version;
  uint32_t count; /* blobs */
  uint64_t id;
  uint64_t checksum; /* of the bytes after the header */
} xfc_weights_header;

typedef struct {
  uint64_t offset; /* from the start of the file */
  uint64_t size;   /* bytes */
} xfc_weights_entry;

/* The checksum: four independent multiply-xorshift chains over
 * interleaved 8-byte words (each step a bijection of the chain's state, so
 * a change to any one word always changes the result), folded together
 * with the length and the last partial block at the end. Fed in pieces of
 * any size, it gives what one piece would. */
typedef struct {
  uint64_t lanes[4];
  unsigned char pending[32]; /* the bytes of an incomplete block */
  size_t num_pending;
  uint64_t length;
} xfc_weights_hasher;

#define XFC_WEIGHTS_HASH_K1 0x9e3779b97f4a7c15ull
#define XFC_WEIGHTS_HASH_K2 0xc2b2ae3d27d4eb4full

static inline uint64_t xfc_weights_hash_step(uint64_t state, uint64_t word) {
  state = (state ^ word) * XFC_WEIGHTS_HASH_K1;
  return state ^ (state >> 29);
}

static inline void xfc_weights_hash_init(xfc_weights_hasher *h) {
  for (int i = 0; i < 4; ++i)
    h->lanes[i] = XFC_WEIGHTS_HASH_K2 * (uint64_t)(i + 1);
  h->num_pending = 0;
  h->length = 0;
}

/* Whole 32-byte blocks; returns the bytes consumed. */
static inline size_t xfc_weights_hash_blocks(xfc_weights_hasher *h,
                                             const unsigned char *data,
                                             size_t size) {
  uint64_t a = h->lanes[0], b = h->lanes[1], c = h->lanes[2], d = h->lanes[3];
  size_t done = 0;
  for (; size - done >= 32; done += 32) {
    uint64_t w[4];
    memcpy(w, data + done, sizeof w);
    a = xfc_weights_hash_step(a, w[0]);
    b = xfc_weights_hash_step(b, w[1]);
    c = xfc_weights_hash_step(c, w[2]);
    d = xfc_weights_hash_step(d, w[3]);
  }
  h->lanes[0] = a;
  h->lanes[1] = b;
  h->lanes[2] = c;
  h->lanes[3] = d;
  return done;
}

static inline void xfc_weights_hash_update(xfc_weights_hasher *h,
                                           const void *data, size_t size) {
  const unsigned char *bytes = (const unsigned char *)data;
  h->length += size;
  if (h->num_pending) {
    size_t take = 32 - h->num_pending < size ? 32 - h->num_pending : size;
    memcpy(h->pending + h->num_pending, bytes, take);
    h->num_pending += take;
    bytes += take;
    size -= take;
    if (h->num_pending < 32)
      return;
    xfc_weights_hash_blocks(h, h->pending, 32);
    h->num_pending = 0;
  }
  size_t done = xfc_weights_hash_blocks(h, bytes, size);
  memcpy(h->pending, bytes + done, size - done);
  h->num_pending = size - done;
}

static inline uint64_t xfc_weights_hash_final(const xfc_weights_hasher *h) {
  uint64_t state = xfc_weights_hash_step(XFC_WEIGHTS_HASH_K2, h->length);
  for (int i = 0; i < 4; ++i)
    state = xfc_weights_hash_step(state, h->lanes[i]);
  for (size_t i = 0; i < h->num_pending; i += 8) {
    uint64_t word = 0;
    memcpy(&word, h->pending + i,
           h->num_pending - i < 8 ? h->num_pending - i : 8);
    state = xfc_weights_hash_step(state, word);
  }
  state *= XFC_WEIGHTS_HASH_K2;
  return state ^ (state >> 32);
}

static inline uint64_t xfc_weights_checksum(const void *data, size_t size) {
  xfc_weights_hasher h;
  xfc_weights_hash_init(&h);
  xfc_weights_hash_update(&h, data, size);
  return xfc_weights_hash_final(&h);
}

#endif /* XFC_RUNTIME_WEIGHTS_FILE_H */

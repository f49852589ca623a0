/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the CNN weights file (hop_cnn_decode from memory, hop_cnn_load from
 * a file). When the first byte is odd the harness rewrites the trailing CRC-32 to
 * match, so mutations reach the field checks behind the checksum too. */
#include "fuzz_common.h"
#include <zlib.h>
#include "hop_cnn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *b = malloc(size ? size : 1);
  if (!b) return 0;
  memcpy(b, data, size);
  if (size > 4 && (data[0] & 1)) {
    uint32_t c = (uint32_t)crc32(0L, b, (uInt)(size - 4));
    for (int k = 0; k < 4; k++) b[size - 4 + (size_t)k] = (unsigned char)(c >> (8 * k));
  }
  uint64_t recipe;
  const hop_cnn_arch small = {16, 32, 64, 10};
  hop_cnn *n = hop_cnn_decode(b, size, NULL, &recipe, "fuzz");
  hop_cnn_free(n);
  n = hop_cnn_decode(b, size, &small, &recipe, "fuzz");
  hop_cnn_free(n);
  n = hop_cnn_load(fuzz_file(b, size), NULL, &recipe);
  hop_cnn_free(n);
  free(b);
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: hop_data_idx_read and hop_data_mnist_load on any bytes (plain IDX,
 * or gzip, which zlib's gz functions detect by the magic). */
#include "fuzz_common.h"
#include "hop_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = fuzz_file(data, size);
  hop_data_idx idx;
  if (hop_data_idx_read(p, &idx) == 0) {
    size_t n = 1;
    for (unsigned k = 0; k < idx.rank; k++) n *= idx.dims[k];
    if (n != idx.count || !idx.data) abort(); /* what was read is what the header said */
    volatile unsigned char sink = idx.data[idx.count - 1];
    (void)sink;
    hop_data_idx_free(&idx);
  }
  hop_dataset ds; /* the same bytes as images and as labels */
  if (hop_data_mnist_load(p, p, &ds) == 0) hop_data_free(&ds);
  return 0;
}

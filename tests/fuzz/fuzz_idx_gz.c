/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: IDX behind gzip. The input is an IDX file the harness compresses
 * with zlib first, so the fuzzer explores the parser through the gzip path (raw gzip
 * streams, damaged ones included, come through fuzz_idx). */
#include "fuzz_common.h"
#include <zlib.h>
#include "hop_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = fuzz_file(data, 0);
  gzFile g = gzopen(p, "wb");
  if (!g) abort();
  if (size && gzwrite(g, data, (unsigned)size) != (int)size) abort();
  gzclose(g);
  hop_data_idx idx;
  if (hop_data_idx_read(p, &idx) == 0) {
    if (idx.count == 0 || !idx.data) abort();
    hop_data_idx_free(&idx);
  }
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: hop_data_cifar_load on any bytes, whole and with a record limit. */
#include "fuzz_common.h"
#include "hop_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *paths[2] = {fuzz_file(data, size), NULL};
  paths[1] = paths[0];
  hop_dataset ds;
  for (size_t max_n = 0; max_n < 3; max_n += 2)
    if (hop_data_cifar_load(paths, 2, max_n, &ds) == 0) {
      if (ds.n == 0 || ds.dim != 3072 || (max_n && ds.n > max_n)) abort();
      for (size_t i = 0; i < ds.n; i++)
        if (ds.y[i] > 9) abort();
      hop_data_free(&ds);
    }
  return 0;
}

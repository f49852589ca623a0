/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: hop_data_frames_load (raw gray video frames); the first two bytes
 * choose the frame size and frame limit, the rest is the file. */
#include "fuzz_common.h"
#include "hop_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  size_t w = (size_t)(data[0] % 17), h = (size_t)(data[1] % 13), max = (size_t)(data[1] >> 5);
  const char *p = fuzz_file(data + 2, size - 2);
  hop_dataset ds;
  if (hop_data_frames_load(p, w, h, max, &ds) == 0) {
    if (ds.n == 0 || ds.n * w * h > size - 2 || (max && ds.n > max)) abort();
    hop_data_free(&ds);
  }
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_grid.c: image grids as CSV. */
#define _POSIX_C_SOURCE 200809L
#include "hop_grid.h"
#include "hop_error.h"
#include "hop_file.h"

#include <math.h>

int hop_grid_write(const char *dir, const char *name, const float *images, size_t k,
                   size_t channels, size_t h, size_t w, size_t ncols, size_t pad) {
  if (!(channels == 1 || channels == 3) || k == 0 || ncols == 0 || h == 0 || w == 0)
    HOP_ERROR(HOP_EINVAL, "grid %s: k=%zu channels=%zu h=%zu w=%zu ncols=%zu", name, k, channels, h,
              w, ncols);
  size_t nrows = (k + ncols - 1) / ncols;
  size_t width = ncols * w + (ncols + 1) * pad, height = nrows * h + (nrows + 1) * pad;
  hop_file *f = hop_file_open(dir, name, channels == 1 ? "x,y,v" : "x,y,r,g,b");
  if (!f) return hop_error_code();
  for (size_t y = 0; y < height; y++) {
    for (size_t x = 0; x < width; x++) {
      size_t tr = y / (h + pad), tc = x / (w + pad);
      size_t iy = y % (h + pad), ix = x % (w + pad);
      size_t t = tr * ncols + tc;
      int inside = iy >= pad && ix >= pad && tc < ncols && t < k;
      hop_file_printf(f, "%zu,%zu", x, y);
      for (size_t c = 0; c < channels; c++) {
        float v = 1.0f;
        if (inside) v = images[((t * channels + c) * h + (iy - pad)) * w + (ix - pad)];
        v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        hop_file_printf(f, ",%d", (int)lrintf(255.0f * v));
      }
      hop_file_printf(f, "\n");
    }
  }
  return hop_file_close(f);
}

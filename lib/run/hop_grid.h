/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_grid.h: image grids as CSV for gnuplot. */
#ifndef HOP_GRID_H
#define HOP_GRID_H

#include <stddef.h>

/* An image grid as CSV for gnuplot ("plot ... with image" / "with rgbimage"):
 * images is (k, channels, h, w) with values in [0, 1] (clipped), channels 1 or 3,
 * laid out in rows of ncols tiles separated by pad pixels of background 1.0.
 * Columns: x,y,v (gray) or x,y,r,g,b (RGB), 0..255, y = 0 at the top row. */
int hop_grid_write(const char *dir, const char *name, const float *images, size_t k,
                   size_t channels, size_t h, size_t w, size_t ncols, size_t pad);

#endif

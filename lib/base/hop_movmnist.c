/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_movmnist.c: the Moving MNIST generator and its 64 -> 28 area downscaling. */
#include "hop_movmnist.h"
#include "hop_error.h"

#include <gsl/gsl_math.h>

#include <math.h>
#include <string.h>

#define SPAN (HOP_MOVMNIST_SIDE - 28) /* positions 0..36 */
#define STEP 0.1                      /* per frame, in units of SPAN: 3.6 pixels */

int hop_movmnist_clip(const unsigned char *digits, size_t count, size_t frames, gsl_rng *r,
                      unsigned char *out, size_t which[2]) {
  if (!digits || count == 0 || frames == 0 || !out)
    HOP_ERROR(HOP_EINVAL, "Moving MNIST: %zu digits, %zu frames", count, frames);
  const size_t side = HOP_MOVMNIST_SIDE;
  memset(out, 0, frames * side * side);
  for (int d = 0; d < 2; d++) {
    size_t id = gsl_rng_uniform_int(r, count);
    if (which) which[d] = id;
    const unsigned char *img = digits + id * 784;
    double x = gsl_rng_uniform(r), y = gsl_rng_uniform(r), theta = 2 * M_PI * gsl_rng_uniform(r);
    double vx = STEP * cos(theta), vy = STEP * sin(theta);
    for (size_t f = 0; f < frames; f++) {
      size_t top = (size_t)lround(y * SPAN), left = (size_t)lround(x * SPAN);
      unsigned char *fr = out + f * side * side;
      for (size_t i = 0; i < 28; i++)
        for (size_t j = 0; j < 28; j++) {
          unsigned char *px = fr + (top + i) * side + left + j;
          if (img[i * 28 + j] > *px) *px = img[i * 28 + j];
        }
      x += vx, y += vy;
      if (x < 0) x = -x, vx = -vx;
      if (x > 1) x = 2 - x, vx = -vx;
      if (y < 0) y = -y, vy = -vy;
      if (y > 1) y = 2 - y, vy = -vy;
    }
  }
  return HOP_OK;
}

/* Input pixel k covers [k, k+1); output pixel o covers [16 o / 7, 16 (o + 1) / 7). In
 * sevenths: [7k, 7k + 7) against [16 o, 16 o + 16): overlap in sevenths, integers. */
void hop_movmnist_downscale(const unsigned char *in, unsigned char *out) {
  const int S = HOP_MOVMNIST_SIDE, T = HOP_MOVMNIST_SMALL;
  int w[28][64], k0[28], k1[28]; /* weights; each output's input range [k0, k1) */
  for (int o = 0; o < T; o++) {
    k0[o] = S, k1[o] = 0;
    for (int k = 0; k < S; k++) {
      int lo = 7 * k > 16 * o ? 7 * k : 16 * o,
          hi = 7 * k + 7 < 16 * o + 16 ? 7 * k + 7 : 16 * o + 16;
      w[o][k] = hi > lo ? hi - lo : 0; /* sevenths of a pixel; a row sums to 16 */
      if (w[o][k]) k0[o] = k < k0[o] ? k : k0[o], k1[o] = k + 1;
    }
  }
  /* separable: the columns first, then the rows; the same integer sums in 49ths of a
   * pixel (the square holds 256 of them) */
  long cols[64][28];
  for (int i = 0; i < S; i++)
    for (int c = 0; c < T; c++) {
      long a = 0;
      for (int j = k0[c]; j < k1[c]; j++) a += (long)w[c][j] * in[i * S + j];
      cols[i][c] = a;
    }
  for (int r = 0; r < T; r++)
    for (int c = 0; c < T; c++) {
      long acc = 0;
      for (int i = k0[r]; i < k1[r]; i++) acc += (long)w[r][i] * cols[i][c];
      out[r * T + c] = (unsigned char)((acc + 128) / 256);
    }
}

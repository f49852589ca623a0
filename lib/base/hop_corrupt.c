/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_corrupt.c: noise, masks and blur. */
#include "hop_corrupt.h"
#include "hop_error.h"

#include <gsl/gsl_randist.h>
#include <math.h>

int hop_corrupt_noise(float *x, size_t len, gsl_rng *r, double sigma, float lo, float hi) {
  if (!(sigma >= 0) || isinf(sigma)) HOP_ERROR(HOP_EINVAL, "noise sigma = %g must be >= 0", sigma);
  if (!(lo <= hi)) HOP_ERROR(HOP_EINVAL, "clip range [%g, %g] is empty", lo, hi);
  for (size_t k = 0; k < len; k++) {
    float v = x[k] + (float)gsl_ran_gaussian(r, sigma);
    x[k] = v < lo ? lo : v > hi ? hi : v;
  }
  return HOP_OK;
}

void hop_corrupt_half(float *x, size_t c, size_t h, size_t w, float value, unsigned char *mask) {
  for (size_t ch = 0; ch < c; ch++)
    for (size_t y = 0; y < h; y++)
      for (size_t i = 0; i < w; i++) {
        size_t at = (ch * h + y) * w + i;
        int lower = y >= h / 2;
        if (lower) x[at] = value;
        if (mask) mask[at] = (unsigned char)!lower;
      }
}

int hop_corrupt_pixels(float *x, size_t c, size_t h, size_t w, gsl_rng *r, double fraction,
                       float value, unsigned char *mask, size_t *scratch) {
  if (!(fraction >= 0 && fraction <= 1))
    HOP_ERROR(HOP_EINVAL, "mask fraction %g outside [0, 1]", fraction);
  size_t hw = h * w, k = (size_t)llround(fraction * (double)hw);
  if (mask)
    for (size_t i = 0; i < c * hw; i++) mask[i] = 1;
  for (size_t i = 0; i < hw; i++) scratch[i] = i;
  gsl_ran_shuffle(r, scratch, hw, sizeof *scratch);
  for (size_t n = 0; n < k; n++)
    for (size_t ch = 0; ch < c; ch++) {
      x[ch * hw + scratch[n]] = value;
      if (mask) mask[ch * hw + scratch[n]] = 0;
    }
  return HOP_OK;
}

/* dst[i * stride] = sum_k kern[k + rad] src[clamp(i + k) * stride], i < n: one line of a
 * separable convolution with replicated edges. */
static void blur_line(const float *src, float *dst, long n, long stride, const double *kern,
                      int rad) {
  for (long i = 0; i < n; i++) {
    double s = 0.0;
    for (int k = -rad; k <= rad; k++) {
      long j = i + k;
      j = j < 0 ? 0 : j >= n ? n - 1 : j;
      s += kern[k + rad] * src[j * stride];
    }
    dst[i * stride] = (float)s;
  }
}

int hop_corrupt_blur(float *x, size_t c, size_t h, size_t w, double sigma, float *tmp) {
  if (!(sigma > 0) || sigma > 100) HOP_ERROR(HOP_EINVAL, "blur sigma = %g outside (0, 100]", sigma);
  int rad = (int)ceil(3.0 * sigma);
  double kern[601], z = 0.0;
  for (int k = -rad; k <= rad; k++)
    z += kern[k + rad] = exp(-(double)k * k / (2.0 * sigma * sigma));
  for (int k = 0; k <= 2 * rad; k++) kern[k] /= z;
  long H = (long)h, W = (long)w;
  for (size_t ch = 0; ch < c; ch++) {
    float *img = x + ch * h * w;
    for (long y = 0; y < H; y++) blur_line(img + y * W, tmp + y * W, W, 1, kern, rad); /* rows */
    for (long i = 0; i < W; i++) blur_line(tmp + i, img + i, H, W, kern, rad);         /* columns */
  }
  return HOP_OK;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_norm.c: normalisation of image data. */
#include "hop_norm.h"
#include "hop_error.h"

#include <math.h>
#include <stddef.h>

void hop_norm_scale01(const hop_dataset *ds, float *out) {
  for (size_t i = 0; i < ds->n * ds->dim; i++) out[i] = (float)ds->x[i] / 255.0f;
}

int hop_norm_stats(const float *x, size_t n, size_t dim, int per_feature, double eps, float *mean,
                   float *sd) {
  if (n == 0 || dim == 0)
    HOP_ERROR(HOP_EINVAL, "statistics of an empty set (n=%zu dim=%zu)", n, dim);
  if (!(eps > 0)) HOP_ERROR(HOP_EINVAL, "eps = %g must be > 0", eps);
  size_t m = per_feature ? dim : 1;
  for (size_t j = 0; j < m; j++) {
    /* two passes in double: mean, then the centred sum of squares */
    double s = 0.0, ss = 0.0;
    size_t cnt = per_feature ? n : n * dim;
    for (size_t c = 0; c < cnt; c++) s += x[per_feature ? c * dim + j : c];
    double mu = s / (double)cnt;
    for (size_t c = 0; c < cnt; c++) {
      double d = x[per_feature ? c * dim + j : c] - mu;
      ss += d * d;
    }
    double v = sqrt(ss / (double)cnt);
    mean[j] = (float)mu;
    sd[j] = (float)(v > eps ? v : eps);
  }
  return HOP_OK;
}

void hop_norm_apply(float *x, size_t n, size_t dim, int per_feature, const float *mean,
                    const float *sd) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < dim; j++) {
      size_t k = per_feature ? j : 0;
      x[i * dim + j] = (x[i * dim + j] - mean[k]) / sd[k];
    }
}

void hop_norm_binarize(float *x, size_t len, float threshold) {
  for (size_t i = 0; i < len; i++) x[i] = x[i] > threshold ? 1.0f : -1.0f;
}

int hop_norm_gray(const hop_dataset *ds, float *out) {
  if (ds->channels != 3)
    HOP_ERROR(HOP_EINVAL, "grayscale needs 3 channels, dataset has %zu", ds->channels);
  size_t hw = ds->height * ds->width;
  for (size_t i = 0; i < ds->n; i++) {
    const unsigned char *p = ds->x + i * ds->dim;
    for (size_t j = 0; j < hw; j++)
      out[i * hw + j] = (0.299f * p[j] + 0.587f * p[hw + j] + 0.114f * p[2 * hw + j]) / 255.0f;
  }
  return HOP_OK;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_kmeans.c: see hop_kmeans.h. */
#include "hop_kmeans.h"
#include "hop_error.h"
#include "hop_math.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { ROWS = 1024 }; /* row block of the distance products */

/* Squared distances of x's rows to the k centres, exact in double for the winner:
 * the sgemm route ranks the centres, then the winner's distance is recomputed
 * directly (so dist2 and the inertia carry no cancellation error). */
static int assign_core(const float *x, size_t n, size_t d, const float *c, size_t k, size_t *assign,
                       double *dist2, double *inertia, float *g, float *cn) {
  hop_math_row_sqnorms_f(k, d, c, cn);
  double total = 0.0;
  for (size_t r0 = 0; r0 < n; r0 += ROWS) {
    size_t m = n - r0 < ROWS ? n - r0 : ROWS;
    hop_math_sqdist_f(m, k, d, x + r0 * d, c, cn, 0, g);
    for (size_t i = 0; i < m; i++) {
      const float *gi = g + i * k;
      size_t best = 0;
      float bv = gi[0];
      for (size_t j = 1; j < k; j++)
        if (gi[j] < bv) bv = gi[j], best = j;
      const float *xi = x + (r0 + i) * d, *cj = c + best * d;
      double s = 0.0;
      for (size_t t = 0; t < d; t++) s += ((double)xi[t] - cj[t]) * ((double)xi[t] - cj[t]);
      if (assign) assign[r0 + i] = best;
      if (dist2) dist2[r0 + i] = s;
      total += s;
    }
  }
  if (inertia) *inertia = total;
  return HOP_OK;
}

int hop_kmeans_assign(const float *x, size_t n, size_t d, const float *centres, size_t k,
                      size_t *assign, double *dist2, double *inertia) {
  if (k == 0 || d == 0)
    HOP_ERROR(HOP_EINVAL, "k-means assignment to %zu centres of dimension %zu", k, d);
  float *g = malloc((n < ROWS ? n : ROWS) * k * sizeof *g + 1), *cn = malloc(k * sizeof *cn);
  int st = g && cn ? assign_core(x, n, d, centres, k, assign, dist2, inertia, g, cn)
                   : HOP_RAISE(HOP_ENOMEM, "k-means scratch for %zu centres", k);
  free(g), free(cn);
  return st;
}

int hop_kmeans(const float *x, size_t n, size_t d, size_t k, size_t max_iter, gsl_rng *r, float *c,
               size_t *assign_out, hop_kmeans_info *info) {
  if (d == 0) HOP_ERROR(HOP_EINVAL, "k-means of points of dimension 0");
  if (k == 0 || k > n)
    HOP_ERROR(HOP_EINVAL, "k-means with k = %zu centres from %zu points (need 1 <= k <= points)", k,
              n);
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(x[i])) HOP_ERROR(HOP_EDOM, "k-means: point %zu holds a non-finite value", i / d);
  size_t *as = malloc(n * sizeof *as);
  double *d2 = malloc(n * sizeof *d2), *sum = malloc(k * d * sizeof *sum);
  size_t *cnt = malloc(k * sizeof *cnt);
  float *g = malloc((n < ROWS ? n : ROWS) * k * sizeof *g + 1), *cn = malloc(k * sizeof *cn);
  if (!as || !d2 || !sum || !cnt || !g || !cn) {
    free(as), free(d2), free(sum), free(cnt), free(g), free(cn);
    HOP_ERROR(HOP_ENOMEM, "k-means scratch for %zu points, %zu centres", n, k);
  }
  /* k-means++ seeding: d2 holds the squared distance to the nearest centre so far */
  size_t first = (size_t)gsl_rng_uniform_int(r, n);
  memcpy(c, x + first * d, d * sizeof *c);
  for (size_t i = 0; i < n; i++) {
    double s = 0.0;
    for (size_t t = 0; t < d; t++)
      s += ((double)x[i * d + t] - c[t]) * ((double)x[i * d + t] - c[t]);
    d2[i] = s;
  }
  for (size_t j = 1; j < k; j++) {
    double total = 0.0;
    for (size_t i = 0; i < n; i++) total += d2[i];
    size_t pick = n - 1;
    if (total > 0.0) {
      double u = gsl_rng_uniform(r) * total, acc = 0.0;
      for (size_t i = 0; i < n; i++)
        if ((acc += d2[i]) > u && d2[i] > 0.0) {
          pick = i;
          break;
        }
    } else { /* every point coincides with a centre: take the next index */
      pick = j;
    }
    memcpy(c + j * d, x + pick * d, d * sizeof *c);
    for (size_t i = 0; i < n; i++) {
      double s = 0.0;
      for (size_t t = 0; t < d; t++)
        s += ((double)x[i * d + t] - c[j * d + t]) * ((double)x[i * d + t] - c[j * d + t]);
      if (s < d2[i]) d2[i] = s;
    }
  }
  /* Lloyd */
  hop_kmeans_info in = {0, 0, 0.0, 0};
  for (size_t i = 0; i < n; i++) as[i] = (size_t)-1;
  size_t *na = assign_out ? assign_out : malloc(n * sizeof *na);
  int st = na ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "k-means assignment");
  while (!st) {
    assign_core(x, n, d, c, k, na, d2, &in.inertia, g, cn);
    size_t changed = 0;
    for (size_t i = 0; i < n; i++) changed += na[i] != as[i];
    memcpy(as, na, n * sizeof *as);
    if (!changed) {
      in.converged = 1;
      break;
    }
    if (in.iterations == max_iter) break;
    in.iterations++;
    memset(sum, 0, k * d * sizeof *sum);
    memset(cnt, 0, k * sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
      cnt[as[i]]++;
      for (size_t t = 0; t < d; t++) sum[as[i] * d + t] += x[i * d + t];
    }
    for (size_t j = 0; j < k; j++) {
      if (cnt[j]) {
        for (size_t t = 0; t < d; t++) c[j * d + t] = (float)(sum[j * d + t] / (double)cnt[j]);
        continue;
      }
      size_t far = 0; /* empty: the point farthest from its centre */
      for (size_t i = 1; i < n; i++)
        if (d2[i] > d2[far]) far = i;
      memcpy(c + j * d, x + far * d, d * sizeof *c);
      d2[far] = 0.0;
      in.reseeded++;
    }
  }
  if (!assign_out) free(na);
  free(as), free(d2), free(sum), free(cnt), free(g), free(cn);
  if (info) *info = in;
  return st;
}

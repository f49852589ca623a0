/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_math.c: stable softmax / log-sum-exp, CBLAS helpers, argmax, mean/sd, crossings. */
#include "hop_math.h"
#include "hop_error.h"

#include <cblas.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

/* Provided by OpenBLAS (declared in its cblas.h, not in the reference one). */
extern void openblas_set_num_threads(int num_threads);
extern char *openblas_get_config(void);

/* The float and double versions share one body through these macros. */
#define LSE_BODY(T)                                                            \
  if (n == 0) HOP_ERROR(HOP_EINVAL, "logsumexp of an empty vector");           \
  if (!(beta >= 0.0) || isinf(beta)) HOP_ERROR(HOP_EINVAL, "beta = %g", beta); \
  double m = -INFINITY;                                                        \
  for (size_t i = 0; i < n; i++) {                                             \
    double v = (double)x[i];                                                   \
    if (isnan(v)) HOP_ERROR(HOP_EDOM, "logsumexp: x[%zu] is NaN", i);          \
    if (v > m) m = v;                                                          \
  }                                                                            \
  if (isinf(m) || beta == 0.0) {                                               \
    *out = beta == 0.0 ? log((double)n) : (m > 0 ? INFINITY : -INFINITY);      \
    return HOP_OK;                                                             \
  }                                                                            \
  double s = 0.0;                                                              \
  for (size_t i = 0; i < n; i++) s += exp(beta * ((double)x[i] - m));          \
  *out = beta * m + log(s);                                                    \
  return HOP_OK;

int hop_math_logsumexp(const double *x, size_t n, double beta, double *out) { LSE_BODY(double) }
int hop_math_logsumexp_f(const float *x, size_t n, double beta, double *out) { LSE_BODY(float) }

#define SOFTMAX_BODY(T)                                                                    \
  if (n == 0) HOP_ERROR(HOP_EINVAL, "softmax of an empty vector");                         \
  if (!(beta >= 0.0) || isinf(beta)) HOP_ERROR(HOP_EINVAL, "beta = %g", beta);             \
  double m = -INFINITY;                                                                    \
  for (size_t i = 0; i < n; i++) {                                                         \
    double v = (double)x[i];                                                               \
    if (isnan(v)) HOP_ERROR(HOP_EDOM, "softmax: x[%zu] is NaN", i);                        \
    if (v > m) m = v;                                                                      \
  }                                                                                        \
  if (m == -INFINITY) HOP_ERROR(HOP_EDOM, "softmax: every entry is -inf");                 \
  if (m == INFINITY && beta > 0.0) { /* the infinite entries share the mass */             \
    size_t k = 0;                                                                          \
    for (size_t i = 0; i < n; i++) k += x[i] == INFINITY;                                  \
    for (size_t i = 0; i < n; i++) out[i] = (T)(x[i] == INFINITY ? 1.0 / (double)k : 0.0); \
    return HOP_OK;                                                                         \
  }                                                                                        \
  double s = 0.0;                                                                          \
  for (size_t i = 0; i < n; i++) {                                                         \
    double e = beta == 0.0 ? 1.0 : exp(beta * ((double)x[i] - m)); /* <= 1 */              \
    out[i] = (T)e;                                                                         \
    s += e;                                                                                \
  }                                                                                        \
  for (size_t i = 0; i < n; i++) out[i] = (T)((double)out[i] / s);                         \
  return HOP_OK;

int hop_math_softmax(double *out, const double *x, size_t n, double beta) { SOFTMAX_BODY(double) }
int hop_math_softmax_f(float *out, const float *x, size_t n, double beta) { SOFTMAX_BODY(float) }

void hop_math_gemm_f(size_t m, size_t n, size_t k, float alpha, const float *a, const float *b,
                     int b_transposed, float beta, float *c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, b_transposed ? CblasTrans : CblasNoTrans, (int)m, (int)n,
              (int)k, alpha, a, (int)k, b, b_transposed ? (int)k : (int)n, beta, c, (int)n);
}

void hop_math_gemm(size_t m, size_t n, size_t k, double alpha, const double *a, const double *b,
                   int b_transposed, double beta, double *c) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, b_transposed ? CblasTrans : CblasNoTrans, (int)m, (int)n,
              (int)k, alpha, a, (int)k, b, b_transposed ? (int)k : (int)n, beta, c, (int)n);
}

void hop_math_gram_f(size_t p, size_t n, float alpha, const float *x, float *g) {
  cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)p, alpha, x, (int)n, 0.0f, g,
              (int)n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++) g[i * n + j] = g[j * n + i];
}

void hop_math_blas_threads(int n) { openblas_set_num_threads(n > 0 ? n : 1); }

int hop_math_blas_threads_get(void) { return openblas_get_num_threads(); }

const char *hop_math_blas_config(void) { return openblas_get_config(); }

/* First largest non-NaN entry; 0 if all are NaN (float and double share the body). */
#define ARGMAX_BODY                  \
  size_t b = 0;                      \
  while (b < n && isnan(x[b])) b++;  \
  if (b == n) return 0;              \
  for (size_t i = b + 1; i < n; i++) \
    if (x[i] > x[b]) b = i;          \
  return b;

size_t hop_math_argmax_f(const float *x, size_t n){ARGMAX_BODY} size_t
    hop_math_argmax(const double *x, size_t n){ARGMAX_BODY}

size_t hop_math_mean_sd(const double *x, size_t n, double *mean, double *sd) {
  size_t k = 0;
  int all = 1;
  for (size_t i = 0; i < n; i++) {
    k += isfinite(x[i]) != 0;
    all &= isfinite(x[i]) != 0;
  }
  const double *v = x;
  double small[64], *heap = NULL;
  if (!all && k) { /* the finite entries, in order */
    double *dst = k <= 64 ? small : (heap = malloc(k * sizeof *heap));
    if (!dst) {
      *mean = *sd = NAN;
      return 0;
    }
    for (size_t i = 0, j = 0; i < n; i++)
      if (isfinite(x[i])) dst[j++] = x[i];
    v = dst;
  }
  *mean = k ? gsl_stats_mean(v, 1, k) : NAN;
  *sd = k > 1 ? gsl_stats_sd_m(v, 1, k, *mean) : k ? 0.0 : NAN;
  free(heap);
  return k;
}

double hop_math_crossing_down(const double *x, const double *y, size_t n, double level) {
  for (size_t i = 0; i + 1 < n; i++)
    if (y[i] >= level && y[i + 1] < level)
      return x[i] + (y[i] - level) / (y[i] - y[i + 1]) * (x[i + 1] - x[i]);
  return NAN;
}

double hop_math_curve_crossing(const double *x, const double *a, const double *b, size_t n,
                               double near) {
  double best = NAN;
  for (size_t i = 0; i + 1 < n; i++) {
    double d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1];
    if (d0 > 0 && d1 < 0) {
      double c = x[i] + d0 / (d0 - d1) * (x[i + 1] - x[i]);
      if (isnan(best) || fabs(c - near) < fabs(best - near)) best = c;
    }
  }
  return best;
}

int hop_math_check_pm1(const signed char *v, size_t count, const char *what) {
  for (size_t k = 0; k < count; k++)
    if (v[k] != 1 && v[k] != -1) HOP_ERROR(HOP_EINVAL, "%s[%zu] = %d is not +-1", what, k, v[k]);
  return HOP_OK;
}

void hop_math_linear_fit(const double *x, const double *y, size_t n, size_t min_points,
                         hop_math_fit *out) {
  *out = (hop_math_fit){NAN, NAN, NAN, NAN, 0};
  size_t m = 0;
  for (size_t k = 0; k < n; k++) m += isfinite(x[k]) && isfinite(y[k]);
  out->n = m;
  if (m < 2 || m < min_points) return;
  double *fx = malloc(2 * m * sizeof *fx), *fy = fx + m;
  if (!fx) return; /* NaN fields: no fit */
  m = 0;
  for (size_t k = 0; k < n; k++)
    if (isfinite(x[k]) && isfinite(y[k])) fx[m] = x[k], fy[m++] = y[k];
  double c00, c01, c11, ss;
  gsl_fit_linear(fx, 1, fy, 1, m, &out->a, &out->b, &c00, &c01, &c11, &ss);
  if (m > 2) out->se_a = sqrt(c00), out->se_b = sqrt(c11);
  free(fx);
}

double hop_math_double_factorial(int m) {
  double r = 1.0;
  for (int k = m; k > 1; k -= 2) r *= k;
  return r;
}

double hop_math_overlap_pm1(const signed char *a, const signed char *b, size_t n) {
  long m = 0;
  for (size_t i = 0; i < n; i++) m += a[i] * b[i];
  return (double)m / (double)n;
}

void hop_math_row_sqnorms_f(size_t m, size_t d, const float *c, float *cn) {
  for (size_t j = 0; j < m; j++) {
    double s = 0.0;
    for (size_t t = 0; t < d; t++) s += (double)c[j * d + t] * c[j * d + t];
    cn[j] = (float)s;
  }
}

void hop_math_sqdist_f(size_t n, size_t m, size_t d, const float *x, const float *c,
                       const float *cn, int with_x_norm, float *out) {
  if (n == 0 || m == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)d, -2.0f, x, (int)d, c,
              (int)d, 0.0f, out, (int)m);
  for (size_t i = 0; i < n; i++) {
    float xn = 0.0f;
    if (with_x_norm) {
      double s = 0.0;
      for (size_t t = 0; t < d; t++) s += (double)x[i * d + t] * x[i * d + t];
      xn = (float)s;
    }
    for (size_t j = 0; j < m; j++) {
      float v = with_x_norm ? out[i * m + j] + xn + cn[j] : out[i * m + j] + cn[j];
      out[i * m + j] = with_x_norm && !(v > 0.0f) ? 0.0f : v;
    }
  }
}

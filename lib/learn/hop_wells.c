/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_wells.c: see hop_wells.h. */
#include "hop_wells.h"
#include "hop_error.h"
#include "hop_math.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

hop_wells *hop_wells_alloc(size_t classes, size_t k, size_t d) {
  if (classes < 2 || k == 0 || d == 0 || classes > 256 || k > 4096 || d > (1u << 16))
    HOP_ERROR_NULL(
        HOP_EINVAL,
        "wells: %zu classes x %zu wells of dimension %zu (need 2..256 classes, 1..4096 wells, "
        "1..65536 dimensions)",
        classes, k, d);
  hop_wells *w = calloc(1, sizeof *w);
  if (!w || !(w->mu = calloc(classes * k * d, sizeof(float)))) {
    free(w);
    HOP_ERROR_NULL(HOP_ENOMEM, "wells of %zu x %zu x %zu", classes, k, d);
  }
  w->classes = classes, w->k = k, w->d = d;
  return w;
}

void hop_wells_free(hop_wells *w) {
  if (!w) return;
  free(w->mu);
  free(w);
}

int hop_wells_check_beta(double beta, double max_d2) {
  if (!(beta > 0) || isnan(beta)) HOP_ERROR(HOP_EINVAL, "beta = %g: must be > 0", beta);
  if (isinf(beta)) return HOP_OK;
  if (!(beta * (max_d2 > 1.0 ? max_d2 : 1.0) < 1e300))
    HOP_ERROR(HOP_EINVAL, "beta = %g times squared distances up to %g overflows", beta, max_d2);
  return HOP_OK;
}

int hop_wells_dist2(const hop_wells *w, const float *s, size_t n, float *d2) {
  size_t m = w->classes * w->k, d = w->d;
  if (n == 0) return HOP_OK;
  float *mn = malloc(m * sizeof *mn);
  if (!mn) HOP_ERROR(HOP_ENOMEM, "wells norms");
  hop_math_row_sqnorms_f(m, d, w->mu, mn);
  hop_math_sqdist_f(n, m, d, s, w->mu, mn, 1, d2);
  free(mn);
  return HOP_OK;
}

int hop_wells_energy(const hop_wells *w, const float *d2, size_t n, double beta, double *e) {
  size_t C = w->classes, K = w->k;
  float mx = 0.0f;
  for (size_t i = 0; i < n * C * K; i++) mx = d2[i] > mx ? d2[i] : mx;
  if (hop_wells_check_beta(beta, mx)) return HOP_EINVAL;
    /* rows on the OpenMP threads: each energy is one thread's, in the same order */
#pragma omp parallel for schedule(static) if (n * C * K > 100000)
  for (size_t r = 0; r < n; r++)
    for (size_t c = 0; c < C; c++) {
      const float *x = d2 + (r * C + c) * K;
      float lo = x[0];
      for (size_t k = 1; k < K; k++) lo = x[k] < lo ? x[k] : lo;
      if (isinf(beta)) {
        e[r * C + c] = 0.5 * lo;
        continue;
      }
      /* -(1/b) log((1/K) sum exp(-b x/2)) = lo/2 - (1/b) log((1/K) sum exp(-b (x - lo)/2));
       * a term below e^-750 is 0 in double (the least subnormal is e^-744.4), so it is not
       * computed: the sum is the same bits, without libm's slow underflow path */
      double s = 0.0;
      for (size_t k = 0; k < K; k++) {
        double a = -0.5 * beta * ((double)x[k] - lo);
        if (a > -750.0) s += exp(a);
      }
      e[r * C + c] = 0.5 * lo - log(s / (double)K) / beta;
    }
  return HOP_OK;
}

void hop_wells_argmin(const double *e, size_t n, size_t classes, unsigned char *labels) {
  for (size_t r = 0; r < n; r++) {
    size_t b = 0;
    for (size_t c = 1; c < classes; c++)
      if (e[r * classes + c] < e[r * classes + b]) b = c;
    labels[r] = (unsigned char)b;
  }
}

/* p (m) = softmax(-beta d2 / 2) over every well, d2 computed exactly in double from s;
 * returns the joint energy. */
static double joint_core(const hop_wells *w, const double *s, double beta, double *p) {
  size_t m = w->classes * w->k, d = w->d;
  double lo = INFINITY;
  for (size_t j = 0; j < m; j++) {
    double t = 0.0;
    for (size_t i = 0; i < d; i++) t += (s[i] - w->mu[j * d + i]) * (s[i] - w->mu[j * d + i]);
    p[j] = t;
    lo = t < lo ? t : lo;
  }
  double z = 0.0;
  for (size_t j = 0; j < m; j++) z += (p[j] = exp(-0.5 * beta * (p[j] - lo)));
  for (size_t j = 0; j < m; j++) p[j] /= z;
  return 0.5 * lo - log(z / (double)m) / beta;
}

double hop_wells_joint(const hop_wells *w, const float *s, double beta, double *grad,
                       double *scratch) {
  size_t m = w->classes * w->k, d = w->d;
  double *p = scratch, *sd = scratch + m;
  for (size_t i = 0; i < d; i++) sd[i] = s[i];
  double e = joint_core(w, sd, beta, p);
  if (grad) {
    for (size_t i = 0; i < d; i++) grad[i] = sd[i];
    for (size_t j = 0; j < m; j++)
      for (size_t i = 0; i < d; i++) grad[i] -= p[j] * w->mu[j * d + i];
  }
  return e;
}

int hop_wells_descend(const hop_wells *w, const float *s0, double beta, double eta, size_t steps,
                      double tol, size_t *well, size_t *taken, double *scratch) {
  if (!(eta > 0 && eta <= 1)) HOP_ERROR(HOP_EINVAL, "descent step eta = %g outside (0, 1]", eta);
  if (!isfinite(beta) || hop_wells_check_beta(beta, 4.0))
    HOP_ERROR(HOP_EINVAL, "descent needs a finite beta > 0, got %g", beta);
  size_t m = w->classes * w->k, d = w->d, t = 0;
  double *p = scratch, *s = scratch + m, *target = scratch + m + d;
  for (size_t i = 0; i < d; i++) s[i] = s0[i];
  for (; t < steps; t++) {
    joint_core(w, s, beta, p);
    memset(target, 0, d * sizeof *target);
    for (size_t j = 0; j < m; j++)
      if (p[j] > 1e-300)
        for (size_t i = 0; i < d; i++) target[i] += p[j] * w->mu[j * d + i];
    double step2 = 0.0; /* s - eta grad = (1 - eta) s + eta sum p mu */
    for (size_t i = 0; i < d; i++) {
      double v = (1.0 - eta) * s[i] + eta * target[i];
      step2 += (v - s[i]) * (v - s[i]);
      s[i] = v;
    }
    if (sqrt(step2) < tol) {
      t++;
      break;
    }
  }
  size_t best = 0;
  double bd = INFINITY;
  for (size_t j = 0; j < m; j++) {
    double q = 0.0;
    for (size_t i = 0; i < d; i++) q += (s[i] - w->mu[j * d + i]) * (s[i] - w->mu[j * d + i]);
    if (q < bd) bd = q, best = j;
  }
  *well = best;
  if (taken) *taken = t;
  return HOP_OK;
}

int hop_wells_descend_batch(const hop_wells *w, float *s, size_t n, double beta, double eta,
                            size_t steps, size_t *wells, float *d2) {
  if (!(eta > 0 && eta <= 1)) HOP_ERROR(HOP_EINVAL, "descent step eta = %g outside (0, 1]", eta);
  if (!isfinite(beta) || hop_wells_check_beta(beta, 4.0))
    HOP_ERROR(HOP_EINVAL, "descent needs a finite beta > 0, got %g", beta);
  size_t m = w->classes * w->k, d = w->d;
  for (size_t t = 0; t <= steps; t++) {
    int st = hop_wells_dist2(w, s, n, d2);
    if (st) return st;
    if (t == steps) break;
    for (size_t r = 0; r < n; r++) { /* softmax of -beta d2 / 2, in place */
      float *q = d2 + r * m, lo = q[0];
      for (size_t j = 1; j < m; j++) lo = q[j] < lo ? q[j] : lo;
      double z = 0.0;
      for (size_t j = 0; j < m; j++) z += (q[j] = (float)exp(-0.5 * beta * ((double)q[j] - lo)));
      for (size_t j = 0; j < m; j++) q[j] = (float)(q[j] / z);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)d, (int)m, (float)eta, d2,
                (int)m, w->mu, (int)d, (float)(1.0 - eta), s, (int)d);
  }
  for (size_t r = 0; r < n; r++) {
    size_t b = 0;
    for (size_t j = 1; j < m; j++)
      if (d2[r * m + j] < d2[r * m + b]) b = j;
    wells[r] = b;
  }
  return HOP_OK;
}

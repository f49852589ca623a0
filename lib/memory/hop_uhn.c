/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_uhn.c: UHN similarities, separations, projection, iterated retrieval, energy. */
#include "hop_uhn.h"
#include "hop_error.h"
#include "hop_math.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hop_uhn_work {
  size_t max_batch;
  float *s;  /* (max_batch, p) similarities, then weights */
  float *qn; /* (max_batch, d) new queries */
};

static const char *sim_names[] = {"dot", "cosine", "euclidean", "manhattan", "l1score"};
static const char *sep_names[] = {"softmax", "identity", "power", "max"};

int hop_uhn_sim_parse(const char *name, hop_uhn_sim *out) {
  for (int k = 0; k < 5; k++)
    if (!strcmp(name, sim_names[k])) {
      *out = (hop_uhn_sim)k;
      return HOP_OK;
    }
  HOP_ERROR(HOP_EINVAL, "unknown similarity '%s' (dot, cosine, euclidean, manhattan, l1score)",
            name);
}

int hop_uhn_sep_parse(const char *name, hop_uhn_sep *out) {
  for (int k = 0; k < 4; k++)
    if (!strcmp(name, sep_names[k])) {
      *out = (hop_uhn_sep)k;
      return HOP_OK;
    }
  HOP_ERROR(HOP_EINVAL, "unknown separation '%s' (softmax, identity, power, max)", name);
}

const char *hop_uhn_sim_name(hop_uhn_sim s) { return (unsigned)s < 5 ? sim_names[s] : "?"; }
const char *hop_uhn_sep_name(hop_uhn_sep s) { return (unsigned)s < 4 ? sep_names[s] : "?"; }

int hop_uhn_params_check(const hop_uhn_params *par) {
  if ((unsigned)par->sim > HOP_UHN_SIM_L1SCORE)
    HOP_ERROR(HOP_EINVAL, "bad similarity %d", (int)par->sim);
  if ((unsigned)par->sep > HOP_UHN_SEP_MAX)
    HOP_ERROR(HOP_EINVAL, "bad separation %d", (int)par->sep);
  if (!(par->beta > 0) || isinf(par->beta))
    HOP_ERROR(HOP_EINVAL, "beta = %g must be > 0", par->beta);
  if (par->sep == HOP_UHN_SEP_POWER && (!(par->power > 0) || isinf(par->power)))
    HOP_ERROR(HOP_EINVAL, "power = %g must be > 0", par->power);
  if (par->max_steps < 1) HOP_ERROR(HOP_EINVAL, "max_steps must be >= 1");
  if (!(par->tol >= 0)) HOP_ERROR(HOP_EINVAL, "tol = %g must be >= 0", par->tol);
  return HOP_OK;
}

hop_uhn *hop_uhn_alloc(const float *x, size_t p, size_t d) {
  if (p == 0 || d == 0) HOP_ERROR_NULL(HOP_EINVAL, "empty memory (%zu patterns of %zu)", p, d);
  if (p > (size_t)1 << 30 || d > (size_t)1 << 30) HOP_ERROR_NULL(HOP_ERANGE, "memory too large");
  hop_uhn *m = malloc(sizeof *m);
  double *sq = malloc(p * sizeof *sq);
  if (!m || !sq) {
    free(m);
    free(sq);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a memory of %zu patterns", p);
  }
  m->p = p;
  m->d = d;
  m->x = x;
  m->sq = sq;
  m->max_norm = 0.0;
  for (size_t i = 0; i < p; i++) {
    double s = 0.0;
    for (size_t j = 0; j < d; j++) s += (double)x[i * d + j] * x[i * d + j];
    sq[i] = s;
    m->max_norm = fmax(m->max_norm, sqrt(s));
  }
  return m;
}

void hop_uhn_free(hop_uhn *m) {
  if (!m) return;
  free(m->sq);
  free(m);
}

hop_uhn_work *hop_uhn_work_alloc(const hop_uhn *m, size_t max_batch) {
  if (max_batch == 0) HOP_ERROR_NULL(HOP_EINVAL, "batch size 0");
  hop_uhn_work *w = calloc(1, sizeof *w);
  if (!w) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate retrieval scratch");
  w->max_batch = max_batch;
  w->s = malloc(max_batch * m->p * sizeof *w->s);
  w->qn = malloc(max_batch * m->d * sizeof *w->qn);
  if (!w->s || !w->qn) {
    hop_uhn_work_free(w);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate retrieval scratch for %zu x %zu", max_batch, m->p);
  }
  return w;
}

void hop_uhn_work_free(hop_uhn_work *w) {
  if (!w) return;
  free(w->s);
  free(w->qn);
  free(w);
}

int hop_uhn_similarity(const hop_uhn *m, const float *q, size_t b, const hop_uhn_params *par,
                       float *s, hop_uhn_work *w) {
  size_t p = m->p, d = m->d;
  if (b == 0) HOP_ERROR(HOP_EINVAL, "empty batch");
  if (b > w->max_batch)
    HOP_ERROR(HOP_EBADLEN, "batch of %zu does not fit the scratch made for %zu", b, w->max_batch);
  switch (par->sim) {
    case HOP_UHN_SIM_DOT:
    case HOP_UHN_SIM_COSINE:
    case HOP_UHN_SIM_EUCLIDEAN:
      hop_math_gemm_f(b, p, d, 1.0f, q, m->x, 1, 0.0f, s); /* S = Q X^T */
      if (par->sim == HOP_UHN_SIM_DOT) return HOP_OK;
      for (size_t k = 0; k < b; k++) {
        double qq = 0.0;
        for (size_t j = 0; j < d; j++) qq += (double)q[k * d + j] * q[k * d + j];
        float *row = s + k * p;
        for (size_t i = 0; i < p; i++) {
          if (par->sim == HOP_UHN_SIM_COSINE) {
            double nn = sqrt(qq * m->sq[i]);
            row[i] = nn > 0 ? (float)(row[i] / nn) : 0.0f;
          } else {
            double d2 = qq + m->sq[i] - 2.0 * (double)row[i];
            row[i] = (float)-sqrt(d2 > 0 ? d2 : 0.0);
          }
        }
      }
      return HOP_OK;
    case HOP_UHN_SIM_MANHATTAN:
    case HOP_UHN_SIM_L1SCORE: {
      /* each stored pattern against the whole batch while it is in cache; patterns split
     * across threads (every entry is computed by one thread in a fixed order) */
      const int l1score = par->sim == HOP_UHN_SIM_L1SCORE;
      const double beta = par->beta;
#pragma omp parallel for schedule(static) if (p * b * d > 1000000)
      for (size_t i = 0; i < p; i++) {
        const float *x = m->x + i * d;
        for (size_t k = 0; k < b; k++) {
          const float *qk = q + k * d;
          float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
          for (size_t j = 0; j < d; j++) acc += fabsf(x[j] - qk[j]);
          s[k * p + i] = l1score ? (float)(beta / (1.0 + acc)) : -acc;
        }
      }
      return HOP_OK;
    }
  }
  HOP_ERROR(HOP_EINVAL, "bad similarity %d", (int)par->sim);
}

int hop_uhn_separate(float *s, size_t b, size_t p, const hop_uhn_params *par) {
  for (size_t k = 0; k < b; k++) {
    float *row = s + k * p;
    switch (par->sep) {
      case HOP_UHN_SEP_SOFTMAX: {
        double beta = par->sim == HOP_UHN_SIM_L1SCORE ? 1.0 : par->beta;
        int r = hop_math_softmax_f(row, row, p, beta);
        if (r) return r;
        break;
      }
      case HOP_UHN_SEP_IDENTITY: break;
      case HOP_UHN_SEP_POWER: {
        double z = 0.0;
        for (size_t i = 0; i < p; i++) {
          double v = row[i] > 0 ? pow(row[i], par->power) : 0.0;
          row[i] = (float)v;
          z += v;
        }
        for (size_t i = 0; i < p; i++) row[i] = z > 0 ? (float)(row[i] / z) : 1.0f / (float)p;
        break;
      }
      case HOP_UHN_SEP_MAX: {
        size_t best = 0;
        for (size_t i = 1; i < p; i++)
          if (row[i] > row[best]) best = i;
        for (size_t i = 0; i < p; i++) row[i] = i == best ? 1.0f : 0.0f;
        break;
      }
      default: HOP_ERROR(HOP_EINVAL, "bad separation %d", (int)par->sep);
    }
  }
  return HOP_OK;
}

int hop_uhn_step(const hop_uhn *m, float *q, size_t b, const hop_uhn_params *par,
                 const unsigned char *mask, double *moved, hop_uhn_work *w) {
  size_t p = m->p, d = m->d;
  int r = hop_uhn_similarity(m, q, b, par, w->s, w);
  if (r || (r = hop_uhn_separate(w->s, b, p, par))) return r;
  hop_math_gemm_f(b, d, p, 1.0f, w->s, m->x, 0, 0.0f, w->qn); /* Q_new = W X */
  double most = 0.0;
  for (size_t k = 0; k < b; k++) {
    double dist = 0.0;
    for (size_t j = 0; j < d; j++) {
      size_t at = k * d + j;
      float nv = mask && mask[at] ? q[at] : w->qn[at];
      double diff = (double)nv - q[at];
      dist += diff * diff;
      q[at] = nv;
    }
    most = fmax(most, sqrt(dist));
  }
  if (moved) *moved = most;
  return HOP_OK;
}

int hop_uhn_retrieve(const hop_uhn *m, float *q, size_t b, const hop_uhn_params *par,
                     const unsigned char *mask, size_t *steps, hop_uhn_work *w) {
  int r = hop_uhn_params_check(par);
  if (r) return r;
  size_t s = 0;
  double moved = INFINITY;
  while (s < par->max_steps && !(moved < par->tol)) {
    if ((r = hop_uhn_step(m, q, b, par, mask, &moved, w))) return r;
    s++;
  }
  if (steps) *steps = s;
  return HOP_OK;
}

double hop_uhn_energy(const hop_uhn *m, const float *q, double beta, hop_uhn_work *w) {
  size_t p = m->p, d = m->d;
  hop_math_gemm_f(1, p, d, 1.0f, q, m->x, 1, 0.0f, w->s);
  double lse, qq = 0.0;
  if (hop_math_logsumexp_f(w->s, p, beta, &lse)) return NAN;
  for (size_t j = 0; j < d; j++) qq += (double)q[j] * q[j];
  return -lse / beta + 0.5 * qq + log((double)p) / beta + 0.5 * m->max_norm * m->max_norm;
}

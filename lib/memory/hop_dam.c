/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_dam.c: dense associative memory with incremental integer overlaps. */
#include "hop_dam.h"
#include "hop_error.h"
#include "hop_math.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hop_dam {
  size_t n, p, p_max, words;
  hop_dam_f f;
  signed char *xt;   /* (n, p_max) xi transposed: xt[i * p_max + mu] = xi_i^mu */
  uint64_t *bits;    /* (p_max, words) patterns, bit set for +1 */
  uint64_t *sbits;   /* (words) the state */
  signed char *s;    /* (n) */
  signed char *next; /* (n) the synchronous step's new state */
  int32_t *m;        /* (p_max) overlaps */
  double *scratch;   /* (p_max) EXP: a_mu */
};

double hop_dam_F(hop_dam_f f, double x) {
  switch (f.kind) {
    case HOP_DAM_POLY: return pow(x, f.n);
    case HOP_DAM_RECT: return x >= 0 ? pow(x, f.n) : 0.0;
    case HOP_DAM_EXP: return exp(x);
  }
  return NAN;
}

int hop_dam_f_check(hop_dam_f f) {
  if (f.kind == HOP_DAM_EXP) return HOP_OK;
  if (f.kind != HOP_DAM_POLY && f.kind != HOP_DAM_RECT)
    HOP_ERROR(HOP_EINVAL, "unknown interaction function %d", (int)f.kind);
  if (f.n < 1 || f.n > 8) HOP_ERROR(HOP_EINVAL, "power n = %d outside the supported 1..8", f.n);
  return HOP_OK;
}

const char *hop_dam_f_name(hop_dam_f f) {
  static const char *poly[9] = {"?", "x^1", "x^2", "x^3", "x^4", "x^5", "x^6", "x^7", "x^8"};
  static const char *rect[9] = {"?",        "rect x^1", "rect x^2", "rect x^3", "rect x^4",
                                "rect x^5", "rect x^6", "rect x^7", "rect x^8"};
  if (f.kind == HOP_DAM_EXP) return "exp";
  if (f.n < 1 || f.n > 8) return "?";
  return f.kind == HOP_DAM_POLY ? poly[f.n] : f.kind == HOP_DAM_RECT ? rect[f.n] : "?";
}

hop_dam *hop_dam_alloc(size_t n, size_t p_max, hop_dam_f f) {
  if (hop_dam_f_check(f)) return NULL;
  if (n == 0 || p_max == 0)
    HOP_ERROR_NULL(HOP_EINVAL, "empty network: %zu neurons, %zu patterns", n, p_max);
  if (n > ((size_t)1 << 24) || p_max > ((size_t)1 << 24))
    HOP_ERROR_NULL(HOP_ERANGE, "%zu neurons and %zu patterns exceed the supported 2^24", n, p_max);
  if (f.kind != HOP_DAM_EXP) {
    double bound = 2.0 * (double)p_max * pow((double)n, f.n);
    if (bound >= 4.6e18) /* 2^62 */
      HOP_ERROR_NULL(HOP_ERANGE,
                     "2 P N^n = %.3g for P = %zu, N = %zu, n = %d exceeds 2^62: exact integer "
                     "drives impossible",
                     bound, p_max, n, f.n);
  }
  hop_dam *d = calloc(1, sizeof *d);
  if (!d) HOP_ERROR_NULL(HOP_ENOMEM, "out of memory");
  d->n = n, d->p_max = p_max, d->f = f, d->words = (n + 63) / 64;
  d->xt = malloc(n * p_max);
  d->bits = calloc(p_max * d->words, sizeof *d->bits);
  d->sbits = calloc(d->words, sizeof *d->sbits);
  d->s = malloc(n);
  d->next = malloc(n);
  d->m = calloc(p_max, sizeof *d->m);
  d->scratch = malloc(p_max * sizeof *d->scratch);
  if (!d->xt || !d->bits || !d->sbits || !d->s || !d->next || !d->m || !d->scratch) {
    hop_dam_free(d);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a dense memory of %zu neurons and %zu patterns", n,
                   p_max);
  }
  for (size_t i = 0; i < n; i++) d->s[i] = 1;
  return d;
}

void hop_dam_free(hop_dam *d) {
  if (!d) return;
  free(d->xt), free(d->bits), free(d->sbits), free(d->s), free(d->next), free(d->m),
      free(d->scratch);
  free(d);
}

int hop_dam_store(hop_dam *d, const signed char *xi, size_t p) {
  if (p > d->p_max)
    HOP_ERROR(HOP_EBADLEN, "%zu patterns do not fit a network made for %zu", p, d->p_max);
  int r = hop_math_check_pm1(xi, p * d->n, "pattern");
  if (r) return r;
  d->p = p;
  memset(d->bits, 0, d->p_max * d->words * sizeof *d->bits);
  for (size_t mu = 0; mu < p; mu++)
    for (size_t i = 0; i < d->n; i++) {
      d->xt[i * d->p_max + mu] = xi[mu * d->n + i];
      if (xi[mu * d->n + i] > 0) d->bits[mu * d->words + i / 64] |= (uint64_t)1 << (i % 64);
    }
  return hop_dam_set_state(d, d->s);
}

int hop_dam_set_state(hop_dam *d, const signed char *s) {
  int r = hop_math_check_pm1(s, d->n, "state");
  if (r) return r;
  if (s != d->s) memcpy(d->s, s, d->n);
  memset(d->sbits, 0, d->words * sizeof *d->sbits);
  for (size_t i = 0; i < d->n; i++)
    if (s[i] > 0) d->sbits[i / 64] |= (uint64_t)1 << (i % 64);
  for (size_t mu = 0; mu < d->p; mu++) {
    long diff = 0;
    for (size_t w = 0; w < d->words; w++)
      diff += __builtin_popcountll(d->bits[mu * d->words + w] ^ d->sbits[w]);
    d->m[mu] = (int32_t)((long)d->n - 2 * diff);
  }
  return HOP_OK;
}

const signed char *hop_dam_state(const hop_dam *d) { return d->s; }
const int32_t *hop_dam_overlaps(const hop_dam *d) { return d->m; }
size_t hop_dam_patterns(const hop_dam *d) { return d->p; }

double hop_dam_energy(const hop_dam *d) {
  double e = 0.0;
  for (size_t mu = 0; mu < d->p; mu++) e -= hop_dam_F(d->f, d->m[mu]);
  return e;
}

static inline int64_t ipow(int64_t a, int n) {
  int64_t r = 1;
  for (int k = 0; k < n; k++) r *= a;
  return r;
}

/* g(a) = F(a + 1) - F(a - 1) for POLY and RECT, exact. */
static inline int64_t g_int(hop_dam_f f, int64_t a) {
  int64_t hi = a + 1, lo = a - 1;
  if (f.kind == HOP_DAM_RECT) return (hi > 0 ? ipow(hi, f.n) : 0) - (lo > 0 ? ipow(lo, f.n) : 0);
  return ipow(hi, f.n) - ipow(lo, f.n);
}

/* The sign of D_i: +1, -1 or 0. */
static int drive_sign(const hop_dam *d, size_t i, double *value) {
  const signed char *x = d->xt + i * d->p_max;
  const int32_t *m = d->m;
  int si = d->s[i];
  size_t p = d->p;
  if (d->f.kind == HOP_DAM_EXP) {
    double top = -INFINITY, sum = 0.0;
    for (size_t mu = 0; mu < p; mu++) {
      double a = (double)(m[mu] - x[mu] * si);
      d->scratch[mu] = a;
      top = a > top ? a : top;
    }
    for (size_t mu = 0; mu < p; mu++) sum += x[mu] * exp(d->scratch[mu] - top);
    if (value) *value = sum;
    return (sum > 0) - (sum < 0);
  }
  int64_t sum = 0;
  if (d->f.kind == HOP_DAM_POLY && d->f.n == 2) /* g(a) = 4a */
    for (size_t mu = 0; mu < p; mu++) sum += x[mu] * 4 * (int64_t)(m[mu] - x[mu] * si);
  else
    for (size_t mu = 0; mu < p; mu++) sum += x[mu] * g_int(d->f, m[mu] - x[mu] * si);
  if (value) *value = (double)sum;
  return (sum > 0) - (sum < 0);
}

double hop_dam_drive(const hop_dam *d, size_t i) {
  double v = NAN;
  if (i < d->n) drive_sign(d, i, &v);
  return v;
}

static void flip(hop_dam *d, size_t i) {
  const signed char *x = d->xt + i * d->p_max;
  int now = -d->s[i];
  d->s[i] = (signed char)now;
  d->sbits[i / 64] ^= (uint64_t)1 << (i % 64);
  for (size_t mu = 0; mu < d->p; mu++) d->m[mu] += 2 * x[mu] * now;
}

int hop_dam_async_update(hop_dam *d, size_t i) {
  int sg = drive_sign(d, i, NULL);
  if (sg == 0 || sg == d->s[i]) return 0;
  flip(d, i);
  return 1;
}

size_t hop_dam_async_sweep(hop_dam *d, const size_t *order) {
  size_t flips = 0;
  for (size_t k = 0; k < d->n; k++) flips += (size_t)hop_dam_async_update(d, order[k]);
  return flips;
}

size_t hop_dam_sync_step(hop_dam *d) {
  size_t changed = 0;
  for (size_t i = 0; i < d->n; i++) { /* every neuron decided from the same overlaps */
    int sg = drive_sign(d, i, NULL);
    d->next[i] = (signed char)(sg == 0 ? d->s[i] : sg);
    changed += d->next[i] != d->s[i];
  }
  hop_dam_set_state(d, d->next); /* copies into s and recomputes the overlaps */
  return changed;
}

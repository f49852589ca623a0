/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_simplicial.c: simplicial complexes, setwise Hebbian weights, exact fields. */
#include "hop_simplicial.h"
#include "hop_error.h"
#include "hop_math.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hop_simplicial {
  size_t n, total;
  size_t count[HOP_SIMPLICIAL_ORDERS],
      first[HOP_SIMPLICIAL_ORDERS];    /* simplices of an order start at first[k] */
  int32_t *v;                          /* (total, 4) vertices, -1 padded */
  int64_t *c;                          /* (total) c(sigma) */
  size_t *row;                         /* (n + 1) incidence rows */
  uint32_t *inc;                       /* (sum of sizes) simplex ids */
  double scale[HOP_SIMPLICIAL_ORDERS]; /* a_k of each order (hop_simplicial_equalise) */
  int scaled;                          /* 0 while every a_k is 1: the integer path */
};

double hop_simplicial_choose(size_t n, size_t k) {
  if (k > n) return 0.0;
  double r = 1.0;
  for (size_t j = 1; j <= k; j++) r = r * (double)(n - k + j) / (double)j;
  return round(r);
}

/* Every k-subset of n vertices, in lexicographic order, into v (stride 4). */
static void enumerate(size_t n, int k, int32_t *v) {
  int32_t a[4];
  for (int j = 0; j < k; j++) a[j] = j;
  for (size_t s = 0;; s++) {
    for (int j = 0; j < 4; j++) v[s * 4 + j] = j < k ? a[j] : -1;
    int j = k - 1;
    while (j >= 0 && a[j] == (int32_t)n - k + j) j--;
    if (j < 0) return;
    a[j]++;
    for (int l = j + 1; l < k; l++) a[l] = a[l - 1] + 1;
  }
}

/* count distinct random k-subsets (rejection with an open-addressing set of codes). */
static int sample(size_t n, int k, size_t count, gsl_rng *r, int32_t *v) {
  size_t cap = 16;
  while (cap < 2 * count + 2) cap *= 2;
  uint64_t *set = calloc(cap, sizeof *set); /* code + 1; 0 = empty */
  int32_t all[32768];
  if (!set) HOP_ERROR(HOP_ENOMEM, "cannot allocate the sampler of %zu simplices", count);
  for (size_t i = 0; i < n; i++) all[i] = (int32_t)i;
  for (size_t s = 0; s < count;) {
    int32_t pick[4];
    gsl_ran_choose(r, pick, (size_t)k, all, n, sizeof *all); /* increasing */
    uint64_t code = 0;
    for (int j = 0; j < k; j++) code = code * n + (uint64_t)pick[j];
    size_t h = (size_t)((code * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
    while (set[h] && set[h] != code + 1) h = (h + 1) & (cap - 1);
    if (set[h]) continue; /* drawn before */
    set[h] = code + 1;
    for (int j = 0; j < 4; j++) v[s * 4 + j] = j < k ? pick[j] : -1;
    s++;
  }
  free(set);
  return HOP_OK;
}

hop_simplicial *hop_simplicial_alloc(size_t n, const size_t counts[HOP_SIMPLICIAL_ORDERS],
                                     gsl_rng *r) {
  if (n < 2)
    HOP_ERROR_NULL(HOP_EINVAL, "a simplicial network needs at least 2 neurons (got %zu)", n);
  if (n > 32768) HOP_ERROR_NULL(HOP_ERANGE, "%zu neurons exceed the supported 32768", n);
  size_t want[HOP_SIMPLICIAL_ORDERS], total = 0;
  for (int k = 0; k < HOP_SIMPLICIAL_ORDERS; k++) {
    double all = hop_simplicial_choose(n, (size_t)k + 2);
    if (counts[k] == HOP_SIMPLICIAL_ALL) {
      if (all > (double)(1 << 26))
        HOP_ERROR_NULL(HOP_ERANGE, "all %.0f simplices of %d vertices exceed 2^26", all, k + 2);
      want[k] = (size_t)all;
    } else {
      if ((double)counts[k] > all)
        HOP_ERROR_NULL(HOP_EINVAL,
                       "%zu simplices of %d vertices asked, but %zu neurons have only %.0f",
                       counts[k], k + 2, n, all);
      want[k] = counts[k];
      if (want[k] && want[k] < all && !r)
        HOP_ERROR_NULL(HOP_EINVAL, "a random subset of simplices needs a gsl_rng");
    }
    total += want[k];
  }
  if (total > ((size_t)1 << 26))
    HOP_ERROR_NULL(HOP_ERANGE, "a complex of %zu simplices exceeds 2^26", total);
  hop_simplicial *net = calloc(1, sizeof *net);
  if (!net) HOP_ERROR_NULL(HOP_ENOMEM, "out of memory");
  net->n = n, net->total = total;
  for (int k = 0; k < HOP_SIMPLICIAL_ORDERS; k++) net->scale[k] = 1.0;
  net->v = malloc((total ? total : 1) * 4 * sizeof *net->v);
  net->c = calloc(total ? total : 1, sizeof *net->c);
  net->row = calloc(n + 1, sizeof *net->row);
  if (!net->v || !net->c || !net->row) goto nomem;
  size_t at = 0;
  for (int k = 0; k < HOP_SIMPLICIAL_ORDERS; k++) {
    net->first[k] = at, net->count[k] = want[k];
    if (want[k] == (size_t)hop_simplicial_choose(n, (size_t)k + 2))
      enumerate(n, k + 2, net->v + at * 4);
    else if (want[k] && sample(n, k + 2, want[k], r, net->v + at * 4)) {
      hop_simplicial_free(net);
      return NULL;
    }
    at += want[k];
  }
  for (size_t s = 0; s < total; s++) /* incidence rows: counts, prefix sums, fill */
    for (int j = 0; j < 4 && net->v[s * 4 + j] >= 0; j++) net->row[net->v[s * 4 + j] + 1]++;
  for (size_t i = 0; i < n; i++) net->row[i + 1] += net->row[i];
  net->inc = malloc((net->row[n] ? net->row[n] : 1) * sizeof *net->inc);
  size_t *fill = calloc(n, sizeof *fill);
  if (!net->inc || !fill) {
    free(fill);
    goto nomem;
  }
  for (size_t s = 0; s < total; s++)
    for (int j = 0; j < 4 && net->v[s * 4 + j] >= 0; j++) {
      size_t i = (size_t)net->v[s * 4 + j];
      net->inc[net->row[i] + fill[i]++] = (uint32_t)s;
    }
  free(fill);
  return net;
nomem:
  hop_simplicial_free(net);
  HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a complex of %zu simplices", total);
}

void hop_simplicial_free(hop_simplicial *net) {
  if (!net) return;
  free(net->v), free(net->c), free(net->row), free(net->inc);
  free(net);
}

size_t hop_simplicial_size(const hop_simplicial *net, int order) {
  return order >= 0 && order < HOP_SIMPLICIAL_ORDERS ? net->count[order] : 0;
}

const int32_t *hop_simplicial_vertices(const hop_simplicial *net, int order, size_t j) {
  return net->v + (net->first[order] + j) * 4;
}

void hop_simplicial_equalise(hop_simplicial *net) {
  for (int k = 0; k < HOP_SIMPLICIAL_ORDERS; k++) {
    double d = (double)(k + 2) * (double)net->count[k] / (double)net->n;
    net->scale[k] = d > 0 ? 1.0 / sqrt(d) : 1.0;
  }
  net->scaled = 1;
}

double hop_simplicial_order_scale(const hop_simplicial *net, int order) {
  return order >= 0 && order < HOP_SIMPLICIAL_ORDERS ? net->scale[order] : 0.0;
}

/* The order of simplex k: its vertices less 2. */
static int order_of(const int32_t *v) { return v[3] >= 0 ? 2 : v[2] >= 0 ? 1 : 0; }

int hop_simplicial_store(hop_simplicial *net, const signed char *xi, size_t p) {
  int r = hop_math_check_pm1(xi, p * net->n, "pattern");
  if (r) return r;
  for (size_t s = 0; s < net->total; s++) {
    const int32_t *v = net->v + s * 4;
    int64_t c = 0;
    for (size_t mu = 0; mu < p; mu++) {
      const signed char *x = xi + mu * net->n;
      int prod = 1;
      for (int j = 0; j < 4 && v[j] >= 0; j++) prod *= x[v[j]];
      c += prod;
    }
    net->c[s] = c;
  }
  return HOP_OK;
}

double hop_simplicial_energy(const hop_simplicial *net, const signed char *s) {
  int64_t e[HOP_SIMPLICIAL_ORDERS] = {0};
  for (size_t k = 0; k < net->total; k++) {
    const int32_t *v = net->v + k * 4;
    int prod = 1;
    for (int j = 0; j < 4 && v[j] >= 0; j++) prod *= s[v[j]];
    e[order_of(v)] += net->c[k] * prod;
  }
  if (!net->scaled) return -(double)(e[0] + e[1] + e[2]) / (double)net->n;
  double sum = 0;
  for (int k = 0; k < HOP_SIMPLICIAL_ORDERS; k++) sum += net->scale[k] * (double)e[k];
  return -sum / (double)net->n;
}

/* N h_i^(k) of each order k (exact). */
static void fields(const hop_simplicial *net, const signed char *s, size_t i,
                   int64_t h[HOP_SIMPLICIAL_ORDERS]) {
  for (int k = 0; k < HOP_SIMPLICIAL_ORDERS; k++) h[k] = 0;
  for (size_t q = net->row[i]; q < net->row[i + 1]; q++) {
    const int32_t *v = net->v + (size_t)net->inc[q] * 4;
    int prod = 1;
    for (int j = 0; j < 4 && v[j] >= 0; j++)
      if ((size_t)v[j] != i) prod *= s[v[j]];
    h[order_of(v)] += net->c[net->inc[q]] * prod;
  }
}

double hop_simplicial_field_scaled(const hop_simplicial *net, const signed char *s, size_t i) {
  int64_t h[HOP_SIMPLICIAL_ORDERS];
  fields(net, s, i, h);
  double sum = 0;
  for (int k = 0; k < HOP_SIMPLICIAL_ORDERS; k++) sum += net->scale[k] * (double)h[k];
  return sum;
}

int64_t hop_simplicial_field(const hop_simplicial *net, const signed char *s, size_t i) {
  int64_t h = 0;
  for (size_t q = net->row[i]; q < net->row[i + 1]; q++) {
    const int32_t *v = net->v + (size_t)net->inc[q] * 4;
    int prod = 1;
    for (int j = 0; j < 4 && v[j] >= 0; j++)
      if ((size_t)v[j] != i) prod *= s[v[j]];
    h += net->c[net->inc[q]] * prod;
  }
  return h;
}

int hop_simplicial_async_update(const hop_simplicial *net, signed char *s, size_t i) {
  int sg;
  if (net->scaled) {
    double h = hop_simplicial_field_scaled(net, s, i);
    sg = (h > 0) - (h < 0);
  } else {
    int64_t h = hop_simplicial_field(net, s, i);
    sg = (h > 0) - (h < 0);
  }
  if (sg == 0 || sg == s[i]) return 0;
  s[i] = (signed char)sg;
  return 1;
}

size_t hop_simplicial_async_sweep(const hop_simplicial *net, signed char *s, const size_t *order) {
  size_t flips = 0;
  for (size_t k = 0; k < net->n; k++)
    flips += (size_t)hop_simplicial_async_update(net, s, order[k]);
  return flips;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of hop_dam (dense associative memory) and hop_simplicial: hand-worked and
 * brute-force energies and drives, n = 2 against the classical network, incremental
 * overlaps against recomputed ones, energy descent for every F and for simplicial
 * networks, the complex sampler, and the refusals. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include "checks.h"
#include "hop_classical.h"
#include "hop_dam.h"
#include "hop_error.h"
#include "hop_rng.h"
#include "hop_simplicial.h"

static void pm1(gsl_rng *r, signed char *x, size_t n) {
  for (size_t k = 0; k < n; k++) x[k] = gsl_rng_uniform(r) < 0.5 ? -1 : 1;
}

/* E(s) = -sum_mu F(xi^mu . s) straight from the definition. */
static double brute_energy(hop_dam_f f, const signed char *xi, size_t p, size_t n,
                           const signed char *s) {
  double e = 0.0;
  for (size_t mu = 0; mu < p; mu++) {
    long m = 0;
    for (size_t i = 0; i < n; i++) m += xi[mu * n + i] * s[i];
    e -= hop_dam_F(f, (double)m);
  }
  return e;
}

static const hop_dam_f fs[] = {
    {HOP_DAM_POLY, 2}, {HOP_DAM_POLY, 3}, {HOP_DAM_POLY, 4}, {HOP_DAM_RECT, 3}, {HOP_DAM_EXP, 0}};

Test(dam, hand_worked_three_neurons) {
  /* xi^1 = (+,+,+), xi^2 = (+,-,+), s = (+,+,-): m = (1, -1). F = x^3:
   * E = -(1 - 1) = 0; neuron 3: a = (1 - (-1)) = 2 and (-1 - (-1)) = 0, xi_3 = (+, +):
   * D_3 = g(2) + g(0) = (27 - 1) + (1 - (-1)) = 28 > 0, so s_3 flips to +1, m = (3, 1). */
  signed char xi[6] = {1, 1, 1, 1, -1, 1}, s[3] = {1, 1, -1};
  hop_dam *d = hop_dam_alloc(3, 2, (hop_dam_f){HOP_DAM_POLY, 3});
  cr_assert_eq(hop_dam_store(d, xi, 2), HOP_OK);
  cr_assert_eq(hop_dam_set_state(d, s), HOP_OK);
  cr_assert_eq(hop_dam_overlaps(d)[0], 1);
  cr_assert_eq(hop_dam_overlaps(d)[1], -1);
  cr_assert_float_eq(hop_dam_energy(d), 0.0, 1e-12);
  cr_assert_float_eq(hop_dam_drive(d, 2), 28.0, 1e-12);
  cr_assert_eq(hop_dam_async_update(d, 2), 1);
  cr_assert_eq(hop_dam_state(d)[2], 1);
  cr_assert_eq(hop_dam_overlaps(d)[0], 3);
  cr_assert_eq(hop_dam_overlaps(d)[1], 1);
  cr_assert_float_eq(hop_dam_energy(d), -28.0, 1e-12);
  hop_dam_free(d);
}

Test(dam, drive_is_the_energy_difference_for_every_f) {
  gsl_rng *r = hop_rng_alloc(2385, 40);
  enum { N = 9, P = 5 };
  signed char xi[P * N], s[N];
  for (size_t k = 0; k < sizeof fs / sizeof *fs; k++)
    for (int t = 0; t < 20; t++) {
      pm1(r, xi, P * N), pm1(r, s, N);
      hop_dam *d = hop_dam_alloc(N, P, fs[k]);
      hop_dam_store(d, xi, P);
      hop_dam_set_state(d, s);
      cr_assert_float_eq(hop_dam_energy(d), brute_energy(fs[k], xi, P, N, s),
                         1e-9 * (1 + fabs(hop_dam_energy(d))));
      for (size_t i = 0; i < N; i++) {
        signed char up[N], dn[N];
        memcpy(up, s, N), memcpy(dn, s, N);
        up[i] = 1, dn[i] = -1;
        double diff = brute_energy(fs[k], xi, P, N, dn) - brute_energy(fs[k], xi, P, N, up),
               dr = hop_dam_drive(d, i);
        int want = (diff > 1e-9 * (1 + fabs(diff))) - (diff < -1e-9 * (1 + fabs(diff)));
        cr_assert_eq((dr > 0) - (dr < 0), want, "%s: neuron %zu: drive %g, E(-) - E(+) = %g",
                     hop_dam_f_name(fs[k]), i, dr, diff);
        if (fs[k].kind != HOP_DAM_EXP)
          cr_assert_float_eq(dr, diff, 1e-9, "%s: the drive is the energy difference",
                             hop_dam_f_name(fs[k]));
      }
      hop_dam_free(d);
    }
  gsl_rng_free(r);
}

Test(dam, n_equals_2_follows_the_classical_network_exactly) {
  gsl_rng *r = hop_rng_alloc(2385, 41);
  enum { N = 60, P = 9 };
  signed char xi[P * N], s[N];
  float xf[P * N], sf[N], h[N];
  size_t order[N];
  for (size_t i = 0; i < N; i++) order[i] = i;
  hop_classical *c = hop_classical_alloc(N);
  hop_dam *d = hop_dam_alloc(N, P, (hop_dam_f){HOP_DAM_POLY, 2});
  for (int t = 0; t < 10; t++) {
    pm1(r, xi, P * N), pm1(r, s, N);
    for (size_t k = 0; k < P * N; k++) xf[k] = xi[k];
    for (size_t i = 0; i < N; i++) sf[i] = s[i];
    hop_classical_store(c, xf, P);
    hop_classical_fields(c, sf, 1, h);
    hop_dam_store(d, xi, P);
    hop_dam_set_state(d, s);
    for (int sweep = 0; sweep < 8; sweep++) {
      gsl_ran_shuffle(r, order, N, sizeof *order);
      size_t fc = hop_classical_async_sweep(c, sf, h, order), fd = hop_dam_async_sweep(d, order);
      cr_assert_eq(fc, fd, "trial %d sweep %d: %zu flips against %zu", t, sweep, fc, fd);
      for (size_t i = 0; i < N; i++) cr_assert_eq(hop_dam_state(d)[i], (int)sf[i]);
    }
  }
  hop_classical_free(c), hop_dam_free(d), gsl_rng_free(r);
}

Test(dam, incremental_overlaps_equal_recomputed_ones) {
  gsl_rng *r = hop_rng_alloc(2385, 42);
  enum { N = 130, P = 40 };
  signed char xi[P * N], s[N];
  size_t order[N];
  for (size_t i = 0; i < N; i++) order[i] = i;
  pm1(r, xi, P * N), pm1(r, s, N);
  hop_dam *d = hop_dam_alloc(N, P, (hop_dam_f){HOP_DAM_POLY, 3});
  hop_dam_store(d, xi, P);
  hop_dam_set_state(d, s);
  size_t flips = 0;
  for (int sweep = 0; sweep < 5; sweep++) {
    gsl_ran_shuffle(r, order, N, sizeof *order);
    flips += hop_dam_async_sweep(d, order);
  }
  cr_assert_gt(flips, 10, "too few flips (%zu) to test anything", flips);
  for (size_t mu = 0; mu < P; mu++) {
    long m = 0;
    for (size_t i = 0; i < N; i++) m += xi[mu * N + i] * hop_dam_state(d)[i];
    cr_assert_eq(hop_dam_overlaps(d)[mu], m, "pattern %zu", mu);
  }
  /* and a synchronous step: every neuron decided from the same state */
  signed char before[N], want[N];
  memcpy(before, hop_dam_state(d), N);
  for (size_t i = 0; i < N; i++) {
    double dr = hop_dam_drive(d, i);
    want[i] = dr > 0 ? 1 : dr < 0 ? -1 : before[i];
  }
  hop_dam_sync_step(d);
  for (size_t i = 0; i < N; i++) cr_assert_eq(hop_dam_state(d)[i], want[i]);
  hop_dam_free(d), gsl_rng_free(r);
}

/* Energy descent (tests/checks.h) for every F and for simplicial networks. */
typedef struct {
  hop_dam *d;
  hop_dam_f f;
  hop_simplicial *sx;
  signed char xi[20 * 40], s[40];
  size_t order[40];
  gsl_rng *r;
} flow;
enum { FN = 40, FP = 20 };

static void dam_start(void *ctx, gsl_rng *r) {
  flow *c = ctx;
  pm1(r, c->xi, FP * FN), pm1(r, c->s, FN);
  hop_dam_store(c->d, c->xi, FP);
  hop_dam_set_state(c->d, c->s);
  c->r = r;
}
static int dam_step(void *ctx) {
  flow *c = ctx;
  hop_dam_async_update(c->d, gsl_rng_uniform_int(c->r, FN));
  return 0;
}
static double dam_energy(void *ctx) { return hop_dam_energy(((flow *)ctx)->d); }

static void sx_start(void *ctx, gsl_rng *r) {
  flow *c = ctx;
  pm1(r, c->xi, FP * FN), pm1(r, c->s, FN);
  hop_simplicial_store(c->sx, c->xi, 3);
  c->r = r;
}
static int sx_step(void *ctx) {
  flow *c = ctx;
  hop_simplicial_async_update(c->sx, c->s, gsl_rng_uniform_int(c->r, FN));
  return 0;
}
static double sx_energy(void *ctx) {
  return hop_simplicial_energy(((flow *)ctx)->sx, ((flow *)ctx)->s);
}

Test(dam, energy_never_increases_for_every_f_and_simplicial_networks) {
  gsl_rng *r = hop_rng_alloc(2385, 43);
  static flow c;
  const check_model dm = {dam_start, dam_step, dam_energy}, sm = {sx_start, sx_step, sx_energy};
  for (size_t k = 0; k < sizeof fs / sizeof *fs; k++) {
    c.d = hop_dam_alloc(FN, FP, fs[k]);
    check_descent(hop_dam_f_name(fs[k]), &dm, &c, r, 20, 200, 0.0, 1e-9);
    hop_dam_free(c.d);
  }
  size_t counts[3] = {200, 300, 300};
  c.sx = hop_simplicial_alloc(FN, counts, r);
  cr_assert_not_null(c.sx);
  check_descent("simplicial", &sm, &c, r, 20, 200, 0.0, 1e-9);
  hop_simplicial_equalise(c.sx);
  check_descent("simplicial, orders equalised", &sm, &c, r, 20, 200, 0.0, 1e-9);
  hop_simplicial_free(c.sx);
  gsl_rng_free(r);
}

Test(simplicial, all_edges_is_the_classical_network) {
  gsl_rng *r = hop_rng_alloc(2385, 44);
  enum { N = 30, P = 4 };
  signed char xi[P * N], s[N];
  float xf[P * N], sf[N], h[N];
  pm1(r, xi, P * N), pm1(r, s, N);
  for (size_t k = 0; k < P * N; k++) xf[k] = xi[k];
  for (size_t i = 0; i < N; i++) sf[i] = s[i];
  size_t counts[3] = {HOP_SIMPLICIAL_ALL, 0, 0};
  hop_simplicial *sx = hop_simplicial_alloc(N, counts, NULL);
  hop_classical *c = hop_classical_alloc(N);
  hop_simplicial_store(sx, xi, P);
  hop_classical_store(c, xf, P);
  hop_classical_fields(c, sf, 1, h);
  for (size_t i = 0; i < N; i++) cr_assert_eq(hop_simplicial_field(sx, s, i), (int64_t)h[i]);
  cr_assert_float_eq(hop_simplicial_energy(sx, s), hop_classical_energy(c, sf), 1e-9);
  hop_simplicial_free(sx), hop_classical_free(c), gsl_rng_free(r);
}

/* The full complex on SN neurons, brute force: E = -1/N sum over every subset of 2, 3, 4
 * neurons (order k = size - 2, weighted a[k]) of sum_mu prod xi prod s; and the field of
 * each neuron as the energy difference E(s_i = -1) - E(s_i = +1) = 2 h_i (the scaled
 * field when scaled, else the exact N h_i). */
enum { SN = 7, SP = 3 };
static void check_full_complex(const hop_simplicial *sx, const signed char *xi,
                               const signed char *s, const double a[3], int scaled) {
  double e = 0.0;
  for (unsigned mask = 0; mask < (1u << SN); mask++) {
    int k = __builtin_popcount(mask);
    if (k < 2 || k > 4) continue;
    for (size_t mu = 0; mu < SP; mu++) {
      int prod = 1;
      for (int i = 0; i < SN; i++)
        if (mask >> i & 1) prod *= xi[mu * SN + i] * s[i];
      e -= a[k - 2] * prod / (double)SN;
    }
  }
  cr_assert_float_eq(hop_simplicial_energy(sx, s), e, 1e-12);
  for (size_t i = 0; i < SN; i++) {
    signed char up[SN], dn[SN];
    memcpy(up, s, SN), memcpy(dn, s, SN);
    up[i] = 1, dn[i] = -1;
    double diff = hop_simplicial_energy(sx, dn) - hop_simplicial_energy(sx, up),
           h = scaled ? hop_simplicial_field_scaled(sx, s, i)
                      : (double)hop_simplicial_field(sx, s, i);
    cr_assert_float_eq(diff, 2.0 * h / SN, 1e-12);
  }
}

/* The full complex on SN neurons with SP random patterns xi stored, a random state s
 * (the stream of key). */
static hop_simplicial *full_complex(uint64_t key, signed char *xi, signed char *s) {
  gsl_rng *r = hop_rng_alloc(2385, key);
  pm1(r, xi, SP * SN), pm1(r, s, SN);
  size_t counts[3] = {HOP_SIMPLICIAL_ALL, HOP_SIMPLICIAL_ALL, HOP_SIMPLICIAL_ALL};
  hop_simplicial *sx = hop_simplicial_alloc(SN, counts, NULL);
  cr_assert_not_null(sx);
  hop_simplicial_store(sx, xi, SP);
  gsl_rng_free(r);
  return sx;
}

Test(simplicial, energy_equals_a_brute_force_sum_over_every_simplex) {
  signed char xi[SP * SN], s[SN];
  hop_simplicial *sx = full_complex(45, xi, s);
  cr_assert_eq(hop_simplicial_size(sx, 0), 21);
  cr_assert_eq(hop_simplicial_size(sx, 1), 35);
  cr_assert_eq(hop_simplicial_size(sx, 2), 35);
  check_full_complex(sx, xi, s, (const double[3]){1, 1, 1}, 0);
  hop_simplicial_free(sx);
}

/* The equalised reading: a_k = 1 / sqrt((k + 2) m_k / N), hand-computed for the full
 * complex on 7 neurons (degrees 6, 15, 20); E against a brute-force sum weighted by
 * a_k, and the scaled field as the energy difference. */
Test(simplicial, equalised_orders_scale_each_order_by_its_degree) {
  signed char xi[SP * SN], s[SN];
  hop_simplicial *sx = full_complex(47, xi, s);
  cr_assert_float_eq(hop_simplicial_order_scale(sx, 1), 1.0, 0.0);
  hop_simplicial_equalise(sx);
  const double a[3] = {1 / sqrt(6.0), 1 / sqrt(15.0), 1 / sqrt(20.0)};
  for (int k = 0; k < 3; k++) cr_assert_float_eq(hop_simplicial_order_scale(sx, k), a[k], 1e-15);
  check_full_complex(sx, xi, s, a, 1);
  hop_simplicial_free(sx);
}

/* A complex of one order: equalising multiplies every weight by one number, so every
 * update is the same as under 1/N. */
Test(simplicial, equalising_one_order_changes_no_update) {
  gsl_rng *r = hop_rng_alloc(2385, 48);
  enum { N = 30, P = 8 };
  signed char xi[P * N], s1[N], s2[N];
  pm1(r, xi, P * N), pm1(r, s1, N);
  memcpy(s2, s1, N);
  size_t counts[3] = {0, 400, 0};
  hop_simplicial *u = hop_simplicial_alloc(N, counts, r), *v = NULL;
  gsl_rng *r2 = hop_rng_alloc(2385, 48);
  signed char tmp[P * N + N];
  pm1(r2, tmp, P * N + N); /* the same draws as above, so the complex is the same */
  v = hop_simplicial_alloc(N, counts, r2);
  hop_simplicial_store(u, xi, P), hop_simplicial_store(v, xi, P);
  hop_simplicial_equalise(v);
  cr_assert_float_neq(hop_simplicial_order_scale(v, 1), 1.0, 1e-6);
  size_t flips = 0;
  for (int t = 0; t < 20 * N; t++) {
    size_t i = gsl_rng_uniform_int(r, N);
    int a = hop_simplicial_async_update(u, s1, i), b = hop_simplicial_async_update(v, s2, i);
    cr_assert_eq(a, b);
    flips += (size_t)a;
  }
  cr_assert_gt(flips, 0, "the check must see updates to compare");
  cr_assert_arr_eq(s1, s2, N);
  hop_simplicial_free(u), hop_simplicial_free(v), gsl_rng_free(r), gsl_rng_free(r2);
}

Test(simplicial, random_subsets_are_distinct_sorted_and_sized) {
  gsl_rng *r = hop_rng_alloc(2385, 46);
  size_t counts[3] = {2475, 1650, 1650};
  hop_simplicial *sx = hop_simplicial_alloc(100, counts, r);
  cr_assert_not_null(sx);
  for (int k = 0; k < 3; k++) {
    cr_assert_eq(hop_simplicial_size(sx, k), counts[k]);
    for (size_t j = 0; j < counts[k]; j++) {
      const int32_t *v = hop_simplicial_vertices(sx, k, j);
      for (int q = 1; q < k + 2; q++) cr_assert_lt(v[q - 1], v[q]);
      if (j) cr_assert(memcmp(v, hop_simplicial_vertices(sx, k, j - 1), 16) != 0);
    }
  }
  hop_simplicial_free(sx);
  size_t too_many[3] = {4951, 0, 0};
  cr_assert_null(hop_simplicial_alloc(100, too_many, r));
  cr_assert_eq(hop_error_code(), HOP_EINVAL);
  gsl_rng_free(r);
}

Test(dam, refuses_what_it_cannot_do_exactly) {
  cr_assert_null(hop_dam_alloc(10, 5, (hop_dam_f){HOP_DAM_POLY, 9}));
  cr_assert_null(hop_dam_alloc(10, 5, (hop_dam_f){HOP_DAM_POLY, 0}));
  cr_assert_null(hop_dam_alloc(100000, 100000, (hop_dam_f){HOP_DAM_POLY, 4}));
  cr_assert_eq(hop_error_code(), HOP_ERANGE);
  cr_assert_not_null(strstr(hop_error_message(), "2^62"));
  hop_dam *d = hop_dam_alloc(4, 2, (hop_dam_f){HOP_DAM_EXP, 0});
  signed char xi[12] = {1, 1, 1, 1, 1, -1, 1, -1, 1, 1, 1, 1}, bad[4] = {1, 0, 1, 1};
  cr_assert_eq(hop_dam_store(d, xi, 3), HOP_EBADLEN);
  cr_assert_eq(hop_dam_store(d, xi, 2), HOP_OK);
  cr_assert_eq(hop_dam_set_state(d, bad), HOP_EINVAL);
  hop_dam_free(d);
}

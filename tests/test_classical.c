/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/memory/hop_classical (Hebbian storage, energy, async/sync dynamics). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include "hop_classical.h"
#include "hop_error.h"
#include "hop_rng.h"
#include <gsl/gsl_randist.h>
#include <string.h>

Test(classical, hebbian_is_symmetric_integer_with_zero_diagonal) {
  enum { N = 64, P = 9 };
  static float xi[P * N];
  gsl_rng *r = hop_rng_alloc(2385, 1);
  hop_rng_pm1(r, xi, P * N);
  hop_classical *net = hop_classical_alloc(N);
  cr_assert_eq(hop_classical_store(net, xi, P), HOP_OK);
  int nonzero = 0;
  for (int i = 0; i < N; i++) {
    cr_assert_eq(net->c[i * N + i], 0.0f);
    for (int j = 0; j < N; j++) {
      float c = net->c[i * N + j];
      cr_assert_eq(c, net->c[j * N + i]);
      if (i != j) {
        float s = 0.0f; /* independent: the Hebbian sum by loops */
        for (int m = 0; m < P; m++) s += xi[m * N + i] * xi[m * N + j];
        cr_assert_eq(c, s);
        nonzero += c != 0.0f;
      }
    }
  }
  cr_assert_gt(nonzero, N); /* not vacuous */
  hop_classical_free(net);
  gsl_rng_free(r);
}

Test(classical, store_rejects_bad_input) {
  hop_classical *net = hop_classical_alloc(4);
  float bad[4] = {1, -1, 0.5f, 1};
  cr_assert_eq(hop_classical_store(net, bad, 1), HOP_EINVAL);
  cr_assert_eq(hop_classical_store(net, bad, 0), HOP_EINVAL);
  hop_classical_free(net);
  cr_assert_null(hop_classical_alloc(0));
  hop_classical *big = hop_classical_alloc(1024);
  static float one[1024];
  cr_assert_eq(hop_classical_store(big, one, 16384),
               HOP_ERANGE); /* p*n = 2^24, checked before xi is read */
  hop_classical_free(big);
}

/* Hand-worked: xi = (1, -1, 1), C = [[0,-1,1],[-1,0,-1],[1,-1,0]].
 * From s = (1, 1, 1): h = (0, -2, 0), E = -(1/6) s.h = 1/3.
 * Updating neuron 1 flips it: s = (1, -1, 1), h = (2, -2, 2), E = -1. Neurons 0 and 2
 * have h = 0 at the start and keep their state (tie rule). */
Test(classical, three_neuron_hand_example) {
  float xi[3] = {1, -1, 1}, s[3] = {1, 1, 1}, h[3];
  hop_classical *net = hop_classical_alloc(3);
  cr_assert_eq(hop_classical_store(net, xi, 1), HOP_OK);
  float want_c[9] = {0, -1, 1, -1, 0, -1, 1, -1, 0};
  cr_assert_arr_eq(net->c, want_c, sizeof want_c);
  hop_classical_fields(net, s, 1, h);
  cr_assert(h[0] == 0 && h[1] == -2 && h[2] == 0);
  cr_assert_float_eq(hop_classical_energy(net, s), 1.0 / 3.0, 1e-15);
  cr_assert_eq(hop_classical_async_update(net, s, h, 0), 0); /* tie keeps */
  cr_assert_eq(hop_classical_async_update(net, s, h, 1), 1);
  cr_assert(s[0] == 1 && s[1] == -1 && s[2] == 1);
  cr_assert(h[0] == 2 && h[1] == -2 && h[2] == 2);
  cr_assert_float_eq(hop_classical_energy(net, s), -1.0, 1e-15);
  cr_assert_float_eq(hop_classical_energy_h(3, s, h), -1.0, 1e-15);
  size_t order[3] = {2, 0, 1};
  cr_assert_eq(hop_classical_async_sweep(net, s, h, order), 0); /* the pattern is fixed */
  hop_classical_free(net);
}

/* Two neurons, xi = (1, -1): from (1, 1) synchronous updates oscillate
 * (1,1) -> (-1,-1) -> (1,1) with E = 1/2 throughout, while an asynchronous update
 * reaches the fixed point (-1, 1) with E = -1/2. */
Test(classical, synchronous_two_cycle_asynchronous_fixed_point) {
  float xi[2] = {1, -1}, s[2] = {1, 1}, t[2], h[2];
  hop_classical *net = hop_classical_alloc(2);
  hop_classical_store(net, xi, 1);
  hop_classical_fields(net, s, 1, h);
  cr_assert_eq(hop_classical_sync_step(net, s, t, h), 2);
  cr_assert(t[0] == -1 && t[1] == -1 && h[0] == 1 && h[1] == 1);
  cr_assert_eq(hop_classical_sync_step(net, t, s, h), 2);
  cr_assert(s[0] == 1 && s[1] == 1);
  cr_assert_float_eq(hop_classical_energy(net, s), 0.5, 1e-15);
  size_t order[2] = {0, 1};
  hop_classical_fields(net, s, 1, h);
  cr_assert_eq(hop_classical_async_sweep(net, s, h, order), 1);
  cr_assert(s[0] == -1 && s[1] == 1);
  cr_assert_float_eq(hop_classical_energy(net, s), -0.5, 1e-15);
  cr_assert_eq(hop_classical_async_sweep(net, s, h, order), 0);
  hop_classical_free(net);
}

Test(classical, stored_patterns_are_fixed_points_at_low_load) {
  enum { N = 400, P = 8 }; /* alpha = 0.02: crosstalk sd sqrt(P/N) = 0.14, far below 1 */
  static float xi[P * N], h[P * N];
  gsl_rng *r = hop_rng_alloc(11, 2);
  hop_rng_pm1(r, xi, P * N);
  hop_classical *net = hop_classical_alloc(N);
  hop_classical_store(net, xi, P);
  hop_classical_fields(net, xi, P, h);
  size_t order[N];
  for (size_t i = 0; i < N; i++) order[i] = N - 1 - i;
  for (int m = 0; m < P; m++) {
    cr_assert_eq(hop_classical_async_sweep(net, xi + m * N, h + m * N, order), 0, "pattern %d", m);
    float t[N], hs[N];
    memcpy(hs, h + m * N, sizeof hs);
    cr_assert_eq(hop_classical_sync_step(net, xi + m * N, t, hs), 0);
  }
  hop_classical_free(net);
  gsl_rng_free(r);
}

/* Property: along asynchronous dynamics the energy, recomputed from scratch after every
 * single-neuron update, never increases; the incrementally kept fields stay exact. */
Test(classical, asynchronous_energy_never_increases) {
  enum { N = 120, P = 20, STARTS = 60 }; /* alpha = 0.17: many flips, spurious states */
  static float xi[P * N], s[N], h[N], h2[N];
  gsl_rng *r = hop_rng_alloc(2385, 3);
  hop_rng_pm1(r, xi, P * N);
  hop_classical *net = hop_classical_alloc(N);
  hop_classical_store(net, xi, P);
  size_t order[N], flips = 0, checked = 0;
  for (size_t i = 0; i < N; i++) order[i] = i;
  for (int start = 0; start < STARTS; start++) {
    hop_rng_pm1(r, s, N); /* random state */
    hop_classical_fields(net, s, 1, h);
    double e = hop_classical_energy(net, s);
    for (int sweep = 0; sweep < 50; sweep++) {
      gsl_ran_shuffle(r, order, N, sizeof order[0]);
      size_t f = 0;
      for (size_t k = 0; k < N; k++) {
        f += (size_t)hop_classical_async_update(net, s, h, order[k]);
        double e2 = hop_classical_energy(net, s);
        cr_assert_leq(e2, e + 1e-12, "energy rose from %.17g to %.17g", e, e2);
        e = e2;
        checked++;
      }
      flips += f;
      if (!f) break;
    }
    hop_classical_fields(net, s, 1, h2);
    cr_assert_arr_eq(h, h2, sizeof h);
  }
  cr_assert_gt(flips, (size_t)STARTS * 10, "too few flips (%zu) to test anything", flips);
  cr_assert_gt(checked, 0);
  hop_classical_free(net);
  gsl_rng_free(r);
}

Test(classical, overlap) {
  float a[4] = {1, -1, 1, 1}, b[4] = {1, 1, 1, -1};
  cr_assert_float_eq(hop_classical_overlap(a, a, 4), 1.0, 0);
  cr_assert_float_eq(hop_classical_overlap(a, b, 4), 0.0, 0);
}

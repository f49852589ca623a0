/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of hop_seq (sequence memories): a hand-worked 4-neuron, 3-pattern sequence
 * for SeqNet, DenseNet x^2 and exp; SeqNet against the asymmetric Hebbian matrix; every
 * model and kernel against the field written out from the definition; the delta kernel
 * against DenseNet; popcount overlaps against float dot products; certified pruning
 * against the full sum (near ties included); batched transitions against single steps,
 * for both engines and any thread count; the refusals. */
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "hop_error.h"
#include "hop_rng.h"
#include "hop_seq.h"

static void pm1(gsl_rng *r, signed char *x, size_t n) {
  for (size_t k = 0; k < n; k++) x[k] = gsl_rng_uniform(r) < 0.5 ? -1 : 1;
}

static const hop_dam_f POLY1 = {HOP_DAM_POLY, 1}, POLY2 = {HOP_DAM_POLY, 2},
                       POLY3 = {HOP_DAM_POLY, 3}, RECT3 = {HOP_DAM_RECT, 3},
                       EXPF = {HOP_DAM_EXP, 0};

static hop_seq *net(size_t n, size_t p, hop_dam_f f, const signed char *xi) {
  hop_seq_tap t[1];
  hop_seq *s = hop_seq_alloc(n, p, f, t, hop_seq_kernel_delta(t));
  cr_assert_not_null(s, "%s", hop_error_message());
  cr_assert_eq(hop_seq_store(s, xi, p), HOP_OK);
  return s;
}

/* h_i = sum_k sum_taps w xi_i^{k+o} F(a), a = xi^k . S - xi_i^k S_i, straight from the
 * definition (exp: F(a - max_k xi^k . S), the library's common factor). */
static void naive_field_self(const signed char *xi, size_t p, size_t n, hop_dam_f f,
                             const hop_seq_tap *taps, size_t nt, const signed char *st, double *h,
                             int self) {
  long mmax = -100000;
  for (size_t k = 0; k < p; k++) {
    long m = 0;
    for (size_t i = 0; i < n; i++) m += xi[k * n + i] * st[i];
    mmax = m > mmax ? m : mmax;
  }
  for (size_t i = 0; i < n; i++) {
    double v = 0;
    for (size_t k = 0; k < p; k++) {
      long a = 0;
      for (size_t j = 0; j < n; j++)
        if (j != i || self) a += xi[k * n + j] * st[j];
      double F = f.kind == HOP_DAM_EXP    ? exp((double)(a - mmax))
                 : f.kind == HOP_DAM_RECT ? (a > 0 ? pow(a, f.n) : 0)
                                          : pow(a, f.n);
      for (size_t t = 0; t < nt; t++) {
        long k1 = ((long)k + taps[t].offset) % (long)p;
        if (k1 < 0) k1 += (long)p;
        v += taps[t].weight * xi[k1 * n + i] * F;
      }
    }
    h[i] = v;
  }
}

static void naive_field(const signed char *xi, size_t p, size_t n, hop_dam_f f,
                        const hop_seq_tap *taps, size_t nt, const signed char *st, double *h) {
  naive_field_self(xi, p, n, f, taps, nt, st, h, 0);
}

Test(seq, hand_worked_four_neurons_three_patterns) {
  /* xi^1 = (+,+,+,+), xi^2 = (+,-,+,-), xi^3 = (+,+,-,-), S = xi^1: M = (4, 0, 0);
   * a^1 = 3, a^2 = (-1, 1, -1, 1), a^3 = (-1, -1, 1, 1); next patterns xi^2, xi^3, xi^1.
   * SeqNet: h = 3 xi^2 + xi^3 a^2 + xi^1 a^3 = (1, -3, 5, -3) -> xi^2.
   * x^2:    h = 9 xi^2 + xi^3 + xi^1 = (11, -7, 9, -9) -> xi^2.
   * exp:    e^{a-3}: h = (1 + 2e^-4, -1 + e^-2 + e^-4, 1 - e^-4 + e^-2, -1) -> xi^2;
   *         the library scales by e^{-max M} = e^{-4}, i.e. by e^-1 against this. */
  signed char xi[12] = {1, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1}, out[4];
  double h[4];
  const double e2 = exp(-2), e4 = exp(-4);
  const double want[3][4] = {
      {1, -3, 5, -3}, {11, -7, 9, -9}, {1 + 2 * e4, -1 + e2 + e4, 1 - e4 + e2, -1}};
  const hop_dam_f fs[3] = {POLY1, POLY2, EXPF};
  for (int m = 0; m < 3; m++) {
    hop_seq *s = net(4, 3, fs[m], xi);
    cr_assert_eq(hop_seq_field(s, xi, h), HOP_OK);
    for (int i = 0; i < 4; i++)
      cr_assert_float_eq(m == 2 ? h[i] * exp(1) : h[i], want[m][i], 1e-14, "model %d neuron %d: %g",
                         m, i, h[i]);
    cr_assert_eq(hop_seq_step(s, xi, out), HOP_OK);
    cr_assert_arr_eq(out, xi + 4, 4, "model %d does not move xi^1 to xi^2", m);
    uint32_t wrong[3];
    size_t checked;
    cr_assert_eq(hop_seq_transitions(s, 0, 1, 0, wrong, &checked), HOP_OK);
    cr_assert_eq(wrong[0], 0);
    hop_seq_free(s);
  }
}

Test(seq, seqnet_equals_the_asymmetric_hebbian_matrix) {
  /* SeqNet's field is N sum_{j != i} J_ij S_j, J = (1/N) sum_mu xi^{mu+1} xi^mu^T. */
  gsl_rng *r = hop_rng_alloc(99, 1);
  enum { N = 41, P = 17 };
  signed char xi[P * N], st[N], out[N];
  double h[N];
  for (int trial = 0; trial < 30; trial++) {
    pm1(r, xi, P * N), pm1(r, st, N);
    hop_seq *s = net(N, P, POLY1, xi);
    cr_assert_eq(hop_seq_field(s, st, h), HOP_OK);
    hop_seq_step(s, st, out);
    for (size_t i = 0; i < N; i++) {
      long v = 0;
      for (size_t j = 0; j < N; j++) {
        if (j == i) continue;
        long nj = 0; /* N J_ij */
        for (size_t mu = 0; mu < P; mu++) nj += xi[((mu + 1) % P) * N + i] * xi[mu * N + j];
        v += nj * st[j];
      }
      cr_assert_eq(h[i], (double)v, "trial %d neuron %zu", trial, i);
      cr_assert_eq(out[i], (v > 0) - (v < 0));
    }
    hop_seq_free(s);
  }
  gsl_rng_free(r);
}

Test(seq, every_model_and_kernel_against_the_definition) {
  gsl_rng *r = hop_rng_alloc(99, 2);
  enum { N = 23, P = 9 };
  signed char xi[P * N], st[N], out[N];
  double h[N], ref[N];
  hop_seq_tap kern[3][HOP_SEQ_MAX_TAPS];
  size_t nk[3] = {hop_seq_kernel_delta(kern[0]), hop_seq_kernel_gauss(1.0, 2, kern[1]),
                  hop_seq_kernel_causal(2.0, 3, kern[2])};
  const hop_dam_f fs[5] = {POLY1, POLY2, POLY3, RECT3, EXPF};
  for (int kk = 0; kk < 3; kk++)
    for (int m = 0; m < 5; m++)
      for (int trial = 0; trial < 10; trial++) {
        pm1(r, xi, P * N), pm1(r, st, N);
        hop_seq *s = hop_seq_alloc(N, P, fs[m], kern[kk], nk[kk]);
        cr_assert_not_null(s);
        hop_seq_store(s, xi, P);
        hop_seq_field(s, st, h);
        hop_seq_step(s, st, out);
        naive_field(xi, P, N, fs[m], kern[kk], nk[kk], st, ref);
        for (size_t i = 0; i < N; i++) {
          cr_assert(fabs(h[i] - ref[i]) <= 1e-12 * (1 + fabs(ref[i])),
                    "kernel %d f %d neuron %zu: %.17g vs %.17g", kk, m, i, h[i], ref[i]);
          if (fabs(ref[i]) > 1e-9 * (1 + fabs(ref[i]))) cr_assert_eq(out[i], ref[i] > 0 ? 1 : -1);
        }
        hop_seq_free(s);
      }
  /* the other reading: the self term included */
  for (int m = 0; m < 5; m++)
    for (int trial = 0; trial < 10; trial++) {
      pm1(r, xi, P * N), pm1(r, st, N);
      hop_seq *s = hop_seq_alloc(N, P, fs[m], kern[1], nk[1]);
      hop_seq_store(s, xi, P);
      cr_assert_eq(hop_seq_set_self(s, 1), HOP_OK);
      hop_seq_field(s, st, h);
      naive_field_self(xi, P, N, fs[m], kern[1], nk[1], st, ref, 1);
      for (size_t i = 0; i < N; i++)
        cr_assert(fabs(h[i] - ref[i]) <= 1e-12 * (1 + fabs(ref[i])),
                  "self included, f %d neuron %zu: %.17g vs %.17g", m, i, h[i], ref[i]);
      cr_assert_eq(hop_seq_set_self(s, 2), HOP_EINVAL);
      hop_seq_free(s);
    }
  /* the delta kernel is DenseNet: exact integers for x^3 */
  for (int trial = 0; trial < 10; trial++) {
    pm1(r, xi, P * N), pm1(r, st, N);
    hop_seq *s = net(N, P, POLY3, xi);
    hop_seq_field(s, st, h);
    naive_field(xi, P, N, POLY3, kern[0], 1, st, ref);
    for (size_t i = 0; i < N; i++) cr_assert_eq(h[i], ref[i]);
    hop_seq_free(s);
  }
  gsl_rng_free(r);
}

Test(seq, popcount_overlaps_equal_float_dot_products) {
  /* every pass this CPU has (the portable one always, and the best one), on sizes with a
   * partial last word, more than 31 words (AVX2's byte counts), and P not a multiple of 8 */
  gsl_rng *r = hop_rng_alloc(99, 3);
  const size_t ns[4] = {2, 100, 784, 3077}, ps[4] = {1, 13, 70, 9};
  int runs = 0, best = 0;
  for (int how = HOP_SEQ_PASS_PLAIN; how <= HOP_SEQ_PASS_AVX512; how++)
    for (int c = 0; c < 4; c++) {
      size_t n = ns[c], p = ps[c];
      signed char *xi = malloc(p * n), *st = malloc(n);
      int32_t *m = malloc(p * sizeof *m);
      pm1(r, xi, p * n), pm1(r, st, n);
      hop_seq *s = net(n, p, POLY1, xi);
      if (hop_seq_set_pass(s, (hop_seq_pass)how) == HOP_OK) {
        runs++, best += how == (int)hop_seq_pass_best();
        cr_assert_eq(hop_seq_overlaps(s, st, m), HOP_OK);
        for (size_t k = 0; k < p; k++) {
          float d = 0;
          for (size_t i = 0; i < n; i++) d += (float)xi[k * n + i] * (float)st[i];
          cr_assert_eq((float)m[k], d, "pass %d n %zu pattern %zu", how, n, k);
        }
      }
      hop_seq_free(s), free(xi), free(st), free(m);
    }
  cr_assert_geq(runs, 4, "the portable pass ran");
  cr_assert_eq(best, 4, "the best pass of this CPU ran");
  signed char x[4] = {1, -1, 1, 1};
  hop_seq *s = net(4, 1, POLY1, x);
  cr_assert_eq(hop_seq_set_pass(s, (hop_seq_pass)9), HOP_EINVAL);
  hop_seq_free(s);
  gsl_rng_free(r);
}

Test(seq, certified_pruning_gives_the_full_sum) {
  /* Random sequences with correlated patterns (near ties: many patterns a few flips from
   * the state), every pruning threshold: the step equals the unpruned one, and both ways
   * of deciding were exercised. */
  gsl_rng *r = hop_rng_alloc(99, 4);
  enum { N = 96, P = 300 };
  signed char *xi = malloc(P * N), st[N], a[N], b[N];
  size_t n = N;
  hop_seq_tap kern[2][HOP_SEQ_MAX_TAPS];
  size_t nk[2] = {hop_seq_kernel_delta(kern[0]), hop_seq_kernel_gauss(1.0, 1, kern[1])};
  uint64_t cert = 0, full = 0;
  for (int kk = 0; kk < 2; kk++)
    for (int trial = 0; trial < 20; trial++) {
      n = trial % 2 ? 16 : N; /* 16 neurons: many patterns near every state */
      pm1(r, xi, n);
      for (size_t k = 1; k < P; k++) { /* each pattern a few flips from the last */
        memcpy(xi + k * n, xi + (k - 1) * n, n);
        for (int f = 0; f < 1 + trial % 5; f++) xi[k * n + gsl_rng_uniform_int(r, n)] *= -1;
      }
      memcpy(st, xi + gsl_rng_uniform_int(r, P) * n, n);
      for (int f = 0; f < trial % 3; f++) st[gsl_rng_uniform_int(r, n)] *= -1;
      hop_seq *s = hop_seq_alloc(n, P, EXPF, kern[kk], nk[kk]);
      hop_seq_store(s, xi, P);
      hop_seq_set_prune(s, 0);
      hop_seq_step(s, st, a);
      const int ts[4] = {-1, 2, 6, 12};
      for (int q = 0; q < 4; q++) {
        hop_seq_set_prune(s, ts[q]);
        hop_seq_stats_reset(s);
        hop_seq_step(s, st, b);
        cr_assert_arr_eq(a, b, n, "kernel %d trial %d threshold %d", kk, trial, ts[q]);
        uint64_t c1, f1;
        hop_seq_stats(s, &c1, &f1);
        cert += c1, full += f1;
      }
      hop_seq_free(s);
    }
  cr_assert(cert > 1000 && full > 100,
            "pruning was not exercised both ways: %lu certified, %lu full", (unsigned long)cert,
            (unsigned long)full);
  free(xi);
  gsl_rng_free(r);
}

/* Transitions in a batch equal single steps from each stored pattern. */
static void transitions_match(hop_dam_f f, size_t n, size_t p, const hop_seq_tap *k, size_t nk,
                              int threads) {
  gsl_rng *r = hop_rng_alloc(99, 5);
  signed char *xi = malloc(p * n), *out = malloc(n);
  uint32_t *wrong = malloc(p * sizeof *wrong), *again = malloc(p * sizeof *again);
  pm1(r, xi, p * n);
  hop_seq *s = hop_seq_alloc(n, p, f, k, nk);
  hop_seq_store(s, xi, p);
  size_t checked;
  omp_set_num_threads(threads);
  cr_assert_eq(hop_seq_transitions(s, 0, p, 0, wrong, &checked), HOP_OK);
  cr_assert_eq(checked, p);
  size_t errors = 0;
  for (size_t t = 0; t < p; t++) {
    hop_seq_step(s, xi + t * n, out);
    uint32_t e = 0;
    for (size_t i = 0; i < n; i++) e += out[i] != xi[((t + 1) % p) * n + i];
    cr_assert_eq(wrong[t], e, "%s, transition %zu: %u vs %u", hop_dam_f_name(f), t, wrong[t], e);
    errors += e > 0;
  }
  cr_assert(errors > 0 && errors < p, "%s: %zu of %zu transitions wrong: the comparison is vacuous",
            hop_dam_f_name(f), errors, p);
  /* stop at the first error: the same prefix */
  cr_assert_eq(hop_seq_transitions(s, 0, p, 1, again, &checked), HOP_OK);
  size_t first = 0;
  while (wrong[first] == 0) first++;
  cr_assert_eq(checked, first + 1);
  for (size_t t = 0; t < checked; t++) cr_assert_eq(again[t], wrong[t]);
  /* another thread count: identical */
  omp_set_num_threads(threads == 1 ? 2 : 1);
  hop_seq_transitions(s, 0, p, 0, again, &checked);
  for (size_t t = 0; t < p; t++) cr_assert_eq(again[t], wrong[t]);
  hop_seq_free(s), free(xi), free(out), free(wrong), free(again);
  gsl_rng_free(r);
}

Test(seq, batched_transitions_equal_single_steps) {
  hop_seq_tap d[1], g[HOP_SEQ_MAX_TAPS];
  size_t nd = hop_seq_kernel_delta(d), ng = hop_seq_kernel_gauss(0.5, 1, g);
  transitions_match(POLY2, 40, 80, d, nd, 2); /* dgemm engine, around capacity */
  transitions_match(POLY2, 30, 40, d, nd, 1); /* loop engine (p < 64) */
  transitions_match(POLY1, 60, 20, d, nd, 2);
  transitions_match(POLY2, 40, 80, g, ng, 2); /* loop engine (non-integer taps) */
  transitions_match(EXPF, 12, 300, d, nd, 2);
  transitions_match(EXPF, 12, 300, g, ng, 1);
}

Test(seq, refusals) {
  hop_seq_tap t[HOP_SEQ_MAX_TAPS];
  size_t nt = hop_seq_kernel_delta(t);
  cr_assert_null(hop_seq_alloc(1, 5, POLY2, t, nt));
  cr_assert_eq(hop_error_code(), HOP_ERANGE);
  cr_assert_null(hop_seq_alloc(40000, 5, POLY2, t, nt));
  cr_assert_null(hop_seq_alloc(3072, 1000000, (hop_dam_f){HOP_DAM_POLY, 4}, t, nt));
  cr_assert_eq(hop_error_code(), HOP_ERANGE);
  cr_assert_null(hop_seq_alloc(10, 5, (hop_dam_f){HOP_DAM_POLY, 9}, t, nt));
  cr_assert_null(hop_seq_alloc(10, 5, POLY2, t, 0));
  cr_assert_eq(hop_seq_kernel_gauss(0.0, 1, t), 0);
  cr_assert_eq(hop_seq_kernel_gauss(1.0, 40, t), 0);
  cr_assert_eq(hop_seq_kernel_causal(-1.0, 1, t), 0);
  hop_seq_tap bad[1] = {{1, NAN}};
  cr_assert_null(hop_seq_alloc(10, 5, POLY2, bad, 1));
  hop_seq *s = hop_seq_alloc(4, 2, POLY2, t, nt);
  signed char st[4] = {1, -1, 1, -1}, xi[8] = {1, 1, 1, 1, 1, -1, 1, 0}, out[4];
  cr_assert_eq(hop_seq_step(s, st, out), HOP_EINVAL); /* nothing stored */
  cr_assert_eq(hop_seq_store(s, xi, 2), HOP_EINVAL);  /* a 0 */
  xi[7] = -1;
  cr_assert_eq(hop_seq_store(s, xi, 3), HOP_EBADLEN);
  cr_assert_eq(hop_seq_store(s, xi, 2), HOP_OK);
  st[0] = 2;
  cr_assert_eq(hop_seq_step(s, st, out), HOP_EINVAL);
  cr_assert_eq(hop_seq_set_prune(s, -2), HOP_EINVAL);
  hop_seq_free(s);
}

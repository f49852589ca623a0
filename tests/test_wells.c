/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/learn/hop_kmeans (hand-made clusters, brute-force assignment,
 * determinism, bad k) and hop_wells (energies against the formula in double, the
 * nearest-prototype limit, the joint energy's gradient by central differences, and
 * descent that never raises the energy). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>
#include "checks.h"
#include "hop_error.h"
#include "hop_kmeans.h"
#include "hop_rng.h"
#include "hop_wells.h"

/* Three tight clusters around far-apart centres in 4-d, 40 points each, shuffled. */
enum { NC = 3, PER = 40, N = NC * PER, D = 4 };
static void clusters(gsl_rng *r, float *x, size_t *truth) {
  static const float c[NC][D] = {{5, 0, 0, 0}, {0, 5, 0, 0}, {0, 0, -5, 5}};
  for (size_t i = 0; i < N; i++) {
    size_t k = (i * 7) % NC;
    truth[i] = k;
    for (size_t t = 0; t < D; t++) x[i * D + t] = c[k][t] + (float)gsl_ran_gaussian(r, 0.3);
  }
}

Test(kmeans, finds_hand_made_clusters_deterministically) {
  gsl_rng *r = hop_rng_alloc(2385, 100);
  float x[N * D], c[NC * D], c2[NC * D];
  size_t truth[N], a[N], a2[N];
  clusters(r, x, truth);
  hop_kmeans_info in;
  gsl_rng *s = hop_rng_alloc(7, 1);
  cr_assert_eq(hop_kmeans(x, N, D, NC, 100, s, c, a, &in), HOP_OK, "%s", hop_error_message());
  cr_assert(in.converged);
  /* the clustering equals the truth up to a renaming of the clusters */
  size_t map[NC];
  for (size_t k = 0; k < NC; k++) map[k] = (size_t)-1;
  for (size_t i = 0; i < N; i++) {
    if (map[truth[i]] == (size_t)-1) map[truth[i]] = a[i];
    cr_assert_eq(a[i], map[truth[i]], "point %zu", i);
  }
  cr_assert(map[0] != map[1] && map[1] != map[2] && map[0] != map[2]);
  /* inertia about 3 * N * D * 0.09 for sd 0.3 */
  cr_assert(in.inertia > 0.5 * N * D * 0.09 && in.inertia < 2.0 * N * D * 0.09, "inertia %g",
            in.inertia);
  /* the same seed gives the same centres */
  hop_rng_reseed(s, 7, 1);
  cr_assert_eq(hop_kmeans(x, N, D, NC, 100, s, c2, a2, NULL), HOP_OK);
  cr_assert_eq(memcmp(c, c2, sizeof c), 0);
  gsl_rng_free(s);
  gsl_rng_free(r);
}

Test(kmeans, assignment_equals_brute_force) {
  enum { M = 300, K = 7, DD = 5 };
  gsl_rng *r = hop_rng_alloc(2385, 101);
  float x[M * DD], c[K * DD];
  size_t a[M];
  double d2[M], inertia;
  for (size_t i = 0; i < M * DD; i++) x[i] = (float)gsl_ran_gaussian(r, 1.0);
  cr_assert_eq(hop_kmeans(x, M, DD, K, 50, r, c, a, NULL), HOP_OK);
  cr_assert_eq(hop_kmeans_assign(x, M, DD, c, K, a, d2, &inertia), HOP_OK);
  double total = 0.0;
  for (size_t i = 0; i < M; i++) {
    double best = INFINITY;
    size_t bj = 0;
    for (size_t j = 0; j < K; j++) {
      double s = 0.0;
      for (size_t t = 0; t < DD; t++)
        s += ((double)x[i * DD + t] - c[j * DD + t]) * ((double)x[i * DD + t] - c[j * DD + t]);
      if (s < best) best = s, bj = j;
    }
    /* equal, or a near tie that float rounding may break either way */
    double mine = 0.0;
    for (size_t t = 0; t < DD; t++)
      mine +=
          ((double)x[i * DD + t] - c[a[i] * DD + t]) * ((double)x[i * DD + t] - c[a[i] * DD + t]);
    cr_assert(a[i] == bj || mine - best < 1e-5 * (1 + best),
              "point %zu: %zu (%g) vs brute force %zu (%g)", i, a[i], mine, bj, best);
    cr_assert_float_eq(d2[i], mine, 1e-12 * (1 + mine));
    total += mine;
  }
  cr_assert_float_eq(inertia, total, 1e-9 * total);
  gsl_rng_free(r);
}

Test(kmeans, refuses_bad_k_and_non_finite_points) {
  gsl_rng *r = hop_rng_alloc(2385, 102);
  float x[6 * 2] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, c[7 * 2];
  cr_assert_eq(hop_kmeans(x, 6, 2, 7, 10, r, c, NULL, NULL), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "k = 7"), "%s", hop_error_message());
  cr_assert_eq(hop_kmeans(x, 6, 2, 0, 10, r, c, NULL, NULL), HOP_EINVAL);
  cr_assert_eq(hop_kmeans(x, 6, 2, 6, 10, r, c, NULL, NULL), HOP_OK, "k = n is allowed");
  x[3] = NAN;
  cr_assert_eq(hop_kmeans(x, 6, 2, 2, 10, r, c, NULL, NULL), HOP_EDOM);
  gsl_rng_free(r);
}

/* Wells: 3 classes x 2 wells in 5-d. */
static hop_wells *some_wells(gsl_rng *r) {
  hop_wells *w = hop_wells_alloc(3, 2, 5);
  cr_assert_not_null(w);
  for (size_t i = 0; i < 3 * 2 * 5; i++) w->mu[i] = (float)gsl_ran_gaussian(r, 0.5);
  return w;
}

Test(wells, energies_equal_the_formula_and_the_limits) {
  gsl_rng *r = hop_rng_alloc(2385, 103);
  hop_wells *w = some_wells(r);
  enum { M = 9 };
  float s[M * 5], d2[M * 6];
  for (size_t i = 0; i < M * 5; i++) s[i] = (float)gsl_ran_gaussian(r, 0.5);
  cr_assert_eq(hop_wells_dist2(w, s, M, d2), HOP_OK);
  const double betas[4] = {0.5, 3.0, 40.0, 1e4};
  for (int b = 0; b < 4; b++) {
    double e[M * 3];
    cr_assert_eq(hop_wells_energy(w, d2, M, betas[b], e), HOP_OK);
    for (size_t i = 0; i < M; i++)
      for (size_t c = 0; c < 3; c++) {
        double q[2], sum = 0.0;
        for (size_t k = 0; k < 2; k++) {
          q[k] = 0.0;
          for (size_t t = 0; t < 5; t++)
            q[k] += ((double)s[i * 5 + t] - w->mu[(c * 2 + k) * 5 + t]) *
                    ((double)s[i * 5 + t] - w->mu[(c * 2 + k) * 5 + t]);
        }
        double lo = fmin(q[0], q[1]);
        for (size_t k = 0; k < 2; k++) sum += exp(-betas[b] * (q[k] - lo) / 2);
        double ref = lo / 2 - log(sum / 2) / betas[b];
        cr_assert_float_eq(e[i * 3 + c], ref, 1e-5 * (1 + fabs(ref)),
                           "beta %g state %zu class %zu: %g vs %g", betas[b], i, c, e[i * 3 + c],
                           ref);
      }
  }
  /* beta = infinity is the nearest prototype, and large beta approaches it */
  double einf[M * 3], ebig[M * 3];
  unsigned char linf[M], lbig[M];
  cr_assert_eq(hop_wells_energy(w, d2, M, INFINITY, einf), HOP_OK);
  cr_assert_eq(hop_wells_energy(w, d2, M, 1e6, ebig), HOP_OK);
  hop_wells_argmin(einf, M, 3, linf);
  hop_wells_argmin(ebig, M, 3, lbig);
  for (size_t i = 0; i < M * 3; i++) cr_assert_float_eq(einf[i], ebig[i], 1e-5);
  cr_assert_eq(memcmp(linf, lbig, M), 0);
  /* bad beta */
  double e[M * 3];
  cr_assert_eq(hop_wells_energy(w, d2, M, 0.0, e), HOP_EINVAL);
  cr_assert_eq(hop_wells_energy(w, d2, M, -1.0, e), HOP_EINVAL);
  cr_assert_eq(hop_wells_energy(w, d2, M, NAN, e), HOP_EINVAL);
  cr_assert_eq(hop_wells_energy(w, d2, M, 1e305, e), HOP_EINVAL);
  hop_wells_free(w);
  gsl_rng_free(r);
}

Test(wells, energies_skip_only_terms_that_are_zero) {
  /* the energy leaves out terms below e^-750; with every term summed by the formula
   * (the same order, float distances as given), the bits are the same, for betas where
   * many terms underflow (2,000 wells a class, distances 0 to 4, rows on OpenMP threads) */
  enum { M = 40, C = 3, K = 2000 };
  gsl_rng *r = hop_rng_alloc(2385, 104);
  hop_wells *w = hop_wells_alloc(C, K, 1);
  float *d2 = malloc((size_t)M * C * K * sizeof *d2);
  double e[M * C];
  cr_assert_not_null(w);
  cr_assert_not_null(d2);
  for (size_t i = 0; i < (size_t)M * C * K; i++) d2[i] = (float)(4.0 * gsl_rng_uniform(r));
  const double betas[3] = {1.0, 400.0, 3e4};
  size_t skipped = 0;
  for (int b = 0; b < 3; b++) {
    cr_assert_eq(hop_wells_energy(w, d2, M, betas[b], e), HOP_OK);
    for (size_t i = 0; i < (size_t)M * C; i++) {
      const float *x = d2 + i * K;
      float lo = x[0];
      for (size_t k = 1; k < K; k++) lo = x[k] < lo ? x[k] : lo;
      double sum = 0.0;
      for (size_t k = 0; k < K; k++) {
        double a = -0.5 * betas[b] * ((double)x[k] - lo);
        skipped += a <= -750.0;
        sum += exp(a);
      }
      double ref = 0.5 * lo - log(sum / (double)K) / betas[b];
      cr_assert(e[i] == ref, "beta %g row %zu: %.17g vs %.17g", betas[b], i, e[i], ref);
    }
  }
  cr_assert_gt(skipped, 100000, "the test reached the underflow (%zu terms)", skipped);
  free(d2), hop_wells_free(w), gsl_rng_free(r);
}

typedef struct {
  hop_wells *w;
  double beta;
  float s0[5];
  double scratch[6 + 10];
} joint_line;

static double joint_at(void *ctx, const double *u, double t) {
  joint_line *c = ctx;
  float s[5];
  for (int i = 0; i < 5; i++) s[i] = (float)(c->s0[i] + t * u[i]);
  return hop_wells_joint(c->w, s, c->beta, NULL, c->scratch);
}

Test(wells, joint_gradient_by_central_differences) {
  gsl_rng *r = hop_rng_alloc(2385, 104);
  hop_wells *w = some_wells(r);
  for (int trial = 0; trial < 4; trial++) {
    joint_line c = {.w = w, .beta = trial + 0.7};
    for (int i = 0; i < 5; i++) c.s0[i] = (float)gsl_ran_gaussian(r, 0.5);
    double g[5];
    hop_wells_joint(w, c.s0, c.beta, g, c.scratch);
    /* float states: eps 1e-2 along a unit direction, the energy is smooth */
    check_gradient("joint energy", joint_at, &c, g, 5, r, 5, 1e-2, 2e-3, 1e-5, 1e-4);
  }
  hop_wells_free(w);
  gsl_rng_free(r);
}

/* Descent on the joint energy under the shared check (tests/checks.h): from random
 * starts at several beta and step sizes, s <- s - eta grad E(s) never raises E. */
typedef struct {
  hop_wells *w;
  double beta, eta;
  float s[5];
  double scratch[6 + 10];
  int run;
} descent_ctx;

static void descent_start(void *ctx, gsl_rng *r) {
  descent_ctx *c = ctx;
  for (int i = 0; i < 5; i++) c->s[i] = (float)gsl_ran_gaussian(r, 0.8);
  c->beta = 0.5 + c->run, c->eta = c->run % 2 ? 1.0 : 0.3;
  c->run++;
}
static int descent_step(void *ctx) {
  descent_ctx *c = ctx;
  double g[5];
  hop_wells_joint(c->w, c->s, c->beta, g, c->scratch);
  for (int i = 0; i < 5; i++) c->s[i] = (float)(c->s[i] - c->eta * g[i]);
  return 0;
}
static double descent_energy(void *ctx) {
  descent_ctx *c = ctx;
  return hop_wells_joint(c->w, c->s, c->beta, NULL, c->scratch);
}

Test(wells, descent_never_raises_the_energy) {
  gsl_rng *r = hop_rng_alloc(2385, 105);
  hop_wells *w = some_wells(r);
  descent_ctx c = {.w = w};
  const check_model m = {descent_start, descent_step, descent_energy};
  check_descent("joint energy descent", &m, &c, r, 20, 30, 1e-6, 1e-4);
  /* the library's descent ends at the well nearest the same path's end */
  for (int trial = 0; trial < 10; trial++) {
    c.run = trial;
    descent_start(&c, r);
    float s0[5];
    memcpy(s0, c.s, sizeof s0);
    for (int t = 0; t < 30; t++) descent_step(&c);
    size_t well, taken, best = 0;
    cr_assert_eq(hop_wells_descend(w, s0, c.beta, c.eta, 30, 0.0, &well, &taken, c.scratch),
                 HOP_OK);
    cr_assert_eq(taken, 30);
    double bd = INFINITY;
    for (size_t j = 0; j < 6; j++) {
      double q = 0.0;
      for (int i = 0; i < 5; i++)
        q += ((double)c.s[i] - w->mu[j * 5 + i]) * ((double)c.s[i] - w->mu[j * 5 + i]);
      if (q < bd) bd = q, best = j;
    }
    cr_assert_eq(well, best, "trial %d: descent ended nearest well %zu, the explicit path at %zu",
                 trial, well, best);
  }
  size_t well;
  float s[5] = {0};
  cr_assert_eq(hop_wells_descend(w, s, 1.0, 1.5, 3, 0.0, &well, NULL, c.scratch), HOP_EINVAL);
  cr_assert_eq(hop_wells_descend(w, s, INFINITY, 1.0, 3, 0.0, &well, NULL, c.scratch), HOP_EINVAL);
  cr_assert_null(hop_wells_alloc(1, 2, 5));
  hop_wells_free(w);
  gsl_rng_free(r);
}

Test(wells, batched_descent_reaches_the_same_wells) {
  gsl_rng *r = hop_rng_alloc(2385, 106);
  hop_wells *w = some_wells(r);
  enum { M = 50 };
  float s[M * 5], d2[M * 6];
  for (size_t i = 0; i < M * 5; i++) s[i] = (float)gsl_ran_gaussian(r, 0.8);
  size_t wells[M], agree = 0, moved = 0;
  double scratch[6 + 10];
  float s0[M * 5];
  memcpy(s0, s, sizeof s);
  cr_assert_eq(hop_wells_descend_batch(w, s, M, 4.0, 1.0, 15, wells, d2), HOP_OK);
  for (size_t i = 0; i < M; i++) {
    size_t one, near0 = 0;
    double bd = INFINITY;
    cr_assert_eq(hop_wells_descend(w, s0 + i * 5, 4.0, 1.0, 15, 0.0, &one, NULL, scratch), HOP_OK);
    agree += one == wells[i];
    for (size_t j = 0; j < 6; j++) {
      double q = 0.0;
      for (int t = 0; t < 5; t++)
        q +=
            ((double)s0[i * 5 + t] - w->mu[j * 5 + t]) * ((double)s0[i * 5 + t] - w->mu[j * 5 + t]);
      if (q < bd) bd = q, near0 = j;
    }
    moved += near0 != wells[i];
  }
  cr_assert_geq(agree, M - 1, "float batch and double descent agree on %zu of %d", agree, M);
  cr_assert_gt(moved, 0, "no state changed its nearest well: the check would be vacuous");
  cr_assert_eq(hop_wells_descend_batch(w, s, M, 4.0, 0.0, 15, wells, d2), HOP_EINVAL);
  hop_wells_free(w);
  gsl_rng_free(r);
}

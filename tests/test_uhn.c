/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/memory/hop_uhn (UHN retrieval) and lib/base/hop_corrupt. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hop_corrupt.h"
#include "hop_data.h"
#include "hop_norm.h"
#include "hop_error.h"
#include "hop_rng.h"
#include "checks.h"
#include "hop_uhn.h"
#include <gsl/gsl_randist.h>

enum { P = 20, D = 64 };

/* P patterns in [0, 1]^D; with unit = 1 each is scaled to norm 1 (dot-product retrieval
 * of a stored pattern needs x_k.x_k > x_k.x_i, which equal norms guarantee). */
static void patterns(gsl_rng *r, float *x, int unit) {
  for (int i = 0; i < P; i++) {
    double n = 0.0;
    for (int j = 0; j < D; j++) {
      x[i * D + j] = (float)gsl_rng_uniform(r);
      n += (double)x[i * D + j] * x[i * D + j];
    }
    if (unit)
      for (int j = 0; j < D; j++) x[i * D + j] /= (float)sqrt(n);
  }
}

Test(uhn, stored_patterns_are_fixed_points_at_large_beta) {
  gsl_rng *r = hop_rng_alloc(2385, 30);
  static float x[P * D], q[D];
  for (int sim = HOP_UHN_SIM_DOT; sim <= HOP_UHN_SIM_L1SCORE; sim++) {
    patterns(r, x, sim == HOP_UHN_SIM_DOT);
    hop_uhn *m = hop_uhn_alloc(x, P, D);
    hop_uhn_work *w = hop_uhn_work_alloc(m, 1);
    /* beta large against the similarity gaps: dot/cosine gaps ~1e-2, distances ~1 */
    hop_uhn_params par = {.sim = (hop_uhn_sim)sim,
                          .sep = HOP_UHN_SEP_SOFTMAX,
                          .beta = sim <= HOP_UHN_SIM_COSINE ? 1e5 : 1e3,
                          .max_steps = 3,
                          .tol = 0};
    if (sim == HOP_UHN_SIM_L1SCORE) par.beta = 1e5;
    for (int k = 0; k < P; k++) {
      memcpy(q, x + k * D, sizeof q);
      cr_assert_eq(hop_uhn_retrieve(m, q, 1, &par, NULL, NULL, w), HOP_OK, "%s",
                   hop_error_message());
      for (int j = 0; j < D; j++)
        cr_assert(fabsf(q[j] - x[k * D + j]) < 1e-4f, "%s: pattern %d moved at %d: %g vs %g",
                  hop_uhn_sim_name((hop_uhn_sim)sim), k, j, q[j], x[k * D + j]);
    }
    hop_uhn_work_free(w);
    hop_uhn_free(m);
  }
  gsl_rng_free(r);
}

Test(uhn, beta_to_zero_returns_the_mean_of_the_patterns) {
  gsl_rng *r = hop_rng_alloc(2385, 31);
  static float x[P * D], q[D], mean[D];
  patterns(r, x, 0);
  for (int j = 0; j < D; j++) {
    double s = 0.0;
    for (int i = 0; i < P; i++) s += x[i * D + j];
    mean[j] = (float)(s / P);
  }
  hop_uhn *m = hop_uhn_alloc(x, P, D);
  hop_uhn_work *w = hop_uhn_work_alloc(m, 1);
  for (int sim = HOP_UHN_SIM_DOT; sim <= HOP_UHN_SIM_L1SCORE; sim++) {
    for (int j = 0; j < D; j++) q[j] = (float)gsl_rng_uniform(r);
    hop_uhn_params par = {.sim = (hop_uhn_sim)sim,
                          .sep = HOP_UHN_SEP_SOFTMAX,
                          .beta = 1e-9,
                          .max_steps = 1,
                          .tol = 0};
    cr_assert_eq(hop_uhn_retrieve(m, q, 1, &par, NULL, NULL, w), HOP_OK);
    for (int j = 0; j < D; j++)
      cr_assert(fabsf(q[j] - mean[j]) < 1e-5f, "%s: %g vs mean %g",
                hop_uhn_sim_name((hop_uhn_sim)sim), q[j], mean[j]);
  }
  hop_uhn_work_free(w);
  hop_uhn_free(m);
  gsl_rng_free(r);
}

Test(uhn, clamped_components_never_change) {
  gsl_rng *r = hop_rng_alloc(2385, 32);
  static float x[P * D], q[3 * D], q0[3 * D];
  static unsigned char mask[3 * D];
  patterns(r, x, 0);
  for (int k = 0; k < 3 * D; k++) {
    q0[k] = q[k] = (float)gsl_rng_uniform(r);
    mask[k] = (unsigned char)(k % 3 == 0);
  }
  hop_uhn *m = hop_uhn_alloc(x, P, D);
  hop_uhn_work *w = hop_uhn_work_alloc(m, 3);
  hop_uhn_params par = {.sim = HOP_UHN_SIM_MANHATTAN,
                        .sep = HOP_UHN_SEP_SOFTMAX,
                        .beta = 2.385,
                        .max_steps = 10,
                        .tol = 0};
  size_t steps;
  cr_assert_eq(hop_uhn_retrieve(m, q, 3, &par, mask, &steps, w), HOP_OK);
  cr_assert_eq(steps, 10);
  int changed = 0;
  for (int k = 0; k < 3 * D; k++) {
    if (mask[k])
      cr_assert_eq(q[k], q0[k], "clamped component %d changed", k);
    else
      changed += q[k] != q0[k];
  }
  cr_assert_gt(changed, D, "the free components hardly moved (%d)", changed);
  hop_uhn_work_free(w);
  hop_uhn_free(m);
  gsl_rng_free(r);
}

/* Dot-product softmax retrieval (the modern Hopfield update) under the descent check:
 * fresh patterns, query and beta per run. */
typedef struct {
  float x[P * D], q[D];
  hop_uhn *m;
  hop_uhn_work *w;
  hop_uhn_params par;
  int run;
} uhn_flow;

static void uhn_flow_start(void *ctx, gsl_rng *r) {
  uhn_flow *c = ctx;
  patterns(r, c->x, 0);
  hop_uhn_free(c->m);
  c->m = hop_uhn_alloc(c->x, P, D);
  if (!c->w) c->w = hop_uhn_work_alloc(c->m, 1);
  for (int j = 0; j < D; j++) c->q[j] = (float)gsl_ran_gaussian(r, 2.0);
  c->par = (hop_uhn_params){.sim = HOP_UHN_SIM_DOT,
                            .sep = HOP_UHN_SEP_SOFTMAX,
                            .beta = 0.1 + c->run++,
                            .max_steps = 1,
                            .tol = 0};
}
static int uhn_flow_step(void *ctx) {
  uhn_flow *c = ctx;
  return hop_uhn_step(c->m, c->q, 1, &c->par, NULL, NULL, c->w);
}
static double uhn_flow_energy(void *ctx) {
  uhn_flow *c = ctx;
  return hop_uhn_energy(c->m, c->q, c->par.beta, c->w);
}

Test(uhn, energy_never_increases_along_dot_product_updates) {
  gsl_rng *r = hop_rng_alloc(2385, 33);
  static uhn_flow c;
  const check_model mod = {uhn_flow_start, uhn_flow_step, uhn_flow_energy};
  check_descent("UHN dot/softmax updates", &mod, &c, r, 10, 20, 1e-5, 1.0);
  hop_uhn_free(c.m);
  hop_uhn_work_free(c.w);
  gsl_rng_free(r);
}

Test(uhn, a_batch_larger_than_the_scratch_is_refused) {
  static float x[P * D], q[3 * D];
  gsl_rng *r = hop_rng_alloc(2385, 34);
  patterns(r, x, 0);
  hop_uhn *m = hop_uhn_alloc(x, P, D);
  hop_uhn_work *w = hop_uhn_work_alloc(m, 2);
  hop_uhn_params par = {
      .sim = HOP_UHN_SIM_DOT, .sep = HOP_UHN_SEP_SOFTMAX, .beta = 1, .max_steps = 1};
  cr_assert_eq(hop_uhn_step(m, q, 3, &par, NULL, NULL, w), HOP_EBADLEN);
  cr_assert_eq(hop_uhn_step(m, q, 2, &par, NULL, NULL, w), HOP_OK);
  hop_uhn_work_free(w);
  hop_uhn_free(m);
  gsl_rng_free(r);
}

Test(uhn, batched_and_one_by_one_agree) {
  gsl_rng *r = hop_rng_alloc(2385, 34);
  static float x[P * D], qa[7 * D], qb[7 * D];
  patterns(r, x, 0);
  for (int k = 0; k < 7 * D; k++) qa[k] = qb[k] = (float)gsl_rng_uniform(r);
  hop_uhn *m = hop_uhn_alloc(x, P, D);
  hop_uhn_work *w = hop_uhn_work_alloc(m, 7);
  for (int sim = HOP_UHN_SIM_DOT; sim <= HOP_UHN_SIM_L1SCORE; sim++)
    for (int sep = HOP_UHN_SEP_SOFTMAX; sep <= HOP_UHN_SEP_MAX; sep++) {
      hop_uhn_params par = {.sim = (hop_uhn_sim)sim,
                            .sep = (hop_uhn_sep)sep,
                            .beta = 3.0,
                            .power = 2.5,
                            .max_steps = 3,
                            .tol = 0};
      if (sep == HOP_UHN_SEP_IDENTITY)
        par.max_steps = 1; /* unnormalised: one step keeps values finite */
      memcpy(qb, qa, sizeof qa);
      cr_assert_eq(hop_uhn_retrieve(m, qa, 7, &par, NULL, NULL, w), HOP_OK);
      for (int k = 0; k < 7; k++)
        cr_assert_eq(hop_uhn_retrieve(m, qb + k * D, 1, &par, NULL, NULL, w), HOP_OK);
      for (int k = 0; k < 7 * D; k++)
        cr_assert(fabsf(qa[k] - qb[k]) <= 1e-5f * (1.0f + fabsf(qa[k])), "%s/%s: %g vs %g",
                  hop_uhn_sim_name((hop_uhn_sim)sim), hop_uhn_sep_name((hop_uhn_sep)sep), qa[k],
                  qb[k]);
      memcpy(qa, qb, sizeof qa);
    }
  hop_uhn_work_free(w);
  hop_uhn_free(m);
  gsl_rng_free(r);
}

Test(uhn, separations) {
  float s[4] = {0.5f, -1.0f, 2.0f, 2.0f};
  hop_uhn_params par = {
      .sim = HOP_UHN_SIM_DOT, .sep = HOP_UHN_SEP_MAX, .beta = 1, .power = 2, .max_steps = 1};
  cr_assert_eq(hop_uhn_separate(s, 1, 4, &par), HOP_OK);
  cr_assert(s[0] == 0 && s[1] == 0 && s[2] == 1 && s[3] == 0); /* first of the tied maxima */
  float t[4] = {0.5f, -1.0f, 2.0f, 1.0f};
  par.sep = HOP_UHN_SEP_POWER;
  cr_assert_eq(hop_uhn_separate(t, 1, 4, &par), HOP_OK);
  cr_assert_float_eq(t[0], 0.25f / 5.25f, 1e-7);
  cr_assert_eq(t[1], 0.0f);
  cr_assert_float_eq(t[2], 4.0f / 5.25f, 1e-7);
  float neg[2] = {-1.0f, -2.0f};
  cr_assert_eq(hop_uhn_separate(neg, 1, 2, &par), HOP_OK);
  cr_assert(neg[0] == 0.5f && neg[1] == 0.5f);
  hop_uhn_sim sm;
  hop_uhn_sep sp;
  cr_assert_eq(hop_uhn_sim_parse("manhattan", &sm), HOP_OK);
  cr_assert_eq(sm, HOP_UHN_SIM_MANHATTAN);
  cr_assert_eq(hop_uhn_sim_parse("l2", &sm), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "'l2'"));
  cr_assert_eq(hop_uhn_sep_parse("power", &sp), HOP_OK);
  cr_assert_eq(hop_uhn_sep_parse("soft", &sp), HOP_EINVAL);
  hop_uhn_params bad = {
      .sim = HOP_UHN_SIM_DOT, .sep = HOP_UHN_SEP_SOFTMAX, .beta = 0, .max_steps = 1};
  cr_assert_eq(hop_uhn_params_check(&bad), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "beta"));
  cr_assert_null(hop_uhn_alloc(s, 0, 4));
}

/* The independent reference: double-precision loops, no BLAS. */
static void naive_step(const float *x, size_t p, size_t d, const float *q, hop_uhn_sim sim,
                       double beta, double *out, double *s) {
  double qq = 0.0;
  for (size_t j = 0; j < d; j++) qq += (double)q[j] * q[j];
  for (size_t i = 0; i < p; i++) {
    double dot = 0.0, l1 = 0.0, l2 = 0.0, xx = 0.0;
    for (size_t j = 0; j < d; j++) {
      double a = x[i * d + j], b = q[j];
      dot += a * b;
      l1 += fabs(a - b);
      l2 += (a - b) * (a - b);
      xx += a * a;
    }
    s[i] = sim == HOP_UHN_SIM_DOT         ? beta * dot
           : sim == HOP_UHN_SIM_COSINE    ? beta * dot / sqrt(xx * qq)
           : sim == HOP_UHN_SIM_EUCLIDEAN ? -beta * sqrt(l2)
           : sim == HOP_UHN_SIM_MANHATTAN ? -beta * l1
                                          : beta / (1.0 + l1);
  }
  double mx = -INFINITY, z = 0.0;
  for (size_t i = 0; i < p; i++) mx = fmax(mx, s[i]);
  for (size_t i = 0; i < p; i++) z += (s[i] = exp(s[i] - mx));
  for (size_t j = 0; j < d; j++) out[j] = 0.0;
  for (size_t i = 0; i < p; i++)
    for (size_t j = 0; j < d; j++) out[j] += s[i] / z * x[i * d + j];
}

Test(uhn, ten_thousand_cifar_images_against_a_naive_implementation) {
  char path[512];
  hop_data_path(path, sizeof path, "cifar-10-jpeg75/data_batch_1.bin");
  FILE *f = fopen(path, "rb");
  if (!f) cr_skip_test("dataset %s missing: run `make data`", path);
  fclose(f);
  const char *paths[1] = {path};
  hop_dataset ds;
  cr_assert_eq(hop_data_cifar_load(paths, 1, 10000, &ds), HOP_OK);
  size_t p = ds.n, d = ds.dim;
  float *x = malloc(p * d * sizeof *x), q[4 * 3072];
  double *ref = malloc(d * sizeof *ref), *s = malloc(p * sizeof *s);
  hop_norm_scale01(&ds, x);
  gsl_rng *r = hop_rng_alloc(2385, 35);
  hop_uhn *m = hop_uhn_alloc(x, p, d);
  hop_uhn_work *w = hop_uhn_work_alloc(m, 4);
  /* betas that give a non-degenerate softmax for each similarity on [0, 1] pixels */
  const double betas[5] = {0.05, 200.0, 0.5, 0.02, 2e3};
  double worst_d2 = 0.0;
  for (int sim = HOP_UHN_SIM_DOT; sim <= HOP_UHN_SIM_L1SCORE; sim++) {
    for (int k = 0; k < 4; k++) { /* 4 random stored images with noise sd 0.1 */
      size_t i = gsl_rng_uniform_int(r, p);
      for (size_t j = 0; j < d; j++) q[k * d + j] = x[i * d + j] + (float)gsl_ran_gaussian(r, 0.1);
    }
    float qin[4 * 3072];
    memcpy(qin, q, sizeof q);
    hop_uhn_params par = {.sim = (hop_uhn_sim)sim,
                          .sep = HOP_UHN_SEP_SOFTMAX,
                          .beta = betas[sim],
                          .max_steps = 1,
                          .tol = 0};
    cr_assert_eq(hop_uhn_step(m, q, 4, &par, NULL, NULL, w), HOP_OK);
    for (int k = 0; k < 4; k++) {
      naive_step(x, p, d, qin + k * d, (hop_uhn_sim)sim, betas[sim], ref, s);
      double err = 0.0, wmax = 0.0;
      for (size_t i = 0; i < p; i++) wmax = fmax(wmax, s[i]);
      for (size_t j = 0; j < d; j++) err = fmax(err, fabs(q[k * d + j] - ref[j]));
      cr_assert_lt(err, 2e-3, "%s query %d: max error %g (largest weight %g)",
                   hop_uhn_sim_name((hop_uhn_sim)sim), k, err, wmax);
    }
  }
  /* how exact |x - q|^2 = |x|^2 + |q|^2 - 2 x.q is in float on these images: relative to
   * |x|^2 + |q|^2 (about 1e3 here), the error stays below 1e-6 */
  hop_uhn_params e = {
      .sim = HOP_UHN_SIM_EUCLIDEAN, .sep = HOP_UHN_SEP_SOFTMAX, .beta = 1, .max_steps = 1};
  float *sim_out = malloc(p * sizeof *sim_out);
  cr_assert_eq(hop_uhn_similarity(m, q, 1, &e, sim_out, w), HOP_OK);
  double qq = 0.0;
  for (size_t j = 0; j < d; j++) qq += (double)q[j] * q[j];
  for (size_t i = 0; i < p; i++) {
    double exact = 0.0;
    for (size_t j = 0; j < d; j++)
      exact += ((double)x[i * d + j] - q[j]) * ((double)x[i * d + j] - q[j]);
    double got = (double)sim_out[i] * sim_out[i];
    worst_d2 = fmax(worst_d2, fabs(got - exact) / (qq + m->sq[i]));
  }
  cr_assert_lt(worst_d2, 1e-6, "relative error of the squared distance %g", worst_d2);
  free(sim_out);
  hop_uhn_work_free(w);
  hop_uhn_free(m);
  gsl_rng_free(r);
  free(x);
  free(ref);
  free(s);
  hop_data_free(&ds);
}

Test(corrupt, noise_half_pixels_blur) {
  gsl_rng *r = hop_rng_alloc(2385, 36);
  enum { C = 3, H = 32, W = 32, N = C * H * W };
  static float x[N], y[N], tmp[H * W];
  static unsigned char mask[N];
  static size_t scratch[H * W];
  for (int k = 0; k < N; k++) x[k] = 128.0f;
  memcpy(y, x, sizeof x);
  cr_assert_eq(hop_corrupt_noise(y, N, r, 10.0, 0.0f, 255.0f), HOP_OK);
  double s = 0.0, ss = 0.0;
  for (int k = 0; k < N; k++) {
    cr_assert(y[k] >= 0 && y[k] <= 255);
    s += y[k] - 128.0;
    ss += (y[k] - 128.0) * (y[k] - 128.0);
  }
  cr_assert_lt(fabs(s / N), 1.0); /* 5 sd of the mean: 10/sqrt(3072) = 0.18 */
  cr_assert_lt(fabs(sqrt(ss / N) - 10.0), 0.7);
  memcpy(y, x, sizeof x);
  hop_corrupt_noise(y, N, r, 1e4, 0.0f, 255.0f); /* clipping */
  for (int k = 0; k < N; k++) cr_assert(y[k] >= 0 && y[k] <= 255);
  cr_assert_eq(hop_corrupt_noise(y, N, r, -1, 0, 1), HOP_EINVAL);
  memcpy(y, x, sizeof x);
  hop_corrupt_half(y, C, H, W, 0.0f, mask); /* rows 16..31 of every channel */
  for (int c = 0; c < C; c++)
    for (int row = 0; row < H; row++) {
      int at = (c * H + row) * W + 5;
      cr_assert_eq(y[at], row >= 16 ? 0.0f : 128.0f);
      cr_assert_eq(mask[at], row < 16);
    }
  memcpy(y, x, sizeof x);
  cr_assert_eq(hop_corrupt_pixels(y, C, H, W, r, 0.25, -1.0f, mask, scratch), HOP_OK);
  int hidden = 0;
  for (int k = 0; k < H * W; k++) {
    hidden += y[k] == -1.0f;
    cr_assert(y[k] == y[H * W + k] && y[k] == y[2 * H * W + k], "channels masked apart");
    cr_assert_eq(mask[k], y[k] != -1.0f);
  }
  cr_assert_eq(hidden, 256);
  cr_assert_eq(hop_corrupt_pixels(y, C, H, W, r, 1.5, 0, mask, scratch), HOP_EINVAL);
  /* blur: a constant stays constant; an impulse spreads as a normalised separable Gaussian */
  memcpy(y, x, sizeof x);
  cr_assert_eq(hop_corrupt_blur(y, C, H, W, 1.5, tmp), HOP_OK);
  for (int k = 0; k < N; k++) cr_assert_float_eq(y[k], 128.0f, 1e-3);
  memset(y, 0, sizeof y);
  y[16 * W + 16] = 1.0f;
  hop_corrupt_blur(y, 1, H, W, 1.0, tmp);
  double total = 0.0, z = 0.0;
  for (int k = -3; k <= 3; k++) z += exp(-k * k / 2.0);
  for (int k = 0; k < H * W; k++) total += y[k];
  cr_assert_float_eq(total, 1.0, 1e-5);
  cr_assert_float_eq(y[16 * W + 16], 1.0 / (z * z), 1e-6);
  cr_assert_float_eq(y[17 * W + 18], exp(-0.5) * exp(-2.0) / (z * z), 1e-6);
  cr_assert_eq(hop_corrupt_blur(y, 1, H, W, 0.0, tmp), HOP_EINVAL);
  gsl_rng_free(r);
}

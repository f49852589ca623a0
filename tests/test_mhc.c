/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/learn/hop_mhc (Modern Hopfield Classifier). The energy is checked against
 * its definition by finite differences, and along the dynamics where the theory says
 * it cannot increase: symmetric coupling (the same W both ways), g(v) = v (convex L_v),
 * f = softmax(beta h) = grad of the convex L_h = (1/beta) logsumexp(beta h); exactly for
 * the continuous dynamics (checked through the adaptive integrator), and for explicit
 * Euler steps with dt small against tau_h. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hop_error.h"
#include "hop_mhc.h"
#include "hop_rng.h"
#include "checks.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

enum { NF = 40, NH = 6 };

static hop_mhc *random_net(gsl_rng *r, double scale) {
  hop_mhc *m = hop_mhc_alloc(NF, NH, 1.0, 0.1);
  cr_assert_not_null(m);
  hop_mhc_init(m, r, 1, scale);
  return m;
}

static void random_state(gsl_rng *r, float *v, float *h) {
  for (int i = 0; i < NF; i++) v[i] = (float)gsl_ran_gaussian(r, 1.0);
  for (int j = 0; j < NH; j++) h[j] = (float)gsl_ran_gaussian(r, 0.5);
}

/* The energy along a line through the state (v0, h0): E(v0 + t u_v, h0 + t u_h). */
typedef struct {
  const hop_mhc *m;
  hop_mhc_work *w;
  float v0[NF], h0[NH], v[NF], h[NH];
  double beta;
} mhc_line;

static double mhc_energy_at(void *ctx, const double *u, double t) {
  mhc_line *c = ctx;
  for (int i = 0; i < NF; i++) c->v[i] = (float)(c->v0[i] + t * u[i]);
  for (int j = 0; j < NH; j++) c->h[j] = (float)(c->h0[j] + t * u[NF + j]);
  return hop_mhc_energy(c->m, c->v, c->h, c->beta, c->w);
}

Test(mhc, energy_gradient_matches_the_dynamics) {
  /* dE/dv = v - W f = -tau_v dv/dt;  dE/dh = H (h - W^T v) = -tau_h H dh/dt,
   * H = beta (diag f - f f^T); against central differences of hop_mhc_energy along
   * random directions (tests/checks.h; float states, so eps = 1e-2). */
  gsl_rng *r = hop_rng_alloc(2385, 10);
  hop_mhc *m = random_net(r, 0.4);
  mhc_line c = {.m = m, .w = hop_mhc_work_alloc(NF, NH), .beta = 2.385};
  random_state(r, c.v0, c.h0);
  double beta = c.beta, f[NH], z = 0.0, hmax = -1e300, g[NF + NH];
  for (int j = 0; j < NH; j++) hmax = c.h0[j] > hmax ? c.h0[j] : hmax;
  for (int j = 0; j < NH; j++) z += exp(beta * (c.h0[j] - hmax));
  for (int j = 0; j < NH; j++) f[j] = exp(beta * (c.h0[j] - hmax)) / z;
  for (int i = 0; i < NF; i++) {
    double wf = 0.0;
    for (int j = 0; j < NH; j++) wf += (double)m->w[j * NF + i] * f[j];
    g[i] = c.v0[i] - wf;
  }
  double u[NH], fu = 0.0; /* u = h - W^T v */
  for (int j = 0; j < NH; j++) {
    u[j] = c.h0[j];
    for (int i = 0; i < NF; i++) u[j] -= (double)m->w[j * NF + i] * c.v0[i];
    fu += f[j] * u[j];
  }
  for (int j = 0; j < NH; j++) g[NF + j] = beta * f[j] * (u[j] - fu);
  check_gradient("MHC energy", mhc_energy_at, &c, g, NF + NH, r, 40, 1e-2, 2e-3, 1e-4, 1e-2);
  hop_mhc_work_free(c.w);
  hop_mhc_free(m);
  gsl_rng_free(r);
}

/* Euler steps of the MHC under the descent check: a fresh network and state per run. */
typedef struct {
  hop_mhc *m;
  hop_mhc_work *w;
  float v[NF], h[NH];
  double beta, dt;
  int run;
} mhc_flow;

static void mhc_flow_start(void *ctx, gsl_rng *r) {
  mhc_flow *c = ctx;
  hop_mhc_free(c->m);
  c->m = random_net(r, 0.3);
  random_state(r, c->v, c->h);
  c->beta = 0.5 + c->run++;
}
static int mhc_flow_step(void *ctx) {
  mhc_flow *c = ctx;
  hop_mhc_step(c->m, c->v, c->h, c->beta, c->dt, 0, c->w);
  return 0;
}
static double mhc_flow_energy(void *ctx) {
  mhc_flow *c = ctx;
  return hop_mhc_energy(c->m, c->v, c->h, c->beta, c->w);
}

Test(mhc, energy_never_increases_along_euler_steps) {
  /* dt / tau_h = 0.02: Euler steps small enough to follow the descending flow */
  gsl_rng *r = hop_rng_alloc(2385, 11);
  mhc_flow c = {.w = hop_mhc_work_alloc(NF, NH), .dt = 0.002};
  const check_model mod = {mhc_flow_start, mhc_flow_step, mhc_flow_energy};
  check_descent("MHC Euler steps", &mod, &c, r, 5, 3000, 1e-5, 1.0);
  hop_mhc_free(c.m);
  hop_mhc_work_free(c.w);
  gsl_rng_free(r);
}

Test(mhc, energy_never_increases_along_the_exact_flow) {
  gsl_set_error_handler_off(); /* the odeiv2 driver's errors come back as statuses */
  /* the same start integrated by rkf45 to growing end times */
  gsl_rng *r = hop_rng_alloc(2385, 12), *r0 = hop_rng_alloc(5, 5);
  hop_mhc *m = random_net(r, 0.3);
  hop_mhc_work *w = hop_mhc_work_alloc(NF, NH);
  float x[NF], v[NF], h[NH];
  random_state(r, x, h);
  hop_mhc_params p = {
      .beta = 3.0, .dt = 0.05, .steps = 1, .eta = 1, .reading = HOP_MHC_DAMPED, .h0 = 0.1};
  double last = INFINITY;
  size_t label;
  for (size_t steps = 1; steps <= 64; steps *= 2) {
    p.steps = steps;
    hop_rng_reseed(r0, 5, 5); /* same initial h every time */
    cr_assert_eq(hop_mhc_infer_ode(m, x, &p, r0, 1e-9, 1e-9, v, h, &label, w), HOP_OK, "%s",
                 hop_error_message());
    double e = hop_mhc_energy(m, v, h, p.beta, w);
    cr_assert_leq(e, last + 1e-6, "E(t = %g) = %.9g after %.9g", p.dt * steps, e, last);
    last = e;
  }
  hop_mhc_work_free(w);
  hop_mhc_free(m);
  gsl_rng_free(r);
  gsl_rng_free(r0);
}

Test(mhc, euler_and_adaptive_integration_agree_and_reach_a_fixed_point) {
  gsl_set_error_handler_off(); /* the odeiv2 driver's errors come back as statuses */
  gsl_rng *r = hop_rng_alloc(2385, 13), *ra = hop_rng_alloc(9, 9), *rb = hop_rng_alloc(9, 9);
  hop_mhc *m = random_net(r, 0.3);
  hop_mhc_work *w = hop_mhc_work_alloc(NF, NH);
  float x[NF], h[NH], va[NF], ha[NH], vb[NF], hb[NH];
  random_state(r, x, h);
  hop_mhc_params p = {
      .beta = 2.0, .dt = 0.001, .steps = 10000, .eta = 1, .reading = HOP_MHC_DAMPED, .h0 = 0.1};
  size_t la = hop_mhc_infer(m, x, &p, ra, va, ha, w), lb;
  cr_assert_eq(hop_mhc_infer_ode(m, x, &p, rb, 1e-8, 1e-8, vb, hb, &lb, w), HOP_OK);
  cr_assert_eq(la, lb);
  for (int i = 0; i < NF; i++)
    cr_assert(fabsf(va[i] - vb[i]) < 5e-3, "v[%d] %g vs %g", i, va[i], vb[i]);
  for (int j = 0; j < NH; j++)
    cr_assert(fabsf(ha[j] - hb[j]) < 5e-3, "h[%d] %g vs %g", j, ha[j], hb[j]);
  /* t = 10 tau_v: close to the fixed point v = W f(h), h = W^T v */
  float v2[NF], h2[NH];
  memcpy(v2, vb, sizeof v2);
  memcpy(h2, hb, sizeof h2);
  hop_mhc_step(m, v2, h2, p.beta, 1.0, 0, w); /* dt = tau_v: v2 = W f exactly */
  double res = 0.0;
  for (int i = 0; i < NF; i++) res = fmax(res, fabs(v2[i] - vb[i]));
  cr_assert_lt(res, 1e-3, "v is %g from W f(h)", res);
  hop_mhc_work_free(w);
  hop_mhc_free(m);
  gsl_rng_free(r);
  gsl_rng_free(ra);
  gsl_rng_free(rb);
}

Test(mhc, one_training_step_by_hand) {
  /* nf = 2, nh = 2; reference computed here in double, independently of the library */
  hop_mhc *m = hop_mhc_alloc(2, 2, 1.0, 0.1);
  hop_mhc_work *w = hop_mhc_work_alloc(2, 2);
  /* W_00 = 0.5, W_01 = -0.25, W_10 = 0.1, W_11 = 0, stored (nh, nf): w[j * nf + i] */
  const float w0[4] = {0.5f, 0.1f, -0.25f, 0.0f}, x[2] = {1.5f, -2.0f};
  for (int reading = 0; reading <= 1; reading++) {
    memcpy(m->w, w0, sizeof w0);
    float h[2] = {0.2f, -0.1f};
    hop_mhc_params p = {.beta = 1.7,
                        .dt = 0.1,
                        .steps = 1,
                        .eta = 0.02,
                        .reading = (hop_mhc_reading)reading,
                        .h0 = 0};
    hop_mhc_train_step(m, x, h, 0, &p, w);
    double f0 = 1.0 / (1.0 + exp(1.7 * (-0.1 - 0.2))), f[2] = {f0, 1.0 - f0}, t[2] = {1, 0};
    double sgn = reading == HOP_MHC_PRINTED ? 1.0 : -1.0;
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) {
        double w_ij = w0[j * 2 + i];
        double want = w_ij + 0.1 * 0.02 * x[i] * (t[j] - f[j]) * exp(sgn * fabs(w_ij));
        cr_assert(fabs(m->w[j * 2 + i] - want) < 1e-6, "reading %d W[%d][%d] = %.8g, want %.8g",
                  reading, i, j, m->w[j * 2 + i], want);
      }
    /* h from the weights before the update: W^T x = (0.55, -0.375) */
    cr_assert(fabs(h[0] - (0.2 + 1.0 * (-0.2 + 0.55))) < 1e-6, "h0 = %g", h[0]);
    cr_assert(fabs(h[1] - (-0.1 + 1.0 * (0.1 - 0.375))) < 1e-6, "h1 = %g", h[1]);
  }
  hop_mhc_work_free(w);
  hop_mhc_free(m);
}

Test(mhc, learns_separable_classes_with_the_local_rule) {
  enum { C = 3, F = 24, N = 300 };
  gsl_rng *r = hop_rng_alloc(2385, 14);
  static float x[N * F], y[N];
  for (int n = 0; n < N; n++) { /* class c: features 8c..8c+7 raised by 2 */
    int c = n % C;
    y[n] = (float)c;
    for (int i = 0; i < F; i++)
      x[n * F + i] = (float)gsl_ran_gaussian(r, 1.0) + (i / 8 == c ? 2.0f : 0.0f);
  }
  hop_mhc *m = hop_mhc_alloc(F, C, 1.0, 0.1);
  hop_mhc_work *w = hop_mhc_work_alloc(F, C);
  hop_mhc_init(m, r, 1, 0.01);
  hop_mhc_params p = {
      .beta = 1.0, .dt = 0.1, .steps = 100, .eta = 0.02, .reading = HOP_MHC_DAMPED, .h0 = 0.01};
  for (int epoch = 0; epoch < 2; epoch++)
    for (int n = 0; n < N / 2; n++)
      cr_assert_eq(hop_mhc_train_image(m, x + n * F, (size_t)y[n], &p, r, w), HOP_OK, "%s",
                   hop_error_message());
  int correct = 0;
  for (int n = N / 2; n < N; n++)
    correct += hop_mhc_infer(m, x + n * F, &p, r, NULL, NULL, w) == (size_t)y[n];
  cr_assert_gt(correct, (int)(0.9 * N / 2), "held-out accuracy %d / %d", correct, N / 2);
  hop_mhc_work_free(w);
  hop_mhc_free(m);
  gsl_rng_free(r);
}

Test(mhc, bad_arguments_fail_cleanly) {
  gsl_set_error_handler_off(); /* the odeiv2 driver's errors come back as statuses */
  cr_assert_null(hop_mhc_alloc(0, 10, 1, 0.1));
  cr_assert_null(hop_mhc_alloc(10, 1, 1, 0.1));
  cr_assert_null(hop_mhc_alloc(10, 10, 0, 0.1));
  cr_assert_null(hop_mhc_work_alloc(10, 65));
  cr_assert_eq(hop_error_code(), HOP_EBADLEN);
  /* more memory neurons than the dynamics' stack arrays hold: refused (overflowed before) */
  cr_assert_null(hop_mhc_alloc(10, HOP_MHC_MAX_H + 1, 1, 0.1));
  cr_assert_eq(hop_error_code(), HOP_EBADLEN, "%s", hop_error_message());
  hop_mhc_params ok = {
      .beta = 1, .dt = 0.1, .steps = 100, .eta = 0.02, .reading = HOP_MHC_DAMPED, .h0 = 0.01};
  cr_assert_eq(hop_mhc_params_check(&ok), HOP_OK);
  hop_mhc_params p = ok;
  p.dt = 0;
  cr_assert_eq(hop_mhc_params_check(&p), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "dt"));
  p = ok;
  p.beta = -1;
  cr_assert_eq(hop_mhc_params_check(&p), HOP_EINVAL);
  p = ok;
  p.eta = NAN;
  cr_assert_eq(hop_mhc_params_check(&p), HOP_EINVAL);
  p = ok;
  p.steps = 0;
  cr_assert_eq(hop_mhc_params_check(&p), HOP_EINVAL);
  hop_mhc *m = hop_mhc_alloc(4, 2, 1, 0.1);
  hop_mhc_work *w = hop_mhc_work_alloc(4, 2);
  gsl_rng *r = hop_rng_alloc(1, 1);
  float x[4] = {1, 2, 3, 4};
  cr_assert_eq(hop_mhc_train_image(m, x, 2, &ok, r, w), HOP_EINVAL);
  /* a scratch made for another network size */
  hop_mhc_work *small = hop_mhc_work_alloc(3, 2);
  cr_assert_eq(hop_mhc_train_image(m, x, 1, &ok, r, small), HOP_EBADLEN);
  size_t lab;
  cr_assert_eq(hop_mhc_infer_ode(m, x, &ok, r, 1e-6, 1e-6, NULL, NULL, &lab, small), HOP_EBADLEN);
  hop_mhc_work_free(small);
  /* the printed reading grows weights as exp(|W|): with a huge rate it diverges and says so */
  hop_mhc_params wild = ok;
  wild.reading = HOP_MHC_PRINTED;
  wild.eta = 1e6;
  hop_mhc_init(m, r, 1, 1.0);
  int s = HOP_OK;
  for (int k = 0; k < 50 && s == HOP_OK; k++)
    s = hop_mhc_train_image(m, x, (size_t)(k % 2), &wild, r, w);
  cr_assert_eq(s, HOP_EDOM);
  size_t label;
  cr_assert_eq(hop_mhc_infer_ode(m, x, &ok, r, -1, 0, NULL, NULL, &label, w), HOP_EINVAL);
  hop_mhc_work_free(w);
  hop_mhc_free(m);
  gsl_rng_free(r);
}

Test(mhc, carried_exponential_follows_the_exact_path) {
  /* 200 MNIST-sized presentations with phi carried vs one expf per weight per step:
   * both readings, weights equal to float rounding, predictions identical */
  enum { F = 784, C = 10, N = 200 };
  gsl_rng *r = hop_rng_alloc(2385, 15);
  static float x[N * F];
  for (int k = 0; k < N * F; k++) x[k] = (float)gsl_ran_gaussian(r, 1.0);
  hop_mhc_work *w = hop_mhc_work_alloc(F, C);
  for (int reading = 0; reading <= 1; reading++) {
    hop_mhc *a = hop_mhc_alloc(F, C, 1.0, 0.1), *b = hop_mhc_alloc(F, C, 1.0, 0.1);
    hop_mhc_init(a, r, 1, 0.05);
    memcpy(b->w, a->w, F * C * sizeof *a->w);
    hop_mhc_params p = {.beta = 1.0,
                        .dt = 0.1,
                        .steps = 100,
                        .eta = 0.02,
                        .reading = (hop_mhc_reading)reading,
                        .h0 = 0.01,
                        .exact = 1};
    gsl_rng *ra = hop_rng_alloc(3, 3), *rb = hop_rng_alloc(3, 3);
    for (int n = 0; n < N; n++) {
      p.exact = 1;
      cr_assert_eq(hop_mhc_train_image(a, x + n * F, (size_t)(n % C), &p, ra, w), HOP_OK);
      p.exact = 0;
      cr_assert_eq(hop_mhc_train_image(b, x + n * F, (size_t)(n % C), &p, rb, w), HOP_OK);
    }
    double worst = 0.0, moved = 0.0;
    for (int k = 0; k < F * C; k++) {
      worst = fmax(worst, fabs(a->w[k] - b->w[k]) / (1e-3 + fabs(a->w[k])));
      moved = fmax(moved, fabs(a->w[k]));
    }
    cr_assert_lt(worst, 1e-4, "reading %d: relative weight difference %g", reading, worst);
    cr_assert_gt(moved, 0.2, "weights hardly moved (%g): the comparison would be vacuous", moved);
    int same = 0;
    for (int n = 0; n < N; n++) {
      hop_rng_reseed(ra, 4, (uint64_t)n);
      hop_rng_reseed(rb, 4, (uint64_t)n);
      same += hop_mhc_infer(a, x + n * F, &p, ra, NULL, NULL, w) ==
              hop_mhc_infer(b, x + n * F, &p, rb, NULL, NULL, w);
    }
    cr_assert_eq(same, N, "reading %d: %d of %d predictions agree", reading, same, N);
    hop_mhc_free(a);
    hop_mhc_free(b);
    gsl_rng_free(ra);
    gsl_rng_free(rb);
  }
  hop_mhc_work_free(w);
  gsl_rng_free(r);
}

Test(mhc, batched_inference_matches_image_by_image) {
  /* 300 images: more than one batch of HOP_MHC_BATCH, the last one partial */
  enum { N = 300 };
  gsl_rng *r = hop_rng_alloc(77, 1), *ra = hop_rng_alloc(5, 5), *rb = hop_rng_alloc(5, 5);
  hop_mhc *m = random_net(r, 0.3);
  hop_mhc_work *w = hop_mhc_work_alloc(NF, NH);
  static float x[N * NF], vb[N * NF], hb[N * NH];
  for (int k = 0; k < N * NF; k++) x[k] = (float)gsl_ran_gaussian(r, 1.0);
  hop_mhc_params p = {
      .beta = 2.0, .dt = 0.05, .steps = 100, .eta = 1, .reading = HOP_MHC_DAMPED, .h0 = 0.1};
  size_t lb[N];
  hop_mhc_infer_batch(m, x, N, &p, rb, lb, vb, hb, w);
  int agree = 0;
  for (int n = 0; n < N; n++) {
    float va[NF], ha[NH];
    size_t la = hop_mhc_infer(m, x + n * NF, &p, ra, va, ha, w);
    for (int i = 0; i < NF; i++)
      cr_assert(fabsf(va[i] - vb[n * NF + i]) < 1e-4f, "image %d v[%d] %g vs %g", n, i, va[i],
                vb[n * NF + i]);
    for (int j = 0; j < NH; j++)
      cr_assert(fabsf(ha[j] - hb[n * NH + j]) < 1e-4f, "image %d h[%d] %g vs %g", n, j, ha[j],
                hb[n * NH + j]);
    agree += la == lb[n];
  }
  cr_assert_eq(agree, N, "labels agree for %d of %d images", agree, N);
  hop_mhc_work_free(w);
  hop_mhc_free(m);
  gsl_rng_free(r);
  gsl_rng_free(ra);
  gsl_rng_free(rb);
}

Test(mhc, checkpoints_read_the_same_trajectories_as_separate_runs) {
  enum { N = 300 };
  gsl_rng *r = hop_rng_alloc(78, 1);
  hop_mhc *m = random_net(r, 0.3);
  hop_mhc_work *w = hop_mhc_work_alloc(NF, NH);
  static float x[N * NF];
  for (int k = 0; k < N * NF; k++) x[k] = (float)gsl_ran_gaussian(r, 1.0);
  hop_mhc_params p = {
      .beta = 2.0, .dt = 0.05, .steps = 999, .eta = 1, .reading = HOP_MHC_DAMPED, .h0 = 0.1};
  size_t at[4] = {0, 1, 7, 100}, lab[4 * N], one[N];
  gsl_rng *ra = hop_rng_alloc(6, 6);
  cr_assert_eq(hop_mhc_infer_batch_at(m, x, N, &p, ra, at, 4, lab, w), HOP_OK);
  int changed = 0;
  for (int k = 0; k < 4; k++) {
    gsl_rng *rb = hop_rng_alloc(6, 6);
    hop_mhc_params q = p;
    q.steps = at[k];
    hop_mhc_infer_batch(m, x, N, &q, rb, one, NULL, NULL, w);
    gsl_rng_free(rb);
    for (int n = 0; n < N; n++)
      cr_assert_eq(lab[k * N + n], one[n], "checkpoint %zu, image %d", at[k], n);
    for (int n = 0; k && n < N; n++) changed += lab[k * N + n] != lab[(k - 1) * N + n];
  }
  cr_assert_gt(changed, 0,
               "the labels never change between checkpoints: the test would be vacuous");
  size_t bad[2] = {5, 5};
  cr_assert_eq(hop_mhc_infer_batch_at(m, x, N, &p, ra, bad, 2, lab, w), HOP_EINVAL);
  cr_assert_eq(hop_mhc_infer_batch_at(m, x, N, &p, ra, bad, 0, lab, w), HOP_EINVAL);
  hop_mhc_work *w2 = hop_mhc_work_alloc(NF + 1, NH);
  cr_assert_eq(hop_mhc_infer_batch_at(m, x, N, &p, ra, at, 4, lab, w2), HOP_EBADLEN);
  cr_assert_eq(hop_mhc_readout(m, x, N, lab, w2), HOP_EBADLEN);
  hop_mhc_work_free(w2);
  hop_mhc_work_free(w);
  hop_mhc_free(m);
  gsl_rng_free(r);
  gsl_rng_free(ra);
}

Test(mhc, linear_readout_is_argmax_wtx_and_one_step_at_dt_tau_h) {
  enum { N = 300 };
  gsl_rng *r = hop_rng_alloc(79, 1), *ra = hop_rng_alloc(7, 7);
  hop_mhc *m = random_net(r, 0.3);
  hop_mhc_work *w = hop_mhc_work_alloc(NF, NH);
  static float x[N * NF];
  for (int k = 0; k < N * NF; k++) x[k] = (float)gsl_ran_gaussian(r, 1.0);
  size_t lin[N], lab[2 * N];
  cr_assert_eq(hop_mhc_readout(m, x, N, lin, w), HOP_OK);
  int classes[NH] = {0}, distinct = 0;
  for (int n = 0; n < N; n++) { /* independent reference: W^T x in double */
    double best = -INFINITY, second = -INFINITY;
    size_t arg = 0;
    for (int j = 0; j < NH; j++) {
      double s = 0;
      for (int i = 0; i < NF; i++) s += (double)m->w[j * NF + i] * x[n * NF + i];
      if (s > best)
        second = best, best = s, arg = (size_t)j;
      else if (s > second)
        second = s;
    }
    if (best - second > 1e-4) cr_assert_eq(lin[n], arg, "image %d: %zu vs %zu", n, lin[n], arg);
    distinct += !classes[arg]++;
  }
  cr_assert_gt(distinct, 2, "every image reads out the same class: the test would be vacuous");
  /* dt = tau_h: the first Euler step sets h to W^T x, whatever h started from */
  hop_mhc_params p = {
      .beta = 2.0, .dt = m->tau_h, .steps = 1, .eta = 1, .reading = HOP_MHC_DAMPED, .h0 = 0.5};
  size_t at[2] = {0, 1};
  cr_assert_eq(hop_mhc_infer_batch_at(m, x, N, &p, ra, at, 2, lab, w), HOP_OK);
  int same0 = 0;
  for (int n = 0; n < N; n++) {
    cr_assert_eq(lab[N + n], lin[n], "image %d: one step %zu vs read-out %zu", n, lab[N + n],
                 lin[n]);
    same0 += lab[n] == lin[n];
  }
  cr_assert_lt(same0, N,
               "the random initial h already agrees everywhere: the test would be vacuous");
  hop_mhc_work_free(w);
  hop_mhc_free(m);
  gsl_rng_free(r);
  gsl_rng_free(ra);
}

/* The bytes between the processes of one run: a round trip gives the same network, and a
 * length that does not match the header is refused. */
Test(mhc, encode_decode_round_trip) {
  hop_mhc *m = hop_mhc_alloc(6, 3, 1.0, 0.1);
  gsl_rng *r = hop_rng_alloc(2, 0);
  hop_mhc_init(m, r, 1, 0.5);
  size_t len = hop_mhc_encoded_size(m);
  unsigned char *buf = malloc(len);
  hop_mhc_encode(m, buf);
  hop_mhc *d = hop_mhc_decode(buf, len);
  cr_assert_not_null(d, "%s", hop_error_message());
  cr_assert(d->nf == 6 && d->nh == 3 && d->tau_v == 1.0 && d->tau_h == 0.1);
  cr_assert(!memcmp(d->w, m->w, 18 * sizeof(float)));
  cr_assert_null(hop_mhc_decode(buf, len + 4));
  cr_assert_eq(hop_error_code(), HOP_EFORMAT);
  cr_assert_null(hop_mhc_decode(buf, 8));
  hop_mhc_free(d), hop_mhc_free(m), gsl_rng_free(r), free(buf);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of hop_attn: the attention energy, its gradient (central differences and the
 * complex step), the CCCP update against attention written out by hand, analytic cases,
 * energy descent for every head, the spline score, self-attention against a naive loop,
 * and the refusals. */
#include <complex.h>
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include "checks.h"
#include "hop_attn.h"
#include "hop_error.h"
#include "hop_rng.h"
#include "hop_uhn.h"

enum { N = 16, D = 8 };

static void unit_keys(gsl_rng *r, double *x, size_t n, size_t d) {
  for (size_t i = 0; i < n; i++) gsl_ran_dir_nd(r, d, x + i * d);
}

/* The default spline of the experiment: slope 1 below 0, steeper for aligned states. */
static hop_attn_spline *spline(void) {
  static const double u[] = {-2, -1, 0, 0.5, 1, 1.5}, g[] = {-2, -1, 0, 0.75, 2, 3.5};
  return hop_attn_spline_new(u, g, 6);
}

/* A head as a compound literal (an lvalue, so &head(...) works). */
#define head(kind_, beta_, s_) \
  ((hop_attn_head){            \
      .kind = (hop_attn_kind)(kind_), .beta = (beta_), .c = 2.0, .sigma = 0.7, .spline = (s_)})

Test(attn, linear_step_is_attention_written_out) {
  gsl_rng *r = hop_rng_alloc(2385, 1);
  double x[N * D], q[3 * D], want[3 * D];
  unit_keys(r, x, N, D);
  for (size_t j = 0; j < 3 * D; j++) q[j] = gsl_ran_gaussian(r, 1.0);
  double beta = 2.5;
  for (size_t m = 0; m < 3;
       m++) { /* xi_new = sum_i x_i exp(beta x_i.xi) / sum_k exp(beta x_k.xi) */
    double s[N], z = 0.0;
    for (size_t i = 0; i < N; i++) {
      double u = 0.0;
      for (size_t j = 0; j < D; j++) u += x[i * D + j] * q[m * D + j];
      s[i] = exp(beta * u);
      z += s[i];
    }
    for (size_t j = 0; j < D; j++) {
      want[m * D + j] = 0.0;
      for (size_t i = 0; i < N; i++) want[m * D + j] += s[i] / z * x[i * D + j];
    }
  }
  hop_attn_keys k;
  cr_assert_eq(hop_attn_keys_init(&k, x, N, D), HOP_OK);
  hop_attn_work *w = hop_attn_work_alloc(N, D, 3);
  hop_attn_head h = head(HOP_ATTN_LINEAR, beta, NULL);
  double g[D], q0[D];
  for (size_t j = 0; j < D; j++) q0[j] = q[D + j];
  cr_assert_eq(hop_attn_grad(&k, &h, q0, g, w), HOP_OK);
  cr_assert_eq(hop_attn_step(&k, &h, q, 3, NULL, w), HOP_OK);
  for (size_t j = 0; j < 3 * D; j++)
    cr_assert(fabs(q[j] - want[j]) < 1e-14, "component %zu: %.17g vs %.17g", j, q[j], want[j]);
  for (size_t j = 0; j < D; j++) /* the step is xi - grad E */
    cr_assert(fabs(q[D + j] - (q0[j] - g[j])) < 1e-14);
  hop_attn_work_free(w);
  gsl_rng_free(r);
}

Test(attn, two_opposite_keys_give_tanh) {
  /* keys +1 and -1 in one dimension: the update is xi <- tanh(beta xi), and
   * E(xi) = -(1/beta) log(2 cosh(beta xi)) + xi^2/2 + (1/beta) log 2 + 1/2 */
  double x[2] = {1.0, -1.0};
  hop_attn_keys k;
  cr_assert_eq(hop_attn_keys_init(&k, x, 2, 1), HOP_OK);
  hop_attn_work *w = hop_attn_work_alloc(2, 1, 1);
  for (double beta = 0.5; beta < 5; beta += 0.75)
    for (double xi0 = -1.5; xi0 < 1.6; xi0 += 0.5) {
      hop_attn_head h = head(HOP_ATTN_LINEAR, beta, NULL);
      double xi = xi0, e;
      cr_assert_eq(hop_attn_energy(&k, &h, &xi, &e, w), HOP_OK);
      double want = -log(2.0 * cosh(beta * xi0)) / beta + 0.5 * xi0 * xi0 + log(2.0) / beta + 0.5;
      cr_assert(fabs(e - want) < 1e-14, "E(%g) at beta %g: %.17g vs %.17g", xi0, beta, e, want);
      cr_assert_eq(hop_attn_step(&k, &h, &xi, 1, NULL, w), HOP_OK);
      cr_assert(fabs(xi - tanh(beta * xi0)) < 1e-15, "step from %g at beta %g", xi0, beta);
    }
  hop_attn_work_free(w);
}

Test(attn, linear_energy_equals_the_uhn_energy) {
  gsl_rng *r = hop_rng_alloc(2385, 2);
  float xf[N * D], qf[D];
  double x[N * D], q[D], e;
  for (size_t j = 0; j < N * D; j++) x[j] = xf[j] = (float)gsl_ran_gaussian(r, 0.5);
  for (size_t j = 0; j < D; j++) q[j] = qf[j] = (float)gsl_ran_gaussian(r, 1.0);
  hop_attn_keys k;
  cr_assert_eq(hop_attn_keys_init(&k, x, N, D), HOP_OK);
  hop_attn_work *w = hop_attn_work_alloc(N, D, 1);
  hop_uhn *m = hop_uhn_alloc(xf, N, D);
  hop_uhn_work *uw = hop_uhn_work_alloc(m, 1);
  cr_assert_eq(hop_attn_energy(&k, &head(HOP_ATTN_LINEAR, 1.7, NULL), q, &e, w), HOP_OK);
  double eu = hop_uhn_energy(m, qf, 1.7, uw);
  cr_assert(fabs(e - eu) < 1e-5 * (1 + fabs(e)), "hop_attn %.9g, hop_uhn %.9g", e, eu);
  hop_uhn_work_free(uw);
  hop_uhn_free(m);
  hop_attn_work_free(w);
  gsl_rng_free(r);
}

/* Central differences along random directions for each head (tests/checks.h). */
typedef struct {
  hop_attn_keys k;
  hop_attn_head h;
  hop_attn_work *w;
  double xi[D], x0[D];
} grad_ctx;

static double along(void *ctx, const double *u, double t) {
  grad_ctx *c = ctx;
  double e = NAN;
  for (size_t j = 0; j < D; j++) c->xi[j] = c->x0[j] + t * u[j];
  cr_assert_eq(hop_attn_energy(&c->k, &c->h, c->xi, &e, c->w), HOP_OK);
  return e;
}

Test(attn, gradient_matches_central_differences_for_every_head) {
  gsl_rng *r = hop_rng_alloc(2385, 3);
  static double x[N * D];
  hop_attn_spline *s = spline();
  grad_ctx c = {.w = hop_attn_work_alloc(N, D, 1)};
  unit_keys(r, x, N, D);
  cr_assert_eq(hop_attn_keys_init(&c.k, x, N, D), HOP_OK);
  for (int kind = HOP_ATTN_LINEAR; kind <= HOP_ATTN_RBF; kind++)
    for (int trial = 0; trial < 5; trial++) {
      c.h = head((hop_attn_kind)kind, 0.1 + 1.3 * trial, s);
      double g[D];
      for (size_t j = 0; j < D; j++) c.x0[j] = gsl_ran_gaussian(r, 0.7);
      cr_assert_eq(hop_attn_grad(&c.k, &c.h, c.x0, g, c.w), HOP_OK);
      check_gradient(hop_attn_kind_name(c.h.kind), along, &c, g, D, r, 6, 1e-5, 1e-7, 1e-10, 1e-6);
    }
  hop_attn_work_free(c.w);
  hop_attn_spline_free(s);
  gsl_rng_free(r);
}

Test(attn, complex_step_reaches_machine_precision) {
  gsl_rng *r = hop_rng_alloc(2385, 4);
  static double x[N * D];
  unit_keys(r, x, N, D);
  hop_attn_keys k;
  cr_assert_eq(hop_attn_keys_init(&k, x, N, D), HOP_OK);
  hop_attn_work *w = hop_attn_work_alloc(N, D, 1);
  double complex z[N], xc[D], e;
  for (int t = 0; t < 20; t++) {
    double xi[D], g[D], beta = 0.1 * pow(40.0, t / 19.0), err = 0, norm = 0;
    for (size_t j = 0; j < D; j++) xi[j] = gsl_ran_gaussian(r, 1.0);
    cr_assert_eq(hop_attn_grad(&k, &head(HOP_ATTN_LINEAR, beta, NULL), xi, g, w), HOP_OK);
    for (size_t j = 0; j < D; j++) {
      for (size_t l = 0; l < D; l++) xc[l] = xi[l] + (l == j ? 1e-30 * I : 0);
      cr_assert_eq(hop_attn_energy_complex(&k, beta, xc, &e, z), HOP_OK);
      err += pow(cimag(e) / 1e-30 - g[j], 2);
      norm += g[j] * g[j];
    }
    cr_assert(sqrt(err / norm) < 1e-13, "beta %g: relative error %.3g", beta, sqrt(err / norm));
    double complex e0; /* and the real part is the energy */
    double er;
    for (size_t l = 0; l < D; l++) xc[l] = xi[l];
    cr_assert_eq(hop_attn_energy_complex(&k, beta, xc, &e0, z), HOP_OK);
    cr_assert_eq(hop_attn_energy(&k, &head(HOP_ATTN_LINEAR, beta, NULL), xi, &er, w), HOP_OK);
    cr_assert(fabs(creal(e0) - er) < 1e-13 * (1 + fabs(er)) && cimag(e0) == 0.0);
  }
  hop_attn_work_free(w);
  gsl_rng_free(r);
}

/* Each head's update under the shared descent check: fresh keys, state and beta per run. */
typedef struct {
  double x[N * D], q[D];
  hop_attn_keys k;
  hop_attn_head h;
  hop_attn_work *w;
  int run;
} flow;

static void flow_start(void *ctx, gsl_rng *r) {
  flow *c = ctx;
  for (size_t j = 0; j < N * D; j++) c->x[j] = gsl_ran_gaussian(r, 0.3);
  hop_attn_keys_init(&c->k, c->x, N, D);
  for (size_t j = 0; j < D; j++) c->q[j] = gsl_ran_gaussian(r, 2.0);
  c->h.beta = 0.2 + 2.0 * (c->run++ % 10);
  if (c->h.kind == HOP_ATTN_POLY) c->h.c = 1.5 * c->k.max_norm * c->k.max_norm;
}
static int flow_step(void *ctx) {
  flow *c = ctx;
  return hop_attn_step(&c->k, &c->h, c->q, 1, NULL, c->w);
}
static double flow_energy(void *ctx) {
  flow *c = ctx;
  double e = NAN;
  hop_attn_energy(&c->k, &c->h, c->q, &e, c->w);
  return e;
}

Test(attn, every_head_s_update_never_increases_the_energy) {
  gsl_rng *r = hop_rng_alloc(2385, 5);
  hop_attn_spline *s = spline();
  static flow c;
  c.w = hop_attn_work_alloc(N, D, 1);
  const check_model mod = {flow_start, flow_step, flow_energy};
  for (int kind = HOP_ATTN_LINEAR; kind <= HOP_ATTN_RBF; kind++) {
    c.h = head((hop_attn_kind)kind, 1.0, s);
    check_descent(hop_attn_kind_name(c.h.kind), &mod, &c, r, 40, 25, 1e-13, 1e-3);
  }
  hop_attn_work_free(c.w);
  hop_attn_spline_free(s);
  gsl_rng_free(r);
}

Test(attn, batched_and_one_by_one_agree) {
  gsl_rng *r = hop_rng_alloc(2385, 6);
  hop_attn_spline *s = spline();
  static double x[N * D], qa[5 * D], qb[5 * D];
  unit_keys(r, x, N, D);
  hop_attn_keys k;
  hop_attn_keys_init(&k, x, N, D);
  hop_attn_work *w = hop_attn_work_alloc(N, D, 5);
  for (int kind = HOP_ATTN_LINEAR; kind <= HOP_ATTN_RBF; kind++) {
    hop_attn_head h = head((hop_attn_kind)kind, 3.0, s);
    for (size_t j = 0; j < 5 * D; j++) qa[j] = qb[j] = gsl_ran_gaussian(r, 1.0);
    cr_assert_eq(hop_attn_step(&k, &h, qa, 5, NULL, w), HOP_OK);
    for (size_t m = 0; m < 5; m++)
      cr_assert_eq(hop_attn_step(&k, &h, qb + m * D, 1, NULL, w), HOP_OK);
    for (size_t j = 0; j < 5 * D; j++)
      cr_assert(fabs(qa[j] - qb[j]) < 1e-14, "%s", hop_attn_kind_name(h.kind));
  }
  hop_attn_work_free(w);
  hop_attn_spline_free(s);
  gsl_rng_free(r);
}

Test(attn, spline_reproduces_a_line_and_continues_linearly) {
  const double u[] = {-1, 0, 0.5, 2}, g[] = {-1, 1, 2, 5}; /* g = 2u + 1 */
  hop_attn_spline *s = hop_attn_spline_new(u, g, 4);
  cr_assert_not_null(s);
  for (double v = -3; v <= 4; v += 0.37) {
    double gv, dg, d2;
    hop_attn_spline_eval(s, v, &gv, &dg, &d2);
    cr_assert(fabs(gv - (2 * v + 1)) < 1e-13 && fabs(dg - 2) < 1e-13 && fabs(d2) < 1e-12, "u = %g",
              v);
  }
  hop_attn_spline_free(s);
  /* a convex-then-steep spline: C^1 at the end knots, L from its smallest g'' */
  s = spline();
  double a, b, da, db;
  hop_attn_spline_eval(s, 1.5 - 1e-9, &a, &da, NULL);
  hop_attn_spline_eval(s, 1.5 + 1e-9, &b, &db, NULL);
  cr_assert(fabs(a - b) < 1e-8 && fabs(da - db) < 1e-6);
  double x[2] = {2.0, 0.0};
  hop_attn_keys k;
  hop_attn_keys_init(&k, x, 1, 2);
  double L = hop_attn_curvature(&head(HOP_ATTN_SPLINE, 1, s), &k), mind2 = INFINITY;
  for (double v = -2; v <= 1.5; v += 1e-3) {
    double d2;
    hop_attn_spline_eval(s, v, NULL, NULL, &d2);
    mind2 = fmin(mind2, d2);
  }
  cr_assert(fabs(L - fmax(0, -mind2) * 4.0) < 1e-6, "L = %g, sampled min g'' = %g", L, mind2);
  hop_attn_spline_free(s);
  cr_assert_null(hop_attn_spline_new(u, g, 2));
  const double bad[] = {0, 1, 1};
  cr_assert_null(hop_attn_spline_new(bad, g, 3));
}

Test(attn, refuses_bad_parameters_and_sizes) {
  double x[4] = {1, 0, 0, 2}, q[2] = {0, 0}, e;
  hop_attn_keys k;
  cr_assert_eq(hop_attn_keys_init(&k, x, 0, 2), HOP_EINVAL);
  cr_assert_eq(hop_attn_keys_init(&k, x, 2, 0), HOP_EINVAL);
  x[3] = NAN;
  cr_assert_eq(hop_attn_keys_init(&k, x, 2, 2), HOP_EDOM);
  x[3] = 2;
  cr_assert_eq(hop_attn_keys_init(&k, x, 2, 2), HOP_OK);
  cr_assert_null(hop_attn_work_alloc((size_t)1 << 20, (size_t)1 << 12, 1));
  cr_assert_eq(hop_error_code(), HOP_ERANGE);
  hop_attn_work *w = hop_attn_work_alloc(2, 2, 1);
  const double betas[] = {0, -1, NAN, INFINITY};
  for (int b = 0; b < 4; b++)
    cr_assert_eq(hop_attn_energy(&k, &head(HOP_ATTN_LINEAR, betas[b], NULL), q, &e, w), HOP_EINVAL);
  hop_attn_head p = head(HOP_ATTN_POLY, 1, NULL);
  p.c = 4.0; /* = M^2: unbounded */
  cr_assert_eq(hop_attn_energy(&k, &p, q, &e, w), HOP_EINVAL);
  p.c = 4.5;
  cr_assert_eq(hop_attn_energy(&k, &p, q, &e, w), HOP_OK);
  cr_assert_eq(hop_attn_energy(&k, &head(HOP_ATTN_SPLINE, 1, NULL), q, &e, w), HOP_EINVAL);
  hop_attn_head rb = head(HOP_ATTN_RBF, 1, NULL);
  rb.sigma = 0;
  cr_assert_eq(hop_attn_energy(&k, &rb, q, &e, w), HOP_EINVAL);
  double qq[4] = {0};
  cr_assert_eq(hop_attn_step(&k, &head(HOP_ATTN_LINEAR, 1, NULL), qq, 2, NULL, w), HOP_EBADLEN);
  q[1] = INFINITY;
  cr_assert_eq(hop_attn_step(&k, &head(HOP_ATTN_LINEAR, 1, NULL), q, 1, NULL, w), HOP_EDOM);
  hop_attn_work_free(w);
}

/* Self-attention against multi-head attention written as loops: for each head, each
 * query token a: w_ab = exp(beta q_a.k_b) / sum, o_a = sum_b w_ab v_b; out = sum_h o W_O. */
static void naive_mha(const double *t, size_t n, size_t dm, const hop_attn_proj *hs, size_t nh,
                      double beta, double *out) {
  for (size_t a = 0; a < n * dm; a++) out[a] = 0.0;
  for (size_t h = 0; h < nh; h++) {
    const hop_attn_proj *p = hs + h;
    for (size_t a = 0; a < n; a++) {
      double wts[64], z = 0.0, o[64] = {0};
      for (size_t b = 0; b < n; b++) {
        double s = 0.0;
        for (size_t c = 0; c < p->dk; c++) {
          double qa = 0.0, kb = 0.0;
          for (size_t m = 0; m < dm; m++)
            qa += t[a * dm + m] * p->wq[m * p->dk + c], kb += t[b * dm + m] * p->wk[m * p->dk + c];
          s += qa * kb;
        }
        wts[b] = s;
      }
      double mx = wts[0];
      for (size_t b = 1; b < n; b++) mx = fmax(mx, wts[b]);
      for (size_t b = 0; b < n; b++) z += wts[b] = exp(beta * (wts[b] - mx));
      for (size_t b = 0; b < n; b++)
        for (size_t c = 0; c < p->dv; c++) {
          double vb = 0.0;
          for (size_t m = 0; m < dm; m++) vb += t[b * dm + m] * p->wv[m * p->dv + c];
          o[c] += wts[b] / z * vb;
        }
      for (size_t c = 0; c < p->dv; c++)
        for (size_t m = 0; m < dm; m++) out[a * dm + m] += o[c] * p->wo[c * dm + m];
    }
  }
}

Test(attn, self_attention_is_multi_head_attention_and_a_descent_step) {
  enum { T = 12, DM = 10, H = 3, DK = 4, DV = 5 };
  gsl_rng *r = hop_rng_alloc(2385, 7);
  static double t[T * DM], wq[H][DM * DK], wk[H][DM * DK], wv[H][DM * DV], wo[H][DV * DM];
  static double out[T * DM], want[T * DM], states[H * T * DK], q0[H * T * DK];
  hop_attn_proj hs[H];
  for (size_t j = 0; j < T * DM; j++) t[j] = gsl_ran_gaussian(r, 1.0);
  for (int h = 0; h < H; h++) {
    for (size_t j = 0; j < DM * DK; j++)
      wq[h][j] = gsl_ran_gaussian(r, 0.5), wk[h][j] = gsl_ran_gaussian(r, 0.5);
    for (size_t j = 0; j < DM * DV; j++)
      wv[h][j] = gsl_ran_gaussian(r, 0.5), wo[h][j] = gsl_ran_gaussian(r, 0.5);
    hs[h] = (hop_attn_proj){DK, DV, wq[h], wk[h], wv[h], wo[h]};
    for (size_t a = 0; a < T; a++) /* the starting states: Q = T W_Q */
      for (size_t c = 0; c < DK; c++) {
        double s = 0.0;
        for (size_t m = 0; m < DM; m++) s += t[a * DM + m] * wq[h][m * DK + c];
        q0[(h * T + a) * DK + c] = s;
      }
  }
  double beta = 1.0 / sqrt(DK), e0, e1;
  cr_assert_eq(hop_attn_self(t, T, DM, hs, H, beta, out, states), HOP_OK);
  naive_mha(t, T, DM, hs, H, beta, want);
  for (size_t j = 0; j < T * DM; j++)
    cr_assert(fabs(out[j] - want[j]) < 1e-12 * (1 + fabs(want[j])), "out[%zu]", j);
  cr_assert_eq(hop_attn_self_energy(t, T, DM, hs, H, beta, q0, &e0), HOP_OK);
  cr_assert_eq(hop_attn_self_energy(t, T, DM, hs, H, beta, states, &e1), HOP_OK);
  cr_assert(e1 < e0, "the attention step did not lower the energy: %.17g -> %.17g", e0, e1);
  cr_assert_eq(hop_attn_self(t, T, DM, hs, 0, beta, out, NULL), HOP_EINVAL);
  cr_assert_eq(hop_attn_self(t, T, DM, hs, H, 0.0, out, NULL), HOP_EINVAL);
  gsl_rng_free(r);
}

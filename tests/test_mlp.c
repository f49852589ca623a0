/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/learn/hop_mlp (backprop checked by central finite differences). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hop_error.h"
#include "hop_mlp.h"
#include "hop_rng.h"
#include "checks.h"
#include <gsl/gsl_randist.h>

/* The network's parameters as one vector: p0 (n) holds them at the point checked. */
typedef struct {
  hop_mlp *m;
  double *p0;
  size_t n;
  const float *x;
  const unsigned char *y;
  size_t batch;
  hop_mlp_work *w;
} mlp_line;

/* The k-th parameter: layer by layer, weights then biases. */
static double *param(hop_mlp *m, size_t k) {
  for (size_t l = 0; l < m->n_layers; l++) {
    size_t nw = m->sizes[l] * m->sizes[l + 1], nb = m->sizes[l + 1];
    if (k < nw) return &m->w[l][k];
    k -= nw;
    if (k < nb) return &m->b[l][k];
    k -= nb;
  }
  cr_assert_fail("parameter index out of range");
  return NULL;
}

static double mlp_at(void *ctx, const double *u, double t) {
  mlp_line *c = ctx;
  for (size_t k = 0; k < c->n; k++) *param(c->m, k) = c->p0[k] + t * u[k];
  return hop_mlp_loss(c->m, c->x, c->y, c->batch, NULL, c->w);
}

/* Backprop against central differences along 30 random directions of parameter space
 * (tests/checks.h); non-zero biases so that their gradients matter. */
static void gradient_check(const size_t *sizes, size_t n_sizes) {
  enum { B = 7 };
  gsl_rng *r = hop_rng_alloc(2385, 20);
  hop_mlp *m = hop_mlp_alloc(sizes, n_sizes), *g = hop_mlp_alloc(sizes, n_sizes);
  hop_mlp_init(m, r);
  for (size_t l = 0; l < m->n_layers; l++)
    for (size_t j = 0; j < sizes[l + 1]; j++) m->b[l][j] = gsl_ran_gaussian(r, 0.3);
  hop_mlp_work *w = hop_mlp_work_alloc(m, B);
  float x[B * 16];
  unsigned char y[B];
  for (size_t k = 0; k < B * sizes[0]; k++) x[k] = (float)gsl_ran_gaussian(r, 1.0);
  for (int n = 0; n < B; n++) y[n] = (unsigned char)(n % sizes[n_sizes - 1]);
  cr_assert(isfinite(hop_mlp_loss(m, x, y, B, g, w)));
  size_t n = 0;
  for (size_t l = 0; l < m->n_layers; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  double *p0 = malloc(n * sizeof *p0), *grad = malloc(n * sizeof *grad);
  for (size_t k = 0; k < n; k++) {
    p0[k] = *param(m, k);
    grad[k] = *param(g, k);
  }
  mlp_line c = {m, p0, n, x, y, B, w};
  check_gradient("mlp loss", mlp_at, &c, grad, n, r, 30, 1e-5, 1e-6, 1e-10, 1e-4);
  free(p0);
  free(grad);
  hop_mlp_work_free(w);
  hop_mlp_free(m);
  hop_mlp_free(g);
  gsl_rng_free(r);
}

Test(mlp, gradient_check_softmax_regression) {
  size_t s[2] = {16, 10};
  gradient_check(s, 2);
}

Test(mlp, gradient_check_with_hidden_layers) {
  size_t s[4] = {9, 7, 5, 3};
  gradient_check(s, 4);
}

Test(mlp, trains_on_separable_data) {
  enum { F = 10, C = 3, N = 600 };
  gsl_rng *r = hop_rng_alloc(2385, 21);
  static float x[N * F];
  static unsigned char y[N], pred[N];
  for (int n = 0; n < N; n++) {
    y[n] = (unsigned char)(n % C);
    for (int i = 0; i < F; i++)
      x[n * F + i] = (float)gsl_ran_gaussian(r, 1.0) + (i % C == y[n] ? 1.5f : 0.0f);
  }
  size_t s[2] = {F, C};
  hop_mlp *m = hop_mlp_alloc(s, 2), *g = hop_mlp_alloc(s, 2);
  hop_mlp_init(m, r);
  hop_mlp_work *w = hop_mlp_work_alloc(m, N);
  double l0 = hop_mlp_loss(m, x, y, N / 2, NULL, w), l = l0;
  for (int epoch = 0; epoch < 30; epoch++)
    for (int b = 0; b < N / 2; b += 30) {
      l = hop_mlp_loss(m, x + b * F, y + b, 30, g, w);
      hop_mlp_sgd(m, g, 0.1);
    }
  double l1 = hop_mlp_loss(m, x, y, N / 2, NULL, w);
  cr_assert_lt(l1, 0.5 * l0, "loss %g -> %g", l0, l1);
  hop_mlp_predict(m, x + (N / 2) * F, N / 2, NULL, pred, w);
  int correct = 0;
  for (int n = 0; n < N / 2; n++) correct += pred[n] == y[N / 2 + n];
  cr_assert_gt(correct, (int)(0.9 * N / 2), "held-out accuracy %d / %d", correct, N / 2);
  (void)l;
  hop_mlp_work_free(w);
  hop_mlp_free(m);
  hop_mlp_free(g);
  gsl_rng_free(r);
}

Test(mlp, extreme_logits_stay_finite_and_bad_shapes_fail) {
  size_t s[2] = {2, 2};
  hop_mlp *m = hop_mlp_alloc(s, 2);
  hop_mlp_work *w = hop_mlp_work_alloc(m, 1);
  m->w[0][0] = 1e4; /* logit 1e4 for class 0 */
  float x[2] = {1.0f, 0.0f};
  unsigned char y0 = 0, y1 = 1;
  cr_assert_float_eq(hop_mlp_loss(m, x, &y0, 1, NULL, w), 0.0, 1e-12);
  double l = hop_mlp_loss(m, x, &y1, 1, NULL, w);
  cr_assert(isfinite(l) && l > 600, "loss %g", l);
  hop_error_clear();
  cr_assert(isnan(hop_mlp_loss(m, x, &y0, 2, NULL, w))); /* batch beyond the scratch */
  cr_assert_eq(hop_error_code(), HOP_EBADLEN, "%s", hop_error_message());
  unsigned char pred[4];
  float x4[8] = {0};
  cr_assert_eq(hop_mlp_predict(m, x4, 4, NULL, pred, w), HOP_EBADLEN); /* overflowed before */
  cr_assert_eq(hop_mlp_predict(m, x4, 0, NULL, pred, w), HOP_EINVAL);
  cr_assert_eq(hop_mlp_predict(m, x4, 1, NULL, pred, w), HOP_OK);
  size_t one[1] = {3}, zero[2] = {3, 0}, many[6] = {1, 1, 1, 1, 1, 2};
  cr_assert_null(hop_mlp_alloc(one, 1));
  cr_assert_null(hop_mlp_alloc(zero, 2));
  cr_assert_null(hop_mlp_alloc(many, 6));
  cr_assert_null(hop_mlp_work_alloc(m, 0));
  hop_mlp_work_free(w);
  hop_mlp_free(m);
}

/* The bytes between the processes of one run: a round trip gives the same network, and a
 * length that does not match the header is refused. */
Test(mlp, encode_decode_round_trip) {
  size_t sizes[] = {5, 4, 3};
  hop_mlp *m = hop_mlp_alloc(sizes, 3);
  gsl_rng *r = hop_rng_alloc(1, 0);
  hop_mlp_init(m, r);
  m->b[1][2] = 0.25;
  size_t len = hop_mlp_encoded_size(m);
  unsigned char *buf = malloc(len);
  hop_mlp_encode(m, buf);
  hop_mlp *d = hop_mlp_decode(buf, len);
  cr_assert_not_null(d, "%s", hop_error_message());
  cr_assert_eq(d->n_layers, 2);
  for (size_t l = 0; l < 2; l++) {
    cr_assert_eq(d->sizes[l + 1], sizes[l + 1]);
    cr_assert(!memcmp(d->w[l], m->w[l], sizes[l] * sizes[l + 1] * sizeof(double)));
    cr_assert(!memcmp(d->b[l], m->b[l], sizes[l + 1] * sizeof(double)));
  }
  cr_assert_null(hop_mlp_decode(buf, len - 1));
  cr_assert_eq(hop_error_code(), HOP_EFORMAT);
  cr_assert_null(hop_mlp_decode(buf, 3));
  hop_mlp_free(d), hop_mlp_free(m), gsl_rng_free(r), free(buf);
}

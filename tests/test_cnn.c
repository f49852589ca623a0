/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/learn/hop_cnn (forward pass against a direct double-precision
 * reference, every layer's backward pass by central differences, chunked batches equal
 * to one batch, the weights file) and hop_optim (SGD momentum and Adam against their
 * formulas). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <string.h>
#include "checks.h"
#include "helpers.h"
#include "hop_cnn.h"
#include "hop_error.h"
#include "hop_optim.h"
#include "hop_rng.h"

enum { PX = HOP_CNN_SIDE * HOP_CNN_SIDE };
static const hop_cnn_arch SMALL = {3, 4, 6, 5};

/* A small network with non-zero biases and a batch of random images. */
static hop_cnn *small_net(gsl_rng *r, float *x, unsigned char *y, size_t batch) {
  hop_cnn *n = hop_cnn_alloc(&SMALL);
  cr_assert_not_null(n);
  hop_cnn_init(n, r);
  for (size_t i = 0; i < batch * PX; i++) x[i] = (float)gsl_rng_uniform(r);
  for (size_t b = 0; b < batch; b++) y[b] = (unsigned char)(b * 3 % SMALL.classes);
  return n;
}

/* The network's logits for one image, by direct loops in double (no im2col). */
static void reference_logits(const hop_cnn *n, const float *x, double *z) {
  const hop_cnn_arch *a = &n->a;
  double c1[16][24][24], p1[16][12][12], c2[16][8][8], p2[16 * 16], h[64];
  cr_assert(a->c1 <= 16 && a->c2 <= 16 && a->feat <= 64);
  for (size_t o = 0; o < a->c1; o++)
    for (int i = 0; i < 24; i++)
      for (int j = 0; j < 24; j++) {
        double s = n->b1[o];
        for (int u = 0; u < 5; u++)
          for (int v = 0; v < 5; v++)
            s += (double)n->w1[o * 25 + u * 5 + v] * x[(i + u) * 28 + j + v];
        c1[o][i][j] = s > 0 ? s : 0;
      }
  for (size_t o = 0; o < a->c1; o++)
    for (int i = 0; i < 12; i++)
      for (int j = 0; j < 12; j++)
        p1[o][i][j] = fmax(fmax(c1[o][2 * i][2 * j], c1[o][2 * i][2 * j + 1]),
                           fmax(c1[o][2 * i + 1][2 * j], c1[o][2 * i + 1][2 * j + 1]));
  for (size_t o = 0; o < a->c2; o++)
    for (int i = 0; i < 8; i++)
      for (int j = 0; j < 8; j++) {
        double s = n->b2[o];
        for (size_t ci = 0; ci < a->c1; ci++)
          for (int u = 0; u < 5; u++)
            for (int v = 0; v < 5; v++)
              s += (double)n->w2[(o * a->c1 + ci) * 25 + u * 5 + v] * p1[ci][i + u][j + v];
        c2[o][i][j] = s > 0 ? s : 0;
      }
  for (size_t o = 0; o < a->c2; o++)
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++)
        p2[o * 16 + i * 4 + j] = fmax(fmax(c2[o][2 * i][2 * j], c2[o][2 * i][2 * j + 1]),
                                      fmax(c2[o][2 * i + 1][2 * j], c2[o][2 * i + 1][2 * j + 1]));
  size_t fl = a->c2 * 16;
  for (size_t f = 0; f < a->feat; f++) {
    double s = n->b3[f];
    for (size_t i = 0; i < fl; i++) s += (double)n->w3[f * fl + i] * p2[i];
    h[f] = s > 0 ? s : 0;
  }
  for (size_t c = 0; c < a->classes; c++) {
    double s = n->b4[c];
    for (size_t f = 0; f < a->feat; f++) s += (double)n->w4[c * a->feat + f] * h[f];
    z[c] = s;
  }
}

Test(cnn, forward_matches_direct_convolution) {
  enum { B = 3 };
  gsl_rng *r = hop_rng_alloc(2385, 90);
  float x[B * PX], z[B * 5], feat[B * 6];
  unsigned char y[B];
  hop_cnn *n = small_net(r, x, y, B);
  hop_cnn_work *w = hop_cnn_work_alloc(&SMALL, B);
  cr_assert_eq(hop_cnn_forward(n, x, B, feat, z, w), HOP_OK);
  double spread = 0.0;
  for (size_t b = 0; b < B; b++) {
    double ref[5];
    reference_logits(n, x + b * PX, ref);
    for (int c = 0; c < 5; c++) {
      cr_assert_float_eq(z[b * 5 + c], ref[c], 1e-4 * (1 + fabs(ref[c])),
                         "image %zu class %d: %g vs %g", b, c, z[b * 5 + c], ref[c]);
      spread += fabs(ref[c] - ref[0]);
    }
  }
  cr_assert_gt(spread, 1e-3, "the logits do not depend on the class: the check would be vacuous");
  size_t live = 0;
  for (size_t i = 0; i < B * 6; i++) live += feat[i] > 0;
  cr_assert_gt(live, 0, "every feature is 0");
  hop_cnn_work_free(w);
  hop_cnn_free(n);
  gsl_rng_free(r);
}

/* The loss along a direction u of one layer's parameters (the rest fixed). */
typedef struct {
  hop_cnn *n;
  float *p0;
  size_t off, len;
  const float *x;
  const unsigned char *y;
  size_t batch;
  hop_cnn_work *w;
} cnn_line;

static double cnn_at(void *ctx, const double *u, double t) {
  cnn_line *c = ctx;
  for (size_t i = 0; i < c->len; i++)
    c->n->params[c->off + i] = (float)(c->p0[c->off + i] + t * u[i]);
  cr_assert_eq(hop_cnn_forward(c->n, c->x, c->batch, NULL, NULL, c->w), HOP_OK);
  return hop_cnn_backward(c->n, c->y, c->batch, NULL, NULL, c->w);
}

Test(cnn, backward_of_every_layer_by_central_differences) {
  enum { B = 3 };
  gsl_rng *r = hop_rng_alloc(2385, 91);
  float x[B * PX];
  unsigned char y[B];
  hop_cnn *n = small_net(r, x, y, B);
  for (size_t i = 0; i < n->n_params; i++) n->params[i] *= 2.0f; /* larger gradients than at init */
  for (size_t f = 0; f < SMALL.feat; f++) n->b3[f] = 0.3f;       /* every feature alive */
  hop_cnn_work *w = hop_cnn_work_alloc(&SMALL, B);
  float *g = malloc(n->n_params * sizeof *g), *p0 = malloc(n->n_params * sizeof *p0);
  memcpy(p0, n->params, n->n_params * sizeof *p0);
  cr_assert_eq(hop_cnn_forward(n, x, B, NULL, NULL, w), HOP_OK);
  cr_assert(isfinite(hop_cnn_backward(n, y, B, g, NULL, w)));
  size_t off[8], len[8];
  hop_cnn_layout(&SMALL, off, len);
  static const char *names[8] = {"conv1 w", "conv1 b", "conv2 w", "conv2 b",
                                 "fc w",    "fc b",    "head w",  "head b"};
  for (int l = 0; l < 8; l++) {
    double *gd = malloc(len[l] * sizeof *gd);
    for (size_t i = 0; i < len[l]; i++) gd[i] = g[off[l] + i];
    cnn_line c = {n, p0, off[l], len[l], x, y, B, w};
    /* float logits: eps 3e-4 keeps the rounding of the difference near 3e-4 while a
     * ReLU or a pool's maximum rarely switches inside the interval */
    check_gradient(names[l], cnn_at, &c, gd, len[l], r, 6, 3e-4, 3e-2, 5e-4, 1e-3);
    free(gd);
  }
  free(g), free(p0);
  hop_cnn_work_free(w);
  hop_cnn_free(n);
  gsl_rng_free(r);
}

Test(cnn, chunked_batch_equals_one_batch_for_any_thread_count) {
  enum { B = 10 };
  gsl_rng *r = hop_rng_alloc(2385, 92);
  float x[B * PX];
  unsigned char y[B];
  hop_cnn *n = small_net(r, x, y, B);
  hop_cnn_work *w = hop_cnn_work_alloc(&SMALL, B);
  hop_cnn_par *p3 = hop_cnn_par_alloc(&SMALL, B, 3);
  cr_assert_not_null(p3);
  float *g1 = malloc(n->n_params * sizeof *g1), *g3 = malloc(n->n_params * sizeof *g3),
        *g3b = malloc(n->n_params * sizeof *g3b);
  size_t c1, c3;
  hop_cnn_forward(n, x, B, NULL, NULL, w);
  double l1 = hop_cnn_backward(n, y, B, g1, &c1, w);
  omp_set_num_threads(1);
  double l3 = hop_cnn_par_grad(n, x, y, B, g3, &c3, p3);
  omp_set_num_threads(2);
  double l3b = hop_cnn_par_grad(n, x, y, B, g3b, NULL, p3);
  cr_assert_float_eq(l1, l3, 1e-6, "loss %g vs chunked %g", l1, l3);
  cr_assert_eq(c1, c3);
  cr_assert_eq(l3, l3b, "1 thread %.17g, 2 threads %.17g", l3, l3b);
  cr_assert_eq(memcmp(g3, g3b, n->n_params * sizeof *g3), 0,
               "chunked gradients differ between thread counts");
  double worst = 0.0, scale = 0.0;
  for (size_t i = 0; i < n->n_params; i++) {
    worst = fmax(worst, fabs((double)g1[i] - g3[i]));
    scale = fmax(scale, fabs((double)g1[i]));
  }
  cr_assert_gt(scale, 1e-3);
  cr_assert_leq(worst, 1e-5 * scale, "chunked gradient differs by %g (scale %g)", worst, scale);
  /* features of the whole set in rounds */
  float f1[B * 6], f3[B * 6];
  hop_cnn_par *p2 = hop_cnn_par_alloc(&SMALL, 4, 2); /* rounds of 2 x 2 images */
  hop_cnn_forward(n, x, B, f1, NULL, w);
  cr_assert_eq(hop_cnn_par_forward(n, x, B, f3, NULL, p2), HOP_OK);
  for (size_t i = 0; i < B * 6; i++) cr_assert_float_eq(f1[i], f3[i], 1e-5);
  cr_assert(isnan(hop_cnn_par_grad(n, x, y, 13, g3, NULL, p3)),
            "a batch above the chunks' capacity must be refused");
  cr_assert_eq(hop_error_code(), HOP_EBADLEN);
  free(g1), free(g3), free(g3b);
  hop_cnn_par_free(p2);
  hop_cnn_par_free(p3);
  hop_cnn_work_free(w);
  hop_cnn_free(n);
  gsl_rng_free(r);
}

Test(cnn, shapes_and_labels_are_checked) {
  gsl_rng *r = hop_rng_alloc(2385, 93);
  float x[4 * PX];
  unsigned char y[4];
  hop_cnn *n = small_net(r, x, y, 4);
  hop_cnn_work *w = hop_cnn_work_alloc(&SMALL, 2);
  cr_assert_eq(hop_cnn_forward(n, x, 3, NULL, NULL, w), HOP_EBADLEN);
  cr_assert_eq(hop_cnn_forward(n, x, 0, NULL, NULL, w), HOP_EBADLEN);
  hop_cnn_arch other = SMALL;
  other.feat = 7;
  hop_cnn_work *w2 = hop_cnn_work_alloc(&other, 2);
  cr_assert_eq(hop_cnn_forward(n, x, 2, NULL, NULL, w2), HOP_EBADLEN);
  cr_assert_eq(hop_cnn_forward(n, x, 2, NULL, NULL, w), HOP_OK);
  unsigned char bad[2] = {0, 5};
  cr_assert(isnan(hop_cnn_backward(n, bad, 2, NULL, NULL, w)));
  cr_assert_eq(hop_error_code(), HOP_EINVAL);
  cr_assert(isnan(hop_cnn_backward(n, y, 1, NULL, NULL, w)),
            "a backward pass of another batch size");
  hop_cnn_arch zero = {0, 4, 6, 5};
  cr_assert_null(hop_cnn_alloc(&zero));
  cr_assert_eq(hop_cnn_param_count(&SMALL), 3 * 25 + 3 + 4 * 75 + 4 + 6 * 64 + 6 + 5 * 6 + 5);
  hop_cnn_work_free(w), hop_cnn_work_free(w2);
  hop_cnn_free(n);
  gsl_rng_free(r);
}

Test(cnn, weights_file_round_trip_and_every_damage_named) {
  char dir[64], path[256], msg[512];
  tmpdir_make(dir, sizeof dir);
  gsl_rng *r = hop_rng_alloc(2385, 94);
  hop_cnn *n = hop_cnn_alloc(&SMALL);
  hop_cnn_init(n, r);
  size_t len = hop_cnn_encoded_size(n);
  unsigned char *buf = malloc(len), *bad = malloc(len);
  cr_assert_eq(hop_cnn_encode(n, 0x1234, buf, len - 1), HOP_EBADLEN);
  cr_assert_eq(hop_cnn_encode(n, 0xfeedbeef12345678ull, buf, len), HOP_OK);
  file_write(dir, "ok.bin", buf, len, path, sizeof path);
  uint64_t recipe = 0;
  hop_cnn *m = hop_cnn_load(path, &SMALL, &recipe);
  cr_assert_not_null(m, "%s", hop_error_message());
  cr_assert_eq(recipe, 0xfeedbeef12345678ull);
  cr_assert_eq(memcmp(m->params, n->params, n->n_params * sizeof(float)), 0);
  hop_cnn_free(m);
  /* truncated */
  file_write(dir, "short.bin", buf, len - 7, path, sizeof path);
  cr_assert_null(hop_cnn_load(path, &SMALL, NULL));
  cr_assert_eq(hop_error_code(), HOP_EFORMAT);
  snprintf(msg, sizeof msg, "%s", hop_error_message());
  cr_assert(strstr(msg, "short.bin") && strstr(msg, "truncated"), "%s", msg);
  /* one flipped byte in the parameters */
  memcpy(bad, buf, len);
  bad[len / 2] ^= 0x10;
  file_write(dir, "flip.bin", bad, len, path, sizeof path);
  cr_assert_null(hop_cnn_load(path, &SMALL, NULL));
  cr_assert(strstr(hop_error_message(), "damaged"), "%s", hop_error_message());
  /* another architecture */
  hop_cnn_arch other = SMALL;
  other.c2 = 8;
  file_write(dir, "ok2.bin", buf, len, path, sizeof path);
  cr_assert_null(hop_cnn_load(path, &other, NULL));
  cr_assert_eq(hop_error_code(), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "expected"), "%s", hop_error_message());
  /* not a weights file, and a missing one */
  file_write(dir, "text.bin", "hello, world, this is not a network at all, just some text.", 59,
             path, sizeof path);
  cr_assert_null(hop_cnn_load(path, NULL, NULL));
  cr_assert(strstr(hop_error_message(), "magic"), "%s", hop_error_message());
  snprintf(path, sizeof path, "%s/none.bin", dir);
  cr_assert_null(hop_cnn_load(path, NULL, NULL));
  cr_assert_eq(hop_error_code(), HOP_EIO);
  /* every single-byte truncation and every header byte flipped is refused, never read */
  for (size_t k = 0; k < len; k += 97) cr_assert_null(hop_cnn_decode(buf, k, NULL, NULL, "mem"));
  for (size_t k = 0; k < 44; k++) {
    memcpy(bad, buf, len);
    bad[k] ^= 0x01;
    cr_assert_null(hop_cnn_decode(bad, len, NULL, NULL, "mem"),
                   "header byte %zu flipped was accepted", k);
  }
  free(buf), free(bad);
  hop_cnn_free(n);
  gsl_rng_free(r);
}

Test(optim, sgd_momentum_and_adam_follow_their_formulas) {
  float p[3] = {1.0f, -2.0f, 0.5f}, g[3] = {0.5f, -1.0f, 0.0f};
  unsigned char mask[3] = {1, 0, 1};
  hop_optim_params sp = {.kind = HOP_OPTIM_SGD, .lr = 0.1, .momentum = 0.9, .weight_decay = 0.01};
  hop_optim *o = hop_optim_alloc(&sp, 3);
  hop_optim_step(o, p, g, mask);
  hop_optim_step(o, p, g, mask);
  /* parameter 1 (no decay): v1 = g, v2 = 0.9 g + g = 1.9 g; p = p0 - 0.1 (g + 1.9 g) */
  cr_assert_float_eq(p[1], -2.0f + 0.1f * 2.9f, 1e-6);
  /* parameter 2 (decay, g = 0): g1 = 0.005, p1 = 0.4995; g2 = 0.004995, v2 = 0.0045 + 0.004995 */
  double p1 = 0.5 - 0.1 * 0.005, v2 = 0.9 * 0.005 + 0.01 * p1;
  cr_assert_float_eq(p[2], p1 - 0.1 * v2, 1e-7);
  hop_optim_free(o);
  /* Adam's first step moves every coordinate by lr sign(g) (up to eps) */
  float q[3] = {1.0f, -2.0f, 0.5f}, h[3] = {0.5f, -1e-3f, 4.0f};
  hop_optim_params ap = {
      .kind = HOP_OPTIM_ADAM, .lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
  o = hop_optim_alloc(&ap, 3);
  hop_optim_step(o, q, h, NULL);
  cr_assert_float_eq(q[0], 0.99f, 1e-6);
  cr_assert_float_eq(q[1], -1.99f, 1e-5);
  cr_assert_float_eq(q[2], 0.49f, 1e-6);
  hop_optim_free(o);
  hop_optim_params badp = {.kind = HOP_OPTIM_SGD, .lr = NAN, .momentum = 0.9};
  cr_assert_null(hop_optim_alloc(&badp, 3));
  badp.lr = 0.1, badp.momentum = 1.0;
  cr_assert_null(hop_optim_alloc(&badp, 3));
}

Test(optim, training_lowers_the_loss) {
  enum { B = 20 };
  gsl_rng *r = hop_rng_alloc(2385, 95);
  float x[B * PX];
  unsigned char y[B];
  hop_cnn *n = small_net(r, x, y, B);
  for (size_t b = 0; b < B; b++) /* a bright band whose row says the label, on noise */
    for (size_t i = 0; i < PX; i++)
      x[b * PX + i] = 0.3f * x[b * PX + i] + (i / 28 / 5 == y[b] ? 1.0f : 0.0f);
  hop_cnn_par *p = hop_cnn_par_alloc(&SMALL, B, 2);
  float *g = malloc(n->n_params * sizeof *g);
  hop_optim_params sp = {.kind = HOP_OPTIM_SGD, .lr = 0.05, .momentum = 0.9};
  hop_optim *o = hop_optim_alloc(&sp, n->n_params);
  double first = hop_cnn_par_grad(n, x, y, B, g, NULL, p), last = first;
  for (int t = 0; t < 60; t++) {
    hop_optim_step(o, n->params, g, NULL);
    last = hop_cnn_par_grad(n, x, y, B, g, NULL, p);
  }
  cr_assert_lt(last, 0.5 * first, "loss %g -> %g after 60 steps on one batch", first, last);
  hop_optim_free(o);
  free(g);
  hop_cnn_par_free(p);
  hop_cnn_free(n);
  gsl_rng_free(r);
}

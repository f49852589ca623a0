/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests against reference values from an independent implementation: the NumPy
 * code of tests/reference/generate.py, written from the models' equations (not from the
 * C loops), run by developers; its output files are committed, so make check needs no
 * Python. Inputs are read from the same files (float32-exact), so only the library's
 * arithmetic is compared: float against float64, hence the relative tolerances below;
 * attention.txt comes from PyTorch in float64 and hop_attn works in double, so there
 * the tolerance is 1e-12; cnn.txt comes from PyTorch in float64 and hop_cnn works in float.
 * A mismatch names the value and the command that regenerates the files. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hop_attn.h"
#include "hop_classical.h"
#include "hop_cnn.h"
#include "hop_error.h"
#include "hop_mhc.h"
#include "hop_optim.h"
#include "hop_uhn.h"

#define REGEN "python3 tests/reference/generate.py"

/* Block NAME of tests/reference/FILE into out (exactly n values). */
static void ref(const char *file, const char *name, double *out, size_t n) {
  char path[256], line[256], want[128];
  snprintf(path, sizeof path, "tests/reference/%s", file);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot read %s (regenerate: %s)", path, REGEN);
  snprintf(want, sizeof want, "@ %s ", name);
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, want, strlen(want))) {
      size_t count = strtoul(line + strlen(want), NULL, 10);
      cr_assert_eq(count, n, "%s: block %s has %zu values, the test expects %zu (regenerate: %s)",
                   path, name, count, n, REGEN);
      for (size_t k = 0; k < n; k++) {
        cr_assert_not_null(fgets(line, sizeof line, f), "%s: block %s ends early", path, name);
        out[k] = strtod(line, NULL);
      }
      fclose(f);
      return;
    }
  fclose(f);
  cr_assert_fail("%s: no block %s (regenerate: %s)", path, name, REGEN);
}

static void to_float(const double *d, float *f, size_t n) {
  for (size_t k = 0; k < n; k++) f[k] = (float)d[k];
}

/* |got - want| <= tol (1 + |want|) for every entry. */
static void expect_near(const char *what, const float *got, const double *want, size_t n,
                        double tol) {
  for (size_t k = 0; k < n; k++)
    cr_assert(
        fabs((double)got[k] - want[k]) <= tol * (1.0 + fabs(want[k])),
        "%s[%zu]: library %.9g, reference %.9g (if the model changed on purpose, regenerate: %s)",
        what, k, (double)got[k], want[k], REGEN);
}

Test(reference, classical_energy_fields_and_updates) {
  enum { N = 12, P = 3 };
  double xi_d[P * N], s_d[N], ord_d[N], e, h_ref[N], sweep_ref[N], flips_ref, sync_ref[N];
  ref("classical.txt", "xi", xi_d, P * N);
  ref("classical.txt", "s", s_d, N);
  ref("classical.txt", "order", ord_d, N);
  ref("classical.txt", "energy", &e, 1);
  ref("classical.txt", "fields", h_ref, N);
  ref("classical.txt", "async_sweep", sweep_ref, N);
  ref("classical.txt", "async_flips", &flips_ref, 1);
  ref("classical.txt", "sync_step", sync_ref, N);
  float xi[P * N], s[N], h[N], next[N], hs[N];
  size_t order[N];
  to_float(xi_d, xi, P * N);
  to_float(s_d, s, N);
  for (int i = 0; i < N; i++) order[i] = (size_t)ord_d[i];
  hop_classical *net = hop_classical_alloc(N);
  cr_assert_eq(hop_classical_store(net, xi, P), HOP_OK);
  cr_assert_float_eq(hop_classical_energy(net, s), e, 1e-12, "energy vs reference (regenerate: %s)",
                     REGEN);
  hop_classical_fields(net, s, 1, h);
  expect_near("fields", h, h_ref, N, 0);
  cr_assert_float_eq(hop_classical_energy_h(N, s, h), e, 1e-12);
  memcpy(hs, h, sizeof h);
  cr_assert_eq(hop_classical_sync_step(net, s, next, hs) > 0, 1);
  expect_near("sync step", next, sync_ref, N, 0);
  size_t flips = hop_classical_async_sweep(net, s, h, order);
  cr_assert_eq((double)flips, flips_ref);
  cr_assert_gt(flips, 0, "the reference sweep must flip something, or it tests nothing");
  expect_near("async sweep", s, sweep_ref, N, 0);
  hop_classical_free(net);
}

Test(reference, uhn_one_step_per_similarity_and_energy) {
  enum { P = 6, D = 5, B = 2 };
  double x_d[P * D], q_d[B * D], beta, beta_l1, want[B * D], e;
  ref("uhn.txt", "x", x_d, P * D);
  ref("uhn.txt", "q", q_d, B * D);
  ref("uhn.txt", "beta", &beta, 1);
  ref("uhn.txt", "beta_l1", &beta_l1, 1);
  float x[P * D], q[B * D];
  to_float(x_d, x, P * D);
  hop_uhn *m = hop_uhn_alloc(x, P, D);
  hop_uhn_work *w = hop_uhn_work_alloc(m, B);
  static const char *names[5] = {"dot", "cosine", "euclidean", "manhattan", "l1score"};
  for (int k = 0; k < 5; k++) {
    char key[32];
    snprintf(key, sizeof key, "step_%s", names[k]);
    ref("uhn.txt", key, want, B * D);
    to_float(q_d, q, B * D);
    hop_uhn_params par = {.sim = (hop_uhn_sim)k,
                          .sep = HOP_UHN_SEP_SOFTMAX,
                          .beta = k == HOP_UHN_SIM_L1SCORE ? beta_l1 : beta,
                          .max_steps = 1,
                          .tol = 0};
    cr_assert_eq(hop_uhn_step(m, q, B, &par, NULL, NULL, w), HOP_OK, "%s", hop_error_message());
    expect_near(key, q, want, B * D, 2e-5);
  }
  to_float(q_d, q, B * D);
  ref("uhn.txt", "energy", &e, 1);
  cr_assert(fabs(hop_uhn_energy(m, q, beta, w) - e) <= 1e-5 * (1 + fabs(e)),
            "energy %.9g vs reference %.9g", hop_uhn_energy(m, q, beta, w), e);
  hop_uhn_work_free(w);
  hop_uhn_free(m);
}

Test(reference, mhc_training_step_inference_and_energy) {
  enum { NF = 7, NH = 3 };
  double prm[6], w_d[NH * NF], x_d[NF], h_d[NH], want_w[NH * NF], want_h[NH], ip[2], iv[NF], ih[NH],
      il, e;
  ref("mhc.txt", "params", prm, 6);
  ref("mhc.txt", "w", w_d, NH * NF);
  ref("mhc.txt", "x", x_d, NF);
  ref("mhc.txt", "h", h_d, NH);
  float x[NF], h[NH], v[NF];
  to_float(x_d, x, NF);
  hop_mhc *m = hop_mhc_alloc(NF, NH, prm[0], prm[1]);
  hop_mhc_work *w = hop_mhc_work_alloc(NF, NH);
  for (int r = 0; r < 2; r++) {
    const char *reading = r ? "damped" : "printed";
    char kw[32], kh[32];
    snprintf(kw, sizeof kw, "train_w_%s", reading);
    snprintf(kh, sizeof kh, "train_h_%s", reading);
    ref("mhc.txt", kw, want_w, NH * NF);
    ref("mhc.txt", kh, want_h, NH);
    to_float(w_d, m->w, NH * NF);
    to_float(h_d, h, NH);
    hop_mhc_params p = {.beta = prm[2],
                        .dt = prm[3],
                        .eta = prm[4],
                        .steps = 1,
                        .reading = r ? HOP_MHC_DAMPED : HOP_MHC_PRINTED,
                        .exact = 1};
    hop_mhc_train_step(m, x, h, (size_t)prm[5], &p, w);
    expect_near(kw, m->w, want_w, NH * NF, 1e-6);
    expect_near(kh, h, want_h, NH, 1e-6);
  }
  to_float(w_d, m->w, NH * NF);
  to_float(h_d, h, NH);
  ref("mhc.txt", "energy", &e, 1);
  cr_assert(fabs(hop_mhc_energy(m, x, h, prm[2], w) - e) <= 1e-5 * (1 + fabs(e)),
            "energy %.9g vs reference %.9g", hop_mhc_energy(m, x, h, prm[2], w), e);
  ref("mhc.txt", "infer_params", ip, 2);
  ref("mhc.txt", "infer_v", iv, NF);
  ref("mhc.txt", "infer_h", ih, NH);
  ref("mhc.txt", "infer_label", &il, 1);
  hop_mhc_params pi = {.beta = prm[2], .dt = ip[1], .steps = (size_t)ip[0], .eta = 1, .h0 = 0.0};
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937); /* h0 = 0: the draw of h does not matter */
  size_t label = hop_mhc_infer(m, x, &pi, rng, v, h, w);
  expect_near("inference v", v, iv, NF, 1e-5);
  expect_near("inference h", h, ih, NH, 1e-5);
  cr_assert_eq((double)label, il);
  gsl_rng_free(rng);
  hop_mhc_work_free(w);
  hop_mhc_free(m);
}

Test(reference, self_attention_equals_pytorch_multi_head_attention) {
  /* torch.nn.MultiheadAttention (float64) on 16 MNIST patch tokens of dimension 32, 4
   * heads of 8: head h uses columns 8h.. of W_Q, W_K, W_V and rows 8h.. of W_O. */
  enum { T = 16, DM = 32, H = 4, DK = 8 };
  static double t[T * DM], wq[DM * DM], wk[DM * DM], wv[DM * DM], wo[DM * DM], want[T * DM],
      out[T * DM];
  static double hq[H][DM * DK], hk[H][DM * DK], hv[H][DM * DK];
  ref("attention.txt", "tokens", t, T * DM);
  ref("attention.txt", "wq", wq, DM * DM);
  ref("attention.txt", "wk", wk, DM * DM);
  ref("attention.txt", "wv", wv, DM * DM);
  ref("attention.txt", "wo", wo, DM * DM);
  ref("attention.txt", "out", want, T * DM);
  hop_attn_proj hs[H];
  for (int h = 0; h < H; h++) {
    for (size_t m = 0; m < DM; m++)
      for (size_t c = 0; c < DK; c++) {
        hq[h][m * DK + c] = wq[m * DM + h * DK + c];
        hk[h][m * DK + c] = wk[m * DM + h * DK + c];
        hv[h][m * DK + c] = wv[m * DM + h * DK + c];
      }
    hs[h] = (hop_attn_proj){DK, DK, hq[h], hk[h], hv[h], wo + h * DK * DM};
  }
  cr_assert_eq(hop_attn_self(t, T, DM, hs, H, 1.0 / sqrt(DK), out, NULL), HOP_OK);
  for (size_t j = 0; j < T * DM; j++)
    cr_assert(fabs(out[j] - want[j]) <= 1e-12 * (1.0 + fabs(want[j])),
              "out[%zu]: library %.17g, PyTorch %.17g (regenerate: %s)", j, out[j], want[j], REGEN);
}

/* The CNN against the same network written with torch.nn layers in float64 (cnn.txt):
 * logits, loss and every gradient of one batch, then three SGD steps with momentum. The
 * library works in float, hence the relative tolerance. */
Test(reference, cnn_forward_backward_and_sgd_match_pytorch) {
  enum { B = 4, STEPS = 3 };
  double arch_d[4], x_d[B * 784], y_d[B], loss, losses[STEPS];
  ref("cnn.txt", "arch", arch_d, 4);
  hop_cnn_arch a = {(uint32_t)arch_d[0], (uint32_t)arch_d[1], (uint32_t)arch_d[2],
                    (uint32_t)arch_d[3]};
  size_t np = hop_cnn_param_count(&a), nc = a.classes;
  double *p_d = malloc(np * sizeof *p_d), *g_d = malloc(np * sizeof *g_d),
         *after = malloc(np * sizeof *after), logits_d[B * 16];
  cr_assert(np > 0 && nc <= 16 && p_d && g_d && after);
  ref("cnn.txt", "x", x_d, B * 784);
  ref("cnn.txt", "y", y_d, B);
  ref("cnn.txt", "params", p_d, np);
  ref("cnn.txt", "logits", logits_d, B * nc);
  ref("cnn.txt", "loss", &loss, 1);
  ref("cnn.txt", "grad", g_d, np);
  ref("cnn.txt", "sgd_losses", losses, STEPS);
  ref("cnn.txt", "sgd_params", after, np);
  float x[B * 784], logits[B * 16], *grad = malloc(np * sizeof *grad);
  unsigned char y[B];
  to_float(x_d, x, B * 784);
  for (int b = 0; b < B; b++) y[b] = (unsigned char)y_d[b];
  hop_cnn *net = hop_cnn_alloc(&a);
  hop_cnn_work *w = hop_cnn_work_alloc(&a, B);
  cr_assert(net && w && grad, "%s", hop_error_message());
  to_float(p_d, net->params, np);
  cr_assert_eq(hop_cnn_forward(net, x, B, NULL, logits, w), HOP_OK, "%s", hop_error_message());
  expect_near("logits", logits, logits_d, B * nc, 1e-5);
  double got = hop_cnn_backward(net, y, B, grad, NULL, w);
  cr_assert(fabs(got - loss) <= 1e-5 * (1 + loss), "loss: library %.9g, PyTorch %.9g", got, loss);
  expect_near("gradient", grad, g_d, np, 1e-4);
  double gmax = 0;
  for (size_t k = 0; k < np; k++) gmax = fmax(gmax, fabs(g_d[k]));
  cr_assert(gmax > 1e-3, "a gradient that is all but zero checks nothing");
  hop_optim *o =
      hop_optim_alloc(&(hop_optim_params){.kind = HOP_OPTIM_SGD, .lr = 0.1, .momentum = 0.9}, np);
  cr_assert_not_null(o);
  for (int s = 0; s < STEPS; s++) {
    cr_assert_eq(hop_cnn_forward(net, x, B, NULL, NULL, w), HOP_OK);
    got = hop_cnn_backward(net, y, B, grad, NULL, w);
    cr_assert(fabs(got - losses[s]) <= 1e-4 * (1 + losses[s]),
              "SGD step %d loss: library %.9g, PyTorch %.9g", s, got, losses[s]);
    hop_optim_step(o, net->params, grad, NULL);
  }
  expect_near("parameters after 3 SGD steps", net->params, after, np, 1e-4);
  hop_optim_free(o), hop_cnn_work_free(w), hop_cnn_free(net);
  free(p_d), free(g_d), free(after), free(grad);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mhc.c: the Modern Hopfield Classifier with local learning and a beta schedule.
 *
 * Question. S. Joshi, G. Krishnan & M. Bazhenov, "Modern Hopfield Network with Local
 * Learning Rules for Class Generalization" (NeurIPS 2023 Workshop on Associative Memory
 * & Hopfield Networks) train a two-layer continuous Hopfield network with one
 * memory neuron per class by a local rule and report MLP-level accuracy on MNIST,
 * Fashion-MNIST and CIFAR-10 (Table 1), helped by halving beta every epoch. Which of
 * their numbers and figures hold, and under which reading of what the paper leaves open?
 *
 * Model (lib/learn/hop_mhc.h; paper eqs. 1-2, supplement eqs. 4-6). Feature neurons v (N_f =
 * pixels), memory neurons h (N_h = 10), W (N_f x N_h) used both ways:
 *     tau_v dv/dt = -v + W f(h),   tau_h dh/dt = -h + W^T v,   f = softmax(beta h)
 *     tau_v = 1, tau_h = 0.1 (supplement), explicit Euler with step dt, 100 steps.
 *     E = |v|^2/2 + h.f - (1/beta) logsumexp(beta h) - v^T W f  (L_h scaled by 1/beta so
 *     that f = dL_h/dh for every beta; the supplement writes beta = 1).
 * Training (eq. 3, Algorithm 1): per image v clamped to x, h ~ U(-h0, h0), 100 Euler steps
 *     of  W_ij += dt eta_e x_i (t_j - f_j) phi(W_ij),  h += dt/tau_h (-h + W^T x),
 *     phi = exp(+|W|) as printed ("printed") or exp(-|W|) as the text's purpose says
 *     ("damped"); epoch e = 0..4: eta_e = eta / (e + 1), beta_e = beta / 2^(e + 1) with
 *     the schedule, beta_e = beta without it (eta still decays: "without temperature
 *     scheduling" changes beta only). eta = 0.02, beta = 1; 10,000 random training
 *     images (reshuffled every epoch); W_ij ~ N(0, s^2).
 * Inference: v = x, h ~ U(-h0, h0), 100 Euler steps (batched through sgemm), label =
 *     argmax h, at beta = the initial beta ("initial") or the last epoch's ("final").
 *     Checked against GSL's adaptive rkf45 over the same time span.
 * Inputs: pixels / 255, then (x - mu) / sigma with statistics of the training pool
 *     (validation split excluded): one mu, sigma per pixel ("pixel") or one for all
 *     ("global"); sigma floored at --sd-floor. Noise (Fig. 3): N(0, sigma^2) added to
 *     the standardised test image.
 * Baseline: an MLP "with identical neuron counts per layer": N_f inputs -> 10 softmax
 *     outputs, no hidden layer (lib/learn/hop_mlp.h), minibatch SGD on cross-entropy, 50 epochs
 *     on the same images (Table 1), learning rate chosen on the validation split.
 *
 * What the dynamics add (a reviewer's question, not in the paper). With v clamped to x,
 *     eq. 2 relaxes to h* = W^T x, so the linear read-out argmax_j (W^T x)_j of the trained
 *     weights is the classifier without dynamics (with dt = tau_h one Euler step reaches
 *     it exactly). Every Table 1 MHC run is also read out that way and after
 *     --readout-steps (1, 10) Euler steps of the same trajectory, against the 100-step
 *     label: accuracy and agreement (readout.csv).
 * Fig. 9 readings. Inference runs 100 steps of dt = 0.1, i.e. 10 tau_v: v relaxes towards
 *     W f(h) and forgets x when W is small. Besides the paper's protocol ("paper") the
 *     Fig. 9 runs are read out over --f9-span tau_v ("span": round(span tau_v / dt)
 *     steps) and trained and read out at every dt of --dt, validation (held-out training
 *     images) choosing dt per size for each span ("dt_per_size", "dt_per_size_span"),
 *     with the linear read-out of the same weights ("linear") to separate dynamics from
 *     weights (train_size_dt.csv, train_size_readings.csv).
 *
 * Open choices are swept on a validation split of the MNIST training set (--val images,
 * never the test set), with the beta schedule: dt x standardisation x reading x inference
 * beta, then the init scale at the best of those; the best validation accuracy picks
 * the configuration used for every dataset. Both readings are also run without the
 * schedule. Every reported number is then a test-set mean +- sd over --seeds draws of
 * the training images, initial weights and initial h.
 *
 * Datasets: data/mnist, data/fashion-mnist, data/cifar-10-jpeg75 (approximate JPEG-75
 * copy, 50,000 / 10,000) and data/cifar-10-subset (exact, first 4,000 training and 1,000
 * test images), RGB planes for CIFAR (N_f = 3072).
 * Outputs (results/mhc/): sweep.csv, mlp_lr.csv, selected.csv, runs.csv, table1.csv
 * (Table 1), beta_train.csv and beta_infer.csv (Fig. 3a), noise.csv (Fig. 3b),
 * train_size.csv (Fig. 9), train_size_dt.csv + train_size_readings.csv (Fig. 9 read
 * other ways), readout.csv (what the dynamics add), confusion.csv (Fig. 5), timecourse.csv (Fig. 4),
 * grid_prototypes.csv (Fig. 2a), grid_completion.csv + completion.csv (Fig. 2b / 6),
 * ode.csv, claims.csv, manifest.txt, speed.txt (timings; not compared across runs).
 * Results do not depend on --threads: runs are independent jobs, each single-threaded.
 * Command: bin/mhc [--quick] [--seed N] [--threads N] (see --help).
 */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hop_exp.h"
#include "hop_data.h"
#include "hop_norm.h"
#include "hop_error.h"
#include "hop_math.h"
#include "hop_mhc.h"
#include "hop_mlp.h"
#include "hop_claims.h"
#include "hop_file.h"
#include "hop_grid.h"
#include "hop_jobs.h"
#include "hop_progress.h"
#include "hop_rng.h"

/* This program's random streams (the last argument of hop_rng_key; the values are part
 * of the results of record). The four oldest, RNG_SPLIT (first in the chain) and
 * RNG_TIMECOURSE, RNG_MASK, RNG_ODE (third), go through hop_rng_chain at the place they
 * had before the purposes were named, so that their draws are kept. */
enum {
  RNG_SPLIT = 0x5711,     /* validation split and image order of a dataset */
  RNG_TIMECOURSE = 0x44,  /* Fig. 4 initial state, then the Fig. 2a noise */
  RNG_MASK = 0x2b,        /* initial states of the masked-completion inference */
  RNG_ODE = 0x0de,        /* initial states of the Euler / rkf45 comparison */
  RNG_TRAIN = 0x7a,       /* an MHC training run (order, weights, states) */
  RNG_TRAIN_MLP = 0x3f,   /* an MLP training run */
  RNG_EVAL = 0xe1,        /* initial states of an evaluation */
  RNG_EVAL_NOISE = 0x401, /* the noise added to evaluation inputs */
};

#define MAXL      HOP_CLI_LIST_MAX
#define NCLASS    10
#define MLP_BATCH 100
#define TAU_V     1.0 /* time constants of feature and memory neurons (paper) */
#define TAU_H     0.1

/* DS_SUBSET: the exact CIFAR-10 subset; DS_SUBSET_JPEG: the same 4,000 + 1,000 images
 * from the approximate JPEG-75 copy (the first records of its batch 1 and test batch). */
enum { DS_MNIST, DS_FASHION, DS_CIFAR, DS_SUBSET, DS_SUBSET_JPEG, N_DS };
static const char *const ds_names[N_DS + 1] = {
    "mnist", "fashion-mnist", "cifar-10", "cifar-10-subset", "cifar-10-subset-jpeg75", NULL};
/* the datasets --datasets may name (the subsets come with cifar-10) */
static const char *const table1_names[4] = {"mnist", "fashion-mnist", "cifar-10", NULL};
static const char *const std_names[3] = {"pixel", "global", NULL};
static const char *const reading_names[3] = {"printed", "damped", NULL};
static const char *ib_names[2] = {"initial", "final"};
/* Table 1 of the paper, percent: rows MHC with schedule, without, MLP */
static const double paper_t1[3][3] = {
    {90.13, 82.8, 47.31}, {85.2, 77.13, 41.68}, {90.67, 83.0, 48.73}};

/* One dataset: labels, standardised images for each standardisation, split. */
typedef struct {
  int present;
  size_t nf, ch, side;
  size_t n_train, n_test, n_val; /* training rows 0..n_val-1 are the validation split */
  unsigned char *ytr, *yte;
  float *x[2][2]; /* [standardisation][0 train, 1 test] (n, nf) */
  float *mean[2], *sd[2];
  char files[2 * HOP_DATA_MAX_FILES][512]; /* read, for the manifest */
  size_t n_files, test_first;              /* files[test_first]: the test part's first */
} dset;

enum { P_SWEEP, P_INIT, P_READ, P_MLPLR, P_T1, P_SUB, P_F3A, P_F9, N_PART };
static const char *part_names[N_PART] = {"sweep",  "init",   "readings",   "mlp_lr",
                                         "table1", "subset", "beta_train", "train_size"};
/* M_FIXED: beta fixed, eta still decays; M_CONST: beta and eta both fixed (the other
 * reading of "without temperature scheduling") */
enum { M_SCHED, M_FIXED, M_MLP, M_CONST, N_MODEL };
static const char *model_names[N_MODEL] = {"mhc_schedule", "mhc_fixed", "mlp", "mhc_constant"};

typedef struct {
  long epochs, seeds, n_train, val, test, steps, mlp_epochs, ode_images;
  double eta, beta, h0, sd_floor, mask, proto_h, noise_f3a, f9_span;
  hop_cli_numbers dt, init, noise, beta_f3a, sizes, mlp_lr, rsteps;
  hop_cli_names stds, readings, dsets;
  uint64_t seed;
} config;

/* The configuration of an MHC run (after the sweep: the chosen one). */
typedef struct {
  int stdm, reading, ib;
  double dt, init;
} choice;

/* One independent run: training and its evaluations. */
typedef struct {
  int part, ds, model;
  choice c;
  double beta, lr;
  size_t n_train, seed, epochs;
  int split;       /* 0: validation, 1: test */
  int noise_evals; /* also evaluate at every --noise sigma (Fig. 3b) */
  int f3a_noise;   /* also evaluate at --noise-f3a (Fig. 3a) */
  int keep;        /* keep the trained model for the figures */
  int readout;     /* also the linear read-out and the read-outs after --readout-steps */
  int val_too;     /* Fig. 9: also the validation split, at --steps and over --f9-span */
  double dt_fixed; /* Fig. 9: the Euler step of this run (0: the sweep's) */
  /* results */
  double acc[2]; /* [inference beta] accuracy (MLP: both the same) */
  double acc_noise[MAXL], acc_f3a_noise;
  int diverged; /* epoch (1-based) in which training diverged, 0 if it did not */
  double max_w, train_rate;
  unsigned conf[NCLASS * NCLASS];
  /* read-outs of the test split (readout): accuracy and agreement (%) with the labels after
   * --steps; span = inference over --f9-span tau_v (Fig. 9 runs) */
  double acc_lin, agree_lin, acc_rs[MAXL], agree_rs[MAXL];
  double acc_span, agree_span, agree_span_lin;
  size_t span_steps;
  double val_full, val_span; /* validation accuracy (val_too) */
  hop_mhc *m;
  hop_mlp *mlp;
} job;

/* ---- data -------------------------------------------------------------------------- */

/* One dataset's training and test parts from the catalogue (hop_data.h): the CIFAR-10
 * copy is the approximate JPEG-75 one (its first batch under --quick), DS_SUBSET_JPEG the
 * first 4,000 + 1,000 records of that copy; the files read go to d->files (manifest). */
static int load_raw(int which, int quick, hop_dataset *tr, hop_dataset *te, dset *d) {
  static const hop_data_set sets[N_DS] = {HOP_DATA_MNIST, HOP_DATA_FASHION, HOP_DATA_CIFAR_JPEG75,
                                          HOP_DATA_CIFAR_SUBSET, HOP_DATA_CIFAR_JPEG75};
  /* the students' subset is 4,000 training and 1,000 test images, whichever copy */
  int subset = which == DS_SUBSET || which == DS_SUBSET_JPEG, sub_jpeg = which == DS_SUBSET_JPEG;
  size_t max_tr = sub_jpeg ? 4000 : which == DS_CIFAR && quick ? 10000 : 0;
  const char *why = subset ? "the students' subset" : NULL;
  hop_data_part p[2];
  memset(p, 0, sizeof p);
  int s = hop_data_open(sets[which], HOP_DATA_TRAIN, max_tr, subset ? 4000 : 1, why, &p[0]);
  if (!s)
    s = hop_data_open(sets[which], HOP_DATA_TEST, sub_jpeg ? 1000 : 0, subset ? 1000 : 1, why,
                      &p[1]);
  d->n_files = 0, d->test_first = p[0].n_files;
  for (int k = 0; k < 2 && !s; k++)
    for (size_t f = 0; f < p[k].n_files; f++)
      memcpy(d->files[d->n_files++], p[k].files[f], sizeof d->files[0]);
  *tr = p[0].d, *te = p[1].d;
  return s;
}

/* Load, shuffle the training set once (the first n_val rows become the validation
 * split), scale to [0, 1] and standardise both ways with statistics of the rest. */
static int prepare(int which, const config *cf, int quick, dset *d) {
  hop_dataset tr, te;
  if (load_raw(which, quick, &tr, &te, d)) {
    hop_data_free(&tr);
    hop_data_free(&te);
    return hop_error_code();
  }
  size_t nf = tr.dim;
  d->nf = nf;
  d->ch = tr.channels;
  d->side = tr.width;
  /* --quick keeps 5,000 training images (drawn as below), enough for its small runs */
  d->n_train = quick && tr.n > 5000 ? 5000 : tr.n;
  int subset = which == DS_SUBSET || which == DS_SUBSET_JPEG;
  if (!subset && te.n < (size_t)cf->test) {
    size_t n = te.n;
    hop_data_free(&tr);
    hop_data_free(&te);
    HOP_ERROR(HOP_EINVAL, "%s: %zu test images, fewer than --test %ld", d->files[d->test_first], n,
              cf->test);
  }
  d->n_test = te.n < (size_t)cf->test ? te.n : (size_t)cf->test;
  d->n_val = subset ? 0 : (size_t)cf->val;
  if (d->n_val + (size_t)cf->n_train > d->n_train && !subset) {
    hop_data_free(&tr);
    hop_data_free(&te);
    HOP_ERROR(HOP_EINVAL, "%s has %zu training images: too few for --val %zu + --train %ld",
              ds_names[which], d->n_train, d->n_val, cf->n_train);
  }
  size_t *perm = malloc(tr.n * sizeof *perm);
  float *raw = malloc(d->n_train * nf * sizeof *raw), *rawt = malloc(te.n * nf * sizeof *rawt);
  d->ytr = malloc(tr.n);
  d->yte = malloc(te.n);
  int bad = !perm || !raw || !rawt || !d->ytr || !d->yte;
  for (int s = 0; s < 2 && !bad; s++) {
    bad |= !(d->x[s][0] = malloc(d->n_train * nf * sizeof(float)));
    bad |= !(d->x[s][1] = malloc(d->n_test * nf * sizeof(float)));
    bad |= !(d->mean[s] = malloc(nf * sizeof(float)));
    bad |= !(d->sd[s] = malloc(nf * sizeof(float)));
  }
  if (bad) {
    free(perm), free(raw), free(rawt);
    hop_data_free(&tr);
    hop_data_free(&te);
    HOP_ERROR(HOP_ENOMEM, "cannot allocate %s", ds_names[which]);
  }
  for (size_t i = 0; i < tr.n; i++) perm[i] = i;
  gsl_rng *r = hop_rng_alloc(cf->seed, hop_rng_chain(RNG_SPLIT, (uint64_t)which, 0, 0));
  if (!subset) gsl_ran_shuffle(r, perm, tr.n, sizeof *perm);
  gsl_rng_free(r);
  for (size_t i = 0; i < d->n_train; i++) {
    for (size_t k = 0; k < nf; k++) raw[i * nf + k] = (float)tr.x[perm[i] * nf + k] / 255.0f;
    d->ytr[i] = tr.y[perm[i]];
  }
  hop_norm_scale01(&te, rawt);
  memcpy(d->yte, te.y, te.n);
  int s = HOP_OK;
  for (int m = 0; m < 2 && !s; m++) {
    s = hop_norm_stats(raw + d->n_val * nf, d->n_train - d->n_val, nf, m == 0, cf->sd_floor,
                       d->mean[m], d->sd[m]);
    if (m == 1)
      for (size_t k = 1; k < nf; k++) d->mean[1][k] = d->mean[1][0], d->sd[1][k] = d->sd[1][0];
    memcpy(d->x[m][0], raw, d->n_train * nf * sizeof(float));
    memcpy(d->x[m][1], rawt, d->n_test * nf * sizeof(float));
    hop_norm_apply(d->x[m][0], d->n_train, nf, 1, d->mean[m], d->sd[m]);
    hop_norm_apply(d->x[m][1], d->n_test, nf, 1, d->mean[m], d->sd[m]);
  }
  free(perm), free(raw), free(rawt);
  hop_data_free(&tr);
  hop_data_free(&te);
  d->present = !s;
  return s;
}

static void dset_free(dset *d) {
  free(d->ytr), free(d->yte);
  for (int s = 0; s < 2; s++) {
    free(d->x[s][0]), free(d->x[s][1]), free(d->mean[s]), free(d->sd[s]);
  }
}

/* ---- one run ----------------------------------------------------------------------- */

static double epoch_beta(const job *j, size_t e) {
  return j->model == M_SCHED ? j->beta / ldexp(1.0, (int)e + 1) : j->beta;
}

static double epoch_eta(const job *j, const config *cf, size_t e) {
  return j->model == M_CONST ? cf->eta : cf->eta / (double)(e + 1);
}

static hop_mhc_params infer_params(const job *j, const config *cf, int ib) {
  hop_mhc_params p = {.beta = ib ? epoch_beta(j, j->epochs - 1) : j->beta,
                      .dt = j->c.dt,
                      .steps = (size_t)cf->steps,
                      .eta = cf->eta,
                      .reading = (hop_mhc_reading)j->c.reading,
                      .h0 = cf->h0};
  return p;
}

/* The evaluation images of a run (validation or test split, n of them), with Gaussian
 * noise of sd sigma added into xbuf when sigma > 0: the same draws for every model of a
 * dataset and seed, so that models are compared on identical inputs. */
static const float *eval_inputs(const job *j, const dset *d, const config *cf, double sigma,
                                float *xbuf, size_t *n) {
  size_t nf = d->nf;
  const float *x = j->split ? d->x[j->c.stdm][1] : d->x[j->c.stdm][0];
  *n = j->split ? d->n_test : d->n_val;
  if (!(sigma > 0)) return x;
  gsl_rng *rn = hop_rng_alloc(
      cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, (uint64_t)(sigma * 1000), RNG_EVAL_NOISE));
  for (size_t k = 0; k < *n * nf; k++) xbuf[k] = x[k] + (float)gsl_ran_gaussian_ziggurat(rn, sigma);
  gsl_rng_free(rn);
  return xbuf;
}

/* Accuracy of m on the evaluation set, optionally with noise; conf (10 x 10) counts. */
static double eval_mhc(const job *j, const dset *d, const config *cf, int ib, double sigma,
                       uint64_t stream, float *xbuf, size_t *lab, unsigned *conf, hop_mhc_work *w) {
  size_t n;
  const float *x = eval_inputs(j, d, cf, sigma, xbuf, &n);
  const unsigned char *y = j->split ? d->yte : d->ytr;
  gsl_rng *r = hop_rng_alloc(cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, stream, RNG_EVAL));
  hop_mhc_params p = infer_params(j, cf, ib);
  hop_mhc_infer_batch(j->m, x, n, &p, r, lab, NULL, NULL, w);
  gsl_rng_free(r);
  size_t ok = 0;
  for (size_t i = 0; i < n; i++) {
    ok += lab[i] == y[i];
    if (conf) conf[y[i] * NCLASS + lab[i]]++;
  }
  return 100.0 * (double)ok / (double)n;
}

static double eval_mlp(const job *j, const dset *d, double sigma, const config *cf, float *xbuf,
                       unsigned char *pred, unsigned *conf, hop_mlp_work *w) {
  size_t n, nf = d->nf;
  const float *x = eval_inputs(j, d, cf, sigma, xbuf, &n);
  const unsigned char *y = j->split ? d->yte : d->ytr;
  size_t ok = 0;
  for (size_t b = 0; b < n; b += MLP_BATCH) {
    size_t nb = n - b < MLP_BATCH ? n - b : MLP_BATCH;
    hop_mlp_predict(j->mlp, x + b * nf, nb, NULL, pred, w);
    for (size_t i = 0; i < nb; i++) {
      ok += pred[i] == y[b + i];
      if (conf) conf[y[b + i] * NCLASS + pred[i]]++;
    }
  }
  return 100.0 * (double)ok / (double)n;
}

/* Steps over --f9-span time units of tau_v at the run's dt (at least one). */
static size_t span_steps(double dt, const config *cf) {
  double s = cf->f9_span * TAU_V / dt;
  return s < 1 ? 1 : (size_t)llround(s);
}

/* Sorted distinct checkpoints: --steps, the --readout-steps (readout), the span (span);
 * returns how many. */
static size_t checkpoints(const config *cf, int readout, size_t span, size_t *at) {
  size_t n = 0, c[MAXL + 2];
  c[n++] = (size_t)cf->steps;
  if (span) c[n++] = span;
  for (size_t k = 0; readout && k < cf->rsteps.n; k++) c[n++] = (size_t)cf->rsteps.v[k];
  size_t m = 0;
  for (size_t a = 0; a < n; a++) { /* insertion into at, skipping repeats */
    size_t i = 0;
    while (i < m && at[i] < c[a]) i++;
    if (i < m && at[i] == c[a]) continue;
    memmove(at + i + 1, at + i, (m - i) * sizeof *at);
    at[i] = c[a];
    m++;
  }
  return m;
}

static size_t at_index(const size_t *at, size_t n, size_t steps) {
  size_t k = 0;
  while (k + 1 < n && at[k] != steps) k++;
  return k;
}

static double pct(size_t k, size_t n) { return 100.0 * (double)k / (double)n; }

/* The clean evaluation at the chosen inference beta, read out at several times along the
 * same trajectories (the same draws of h as eval_mhc's, so the labels after --steps are
 * eval_mhc's): the accuracy after --steps (returned), the read-outs (readout) and the span
 * (span > 0) on the split (0 validation, 1 test); conf as in eval_mhc. lab holds
 * (MAXL + 3) * n labels. */
static int eval_readouts(job *j, const dset *d, const config *cf, int split, size_t span,
                         size_t *lab, unsigned *conf, hop_mhc_work *w, double *acc) {
  size_t n = split ? d->n_test : d->n_val, at[MAXL + 2];
  const float *x = d->x[j->c.stdm][split];
  const unsigned char *y = split ? d->yte : d->ytr;
  size_t na = checkpoints(cf, j->readout && split, span, at);
  gsl_rng *r = hop_rng_alloc(cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, 0, RNG_EVAL));
  hop_mhc_params p = infer_params(j, cf, j->c.ib);
  int s = r ? hop_mhc_infer_batch_at(j->m, x, n, &p, r, at, na, lab, w) : HOP_ENOMEM;
  size_t *lin = lab + na * n;
  if (!s && j->readout && split) s = hop_mhc_readout(j->m, x, n, lin, w);
  gsl_rng_free(r);
  if (s) return s;
  const size_t *full = lab + at_index(at, na, (size_t)cf->steps) * n;
  size_t ok = 0;
  for (size_t i = 0; i < n; i++) {
    ok += full[i] == y[i];
    if (conf) conf[y[i] * NCLASS + full[i]]++;
  }
  *acc = pct(ok, n);
  const size_t *sp = span ? lab + at_index(at, na, span) * n : NULL;
  size_t ok_sp = 0, ag_sp = 0, ok_lin = 0, ag_lin = 0, ag_sp_lin = 0;
  for (size_t i = 0; sp && i < n; i++) ok_sp += sp[i] == y[i], ag_sp += sp[i] == full[i];
  if (!split) {
    if (sp) j->val_span = pct(ok_sp, n);
    return HOP_OK;
  }
  if (sp) j->acc_span = pct(ok_sp, n), j->agree_span = pct(ag_sp, n);
  if (!j->readout) return HOP_OK;
  for (size_t i = 0; i < n; i++) {
    ok_lin += lin[i] == y[i], ag_lin += lin[i] == full[i];
    if (sp) ag_sp_lin += sp[i] == lin[i];
  }
  j->acc_lin = pct(ok_lin, n), j->agree_lin = pct(ag_lin, n), j->agree_span_lin = pct(ag_sp_lin, n);
  for (size_t k = 0; k < cf->rsteps.n; k++) {
    const size_t *lk = lab + at_index(at, na, (size_t)cf->rsteps.v[k]) * n;
    size_t okk = 0, agk = 0;
    for (size_t i = 0; i < n; i++) okk += lk[i] == y[i], agk += lk[i] == full[i];
    j->acc_rs[k] = pct(okk, n), j->agree_rs[k] = pct(agk, n);
  }
  return HOP_OK;
}

/* The training images of a run: n_train of the pool (rows n_val.. of the training set),
 * drawn by r. */
static size_t *draw_train(const dset *d, gsl_rng *r) {
  size_t pool = d->n_train - d->n_val;
  size_t *all = malloc(pool * sizeof *all);
  if (!all) return NULL;
  for (size_t i = 0; i < pool; i++) all[i] = d->n_val + i;
  gsl_ran_shuffle(r, all, pool, sizeof *all);
  return all; /* the first n_train are used */
}

/* Progress units per training image: MNIST-sized inputs count 1, larger ones in proportion. */
static size_t input_scale(size_t nf) { return nf / 784 ? nf / 784 : 1; }

static int run_mhc(job *j, const dset *d, const config *cf, hop_progress *prog) {
  size_t nf = d->nf;
  gsl_rng *r =
      hop_rng_alloc(cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, j->n_train, RNG_TRAIN));
  size_t *ord = r ? draw_train(d, r) : NULL;
  hop_mhc_work *w = hop_mhc_work_alloc(nf, NCLASS);
  j->m = hop_mhc_alloc(nf, NCLASS, TAU_V, TAU_H);
  if (!ord || !w || !j->m) {
    gsl_rng_free(r), free(ord), hop_mhc_work_free(w);
    return hop_error_code() ? hop_error_code() : HOP_ENOMEM;
  }
  hop_mhc_init(j->m, r, 1, j->c.init);
  double t0 = hop_cli_now();
  size_t trained = 0;
  for (size_t e = 0; e < j->epochs && !j->diverged; e++) {
    hop_mhc_params p = {.beta = epoch_beta(j, e),
                        .dt = j->c.dt,
                        .steps = (size_t)cf->steps,
                        .eta = epoch_eta(j, cf, e),
                        .reading = (hop_mhc_reading)j->c.reading,
                        .h0 = cf->h0,
                        .exact = 0};
    gsl_ran_shuffle(r, ord, j->n_train, sizeof *ord);
    for (size_t i = 0; i < j->n_train; i++) {
      if (hop_mhc_train_image(j->m, d->x[j->c.stdm][0] + ord[i] * nf, d->ytr[ord[i]], &p, r, w)) {
        j->diverged = (int)e + 1;
        break;
      }
      trained++;
    }
    hop_progress_add(prog, j->n_train * input_scale(nf));
  }
  double tt = hop_cli_now() - t0;
  j->train_rate = tt > 0 ? (double)trained / tt : 0;
  j->max_w = 0;
  for (size_t k = 0; k < nf * NCLASS; k++) j->max_w = fmax(j->max_w, fabs(j->m->w[k]));
  if (j->diverged) j->max_w = NAN; /* some weight overflowed */
  size_t n = j->split ? d->n_test : d->n_val, span = j->val_too ? span_steps(j->c.dt, cf) : 0;
  size_t nlab = (j->readout || j->val_too ? MAXL + 3 : 1) * (n > d->n_val ? n : d->n_val);
  size_t *lab = malloc(nlab * sizeof *lab);
  float *xbuf = j->noise_evals || j->f3a_noise ? malloc(n * nf * sizeof *xbuf) : NULL;
  int s = lab && (xbuf || !(j->noise_evals || j->f3a_noise)) ? HOP_OK : HOP_ENOMEM;
  j->span_steps = span;
  if (!s && j->diverged) {
    j->acc[0] = j->acc[1] = j->acc_f3a_noise = NAN;
    j->acc_lin = j->acc_span = j->val_full = j->val_span = NAN;
    for (size_t k = 0; k < cf->rsteps.n; k++) j->acc_rs[k] = NAN;
    for (size_t k = 0; k < cf->noise.n; k++) j->acc_noise[k] = NAN;
  } else if (!s) {
    for (int ib = 0; ib < 2 && !s; ib++)
      if (ib == j->c.ib && (j->readout || j->val_too))
        s = eval_readouts(j, d, cf, j->split, span, lab, j->conf, w, &j->acc[ib]);
      else
        j->acc[ib] = eval_mhc(j, d, cf, ib, 0, 0, NULL, lab, ib == j->c.ib ? j->conf : NULL, w);
    if (!s && j->val_too) s = eval_readouts(j, d, cf, 0, span, lab, NULL, w, &j->val_full);
    if (!s && j->noise_evals)
      for (size_t k = 0; k < cf->noise.n; k++)
        j->acc_noise[k] = eval_mhc(j, d, cf, j->c.ib, cf->noise.v[k], 1 + k, xbuf, lab, NULL, w);
    if (!s && j->f3a_noise)
      j->acc_f3a_noise = eval_mhc(j, d, cf, j->c.ib, cf->noise_f3a, 99, xbuf, lab, NULL, w);
  }
  free(lab), free(xbuf), free(ord);
  hop_mhc_work_free(w);
  gsl_rng_free(r);
  if (!j->keep) {
    hop_mhc_free(j->m);
    j->m = NULL;
  }
  return s;
}

static int run_mlp(job *j, const dset *d, const config *cf, hop_progress *prog) {
  size_t nf = d->nf, sizes[2] = {nf, NCLASS};
  gsl_rng *r =
      hop_rng_alloc(cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, j->n_train, RNG_TRAIN_MLP));
  size_t *ord = r ? draw_train(d, r) : NULL;
  j->mlp = hop_mlp_alloc(sizes, 2);
  hop_mlp *g = hop_mlp_alloc(sizes, 2);
  hop_mlp_work *w = j->mlp ? hop_mlp_work_alloc(j->mlp, MLP_BATCH) : NULL;
  size_t n = j->split ? d->n_test : d->n_val;
  float *xb = malloc(MLP_BATCH * nf * sizeof *xb);
  float *xbuf = j->noise_evals ? malloc(n * nf * sizeof *xbuf) : NULL;
  unsigned char yb[MLP_BATCH], pred[MLP_BATCH];
  int s = ord && g && w && xb && (xbuf || !j->noise_evals) ? HOP_OK : HOP_ENOMEM;
  if (!s) {
    hop_mlp_init(j->mlp, r);
    double t0 = hop_cli_now();
    for (size_t e = 0; e < j->epochs; e++) {
      gsl_ran_shuffle(r, ord, j->n_train, sizeof *ord);
      for (size_t b = 0; b < j->n_train; b += MLP_BATCH) {
        size_t nb = j->n_train - b < MLP_BATCH ? j->n_train - b : MLP_BATCH;
        for (size_t i = 0; i < nb; i++) {
          memcpy(xb + i * nf, d->x[j->c.stdm][0] + ord[b + i] * nf, nf * sizeof *xb);
          yb[i] = d->ytr[ord[b + i]];
        }
        if (!isfinite(hop_mlp_loss(j->mlp, xb, yb, nb, g, w))) j->diverged = (int)e + 1;
        hop_mlp_sgd(j->mlp, g, j->lr);
      }
      hop_progress_add(prog, (j->n_train / 10) * input_scale(nf));
    }
    double tt = hop_cli_now() - t0;
    j->train_rate = tt > 0 ? (double)(j->n_train * j->epochs) / tt : 0;
    j->acc[0] = j->acc[1] = eval_mlp(j, d, 0, cf, NULL, pred, j->conf, w);
    if (j->noise_evals)
      for (size_t k = 0; k < cf->noise.n; k++)
        j->acc_noise[k] = eval_mlp(j, d, cf->noise.v[k], cf, xbuf, pred, NULL, w);
  }
  free(ord), free(xb), free(xbuf);
  hop_mlp_free(g);
  hop_mlp_work_free(w);
  gsl_rng_free(r);
  if (!j->keep) {
    hop_mlp_free(j->mlp);
    j->mlp = NULL;
  }
  return s;
}

/* What every run reads: the datasets, the configuration, the progress bar. */
typedef struct {
  const dset *ds;
  const config *cf;
  hop_progress *prog;
} run_ctx;

static int run_job(void *rec, size_t index, int thread, void *ctx) {
  (void)index;
  (void)thread;
  job *j = rec;
  const run_ctx *c = ctx;
  int s = j->model == M_MLP ? run_mlp(j, &c->ds[j->ds], c->cf, c->prog)
                            : run_mhc(j, &c->ds[j->ds], c->cf, c->prog);
  if (s)
    HOP_ERROR(s, "%s run on %s failed: %s", part_names[j->part], ds_names[j->ds],
              hop_error_message());
  return HOP_OK;
}

/* A job's kept models as bytes, for a run over several processes (hop_jobs_codec): the
 * two encoded lengths, then the MHC and the MLP (hop_mhc_encode, hop_mlp_encode). */
static size_t kept_size(const void *rec) {
  const job *j = rec;
  return 2 * sizeof(uint64_t) + (j->m ? hop_mhc_encoded_size(j->m) : 0) +
         (j->mlp ? hop_mlp_encoded_size(j->mlp) : 0);
}

static void kept_pack(const void *rec, unsigned char *out) {
  const job *j = rec;
  uint64_t n[2] = {j->m ? hop_mhc_encoded_size(j->m) : 0,
                   j->mlp ? hop_mlp_encoded_size(j->mlp) : 0};
  memcpy(out, n, sizeof n);
  if (j->m) hop_mhc_encode(j->m, out + sizeof n);
  if (j->mlp) hop_mlp_encode(j->mlp, out + sizeof n + n[0]);
}

static int kept_unpack(void *rec, const unsigned char *in, size_t len) {
  job *j = rec;
  uint64_t n[2];
  j->m = NULL, j->mlp = NULL; /* the sender's addresses */
  if (len < sizeof n) HOP_ERROR(HOP_EFORMAT, "kept models of %zu bytes", len);
  memcpy(n, in, sizeof n);
  if (n[0] > len - sizeof n || n[1] != len - sizeof n - n[0])
    HOP_ERROR(HOP_EFORMAT, "kept models of %zu bytes", len);
  if (n[0] && !(j->m = hop_mhc_decode(in + sizeof n, (size_t)n[0]))) return hop_error_code();
  if (n[1] && !(j->mlp = hop_mlp_decode(in + sizeof n + n[0], (size_t)n[1])))
    return hop_error_code();
  return HOP_OK;
}

static void kept_release(void *rec) {
  job *j = rec;
  hop_mhc_free(j->m), hop_mlp_free(j->mlp);
  j->m = NULL, j->mlp = NULL;
}

static const hop_jobs_codec kept_codec = {kept_size, kept_pack, kept_unpack, kept_release};

/* Run a queue of jobs in parallel, each single-threaded (OpenBLAS on one thread inside:
 * the runner's policy), so results do not depend on the thread count. */
static int run_jobs(hop_jobs *q, const dset *ds, const config *cf, hop_progress *prog,
                    int threads) {
  run_ctx c = {ds, cf, prog};
  return hop_jobs_run(q, run_job, &c, threads);
}

/* Progress units: MHC training images scaled by input size (MNIST = 1); an MLP epoch
 * costs about a tenth of an MHC one. */
static size_t job_units(const job *j, const dset *ds) {
  size_t u = j->model == M_MLP ? j->epochs * (j->n_train / 10) : j->epochs * j->n_train;
  return u * input_scale(ds[j->ds].nf);
}

/* ---- summaries --------------------------------------------------------------------- */

typedef struct {
  double mean, sd;
  size_t n, diverged;
} stat;

/* One number of a run (see the job's results): accuracy at the chosen inference beta,
 * clean or at noise k, its read-outs, agreements and validation accuracies. */
enum {
  F_ACC,
  F_NOISE,
  F_LIN,
  F_AGLIN,
  F_RS,
  F_AGRS,
  F_SPAN,
  F_AGSPAN,
  F_AGSPANLIN,
  F_VAL,
  F_VALSPAN,
  F_DLIN
};

static double field(const job *j, int f, size_t k) {
  switch (f) {
    case F_ACC: return j->acc[j->c.ib];
    case F_NOISE: return j->acc_noise[k];
    case F_LIN: return j->acc_lin;
    case F_AGLIN: return j->agree_lin;
    case F_RS: return j->acc_rs[k];
    case F_AGRS: return j->agree_rs[k];
    case F_SPAN: return j->acc_span;
    case F_AGSPAN: return j->agree_span;
    case F_AGSPANLIN: return j->agree_span_lin;
    case F_VAL: return j->val_full;
    case F_VALSPAN: return j->val_span;
    default: return j->acc[j->c.ib] - j->acc_lin; /* F_DLIN: what the dynamics change */
  }
}

/* Mean and sd of field f (k: a --noise or --readout-steps index) over the runs of part /
 * ds / model, and of n_train and dt when not 0; a run whose value is not finite
 * (diverged) is counted apart. */
static stat collect(hop_jobs *q, int part, int ds, int model, size_t n_train, double dt, int f,
                    size_t k) {
  stat s = {0};
  size_t n = hop_jobs_count(q), m = 0;
  double *a = malloc((n ? n : 1) * sizeof *a);
  for (size_t i = 0; i < n && a; i++) {
    const job *j = hop_jobs_at(q, i);
    if (j->part != part || j->ds != ds || j->model != model || (n_train && j->n_train != n_train) ||
        (dt > 0 && j->c.dt != dt))
      continue;
    double v = field(j, f, k);
    if (!isfinite(v)) s.diverged++;
    a[m++] = v;
  }
  s.n = a ? hop_math_mean_sd(a, m, &s.mean, &s.sd) : 0;
  if (!a) s.mean = NAN;
  if (s.n == 0) s.sd = 0.0;
  free(a);
  return s;
}

static int write_run_row(hop_file *f, const job *j) {
  return hop_file_printf(
      f, "%s,%s,%s,%s,%s,%g,%g,%s,%g,%g,%zu,%zu,%zu,%s,%.2f,%.2f,%d,%.4g\n", part_names[j->part],
      ds_names[j->ds], model_names[j->model], std_names[j->c.stdm], reading_names[j->c.reading],
      j->c.dt, j->c.init, ib_names[j->c.ib], j->beta, j->lr, j->n_train, j->epochs, j->seed,
      j->split ? "test" : "validation", j->acc[0], j->acc[1], j->diverged, j->max_w);
}
#define RUN_HEADER                                                                               \
  "part,dataset,model,standardise,reading,dt,init_scale,infer_beta,beta,lr,n_train,epochs,seed," \
  "split,acc_beta_initial,acc_beta_final,diverged_epoch,max_abs_w"

/* Image (nf) in standardised units back to pixels, u = x sd + mean, then clipped to
 * [0, 1] (minmax = 0), or stretched to its own range (minmax = 1: states far from any
 * image, such as the prototypes). */
static void to_unit(const float *x, const dset *d, int stdm, int minmax, float *out) {
  float lo = INFINITY, hi = -INFINITY;
  for (size_t k = 0; k < d->nf; k++) {
    out[k] = x[k] * d->sd[stdm][k] + d->mean[stdm][k];
    lo = fminf(lo, out[k]), hi = fmaxf(hi, out[k]);
  }
  for (size_t k = 0; k < d->nf; k++) {
    float v = minmax ? (hi > lo ? (out[k] - lo) / (hi - lo) : 0.5f) : out[k];
    out[k] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/* ---- the experiment as stages ------------------------------------------------------ */

/* What later stages need: the data, the three queues of runs, the choices made on
 * validation, the summaries the claims read, the MNIST seed-0 models' figures. */
typedef struct {
  dset ds[N_DS];
  int want[N_DS];
  hop_jobs *qa, *qb, *qc; /* A: main sweep + MLP rate; B: init scale, readings; C: the rest */
  size_t nmain;           /* MHC runs of the main sweep (the first of qa) */
  choice best;
  double best_acc, best_lr, best_lr_acc;
  double t_jobs; /* wall time of all runs */
  stat t1[N_DS][N_MODEL], nz[MAXL][N_MODEL], f9[MAXL][3];
  stat f9r[MAXL][6], f9lin[MAXL][6]; /* Fig. 9 readings (R_*) and their runs' linear read-outs */
  double btr[MAXL][2], binf[MAXL][2], bmax[2][2]; /* Fig. 3a [beta][clean, noise] */
  const job *jm, *jl; /* the kept MNIST seed-0 models: MHC with schedule, MLP */
  hop_mhc_params pm;  /* inference parameters of jm */
  hop_mhc_work *w;
  size_t *lab; /* (n_test) labels */
  float *xm;   /* (n_test, nf) inputs */
  hop_claims *claims;
  hop_progress prog;
} results;

/* ---- stage 1: options ------------------------------------------------------------- */

/* What the table cannot say: mnist among the datasets, the Fig. 9 span, the noise list. */
static int check(hop_exp *x) {
  config *cf = x->cfg;
  cf->seed = x->cli.seed;
  int has_mnist = 0;
  for (size_t i = 0; i < cf->dsets.n; i++) has_mnist |= cf->dsets.v[i] == DS_MNIST;
  if (!has_mnist) {
    HOP_ERROR(HOP_EINVAL, "option --datasets: must include mnist (the sweeps and figures use it)");
  }
  for (size_t i = 0; i < cf->dt.n; i++)
    if (cf->f9_span * TAU_V / cf->dt.v[i] > 100000) {
      HOP_ERROR(HOP_EINVAL, "option --f9-span: %g tau_v at dt %g is more than 100000 Euler steps",
                cf->f9_span, cf->dt.v[i]);
    }
  if (cf->noise.v[0] != 0) {
    HOP_ERROR(HOP_EINVAL, "option --noise: the list must start with 0 (the clean reference)");
  }
  return HOP_OK;
}

/* ---- stage 2: data: MNIST always (sweeps and figures), the rest as asked ---------- */

static int load(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  dset *ds = res->ds;
  res->want[DS_MNIST] = 1;
  for (size_t i = 0; i < cf->dsets.n; i++) res->want[cf->dsets.v[i]] = 1;
  res->want[DS_SUBSET] = res->want[DS_SUBSET_JPEG] = res->want[DS_CIFAR];
  for (int k = 0; k < N_DS; k++) {
    if (!res->want[k]) continue;
    x->data_what = ds_names[k];
    if (prepare(k, cf, x->cli.quick, &ds[k])) return hop_error_code();
    for (size_t q = 0; q < ds[k].n_files; q++)
      if (hop_exp_dataset(x, ds[k].files[q])) return hop_error_code();
    for (size_t i = 0; i < cf->sizes.n; i++)
      if (k == DS_MNIST && cf->sizes.v[i] > (double)(ds[k].n_train - ds[k].n_val))
        HOP_ERROR(
            HOP_EINVAL,
            "option --sizes: %g is more than the %zu training images outside the validation split",
            cf->sizes.v[i], ds[k].n_train - ds[k].n_val);
  }
  return HOP_OK;
}

/* ---- stage 3: the plan of runs ------------------------------------------------------- */

/* An MHC run on MNIST's validation split with the initial beta, --train images and
 * --epochs: part and model, and the choice c it tries. */
static int push_validation(hop_jobs *q, int part, int model, const config *cf, choice c) {
  return hop_jobs_push(q, &(job){.part = part,
                                 .ds = DS_MNIST,
                                 .model = model,
                                 .beta = cf->beta,
                                 .n_train = (size_t)cf->n_train,
                                 .epochs = (size_t)cf->epochs,
                                 .split = 0,
                                 .c = c});
}

/* Queue A: the main sweep (MNIST, validation, schedule) and the MLP learning rate. */
static int plan_sweep(const config *cf, results *res) {
  size_t ntr = (size_t)cf->n_train;
  int st = HOP_OK;
  for (size_t a = 0; a < cf->dt.n; a++)
    for (size_t b = 0; b < cf->stds.n; b++)
      for (size_t c = 0; c < cf->readings.n; c++)
        st |= push_validation(res->qa, P_SWEEP, M_SCHED, cf,
                              (choice){.stdm = cf->stds.v[b],
                                       .reading = cf->readings.v[c],
                                       .dt = cf->dt.v[a],
                                       .init = cf->init.v[0]});
  for (size_t a = 0; a < cf->mlp_lr.n; a++)
    st |= hop_jobs_push(res->qa, &(job){.part = P_MLPLR,
                                        .ds = DS_MNIST,
                                        .model = M_MLP,
                                        .lr = cf->mlp_lr.v[a],
                                        .n_train = ntr,
                                        .epochs = (size_t)cf->mlp_epochs,
                                        .split = 0,
                                        .c = {.stdm = cf->stds.v[0]}});
  return st;
}

/* Queue B: the init scale at the chosen point and both readings without the schedule. */
static int plan_choices(const config *cf, results *res) {
  int st = HOP_OK;
  for (size_t a = 1; a < cf->init.n; a++)
    st |= push_validation(res->qb, P_INIT, M_SCHED, cf, (choice){.init = cf->init.v[a]});
  for (size_t c = 0; c < cf->readings.n; c++)
    st |= push_validation(res->qb, P_READ, M_FIXED, cf, (choice){.reading = cf->readings.v[c]});
  return st;
}

/* Queue C, first part: Table 1 and the exact CIFAR subset. */
static int plan_table1(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const dset *ds = res->ds;
  size_t ntr = (size_t)cf->n_train, E = (size_t)cf->epochs, S = (size_t)cf->seeds;
  int st = HOP_OK;
  for (size_t i = 0; i < cf->dsets.n; i++) {
    int d = cf->dsets.v[i];
    for (size_t s = 0; s < S; s++)
      for (int m = 0; m < (d == DS_CIFAR ? 3 : N_MODEL); m++) /* constant: MNIST, Fashion (time) */
        st |= hop_jobs_push(
            res->qc,
            &(job){.part = P_T1,
                   .ds = d,
                   .model = m,
                   .beta = cf->beta,
                   .n_train = ntr < ds[d].n_train - ds[d].n_val ? ntr : ds[d].n_train - ds[d].n_val,
                   .epochs = m == M_MLP ? (size_t)cf->mlp_epochs : E,
                   .seed = s,
                   .split = 1,
                   .noise_evals = d == DS_MNIST,
                   .readout = m != M_MLP,
                   .keep = d == DS_MNIST && s == 0 && (m == M_SCHED || m == M_MLP)});
  }
  for (int d = DS_SUBSET; d <= DS_SUBSET_JPEG && res->want[DS_SUBSET]; d++)
    for (size_t s = 0; s < S; s++)
      for (int m = 0; m < 3; m++)
        st |= hop_jobs_push(
            res->qc, &(job){.part = P_SUB,
                            .ds = d,
                            .model = m,
                            .beta = cf->beta,
                            .n_train = x->cli.quick && ntr < ds[d].n_train ? ntr : ds[d].n_train,
                            .epochs = m == M_MLP ? (size_t)cf->mlp_epochs : E,
                            .seed = s,
                            .split = 1});
  return st;
}

/* Queue C, second part: Fig. 3a (the training beta) and Fig. 9. */
static int plan_figures(const config *cf, results *res) {
  size_t E = (size_t)cf->epochs, S = (size_t)cf->seeds;
  int st = HOP_OK;
  for (size_t a = 0; a < cf->beta_f3a.n; a++)
    st |= hop_jobs_push(res->qc, &(job){.part = P_F3A,
                                        .ds = DS_MNIST,
                                        .model = M_SCHED,
                                        .beta = cf->beta_f3a.v[a],
                                        .n_train = (size_t)cf->n_train,
                                        .epochs = E,
                                        .seed = 0,
                                        .split = 1,
                                        .f3a_noise = 1});
  /* Fig. 9: the MLP, and the MHC at every dt of the sweep (the sweep's choice gives the
   * paper's curve; the others let validation choose dt per size) */
  for (size_t a = 0; a < cf->sizes.n; a++)
    for (size_t s = 0; s < S; s++) {
      for (size_t b = 0; b < cf->dt.n; b++)
        st |= hop_jobs_push(res->qc, &(job){.part = P_F9,
                                            .ds = DS_MNIST,
                                            .model = M_SCHED,
                                            .beta = cf->beta,
                                            .n_train = (size_t)cf->sizes.v[a],
                                            .epochs = E,
                                            .seed = s,
                                            .split = 1,
                                            .readout = 1,
                                            .val_too = 1,
                                            .dt_fixed = cf->dt.v[b]});
      st |= hop_jobs_push(res->qc, &(job){.part = P_F9,
                                          .ds = DS_MNIST,
                                          .model = M_MLP,
                                          .beta = cf->beta,
                                          .n_train = (size_t)cf->sizes.v[a],
                                          .epochs = E,
                                          .seed = s,
                                          .split = 1});
    }
  return st;
}

/* A: the main sweep (MNIST, validation, schedule) and the MLP learning rate; B: the init
 * scale at the chosen point and both readings without the schedule; C: Table 1, the exact
 * CIFAR subset, Fig. 3a (training beta), Fig. 9. B and C get the chosen configuration
 * after A (and B). */
static int plan(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const dset *ds = res->ds;
  size_t S = (size_t)cf->seeds;
  res->nmain = cf->dt.n * cf->stds.n * cf->readings.n;
  res->qa = hop_jobs_new(res->nmain + cf->mlp_lr.n, sizeof(job));
  res->qb = hop_jobs_new(cf->init.n + cf->readings.n, sizeof(job));
  res->qc = hop_jobs_new(
      N_MODEL * S * cf->dsets.n + 2 * 3 * S + cf->beta_f3a.n + (1 + cf->dt.n) * S * cf->sizes.n,
      sizeof(job));
  if (!res->qa || !res->qb || !res->qc) return hop_error_code();
  hop_jobs_set_codec(res->qa, &kept_codec), hop_jobs_set_codec(res->qb, &kept_codec);
  hop_jobs_set_codec(res->qc, &kept_codec);
  int st = plan_sweep(cf, res); /* in this order: queue C's parts are read back by position */
  st |= plan_choices(cf, res);
  st |= plan_table1(x);
  st |= plan_figures(cf, res);
  if (st) return HOP_EBADLEN; /* the lists above outgrew the queues: recorded by hop_jobs_push */
  size_t units = 0;
  hop_jobs *qs[3] = {res->qa, res->qb, res->qc};
  for (int q = 0; q < 3; q++)
    for (size_t k = 0; k < hop_jobs_count(qs[q]); k++)
      units += job_units(hop_jobs_at(qs[q], k), ds);
  hop_progress_start(&res->prog, stderr, "mhc", units);
  return HOP_OK;
}

/* ---- stage 4: the validation sweep (sweep.csv, selected by validation accuracy) ---- */

static int sweep(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  double t0 = hop_cli_now();
  int threads = (int)cli->threads, st;
  if ((st = run_jobs(res->qa, res->ds, cf, &res->prog, threads))) return st;
  /* choose by validation accuracy: dt, standardisation, reading, inference beta */
  res->best_acc = -1;
  for (size_t k = 0; k < res->nmain; k++) {
    const job *j = hop_jobs_at(res->qa, k);
    for (int ib = 0; ib < 2; ib++)
      if (j->acc[ib] > res->best_acc) {
        res->best_acc = j->acc[ib];
        res->best = j->c;
        res->best.ib = ib;
      }
  }
  if (res->best_acc < 0)
    return HOP_RAISE(HOP_EDOM, "every configuration of the sweep diverged; nothing to select");
  size_t na = hop_jobs_count(res->qa), nb = hop_jobs_count(res->qb);
  for (size_t k = 0; k < na; k++) ((job *)hop_jobs_at(res->qa, k))->c.ib = res->best.ib;
  res->best_lr = cf->mlp_lr.v[0];
  res->best_lr_acc = -1;
  for (size_t k = res->nmain; k < na; k++) {
    const job *j = hop_jobs_at(res->qa, k);
    if (j->acc[0] > res->best_lr_acc) res->best_lr_acc = j->acc[0], res->best_lr = j->lr;
  }
  for (size_t k = 0; k < nb; k++) {
    job *j = hop_jobs_at(res->qb, k);
    choice c = res->best;
    if (j->part == P_INIT)
      c.init = j->c.init;
    else
      c.reading = j->c.reading;
    j->c = c;
  }
  if ((st = run_jobs(res->qb, res->ds, cf, &res->prog, threads))) return st;
  for (size_t k = 0; k < nb; k++) {
    const job *j = hop_jobs_at(res->qb, k);
    if (j->part == P_INIT && j->acc[res->best.ib] > res->best_acc)
      res->best_acc = j->acc[res->best.ib], res->best.init = j->c.init;
  }
  res->t_jobs = hop_cli_now() - t0;
  /* the sweep is written now: a long run interrupted later keeps it */
  hop_file *fs = hop_file_open(cli->out, "sweep.csv", RUN_HEADER);
  if (!fs) return hop_error_code();
  for (size_t k = 0; k < na + nb; k++)
    st |= write_run_row(fs, hop_jobs_at(k < na ? res->qa : res->qb, k < na ? k : k - na));
  return hop_file_finish(&fs, 1, st ? HOP_EIO : HOP_OK);
}

/* ---- stage 5: every other run at the chosen configuration (runs.csv, selected.csv) - */

static int main_runs(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  size_t nc = hop_jobs_count(res->qc);
  for (size_t k = 0; k < nc; k++) {
    job *j = hop_jobs_at(res->qc, k);
    j->c = res->best;
    if (j->dt_fixed > 0) j->c.dt = j->dt_fixed;
    if (j->model == M_MLP) j->lr = res->best_lr;
  }
  double t0 = hop_cli_now();
  int st = run_jobs(res->qc, res->ds, cf, &res->prog, (int)cli->threads);
  res->t_jobs += hop_cli_now() - t0;
  if (st) return st;
  hop_progress_end(&res->prog);
  hop_file *f = hop_file_open(cli->out, "runs.csv", RUN_HEADER);
  if (!f) return hop_error_code();
  for (size_t k = 0; k < nc; k++) st |= write_run_row(f, hop_jobs_at(res->qc, k));
  if ((st = hop_file_finish(&f, 1, st ? HOP_EIO : HOP_OK))) return st;
  const choice *b = &res->best;
  f = hop_file_open(cli->out, "selected.csv", "what,value,validation_accuracy");
  if (!f) return hop_error_code();
  hop_file_printf(f,
                  "dt,%g,%.2f\nstandardise,%s,%.2f\nreading,%s,%.2f\ninfer_beta,%s,%.2f\ninit_"
                  "scale,%g,%.2f\nmlp_lr,%g,%.2f\n",
                  b->dt, res->best_acc, std_names[b->stdm], res->best_acc,
                  reading_names[b->reading], res->best_acc, ib_names[b->ib], res->best_acc, b->init,
                  res->best_acc, res->best_lr, res->best_lr_acc);
  if ((st = hop_file_close(f))) return st;
  /* the kept MNIST seed-0 models and what their figures need */
  for (size_t k = 0; k < nc; k++) {
    const job *j = hop_jobs_at(res->qc, k);
    if (j->keep && j->model == M_SCHED)
      res->jm = j;
    else if (j->keep && j->model == M_MLP)
      res->jl = j;
  }
  const dset *dm = &res->ds[DS_MNIST];
  res->w = hop_mhc_work_alloc(dm->nf, NCLASS);
  res->lab = malloc(dm->n_test * sizeof *res->lab);
  res->xm = malloc(dm->n_test * dm->nf * sizeof *res->xm);
  if (!res->jm || !res->jl) return HOP_RAISE(HOP_EINVAL, "the MNIST seed-0 models were not kept");
  if (!res->w || !res->lab || !res->xm) return HOP_RAISE(HOP_ENOMEM, "figure buffers");
  res->pm = infer_params(res->jm, cf, b->ib);
  return HOP_OK;
}

/* ---- stage 6: Table 1 (table1.csv; claims T1) ---------------------------------------- */

static void claims_table1(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  hop_claims *cl = x->claims;
  char d[700], m[200], pv[64];
  static const char *mshort[N_MODEL] = {"schedule", "fixed", "mlp", "constant"};
  static const char *mlong[N_MODEL] = {"MHC with the beta schedule",
                                       "MHC with beta fixed (eta decays)", "2-layer MLP",
                                       "MHC with beta and eta fixed"};
  static const char *dshort[3] = {"mnist", "fashion", "cifar"};
  for (size_t i = 0; i < cf->dsets.n; i++) {
    int dd = cf->dsets.v[i];
    for (int mo = 0; mo < N_MODEL; mo++) {
      const stat *t = &res->t1[dd][mo];
      if (t->n + t->diverged == 0) continue;
      double paper = paper_t1[mo == M_CONST ? M_FIXED : mo][dd];
      snprintf(d, sizeof d,
               "Table 1, %s, %s: test accuracy %% over %zu runs (%zu diverged)%s; %zu training "
               "images, %ld epochs%s",
               ds_names[dd], mlong[mo], t->n, t->diverged,
               dd == DS_CIFAR ? " on the approximate JPEG-75 copy" : "", (size_t)cf->n_train,
               mo == M_MLP ? cf->mlp_epochs : cf->epochs,
               mo == M_CONST ? "; the paper's row without scheduling, second reading" : "");
      snprintf(m, sizeof m, "%.2f +- %.2f", t->mean, t->sd);
      snprintf(pv, sizeof pv, "%.2f", paper);
      char id[40];
      snprintf(id, sizeof id, "T1-%s-%s", dshort[dd], mshort[mo]);
      hop_claims_add(cl, id, d, pv, m, "1.0", hop_claims_verdict(t->mean, paper, 1.0));
    }
    const stat *a = &res->t1[dd][M_SCHED], *b = &res->t1[dd][M_FIXED];
    double gap = a->mean - b->mean, pgap = paper_t1[0][dd] - paper_t1[1][dd];
    snprintf(d, sizeof d,
             "Table 1, %s: the schedule's gain over fixed beta (eta decaying in both), percentage "
             "points",
             ds_names[dd]);
    snprintf(m, sizeof m, "%.2f", gap);
    snprintf(pv, sizeof pv, "%.2f", pgap);
    char id[40];
    snprintf(id, sizeof id, "T1-%s-gain", dshort[dd]);
    hop_claims_add(cl, id, d, pv, m, "2.0", hop_claims_verdict(gap, pgap, 2.0));
  }
  if (res->want[DS_SUBSET]) {
    for (int mo = 0; mo < 3; mo++) {
      snprintf(
          d, sizeof d,
          "CIFAR-10, the same %zu training and %zu test images from the exact files and from the "
          "approximate JPEG-75 copy, %s: test accuracy %%, exact vs JPEG-75 (Table 1 protocol "
          "otherwise)",
          res->ds[DS_SUBSET].n_train, res->ds[DS_SUBSET].n_test, mlong[mo]);
      snprintf(m, sizeof m, "%.2f +- %.2f vs %.2f +- %.2f", res->t1[DS_SUBSET][mo].mean,
               res->t1[DS_SUBSET][mo].sd, res->t1[DS_SUBSET_JPEG][mo].mean,
               res->t1[DS_SUBSET_JPEG][mo].sd);
      char id[40];
      snprintf(id, sizeof id, "T1-cifar-exact-vs-jpeg-%s", mshort[mo]);
      hop_claims_add(cl, id, d, "-", m, "-", "beyond paper");
    }
  }
}

static int table1(hop_exp *x) {
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_file *f = hop_file_open(cli->out, "table1.csv",
                              "dataset,model,runs,diverged,accuracy,accuracy_sd,paper");
  if (!f) return hop_error_code();
  for (int d = 0; d < N_DS; d++)
    for (int m = 0; m < N_MODEL; m++) {
      int part = d >= DS_SUBSET ? P_SUB : P_T1;
      stat *t = &res->t1[d][m];
      *t = collect(res->qc, part, d, m, 0, 0, F_ACC, 0);
      if (t->n + t->diverged == 0) continue; /* not run */
      char pv[32] = "";
      if (d < DS_SUBSET) snprintf(pv, sizeof pv, "%.2f", paper_t1[m == M_CONST ? M_FIXED : m][d]);
      hop_file_printf(f, "%s,%s,%zu,%zu,%.2f,%.2f,%s\n", ds_names[d], model_names[m], t->n,
                      t->diverged, t->mean, t->sd, pv);
    }
  int st = hop_file_close(f);
  if (!st) claims_table1(x);
  return st;
}

/* ---- stage 7: Fig. 3a in both readings of its beta (beta_train.csv, beta_infer.csv;
 *      claims F3a): chance at the smallest beta, saturation near 90 % clean and 53 %
 *      with noise at the largest ---- */

static void claims_f3a(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  char d[700], m[200];
  size_t nb = cf->beta_f3a.n;
  for (int rd = 0; rd < 2; rd++) {
    const char *what = rd ? "beta changed at inference only (one model trained at beta 1)"
                          : "beta = the initial beta of training (halved per epoch)";
    const double(*b)[2] = rd ? res->binf : res->btr;
    double lo = b[0][0], hi = b[nb - 1][0], hn = b[nb - 1][1];
    char id[40];
    snprintf(d, sizeof d,
             "Fig. 3a, %s: MNIST test accuracy %% at the smallest beta (%g) is at chance (<= 15)",
             what, cf->beta_f3a.v[0]);
    snprintf(m, sizeof m, "%.2f", lo);
    snprintf(id, sizeof id, "F3a-%s-chance", rd ? "infer" : "train");
    hop_claims_add(x->claims, id, d, "chance (10)", m, "<= 15",
                   lo <= 15 ? "reproduced" : "not reproduced");
    snprintf(d, sizeof d,
             "Fig. 3a, %s: accuracy %% saturates near 90 (value at the largest beta, %g; best over "
             "betas %.2f)",
             what, cf->beta_f3a.v[nb - 1], res->bmax[rd][0]);
    snprintf(m, sizeof m, "%.2f", hi);
    snprintf(id, sizeof id, "F3a-%s-clean", rd ? "infer" : "train");
    hop_claims_add(x->claims, id, d, "90", m, "2.0", hop_claims_verdict(hi, 90, 2.0));
    snprintf(d, sizeof d,
             "Fig. 3a, %s: with noise sigma %g (standardised units) accuracy %% saturates near 53 "
             "(value at the largest beta; best over betas %.2f)",
             what, cf->noise_f3a, res->bmax[rd][1]);
    snprintf(m, sizeof m, "%.2f", hn);
    snprintf(id, sizeof id, "F3a-%s-noise", rd ? "infer" : "train");
    hop_claims_add(x->claims, id, d, "53", m, "3.0", hop_claims_verdict(hn, 53, 3.0));
  }
}

static int fig3a(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  res->bmax[0][0] = res->bmax[0][1] = res->bmax[1][0] = res->bmax[1][1] = -1;
  int ib = res->best.ib;
  hop_file *f = hop_file_open(cli->out, "beta_train.csv", "beta,sigma,accuracy");
  if (!f) return hop_error_code();
  for (size_t k = 0; k < hop_jobs_count(res->qc); k++) {
    const job *j = hop_jobs_at(res->qc, k);
    if (j->part != P_F3A) continue;
    hop_file_printf(f, "%g,0,%.2f\n%g,%g,%.2f\n", j->beta, j->acc[ib], j->beta, cf->noise_f3a,
                    j->acc_f3a_noise);
    for (size_t a = 0; a < cf->beta_f3a.n; a++)
      if (j->beta == cf->beta_f3a.v[a])
        res->btr[a][0] = j->acc[ib], res->btr[a][1] = j->acc_f3a_noise;
    res->bmax[0][0] = fmax(res->bmax[0][0], j->acc[ib]);
    res->bmax[0][1] = fmax(res->bmax[0][1], j->acc_f3a_noise);
  }
  int st = hop_file_close(f);
  if (st) return st;
  /* the second reading: the same model, beta changed at inference only */
  const dset *dm = &res->ds[DS_MNIST];
  f = hop_file_open(cli->out, "beta_infer.csv", "beta,sigma,accuracy");
  if (!f) return hop_error_code();
  for (size_t a = 0; a < cf->beta_f3a.n; a++)
    for (int q = 0; q < 2; q++) {
      job tmpj = *res->jm;
      tmpj.beta = cf->beta_f3a.v[a];
      tmpj.model = M_FIXED; /* so that both inference readings use this beta */
      double acc = eval_mhc(&tmpj, dm, cf, 0, q ? cf->noise_f3a : 0, 200 + a, res->xm, res->lab,
                            NULL, res->w);
      res->binf[a][q] = acc;
      res->bmax[1][q] = fmax(res->bmax[1][q], acc);
      hop_file_printf(f, "%g,%g,%.2f\n", cf->beta_f3a.v[a], q ? cf->noise_f3a : 0, acc);
    }
  if ((st = hop_file_close(f))) return st;
  claims_f3a(x);
  return HOP_OK;
}

/* ---- stage 8: Fig. 3b, accuracy vs noise of the MNIST Table 1 runs (noise.csv; F3b) - */

static int fig3b(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_file *f = hop_file_open(cli->out, "noise.csv", "sigma,model,runs,accuracy,accuracy_sd");
  if (!f) return hop_error_code();
  for (size_t k = 0; k < cf->noise.n; k++)
    for (int m = 0; m < N_MODEL; m++) {
      stat *z = &res->nz[k][m];
      *z = collect(res->qc, P_T1, DS_MNIST, m, 0, 0, F_NOISE, k);
      hop_file_printf(f, "%g,%s,%zu,%.2f,%.2f\n", cf->noise.v[k], model_names[m], z->n, z->mean,
                      z->sd);
    }
  int st = hop_file_close(f);
  if (st) return st;
  char d[700], m[200];
  size_t kl = cf->noise.n - 1, k4 = 0;
  for (size_t k = 0; k < cf->noise.n; k++)
    if (fabs(cf->noise.v[k] - 4.0) < fabs(cf->noise.v[k4] - 4.0)) k4 = k;
  double g0 = res->nz[0][M_SCHED].mean - res->nz[0][M_FIXED].mean,
         g4 = res->nz[k4][M_SCHED].mean - res->nz[k4][M_FIXED].mean,
         gl = res->nz[kl][M_SCHED].mean - res->nz[kl][M_FIXED].mean;
  snprintf(d, sizeof d,
           "Fig. 3b: the schedule's gain over fixed beta (pp, MNIST) grows with noise: "
           "sigma 0 / %g / %g",
           cf->noise.v[k4], cf->noise.v[kl]);
  snprintf(m, sizeof m, "%.2f / %.2f / %.2f", g0, g4, gl);
  hop_claims_add(x->claims, "F3b", d, "grows", m, "gain(max sigma) > gain(0) + 1",
                 gl > g0 + 1.0 ? "reproduced" : "not reproduced");
  return HOP_OK;
}

/* ---- stage 9: Fig. 9, accuracy vs training-set size (train_size.csv; F9), and its
 *      readings: inference over --f9-span tau_v, dt chosen per size on validation, the
 *      linear read-out of the same weights (train_size_dt.csv, train_size_readings.csv;
 *      F9-*) -------------------------------------------------------------------------- */

enum { R_MLP, R_PAPER, R_SPAN, R_DT, R_DTSPAN, R_LIN, N_READ };
static const char *f9_read_names[N_READ] = {
    "mlp", "paper", "span", "dt_per_size", "dt_per_size_span", "linear"};

/* Fig. 9 as the paper reads it: MHC at the sweep's dt and the MLP per training-set size
 * (train_size.csv). */
static int f9_sizes(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_jobs *q = res->qc;
  double dt0 = res->best.dt;
  hop_file *f =
      hop_file_open(cli->out, "train_size.csv", "n_train,model,runs,accuracy,accuracy_sd");
  if (!f) return hop_error_code();
  for (size_t a = 0; a < cf->sizes.n; a++)
    for (int m = 0; m < 3; m += 2) {
      stat *t = &res->f9[a][m];
      *t = collect(q, P_F9, DS_MNIST, m, (size_t)cf->sizes.v[a], m == M_MLP ? 0 : dt0, F_ACC, 0);
      hop_file_printf(f, "%g,%s,%zu,%.2f,%.2f\n", cf->sizes.v[a], model_names[m], t->n, t->mean,
                      t->sd);
    }
  return hop_file_close(f);
}

/* Every dt at every size; validation picks one per size for each inference span: pick[a]
 * = {dt for --steps, dt for the span} (train_size_dt.csv). */
static int f9_dt(hop_exp *x, double (*pick)[2]) {
  const config *cf = x->cfg;
  results *res = x->res;
  hop_jobs *q = res->qc;
  const char *out = x->cli.out;
  hop_file *f = hop_file_open(
      out, "train_size_dt.csv",
      "n_train,dt,span_steps,runs,validation_accuracy,validation_accuracy_span,accuracy,accuracy_"
      "sd,"
      "accuracy_span,accuracy_span_sd,linear_accuracy,linear_accuracy_sd,chosen_by_validation");
  if (!f) return hop_error_code();
  for (size_t a = 0; a < cf->sizes.n; a++) {
    size_t nt = (size_t)cf->sizes.v[a];
    double bv[2] = {-1, -1};
    for (size_t b = 0; b < cf->dt.n; b++)
      for (int w = 0; w < 2; w++) {
        double v =
            collect(q, P_F9, DS_MNIST, M_SCHED, nt, cf->dt.v[b], w ? F_VALSPAN : F_VAL, 0).mean;
        if (v > bv[w]) bv[w] = v, pick[a][w] = cf->dt.v[b];
      }
    if (bv[0] < 0 || bv[1] < 0)
      return HOP_RAISE(HOP_EDOM, "Fig. 9 at %zu images: every dt diverged", nt);
    for (size_t b = 0; b < cf->dt.n; b++) {
      double dt = cf->dt.v[b];
      stat v0 = collect(q, P_F9, DS_MNIST, M_SCHED, nt, dt, F_VAL, 0),
           v1 = collect(q, P_F9, DS_MNIST, M_SCHED, nt, dt, F_VALSPAN, 0),
           t0 = collect(q, P_F9, DS_MNIST, M_SCHED, nt, dt, F_ACC, 0),
           t1 = collect(q, P_F9, DS_MNIST, M_SCHED, nt, dt, F_SPAN, 0),
           tl = collect(q, P_F9, DS_MNIST, M_SCHED, nt, dt, F_LIN, 0);
      const char *ch = pick[a][0] == dt && pick[a][1] == dt ? "both"
                       : pick[a][0] == dt                   ? "steps"
                       : pick[a][1] == dt                   ? "span"
                                                            : "-";
      hop_file_printf(f, "%zu,%g,%zu,%zu,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%s\n", nt, dt,
                      span_steps(dt, cf), t0.n, v0.mean, v1.mean, t0.mean, t0.sd, t1.mean, t1.sd,
                      tl.mean, tl.sd, ch);
    }
  }
  return hop_file_close(f);
}

/* Fig. 9 under every reading (train_size_readings.csv; res->f9r, res->f9lin). */
static int f9_readings(hop_exp *x, double (*pick)[2]) {
  const config *cf = x->cfg;
  results *res = x->res;
  hop_jobs *q = res->qc;
  double dt0 = res->best.dt;
  hop_file *f = hop_file_open(
      x->cli.out, "train_size_readings.csv",
      "n_train,reading,dt,steps,runs,accuracy,accuracy_sd,linear_accuracy,linear_accuracy_sd,"
      "agreement_with_linear");
  if (!f) return hop_error_code();
  for (size_t a = 0; a < cf->sizes.n; a++) {
    size_t nt = (size_t)cf->sizes.v[a];
    for (int r = 0; r < N_READ; r++) {
      double dt = r == R_DT ? pick[a][0] : r == R_DTSPAN ? pick[a][1] : dt0;
      int span = r == R_SPAN || r == R_DTSPAN, fa = r == R_LIN ? F_LIN : span ? F_SPAN : F_ACC;
      size_t steps = r == R_LIN ? 0 : span ? span_steps(dt, cf) : (size_t)cf->steps;
      stat *t = &res->f9r[a][r];
      if (r == R_MLP) {
        *t = res->f9[a][M_MLP];
        hop_file_printf(f, "%zu,mlp,,,%zu,%.2f,%.2f,,,\n", nt, t->n, t->mean, t->sd);
        continue;
      }
      *t = collect(q, P_F9, DS_MNIST, M_SCHED, nt, dt, fa, 0);
      stat l = collect(q, P_F9, DS_MNIST, M_SCHED, nt, dt, F_LIN, 0);
      stat g = collect(q, P_F9, DS_MNIST, M_SCHED, nt, dt, span ? F_AGSPANLIN : F_AGLIN, 0);
      res->f9lin[a][r] = l;
      hop_file_printf(f, "%zu,%s,%g,%zu,%zu,%.2f,%.2f,%.2f,%.2f,%.2f\n", nt, f9_read_names[r], dt,
                      steps, t->n, t->mean, t->sd, l.mean, l.sd, r == R_LIN ? 100.0 : g.mean);
    }
  }
  return hop_file_close(f);
}

/* F9: MHC (schedule) minus MLP at the smallest training set. */
static void claim_f9(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  char d[700], m[300], per[300] = "";
  size_t len = 0;
  for (size_t a = 0; a < cf->sizes.n && len < sizeof per - 40; a++)
    len += (size_t)snprintf(per + len, sizeof per - len, "%s%g: %+.2f", a ? ", " : "",
                            cf->sizes.v[a], res->f9[a][M_SCHED].mean - res->f9[a][M_MLP].mean);
  snprintf(
      d, sizeof d,
      "Fig. 9: MHC (schedule) minus MLP, %ld epochs each, MNIST test accuracy pp, at the smallest "
      "training set (%g images); per size: %s",
      cf->epochs, cf->sizes.v[0], per);
  double g = res->f9[0][M_SCHED].mean - res->f9[0][M_MLP].mean;
  snprintf(m, sizeof m, "%.2f", g);
  hop_claims_add(x->claims, "F9", d, "> 0 (MHC slightly better)", m, "> 0", hop_claims_above(g, 0));
}

/* F9 under the other readings at the (up to) two smallest sizes. */
static void claims_f9_readings(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  double dt0 = res->best.dt;
  char d[700], m[300];
  static const char *rid[N_READ] = {"", "", "F9-span", "F9-dt", "F9-dt-span", "F9-linear"};
  static const char *rdesc[N_READ] = {
      "",
      "",
      "inference over %g tau_v at the sweep's dt (%zu steps of %g)",
      "dt chosen per size on the validation split from the sweep's list, %ld steps",
      "dt chosen per size on the validation split, inference over %g tau_v",
      "no dynamics: the linear read-out argmax(W^T x) of the paper-reading runs"};
  size_t ns = cf->sizes.n < 2 ? cf->sizes.n : 2;
  for (int r = R_SPAN; r < N_READ; r++) {
    char how[200], vals[200] = "", lins[200] = "";
    if (r == R_SPAN)
      snprintf(how, sizeof how, rdesc[r], cf->f9_span, span_steps(dt0, cf), dt0);
    else if (r == R_DT)
      snprintf(how, sizeof how, rdesc[r], cf->steps);
    else if (r == R_DTSPAN)
      snprintf(how, sizeof how, rdesc[r], cf->f9_span);
    else
      snprintf(how, sizeof how, "%s", rdesc[r]);
    int all = 1;
    size_t lv = 0, ll = 0;
    for (size_t a = 0; a < ns; a++) {
      double gm = res->f9r[a][r].mean - res->f9r[a][R_MLP].mean,
             gl = res->f9lin[a][r].mean - res->f9r[a][R_MLP].mean;
      all &= gm > 0;
      lv += (size_t)snprintf(vals + lv, sizeof vals - lv, "%s%+.2f", a ? " / " : "", gm);
      ll += (size_t)snprintf(lins + ll, sizeof lins - ll, "%s%+.2f", a ? " / " : "", gl);
    }
    char sizes_s[64];
    if (ns == 2)
      snprintf(sizes_s, sizeof sizes_s, "%g / %g", cf->sizes.v[0], cf->sizes.v[1]);
    else
      snprintf(sizes_s, sizeof sizes_s, "%g", cf->sizes.v[0]);
    snprintf(d, sizeof d,
             "Fig. 9 read with %s: MHC minus MLP, MNIST test accuracy pp, at %s training images%s",
             how, sizes_s,
             r == R_LIN
                 ? ""
                 : "; in brackets the same with the linear read-out of the same runs' weights");
    if (r == R_LIN)
      snprintf(m, sizeof m, "%s", vals);
    else
      snprintf(m, sizeof m, "%s (linear read-out: %s)", vals, lins);
    hop_claims_add(x->claims, rid[r], d, "> 0 (MHC slightly better)", m, "> 0 at each",
                   hop_claims_if(all));
  }
}

/* Fig. 9: accuracy against the training-set size, under every reading (claims F9). */
static int fig9(hop_exp *x) {
  double pick[MAXL][2];
  int st = f9_sizes(x);
  if (!st) st = f9_dt(x, pick);
  if (!st) st = f9_readings(x, pick);
  if (!st) claim_f9(x), claims_f9_readings(x);
  return st;
}

/* ---- stage 9b: what the dynamics add: the Table 1 runs read out without dynamics
 *      (argmax W^T x), after --readout-steps and after --steps (readout.csv; R-*) ----- */

static int readout(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_file *f = hop_file_open(
      cli->out, "readout.csv",
      "dataset,model,readout,steps,position,runs,accuracy,accuracy_sd,agreement,agreement_sd");
  if (!f) return hop_error_code();
  static const char *mshort[N_MODEL] = {"schedule", "fixed", "mlp", "constant"};
  hop_claims *cl = x->claims;
  int st = HOP_OK;
  for (size_t i = 0; i < cf->dsets.n && !st; i++) {
    int ds = cf->dsets.v[i];
    for (int m = 0; m < N_MODEL; m++) {
      if (m == M_MLP) continue;
      stat full = collect(res->qc, P_T1, ds, m, 0, 0, F_ACC, 0);
      if (full.n == 0) continue; /* constant: not run on CIFAR-10 */
      stat lin = collect(res->qc, P_T1, ds, m, 0, 0, F_LIN, 0),
           al = collect(res->qc, P_T1, ds, m, 0, 0, F_AGLIN, 0);
      hop_file_printf(f, "%s,%s,linear,0,0,%zu,%.2f,%.2f,%.2f,%.2f\n", ds_names[ds], model_names[m],
                      lin.n, lin.mean, lin.sd, al.mean, al.sd);
      for (size_t k = 0; k < cf->rsteps.n; k++) {
        stat a = collect(res->qc, P_T1, ds, m, 0, 0, F_RS, k),
             g = collect(res->qc, P_T1, ds, m, 0, 0, F_AGRS, k);
        hop_file_printf(f, "%s,%s,steps,%g,%zu,%zu,%.2f,%.2f,%.2f,%.2f\n", ds_names[ds],
                        model_names[m], cf->rsteps.v[k], k + 1, a.n, a.mean, a.sd, g.mean, g.sd);
      }
      hop_file_printf(f, "%s,%s,steps,%ld,%zu,%zu,%.2f,%.2f,100.00,0.00\n", ds_names[ds],
                      model_names[m], cf->steps, cf->rsteps.n + 1, full.n, full.mean, full.sd);
      /* the claim: the dynamics' change (paired per run) against the seed spread */
      stat dl = collect(res->qc, P_T1, ds, m, 0, 0, F_DLIN, 0);
      double spread = fmax(full.sd, lin.sd);
      int beyond = fabs(dl.mean) > spread;
      char id[64], d[700], v[300];
      snprintf(id, sizeof id, "R-%s-%s",
               ds == DS_CIFAR     ? "cifar"
               : ds == DS_FASHION ? "fashion"
                                  : "mnist",
               mshort[m]);
      snprintf(
          d, sizeof d,
          "Table 1, %s, %s: what the dynamics add. Test accuracy after %ld Euler steps minus the "
          "linear read-out argmax(W^T x) of the same weights (no dynamics), pp, mean and sd over "
          "%zu runs; "
          "seed spread = the larger sd over runs of the two accuracies; agreement = test images on "
          "which the "
          "two labels agree",
          ds_names[ds], model_names[m], cf->steps, dl.n);
      snprintf(v, sizeof v, "%+.2f +- %.2f (seed spread %.2f; agreement %.2f %%): %s", dl.mean,
               dl.sd, spread, al.mean,
               beyond ? "larger than the seed spread" : "within the seed spread");
      st = hop_claims_add(cl, id, d, "- (the text says the dynamics classify)", v,
                          "|difference| > seed spread", "beyond paper");
    }
  }
  int cs = hop_file_close(f);
  return st ? st : cs;
}

/* ---- stage 10: Fig. 4, time course of h and E for the first test image over three
 *      times the span (timecourse.csv; F4), then Fig. 2a, prototypes from the same
 *      stream: h clamped to proto_h / beta on one memory neuron and 0 elsewhere (so f
 *      is one-hot to within exp(-proto_h) whatever the inference beta), v from noise - */

static int fig4_fig2a(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  const dset *dm = &res->ds[DS_MNIST];
  const hop_mhc_params *pm = &res->pm;
  const hop_mhc *net = res->jm->m;
  size_t nf = dm->nf;
  gsl_rng *r = hop_rng_alloc(cf->seed, hop_rng_chain(DS_MNIST, 0, RNG_TIMECOURSE, 0));
  float *v = malloc(nf * sizeof *v), *img = malloc(NCLASS * nf * sizeof *img), h[NCLASS];
  hop_file *f = r && v && img ? hop_file_open(cli->out, "timecourse.csv",
                                              "step,t,h0,h1,h2,h3,h4,h5,h6,h7,h8,h9,energy,label")
                              : NULL;
  int st = f ? HOP_OK : r && v && img ? hop_error_code() : HOP_RAISE(HOP_ENOMEM, "Fig. 4 buffers");
  int e_rose = 0, f4_label = 0;
  double e_prev = INFINITY, e0 = NAN, e100 = NAN;
  if (!st) {
    memcpy(v, dm->x[res->best.stdm][1], nf * sizeof *v);
    for (int j = 0; j < NCLASS; j++) h[j] = (float)(cf->h0 * (2.0 * gsl_rng_uniform(r) - 1.0));
    for (size_t s = 0; s <= 3 * pm->steps; s++) {
      double e = hop_mhc_energy(net, v, h, pm->beta, res->w);
      if (s == 0) e0 = e;
      if (s == pm->steps) {
        e100 = e;
        f4_label = (int)hop_math_argmax_f(h, NCLASS);
      }
      if (e > e_prev + 1e-6 * (1 + fabs(e_prev))) e_rose = 1;
      e_prev = e;
      hop_file_printf(f, "%zu,%g", s, (double)s * pm->dt);
      for (int j = 0; j < NCLASS; j++) hop_file_printf(f, ",%.6g", h[j]);
      hop_file_printf(f, ",%.8g,%d\n", e, dm->yte[0]);
      hop_mhc_step(net, v, h, pm->beta, pm->dt, 0, res->w);
    }
    st = hop_file_close(f);
  }
  if (!st) {
    char d[700], m[200];
    snprintf(d, sizeof d,
             "Fig. 4: for the first test image (label %d) the memory neuron of the true class wins "
             "after %zu Euler steps and E does not increase along the Euler steps (E %.4g -> %.4g)",
             dm->yte[0], pm->steps, e0, e100);
    snprintf(m, sizeof m, "winner %d, E %s", f4_label, e_rose ? "rose" : "never rose");
    hop_claims_add(x->claims, "F4", d, "correct unit wins; converges", m, "-",
                   f4_label == dm->yte[0] && !e_rose ? "reproduced" : "not reproduced");
    for (int c = 0; c < NCLASS; c++) {
      for (size_t k = 0; k < nf; k++) v[k] = (float)gsl_ran_gaussian(r, 1.0);
      for (int j = 0; j < NCLASS; j++) h[j] = j == c ? (float)(cf->proto_h / pm->beta) : 0.0f;
      for (size_t s = 0; s < 10 * pm->steps; s++)
        hop_mhc_step(net, v, h, pm->beta, pm->dt, HOP_MHC_CLAMP_H, res->w);
      to_unit(v, dm, res->best.stdm, 1, img + c * nf);
    }
    st = hop_grid_write(cli->out, "grid_prototypes.csv", img, NCLASS, 1, dm->side, dm->side, NCLASS,
                        2);
  }
  gsl_rng_free(r);
  free(v);
  free(img);
  return st;
}

/* ---- stage 11: Fig. 5, MNIST confusion matrices (confusion.csv; F5) --------------- */

static int fig5(hop_exp *x) {
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_file *f = hop_file_open(cli->out, "confusion.csv", "model,true,predicted,count");
  if (!f) return hop_error_code();
  int diag[2] = {0, 0};
  for (int m = 0; m < 2; m++) {
    const job *j = m ? res->jl : res->jm;
    for (int a = 0; a < NCLASS; a++)
      for (int b = 0; b < NCLASS; b++) {
        hop_file_printf(f, "%s,%d,%d,%u\n", model_names[m ? M_MLP : M_SCHED], a, b,
                        j->conf[a * NCLASS + b]);
        if (a == b) diag[m] += (int)j->conf[a * NCLASS + b];
      }
  }
  int st = hop_file_close(f);
  if (st) return st;
  char d[700], m[200];
  double nt = (double)res->ds[DS_MNIST].n_test;
  snprintf(d, sizeof d,
           "Fig. 5: MNIST confusion matrices, diagonal share %% (MHC schedule / MLP, seed 0)");
  snprintf(m, sizeof m, "%.2f / %.2f", 100.0 * diag[0] / nt, 100.0 * diag[1] / nt);
  hop_claims_add(x->claims, "F5", d, "-", m, "-", "beyond paper");
  return HOP_OK;
}

/* ---- stage 12: Fig. 2b / 6, the bottom mask fraction of rows set to black, whole test
 *      set (completion.csv, grid_completion.csv; F2b) ---------------------------------- */

static int fig2b(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  const dset *dm = &res->ds[DS_MNIST];
  size_t nf = dm->nf, nt = dm->n_test, stdm = (size_t)res->best.stdm;
  size_t rows = (size_t)lround(cf->mask * (double)dm->side);
  float *xm = res->xm;
  for (size_t i = 0; i < nt; i++) {
    memcpy(xm + i * nf, dm->x[stdm][1] + i * nf, nf * sizeof *xm);
    for (size_t k = (dm->side - rows) * dm->side; k < nf; k++)
      xm[i * nf + k] = (0.0f - dm->mean[stdm][k]) / dm->sd[stdm][k];
  }
  gsl_rng *rm = hop_rng_alloc(cf->seed, hop_rng_chain(DS_MNIST, 0, RNG_MASK, 0));
  float *vout = malloc(nt * nf * sizeof *vout), *img = malloc(3 * NCLASS * nf * sizeof *img);
  hop_file *f = NULL;
  int st = rm && vout && img ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "Fig. 2b buffers");
  size_t masked_ok = 0;
  if (!st) {
    hop_mhc_infer_batch(res->jm->m, xm, nt, &res->pm, rm, res->lab, vout, NULL, res->w);
    for (size_t i = 0; i < nt; i++) masked_ok += res->lab[i] == dm->yte[i];
    if (!(f = hop_file_open(cli->out, "completion.csv", "column,test_index,label,predicted")))
      st = hop_error_code();
  }
  if (!st) {
    for (int c = 0; c < NCLASS; c++) {
      size_t i = 0;
      while (i < nt && dm->yte[i] != c) i++;
      if (i == nt) i = 0; /* --quick test sets may lack a class */
      to_unit(dm->x[stdm][1] + i * nf, dm, (int)stdm, 0, img + c * nf);
      to_unit(xm + i * nf, dm, (int)stdm, 0, img + (NCLASS + c) * nf);
      to_unit(vout + i * nf, dm, (int)stdm, 0, img + (2 * NCLASS + c) * nf);
      hop_file_printf(f, "%d,%zu,%d,%zu\n", c, i, dm->yte[i], res->lab[i]);
    }
    if (!(st = hop_file_close(f)))
      st = hop_grid_write(cli->out, "grid_completion.csv", img, 3 * NCLASS, 1, dm->side, dm->side,
                          NCLASS, 2);
  }
  gsl_rng_free(rm);
  free(vout);
  free(img);
  if (st) return st;
  char d[700], m[200];
  snprintf(
      d, sizeof d,
      "Fig. 2b/6: test accuracy %% with the bottom %zu of %zu rows masked (%.0f %% of the image)",
      rows, dm->side, 100.0 * (double)rows / (double)dm->side);
  snprintf(m, sizeof m, "%.2f", 100.0 * (double)masked_ok / (double)nt);
  hop_claims_add(x->claims, "F2b", d, "-", m, "-", "beyond paper");
  return HOP_OK;
}

/* ---- stage 13: rkf45 over the same span as the Euler steps, same initial h (ode.csv;
 *      claim ODE), and the speed report (speed.txt) ------------------------------------ */

static int ode_and_speed(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  const dset *dm = &res->ds[DS_MNIST];
  size_t nf = dm->nf, nt = dm->n_test, stdm = (size_t)res->best.stdm;
  size_t no = (size_t)cf->ode_images < nt ? (size_t)cf->ode_images : nt, agree = 0, ok_ode = 0,
         ok_eul = 0;
  gsl_rng *ra = hop_rng_alloc(cf->seed, hop_rng_chain(DS_MNIST, 0, RNG_ODE, 0)),
          *rb = hop_rng_alloc(cf->seed, hop_rng_chain(DS_MNIST, 0, RNG_ODE, 0));
  int st = ra && rb ? HOP_OK : hop_error_code();
  double t_ode = hop_cli_now();
  if (!st)
    hop_mhc_infer_batch(res->jm->m, dm->x[stdm][1], no, &res->pm, ra, res->lab, NULL, NULL, res->w);
  for (size_t i = 0; i < no && !st; i++) {
    size_t lo;
    st = hop_mhc_infer_ode(res->jm->m, dm->x[stdm][1] + i * nf, &res->pm, rb, 1e-6, 1e-6, NULL,
                           NULL, &lo, res->w);
    agree += lo == res->lab[i];
    ok_ode += lo == dm->yte[i];
    ok_eul += res->lab[i] == dm->yte[i];
  }
  t_ode = hop_cli_now() - t_ode;
  gsl_rng_free(ra);
  gsl_rng_free(rb);
  if (st) return st;
  hop_file *f = hop_file_open(cli->out, "ode.csv", "method,images,accuracy,agreement_with_euler");
  if (!f) return hop_error_code();
  double acc_eul = 100.0 * (double)ok_eul / (double)no,
         acc_ode = 100.0 * (double)ok_ode / (double)no, agr = 100.0 * (double)agree / (double)no;
  hop_file_printf(f, "euler,%zu,%.2f,100\nrkf45,%zu,%.2f,%.2f\n", no, acc_eul, no, acc_ode, agr);
  if ((st = hop_file_close(f))) return st;
  char d[700], m[200];
  snprintf(d, sizeof d,
           "inference by adaptive rkf45 (tol 1e-6) over the same span as the Euler steps, %zu test "
           "images: accuracy %% and agreement with Euler (Euler accuracy %.2f)",
           no, acc_eul);
  snprintf(m, sizeof m, "%.2f, agreement %.2f", acc_ode, agr);
  hop_claims_add(x->claims, "ODE", d, "-", m, "-", "beyond paper");
  f = hop_file_open(cli->out, "speed.txt", NULL);
  if (!f) return hop_error_code();
  hop_file_printf(f,
                  "MNIST MHC training: %.0f img/s on one thread (%ld Euler steps each)\n"
                  "rkf45 inference: %.0f img/s; all training runs: %.1f s on %ld threads\n",
                  res->jm->train_rate, cf->steps, (double)no / t_ode, res->t_jobs, cli->threads);
  for (size_t k = 0; k < hop_jobs_count(res->qc); k++) {
    const job *j = hop_jobs_at(res->qc, k);
    if (j->part == P_T1 && j->ds == DS_CIFAR && j->model == M_SCHED) {
      hop_file_printf(f, "CIFAR-10 MHC training (seed %zu): %.0f img/s\n", j->seed, j->train_rate);
      break;
    }
  }
  return hop_file_close(f);
}

/* ---- stage 14: the readings of eq. 3 as swept (claims eq3-*) ------------------------- */

static int claims_eq3(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  char d[700], m[200];
  const choice *best = &res->best;
  hop_jobs *qs[2] = {res->qa, res->qb};
  for (int q = 0; q < 2; q++)
    for (size_t k = 0; k < hop_jobs_count(qs[q]); k++) {
      const job *j = hop_jobs_at(qs[q], k);
      if (j->part != P_READ && !(j->part == P_SWEEP && j->c.dt == best->dt &&
                                 j->c.stdm == best->stdm && j->c.init == cf->init.v[0]))
        continue;
      snprintf(d, sizeof d,
               "eq. 3 read as %s (phi = exp(%s|W|)), %s, MNIST validation accuracy %% (dt %g, %s "
               "standardisation)",
               reading_names[j->c.reading], j->c.reading == 0 ? "+" : "-",
               j->model == M_SCHED ? "beta schedule" : "beta fixed", j->c.dt, std_names[j->c.stdm]);
      if (j->diverged)
        snprintf(m, sizeof m, "diverged in epoch %d", j->diverged);
      else
        snprintf(m, sizeof m, "%.2f (max |W| %.3g)", j->acc[best->ib], j->max_w);
      char id[40];
      snprintf(id, sizeof id, "eq3-%s-%s", reading_names[j->c.reading],
               j->model == M_SCHED ? "schedule" : "fixed");
      hop_claims_add(x->claims, id, d, "-", m, "-", "beyond paper");
    }
  return HOP_OK;
}

static void results_free(hop_exp *x) {
  results *res = x->res;
  hop_jobs *qs[3] = {res->qa, res->qb, res->qc};
  for (int q = 0; q < 3; q++) {
    for (size_t k = 0; qs[q] && k < hop_jobs_count(qs[q]); k++) {
      job *j = hop_jobs_at(qs[q], k);
      hop_mhc_free(j->m);
      hop_mlp_free(j->mlp);
    }
    hop_jobs_free(qs[q]);
  }
  hop_mhc_work_free(res->w);
  free(res->lab);
  free(res->xm);
  for (int k = 0; k < N_DS; k++) dset_free(&res->ds[k]);
}

/* The frame's estimate, from the options alone: an MHC run integrates --steps Euler
 * steps per image, for epochs x training images, the validation and the test images
 * (MNIST's Table 1 runs also at each --noise level); CIFAR-10 runs cost four times (3,072
 * inputs against 784). Runs: the validation sweeps (dt x standardisations x readings,
 * inits, readings), Table 1 (datasets x models, and CIFAR-10's two exact subsets of 4,000
 * training images), Fig. 3a's betas, Fig. 9's sizes x dt, each
 * --seeds times; an MLP epoch costs a tenth of an MHC step per image. */
static double run_cost(const config *cf, double n_train, double evals) {
  return (double)cf->steps * ((double)cf->epochs * n_train + (double)cf->val + evals);
}

static double work(const void *c) {
  const config *cf = c;
  double s = (double)cf->seeds, tr = (double)cf->n_train, te = (double)cf->test, w = 0;
  double sweeps = (double)(cf->dt.n * cf->stds.n * cf->readings.n + cf->init.n + cf->readings.n);
  w += sweeps * run_cost(cf, tr, 0) + s * (double)cf->beta_f3a.n * run_cost(cf, tr, te);
  for (size_t i = 0; i < cf->dsets.n; i++) { /* CIFAR-10 brings its two exact subsets */
    int d = cf->dsets.v[i];
    w += s * (d == DS_CIFAR ? 4 * 3 : N_MODEL) *
         run_cost(cf, tr, te * (d == DS_MNIST ? (double)(1 + cf->noise.n) : 1));
    if (d == DS_CIFAR) w += 2 * s * 4 * 3 * run_cost(cf, 4000, 1000 - (double)cf->val);
  }
  for (size_t i = 0; i < cf->sizes.n; i++)
    w += s * (double)cf->dt.n * run_cost(cf, cf->sizes.v[i], te);
  return w + (double)cf->mlp_epochs * tr / 10 * ((double)cf->mlp_lr.n + s * (double)cf->dsets.n);
}

/* The stages, in order; each names itself in an error. */
static const hop_exp_stage stages[] = {{"plan of runs", plan},
                                       {"validation sweep", sweep},
                                       {"runs", main_runs},
                                       {"table1.csv", table1},
                                       {"Fig. 3a", fig3a},
                                       {"noise.csv", fig3b},
                                       {"Fig. 9", fig9},
                                       {"readout.csv", readout},
                                       {"Figs. 4 and 2a", fig4_fig2a},
                                       {"confusion.csv", fig5},
                                       {"Fig. 2b/6", fig2b},
                                       {"rkf45 inference", ode_and_speed},
                                       {"claims (eq. 3)", claims_eq3}};

int main(int argc, char **argv) {
  config cf;
  hop_opt opts[] = {
      {"datasets", HOP_OPT_WORDS, &cf.dsets, 0, 0,
       "of Table 1, mnist first (cifar-10 brings the exact subset)", "mnist,fashion-mnist,cifar-10",
       .quick = NULL, .names = table1_names},
      {"train", HOP_OPT_INT, &cf.n_train, 10, 1e6, "training images per run (paper: 10,000)",
       "10000", .quick = "100"},
      {"epochs", HOP_OPT_INT, &cf.epochs, 1, 30, "MHC epochs (paper: 5)", "5", .quick = NULL},
      {"seeds", HOP_OPT_INT, &cf.seeds, 1, 64, "runs per Table 1 entry and per curve point", "3",
       .quick = "2", .paper = "10"},
      {"val", HOP_OPT_INT, &cf.val, 10, 1e6, "validation images held out of each training set",
       "5000", .quick = "200"},
      {"test", HOP_OPT_INT, &cf.test, 10, 1e6, "test images used (at most the test set)", "10000",
       .quick = "300"},
      {"eta", HOP_OPT_DOUBLE, &cf.eta, 1e-9, 1e3, "learning rate eta of eq. 3 (paper 0.02)", "0.02",
       .quick = NULL},
      {"beta", HOP_OPT_DOUBLE, &cf.beta, 1e-9, 1e6, "initial inverse temperature (paper 1)", "1",
       .quick = NULL},
      {"steps", HOP_OPT_INT, &cf.steps, 1, 100000,
       "Euler steps per image, training and inference (paper 100)", "100", .quick = NULL},
      {"h0", HOP_OPT_DOUBLE, &cf.h0, 0, 10,
       "h starts uniform in [-h0, h0] (\"small random values\")", "0.01", .quick = NULL},
      {"sd-floor", HOP_OPT_DOUBLE, &cf.sd_floor, 1e-6, 1,
       "smallest sigma of standardisation (pixels in [0, 1])", "0.05", .quick = NULL},
      {"dt", HOP_OPT_LIST, &cf.dt, 1e-6, 1.0, "Euler steps swept on validation", "0.01,0.03,0.1",
       .quick = "0.1"},
      {"standardise", HOP_OPT_WORDS, &cf.stds, 0, 0, "standardisations swept", "pixel,global",
       .quick = NULL, .names = std_names},
      {"reading", HOP_OPT_WORDS, &cf.readings, 0, 0, "readings of eq. 3 swept", "printed,damped",
       .quick = NULL, .names = reading_names},
      {"init-scale", HOP_OPT_LIST, &cf.init, 0, 10,
       "sd of the initial weights; the first is used in the main sweep", "0.01,0.001,0.1",
       .quick = "0.01,0.1"},
      {"noise", HOP_OPT_LIST, &cf.noise, 0, 100,
       "noise sigmas of Fig. 3b (standardised units; first 0)", "0,0.5,1,2,3,4,6,8",
       .quick = "0,2,4"},
      {"noise-f3a", HOP_OPT_DOUBLE, &cf.noise_f3a, 0, 100,
       "noise sigma of the noisy curve of Fig. 3a (paper 4.0)", "4", .quick = NULL},
      {"betas", HOP_OPT_LIST, &cf.beta_f3a, 1e-9, 1e6, "initial betas of Fig. 3a",
       "0.001,0.01,0.1,1,10,100", .quick = "0.01,1"},
      {"sizes", HOP_OPT_INTS, &cf.sizes, 10, 1e6, "training-set sizes of Fig. 9",
       "100,300,1000,3000,10000", .quick = "50,100"},
      {"f9-span", HOP_OPT_DOUBLE, &cf.f9_span, 1e-3, 100,
       "Fig. 9's other inference span, in units of tau_v", "1", .quick = NULL},
      {"readout-steps", HOP_OPT_INTS, &cf.rsteps, 1, 100000,
       "Euler steps of the early read-outs (Table 1 and Fig. 9 runs)", "1,10", .quick = NULL},
      {"mlp-epochs", HOP_OPT_INT, &cf.mlp_epochs, 1, 1000, "MLP epochs of Table 1 (paper 50)", "50",
       .quick = "10"},
      {"mlp-lr", HOP_OPT_LIST, &cf.mlp_lr, 1e-9, 100, "MLP learning rates swept on validation",
       "0.003,0.01,0.03,0.1", .quick = "0.01,0.1"},
      {"mask", HOP_OPT_DOUBLE, &cf.mask, 0, 1,
       "fraction of image rows masked (from the bottom) in Fig. 2b/6", "0.4", .quick = NULL},
      {"proto-h", HOP_OPT_DOUBLE, &cf.proto_h, 1e-3, 1e3,
       "beta h of the clamped memory neuron in Fig. 2a", "10", .quick = NULL},
      {"ode-images", HOP_OPT_INT, &cf.ode_images, 1, 1e6,
       "test images integrated by rkf45 as a check", "500", .quick = "20"},
  };
  hop_exp_desc d = {
      HOP_EXP_DESC("mhc", 2385, opts, &cf, results, stages),
      .summary =
          "Modern Hopfield Classifier (Joshi et al. 2023): Table 1, Figs. 2-5 and 9, with the\n"
          "open choices swept on a validation split (claims T1, F2-F5, F9).",
      .check = check,
      .load = load,
      .free = results_free,
      .work = work,
      .record_seconds = 484.6};
  return hop_exp_main(&d, argc, argv);
}

/* mhc.c: the Modern Hopfield Classifier with local learning and a beta schedule.
 *
 * Question. Joshi, Krishnan & Bazhenov (NeurIPS 2023 AMHN workshop; shared/seeds/003,
 * spec shared/specs/mhc.md) train a two-layer continuous Hopfield network with one
 * memory neuron per class by a local rule and report MLP-level accuracy on MNIST,
 * Fashion-MNIST and CIFAR-10 (Table 1), helped by halving beta every epoch. Which of
 * their numbers and figures hold, and under which reading of what the paper leaves open?
 *
 * Model (lib/hop_mhc.h; paper eqs. 1-2, supplement eqs. 4-6). Feature neurons v (N_f =
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
 *     outputs, no hidden layer (lib/hop_mlp.h), minibatch SGD on cross-entropy, 50 epochs
 *     on the same images (Table 1), learning rate chosen on the validation split.
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
 * train_size.csv (Fig. 9), confusion.csv (Fig. 5), timecourse.csv (Fig. 4),
 * grid_prototypes.csv (Fig. 2a), grid_completion.csv + completion.csv (Fig. 2b / 6),
 * ode.csv, claims.csv, manifest.txt, speed.txt (timings; not compared across runs).
 * Results do not depend on --threads: runs are independent jobs, each single-threaded.
 * Command: bin/mhc [--quick] [--seed N] [--threads N] (see --help).
 */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_randist.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hop_cli.h"
#include "hop_data.h"
#include "hop_norm.h"
#include "hop_error.h"
#include "hop_math.h"
#include "hop_mhc.h"
#include "hop_mlp.h"
#include "hop_claims.h"
#include "hop_file.h"
#include "hop_grid.h"
#include "hop_manifest.h"
#include "hop_progress.h"
#include "hop_rng.h"

#define MAXL 16
#define NCLASS 10
#define MLP_BATCH 100

/* DS_SUBSET: the exact CIFAR-10 subset; DS_SUBSET_JPEG: the same 4,000 + 1,000 images
 * from the approximate JPEG-75 copy (the first records of its batch 1 and test batch). */
enum { DS_MNIST, DS_FASHION, DS_CIFAR, DS_SUBSET, DS_SUBSET_JPEG, N_DS };
static const char *ds_names[N_DS] = {"mnist", "fashion-mnist", "cifar-10", "cifar-10-subset", "cifar-10-subset-jpeg75"};
static const char *std_names[2] = {"pixel", "global"};
static const char *reading_names[2] = {"printed", "damped"};
static const char *ib_names[2] = {"initial", "final"};
/* Table 1 of the paper, percent: rows MHC with schedule, without, MLP */
static const double paper_t1[3][3] = {{90.13, 82.8, 47.31}, {85.2, 77.13, 41.68}, {90.67, 83.0, 48.73}};

/* One dataset: labels, standardised images for each standardisation, split. */
typedef struct {
  int present;
  size_t nf, ch, side;
  size_t n_train, n_test, n_val; /* training rows 0..n_val-1 are the validation split */
  unsigned char *ytr, *yte;
  float *x[2][2];   /* [standardisation][0 train, 1 test] (n, nf) */
  float *mean[2], *sd[2];
  char files[6][512];
  size_t n_files;
} dset;

enum { P_SWEEP, P_INIT, P_READ, P_MLPLR, P_T1, P_SUB, P_F3A, P_F9, N_PART };
static const char *part_names[N_PART] = {"sweep", "init", "readings", "mlp_lr", "table1", "subset", "beta_train", "train_size"};
/* M_FIXED: beta fixed, eta still decays; M_CONST: beta and eta both fixed (the other
 * reading of "without temperature scheduling") */
enum { M_SCHED, M_FIXED, M_MLP, M_CONST, N_MODEL };
static const char *model_names[N_MODEL] = {"mhc_schedule", "mhc_fixed", "mlp", "mhc_constant"};

typedef struct {
  long epochs, seeds, n_train, val, test, steps, mlp_epochs, ode_images;
  double eta, beta, h0, sd_floor, mask, proto_h, noise_f3a;
  double dt[MAXL], init[MAXL], noise[MAXL], beta_f3a[MAXL], sizes[MAXL], mlp_lr[MAXL];
  size_t n_dt, n_init, n_noise, n_beta_f3a, n_sizes, n_mlp_lr;
  int stds[2], readings[2], dsets[3];
  size_t n_stds, n_readings, n_dsets;
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
  int split;        /* 0: validation, 1: test */
  int noise_evals;  /* also evaluate at every --noise sigma (Fig. 3b) */
  int f3a_noise;    /* also evaluate at --noise-f3a (Fig. 3a) */
  int keep;         /* keep the trained model for the figures */
  /* results */
  double acc[2];    /* [inference beta] accuracy (MLP: both the same) */
  double acc_noise[MAXL], acc_f3a_noise;
  int diverged;     /* epoch (1-based) in which training diverged, 0 if it did not */
  double max_w, train_rate;
  unsigned conf[NCLASS * NCLASS];
  hop_mhc *m;
  hop_mlp *mlp;
  int status;
  char err[256];
} job;

static int fail(const char *what) {
  fprintf(stderr, "mhc: %s: %s\n", what, hop_error_message());
  return 1;
}

/* ---- data -------------------------------------------------------------------------- */

static int load_raw(int which, int quick, hop_dataset *tr, hop_dataset *te, dset *d) {
  char p[4][512];
  int s;
  memset(tr, 0, sizeof *tr);
  memset(te, 0, sizeof *te);
  if (which == DS_MNIST || which == DS_FASHION) {
    const char *dir = which == DS_MNIST ? "mnist" : "fashion-mnist", *gz = which == DS_MNIST ? "" : ".gz";
    const char *names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    for (int k = 0; k < 4; k++) {
      char rel[128];
      snprintf(rel, sizeof rel, "%s/%s%s", dir, names[k], gz);
      hop_data_path(p[k], sizeof p[k], rel);
      snprintf(d->files[k], sizeof d->files[k], "%s", p[k]);
    }
    d->n_files = 4;
    s = hop_data_mnist_load(p[0], p[1], tr);
    if (!s) s = hop_data_mnist_load(p[2], p[3], te);
  } else {
    const char *const *pp;
    size_t np;
    char bp[5][512];
    const char *bpp[5];
    if (which == DS_CIFAR) {
      for (int k = 0; k < 5; k++) {
        char rel[64];
        snprintf(rel, sizeof rel, "cifar-10-jpeg75/data_batch_%d.bin", k + 1);
        hop_data_path(bp[k], sizeof bp[k], rel);
        bpp[k] = bp[k];
        snprintf(d->files[k], sizeof d->files[k], "%s", bp[k]);
      }
      hop_data_path(p[0], sizeof p[0], "cifar-10-jpeg75/test_batch.bin");
      snprintf(d->files[5], sizeof d->files[5], "%s", p[0]);
      d->n_files = 6;
      np = quick ? 1 : 5;
    } else { /* the exact subset, or the same records of the JPEG-75 copy */
      int jpeg = which == DS_SUBSET_JPEG;
      hop_data_path(bp[0], sizeof bp[0], jpeg ? "cifar-10-jpeg75/data_batch_1.bin" : "cifar-10-subset/data_batch_1_first4000.bin");
      hop_data_path(p[0], sizeof p[0], jpeg ? "cifar-10-jpeg75/test_batch.bin" : "cifar-10-subset/test_batch_first1000.bin");
      bpp[0] = bp[0];
      snprintf(d->files[0], sizeof d->files[0], "%s", bp[0]);
      snprintf(d->files[1], sizeof d->files[1], "%s", p[0]);
      d->n_files = 2;
      np = 1;
    }
    pp = bpp;
    int sub = which == DS_SUBSET_JPEG;
    s = hop_data_cifar_load(pp, np, sub ? 4000 : 0, tr);
    const char *tp[1] = {p[0]};
    if (!s) s = hop_data_cifar_load(tp, 1, sub ? 1000 : 0, te);
  }
  return s;
}

/* Load, shuffle the training set once (the first n_val rows become the validation
 * split), scale to [0, 1] and standardise both ways with statistics of the rest. */
static int prepare(int which, const config *cf, int quick, dset *d) {
  hop_dataset tr, te;
  if (load_raw(which, quick, &tr, &te, d)) {
    hop_data_free(&tr);
    hop_data_free(&te);
    return HOP_EIO;
  }
  size_t nf = tr.dim;
  d->nf = nf;
  d->ch = tr.channels;
  d->side = tr.width;
  /* --quick keeps 5,000 training images (drawn as below), enough for its small runs */
  d->n_train = quick && tr.n > 5000 ? 5000 : tr.n;
  d->n_test = te.n < (size_t)cf->test ? te.n : (size_t)cf->test;
  int subset = which == DS_SUBSET || which == DS_SUBSET_JPEG;
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
  gsl_rng *r = hop_rng_alloc(cf->seed, hop_rng_key(0x5711, (uint64_t)which, 0, 0));
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
    s = hop_norm_stats(raw + d->n_val * nf, d->n_train - d->n_val, nf, m == 0, cf->sd_floor, d->mean[m], d->sd[m]);
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
  hop_mhc_params p = {.beta = ib ? epoch_beta(j, j->epochs - 1) : j->beta, .dt = j->c.dt,
                      .steps = (size_t)cf->steps, .eta = cf->eta, .reading = (hop_mhc_reading)j->c.reading,
                      .h0 = cf->h0};
  return p;
}

/* The evaluation images of a run (validation or test split, n of them), with Gaussian
 * noise of sd sigma added into xbuf when sigma > 0: the same draws for every model of a
 * dataset and seed, so that models are compared on identical inputs. */
static const float *eval_inputs(const job *j, const dset *d, const config *cf, double sigma, float *xbuf,
                                size_t *n) {
  size_t nf = d->nf;
  const float *x = j->split ? d->x[j->c.stdm][1] : d->x[j->c.stdm][0];
  *n = j->split ? d->n_test : d->n_val;
  if (!(sigma > 0)) return x;
  gsl_rng *rn = hop_rng_alloc(cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, (uint64_t)(sigma * 1000), 0x401));
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
  gsl_rng *r = hop_rng_alloc(cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, stream, 0xe1));
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

static void progress_add(hop_progress *prog, size_t units) {
#pragma omp critical(mhc_progress)
  hop_progress_add(prog, units);
}

static int run_mhc(job *j, const dset *d, const config *cf, hop_progress *prog) {
  size_t nf = d->nf;
  gsl_rng *r = hop_rng_alloc(cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, j->n_train, 0x7a));
  size_t *ord = r ? draw_train(d, r) : NULL;
  hop_mhc_work *w = hop_mhc_work_alloc(nf, NCLASS);
  j->m = hop_mhc_alloc(nf, NCLASS, 1.0, 0.1);
  if (!ord || !w || !j->m) {
    gsl_rng_free(r), free(ord), hop_mhc_work_free(w);
    return hop_error_code() ? hop_error_code() : HOP_ENOMEM;
  }
  hop_mhc_init(j->m, r, 1, j->c.init);
  double t0 = hop_cli_now();
  size_t trained = 0;
  for (size_t e = 0; e < j->epochs && !j->diverged; e++) {
    hop_mhc_params p = {.beta = epoch_beta(j, e), .dt = j->c.dt, .steps = (size_t)cf->steps,
                        .eta = epoch_eta(j, cf, e), .reading = (hop_mhc_reading)j->c.reading,
                        .h0 = cf->h0, .exact = 0};
    gsl_ran_shuffle(r, ord, j->n_train, sizeof *ord);
    for (size_t i = 0; i < j->n_train; i++) {
      if (hop_mhc_train_image(j->m, d->x[j->c.stdm][0] + ord[i] * nf, d->ytr[ord[i]], &p, r, w)) {
        j->diverged = (int)e + 1;
        break;
      }
      trained++;
    }
    progress_add(prog, j->n_train * input_scale(nf));
  }
  double tt = hop_cli_now() - t0;
  j->train_rate = tt > 0 ? (double)trained / tt : 0;
  j->max_w = 0;
  for (size_t k = 0; k < nf * NCLASS; k++) j->max_w = fmax(j->max_w, fabs(j->m->w[k]));
  if (j->diverged) j->max_w = NAN; /* some weight overflowed */
  size_t n = j->split ? d->n_test : d->n_val;
  size_t *lab = malloc(n * sizeof *lab);
  float *xbuf = j->noise_evals || j->f3a_noise ? malloc(n * nf * sizeof *xbuf) : NULL;
  int s = lab && (xbuf || !(j->noise_evals || j->f3a_noise)) ? HOP_OK : HOP_ENOMEM;
  if (!s && j->diverged) {
    j->acc[0] = j->acc[1] = j->acc_f3a_noise = NAN;
    for (size_t k = 0; k < cf->n_noise; k++) j->acc_noise[k] = NAN;
  } else if (!s) {
    for (int ib = 0; ib < 2; ib++)
      j->acc[ib] = eval_mhc(j, d, cf, ib, 0, 0, NULL, lab, ib == j->c.ib ? j->conf : NULL, w);
    if (j->noise_evals)
      for (size_t k = 0; k < cf->n_noise; k++)
        j->acc_noise[k] = eval_mhc(j, d, cf, j->c.ib, cf->noise[k], 1 + k, xbuf, lab, NULL, w);
    if (j->f3a_noise) j->acc_f3a_noise = eval_mhc(j, d, cf, j->c.ib, cf->noise_f3a, 99, xbuf, lab, NULL, w);
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
  gsl_rng *r = hop_rng_alloc(cf->seed, hop_rng_key((uint64_t)j->ds, j->seed, j->n_train, 0x3f));
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
      progress_add(prog, (j->n_train / 10) * input_scale(nf));
    }
    double tt = hop_cli_now() - t0;
    j->train_rate = tt > 0 ? (double)(j->n_train * j->epochs) / tt : 0;
    j->acc[0] = j->acc[1] = eval_mlp(j, d, 0, cf, NULL, pred, j->conf, w);
    if (j->noise_evals)
      for (size_t k = 0; k < cf->n_noise; k++) j->acc_noise[k] = eval_mlp(j, d, cf->noise[k], cf, xbuf, pred, NULL, w);
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

/* Run jobs[0..n) in parallel (each single-threaded, so results do not depend on the
 * thread count). Returns the first failure. */
static int run_jobs(job *jobs, size_t n, const dset *ds, const config *cf, hop_progress *prog) {
  hop_math_blas_threads(1);
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t k = 0; k < n; k++) {
    job *j = &jobs[k];
    j->status = j->model == M_MLP ? run_mlp(j, &ds[j->ds], cf, prog) : run_mhc(j, &ds[j->ds], cf, prog);
    if (j->status) snprintf(j->err, sizeof j->err, "%s", hop_error_message());
  }
  for (size_t k = 0; k < n; k++)
    if (jobs[k].status) {
      fprintf(stderr, "mhc: %s run on %s failed: %s\n", part_names[jobs[k].part], ds_names[jobs[k].ds], jobs[k].err);
      return jobs[k].status;
    }
  return HOP_OK;
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

/* Mean and sd over the matching jobs of acc (ib) or acc_noise[k] (noise >= 0). */
static stat summarise(const job *jobs, size_t n, int part, int ds, int model, size_t n_train, int noise) {
  stat s = {0};
  double sum = 0, sq = 0;
  for (size_t k = 0; k < n; k++) {
    const job *j = &jobs[k];
    if (j->part != part || j->ds != ds || j->model != model || (n_train && j->n_train != n_train)) continue;
    double a = noise >= 0 ? j->acc_noise[noise] : j->acc[j->c.ib];
    if (!isfinite(a)) {
      s.diverged++;
      continue;
    }
    sum += a;
    sq += a * a;
    s.n++;
  }
  s.mean = s.n ? sum / (double)s.n : NAN;
  s.sd = s.n > 1 ? sqrt(fmax(0.0, (sq - sum * sum / (double)s.n) / (double)(s.n - 1))) : 0.0;
  return s;
}

static int write_run_row(hop_file *f, const job *j) {
  return hop_file_printf(f, "%s,%s,%s,%s,%s,%g,%g,%s,%g,%g,%zu,%zu,%zu,%s,%.2f,%.2f,%d,%.4g\n",
                         part_names[j->part], ds_names[j->ds], model_names[j->model], std_names[j->c.stdm],
                         reading_names[j->c.reading], j->c.dt, j->c.init, ib_names[j->c.ib], j->beta, j->lr,
                         j->n_train, j->epochs, j->seed, j->split ? "test" : "validation", j->acc[0], j->acc[1],
                         j->diverged, j->max_w);
}
#define RUN_HEADER "part,dataset,model,standardise,reading,dt,init_scale,infer_beta,beta,lr,n_train,epochs,seed,split,acc_beta_initial,acc_beta_final,diverged_epoch,max_abs_w"

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

int main(int argc, char **argv) {
  gsl_set_error_handler_off(); /* GSL errors come back as statuses, never abort */
  config cf = {.epochs = 5, .seeds = 3, .n_train = 10000, .val = 5000, .test = 10000, .steps = 100,
               .mlp_epochs = 50, .ode_images = 500, .eta = 0.02, .beta = 1.0, .h0 = 0.01,
               .sd_floor = 0.05, .mask = 0.4, .proto_h = 10.0, .noise_f3a = 4.0};
  const char *datasets = "mnist,fashion-mnist,cifar-10", *stds = "pixel,global", *readings = "printed,damped",
             *dts = "0.01,0.03,0.1", *inits = "0.01,0.001,0.1", *noises = "0,0.5,1,2,3,4,6,8",
             *betas = "0.001,0.01,0.1,1,10,100", *sizes = "100,300,1000,3000,10000",
             *lrs = "0.003,0.01,0.03,0.1";
  hop_opt opts[] = {
      {"datasets", HOP_OPT_STRING, &datasets, 0, 0, "of Table 1, mnist first: mnist,fashion-mnist,cifar-10 (cifar-10 brings the exact subset)", 0, ""},
      {"train", HOP_OPT_INT, &cf.n_train, 10, 1e6, "training images per run (paper: 10,000)", 0, ""},
      {"epochs", HOP_OPT_INT, &cf.epochs, 1, 30, "MHC epochs (paper: 5)", 0, ""},
      {"seeds", HOP_OPT_INT, &cf.seeds, 1, 64, "runs per Table 1 entry and per curve point", 0, ""},
      {"val", HOP_OPT_INT, &cf.val, 10, 1e6, "validation images held out of each training set", 0, ""},
      {"test", HOP_OPT_INT, &cf.test, 10, 1e6, "test images used (at most the test set)", 0, ""},
      {"eta", HOP_OPT_DOUBLE, &cf.eta, 1e-9, 1e3, "learning rate eta of eq. 3 (paper 0.02)", 0, ""},
      {"beta", HOP_OPT_DOUBLE, &cf.beta, 1e-9, 1e6, "initial inverse temperature (paper 1)", 0, ""},
      {"steps", HOP_OPT_INT, &cf.steps, 1, 100000, "Euler steps per image, training and inference (paper 100)", 0, ""},
      {"h0", HOP_OPT_DOUBLE, &cf.h0, 0, 10, "h starts uniform in [-h0, h0] (\"small random values\")", 0, ""},
      {"sd-floor", HOP_OPT_DOUBLE, &cf.sd_floor, 1e-6, 1, "smallest sigma of standardisation (pixels in [0, 1])", 0, ""},
      {"dt", HOP_OPT_STRING, &dts, 0, 0, "Euler steps swept on validation", 0, ""},
      {"standardise", HOP_OPT_STRING, &stds, 0, 0, "standardisations swept: pixel,global", 0, ""},
      {"reading", HOP_OPT_STRING, &readings, 0, 0, "readings of eq. 3 swept: printed,damped", 0, ""},
      {"init-scale", HOP_OPT_STRING, &inits, 0, 0, "sd of the initial weights; the first is used in the main sweep", 0, ""},
      {"noise", HOP_OPT_STRING, &noises, 0, 0, "noise sigmas of Fig. 3b (standardised units)", 0, ""},
      {"noise-f3a", HOP_OPT_DOUBLE, &cf.noise_f3a, 0, 100, "noise sigma of the noisy curve of Fig. 3a (paper 4.0)", 0, ""},
      {"betas", HOP_OPT_STRING, &betas, 0, 0, "initial betas of Fig. 3a", 0, ""},
      {"sizes", HOP_OPT_STRING, &sizes, 0, 0, "training-set sizes of Fig. 9", 0, ""},
      {"mlp-epochs", HOP_OPT_INT, &cf.mlp_epochs, 1, 1000, "MLP epochs of Table 1 (paper 50)", 0, ""},
      {"mlp-lr", HOP_OPT_STRING, &lrs, 0, 0, "MLP learning rates swept on validation", 0, ""},
      {"mask", HOP_OPT_DOUBLE, &cf.mask, 0, 1, "fraction of image rows masked (from the bottom) in Fig. 2b/6", 0, ""},
      {"proto-h", HOP_OPT_DOUBLE, &cf.proto_h, 1e-3, 1e3, "beta h of the clamped memory neuron in Fig. 2a", 0, ""},
      {"ode-images", HOP_OPT_INT, &cf.ode_images, 1, 1e6, "test images integrated by rkf45 as a check", 0, ""},
  };
  enum { O_DATASETS, O_TRAIN, O_EPOCHS, O_SEEDS, O_VAL, O_TEST, O_ETA, O_BETA, O_STEPS, O_H0, O_SDF, O_DT,
         O_STD, O_READ, O_INIT, O_NOISE, O_NF3A, O_BETAS, O_SIZES, O_MLPE, O_MLPLR, O_MASK, O_PROTO, O_ODE };
  size_t nopts = sizeof opts / sizeof opts[0];
  hop_cli cli;
  hop_cli_init(&cli, "mhc",
               "Modern Hopfield Classifier (Joshi et al. 2023): Table 1, Figs. 2-5 and 9, with the\n"
               "open choices swept on a validation split (claims T1, F2-F5, F9).",
               2385);
  int rc = hop_cli_main(&cli, argc, argv, opts, nopts);
  if (rc >= 0) return rc;
  cf.seed = cli.seed;
  if (cli.quick) {
    if (!opts[O_TRAIN].set) cf.n_train = 100;
    if (!opts[O_SEEDS].set) cf.seeds = 2;
    if (!opts[O_VAL].set) cf.val = 200;
    if (!opts[O_TEST].set) cf.test = 300;
    if (!opts[O_DT].set) dts = "0.1";
    if (!opts[O_INIT].set) inits = "0.01,0.1";
    if (!opts[O_NOISE].set) noises = "0,2,4";
    if (!opts[O_BETAS].set) betas = "0.01,1";
    if (!opts[O_SIZES].set) sizes = "50,100";
    if (!opts[O_MLPE].set) cf.mlp_epochs = 10;
    if (!opts[O_MLPLR].set) lrs = "0.01,0.1";
    if (!opts[O_ODE].set) cf.ode_images = 20;
  }
  /* ---- validate everything before reading data or writing anything ---- */
  if (!(cf.n_dsets = hop_cli_words(datasets, "datasets", ds_names, 3, cf.dsets, 3)) ||
      !(cf.n_stds = hop_cli_words(stds, "standardise", std_names, 2, cf.stds, 2)) ||
      !(cf.n_readings = hop_cli_words(readings, "reading", reading_names, 2, cf.readings, 2)) ||
      !(cf.n_dt = hop_cli_list(dts, "dt", 1e-6, 1.0, cf.dt, MAXL)) ||
      !(cf.n_init = hop_cli_list(inits, "init-scale", 0, 10, cf.init, MAXL)) ||
      !(cf.n_noise = hop_cli_list(noises, "noise", 0, 100, cf.noise, MAXL)) ||
      !(cf.n_beta_f3a = hop_cli_list(betas, "betas", 1e-9, 1e6, cf.beta_f3a, MAXL)) ||
      !(cf.n_sizes = hop_cli_list(sizes, "sizes", 10, 1e6, cf.sizes, MAXL)) ||
      !(cf.n_mlp_lr = hop_cli_list(lrs, "mlp-lr", 1e-9, 100, cf.mlp_lr, MAXL))) {
    fprintf(stderr, "mhc: %s\n", hop_error_message());
    return 2;
  }
  int has_mnist = 0;
  for (size_t i = 0; i < cf.n_dsets; i++) has_mnist |= cf.dsets[i] == DS_MNIST;
  if (!has_mnist) {
    fprintf(stderr, "mhc: option --datasets: must include mnist (the sweeps and figures use it)\n");
    return 2;
  }
  for (size_t i = 0; i < cf.n_sizes; i++)
    if (cf.sizes[i] != floor(cf.sizes[i])) {
      fprintf(stderr, "mhc: option --sizes: %g is not a whole number of images\n", cf.sizes[i]);
      return 2;
    }
  if (cf.noise[0] != 0) {
    fprintf(stderr, "mhc: option --noise: the list must start with 0 (the clean reference)\n");
    return 2;
  }
  /* ---- data: MNIST always (sweeps and figures), the rest as asked ---- */
  dset ds[N_DS];
  memset(ds, 0, sizeof ds);
  int want[N_DS] = {1, 0, 0, 0};
  for (size_t i = 0; i < cf.n_dsets; i++) want[cf.dsets[i]] = 1;
  want[DS_SUBSET] = want[DS_SUBSET_JPEG] = want[DS_CIFAR];
  for (int k = 0; k < N_DS; k++) {
    if (!want[k]) continue;
    if (prepare(k, &cf, cli.quick, &ds[k])) {
      int code = hop_error_code();
      fprintf(stderr, "mhc: %s: %s%s\n", ds_names[k], hop_error_message(),
              code == HOP_EINVAL ? "" : " (run make data)");
      for (int q = 0; q < N_DS; q++) dset_free(&ds[q]);
      return 2;
    }
    for (size_t i = 0; i < cf.n_sizes; i++)
      if (k == DS_MNIST && cf.sizes[i] > (double)(ds[k].n_train - ds[k].n_val)) {
        fprintf(stderr, "mhc: option --sizes: %g is more than the %zu training images outside the validation split\n",
                cf.sizes[i], ds[k].n_train - ds[k].n_val);
        for (int q = 0; q < N_DS; q++) dset_free(&ds[q]);
        return 2;
      }
  }
  if (hop_file_mkdirs(cli.out)) return fail("output directory");
  double t_start = hop_cli_now();
  hop_progress prog;
  size_t ntr = (size_t)cf.n_train, E = (size_t)cf.epochs, S = (size_t)cf.seeds;
  size_t nmain = cf.n_dt * cf.n_stds * cf.n_readings;
  size_t cap = nmain + cf.n_mlp_lr + cf.n_init + cf.n_readings + N_MODEL * S * cf.n_dsets + 2 * 3 * S +
               cf.n_beta_f3a + 2 * S * cf.n_sizes;
  job *jobs = calloc(cap, sizeof *jobs);
  if (!jobs) return fail("allocation");
  size_t nj = 0;
  /* ---- A. the main sweep (MNIST, validation, schedule) and the MLP learning rate ---- */
  size_t a0 = nj;
  for (size_t a = 0; a < cf.n_dt; a++)
    for (size_t b = 0; b < cf.n_stds; b++)
      for (size_t c = 0; c < cf.n_readings; c++)
        jobs[nj++] = (job){.part = P_SWEEP, .ds = DS_MNIST, .model = M_SCHED, .beta = cf.beta, .n_train = ntr,
                           .epochs = E, .split = 0,
                           .c = {.stdm = cf.stds[b], .reading = cf.readings[c], .dt = cf.dt[a], .init = cf.init[0]}};
  for (size_t a = 0; a < cf.n_mlp_lr; a++)
    jobs[nj++] = (job){.part = P_MLPLR, .ds = DS_MNIST, .model = M_MLP, .lr = cf.mlp_lr[a], .n_train = ntr,
                       .epochs = (size_t)cf.mlp_epochs, .split = 0, .c = {.stdm = cf.stds[0]}};
  size_t a1 = nj;
  /* ---- B. init scale at the chosen point; both readings without the schedule
   *      (the other fields are filled in after A) ---- */
  for (size_t a = 1; a < cf.n_init; a++)
    jobs[nj++] = (job){.part = P_INIT, .ds = DS_MNIST, .model = M_SCHED, .beta = cf.beta, .n_train = ntr,
                       .epochs = E, .split = 0, .c = {.init = cf.init[a]}};
  for (size_t c = 0; c < cf.n_readings; c++)
    jobs[nj++] = (job){.part = P_READ, .ds = DS_MNIST, .model = M_FIXED, .beta = cf.beta, .n_train = ntr,
                       .epochs = E, .split = 0, .c = {.reading = cf.readings[c]}};
  size_t b1 = nj;
  /* ---- C. Table 1, the exact CIFAR subset, Fig. 3a (training beta), Fig. 9
   *      (configuration and MLP learning rate filled in after B) ---- */
  for (size_t i = 0; i < cf.n_dsets; i++) {
    int d = cf.dsets[i];
    for (size_t s = 0; s < S; s++)
      for (int m = 0; m < (d == DS_CIFAR ? 3 : N_MODEL); m++) /* constant: MNIST, Fashion (time) */
        jobs[nj++] = (job){.part = P_T1, .ds = d, .model = m, .beta = cf.beta,
                           .n_train = ntr < ds[d].n_train - ds[d].n_val ? ntr : ds[d].n_train - ds[d].n_val,
                           .epochs = m == M_MLP ? (size_t)cf.mlp_epochs : E, .seed = s, .split = 1,
                           .noise_evals = d == DS_MNIST, .keep = d == DS_MNIST && s == 0 && (m == M_SCHED || m == M_MLP)};
  }
  for (int d = DS_SUBSET; d <= DS_SUBSET_JPEG && want[DS_SUBSET]; d++)
    for (size_t s = 0; s < S; s++)
      for (int m = 0; m < 3; m++)
        jobs[nj++] = (job){.part = P_SUB, .ds = d, .model = m, .beta = cf.beta,
                           .n_train = cli.quick && ntr < ds[d].n_train ? ntr : ds[d].n_train,
                           .epochs = m == M_MLP ? (size_t)cf.mlp_epochs : E, .seed = s, .split = 1};
  for (size_t a = 0; a < cf.n_beta_f3a; a++)
    jobs[nj++] = (job){.part = P_F3A, .ds = DS_MNIST, .model = M_SCHED, .beta = cf.beta_f3a[a],
                       .n_train = ntr, .epochs = E, .seed = 0, .split = 1, .f3a_noise = 1};
  for (size_t a = 0; a < cf.n_sizes; a++)
    for (size_t s = 0; s < S; s++)
      for (int m = 0; m < 3; m += 2)
        jobs[nj++] = (job){.part = P_F9, .ds = DS_MNIST, .model = m, .beta = cf.beta,
                           .n_train = (size_t)cf.sizes[a], .epochs = E, .seed = s, .split = 1};
  size_t units = 0;
  for (size_t k = 0; k < nj; k++) units += job_units(&jobs[k], ds);
  hop_progress_start(&prog, stderr, "mhc", units);
  if (nj > cap) { /* a programming error: the lists above outgrew cap */
    fprintf(stderr, "mhc: internal error: %zu runs for %zu slots\n", nj, cap);
    abort();
  }
  if (run_jobs(jobs + a0, a1 - a0, ds, &cf, &prog)) return 1;
  /* choose by validation accuracy: dt, standardisation, reading, inference beta */
  choice best = {0};
  double best_acc = -1;
  for (size_t k = a0; k < a0 + nmain; k++)
    for (int ib = 0; ib < 2; ib++)
      if (jobs[k].acc[ib] > best_acc) {
        best_acc = jobs[k].acc[ib];
        best = jobs[k].c;
        best.ib = ib;
      }
  if (best_acc < 0) {
    fprintf(stderr, "mhc: every configuration of the sweep diverged; nothing to select\n");
    return 1;
  }
  for (size_t k = a0; k < a1; k++) jobs[k].c.ib = best.ib;
  double best_lr = cf.mlp_lr[0], best_lr_acc = -1;
  for (size_t k = a0 + nmain; k < a1; k++)
    if (jobs[k].acc[0] > best_lr_acc) best_lr_acc = jobs[k].acc[0], best_lr = jobs[k].lr;
  for (size_t k = a1; k < b1; k++) {
    choice c = best;
    if (jobs[k].part == P_INIT) c.init = jobs[k].c.init;
    else c.reading = jobs[k].c.reading;
    jobs[k].c = c;
  }
  if (run_jobs(jobs + a1, b1 - a1, ds, &cf, &prog)) return 1;
  for (size_t k = a1; k < b1; k++)
    if (jobs[k].part == P_INIT && jobs[k].acc[best.ib] > best_acc)
      best_acc = jobs[k].acc[best.ib], best.init = jobs[k].c.init;
  /* the sweep is written now: a long run interrupted later keeps it */
  hop_file *fs = hop_file_open(cli.out, "sweep.csv", RUN_HEADER);
  int st0 = !fs;
  for (size_t k = a0; k < b1 && !st0; k++) st0 |= write_run_row(fs, &jobs[k]);
  if (st0 || hop_file_close(fs)) return fail("sweep.csv");
  size_t c0 = b1;
  for (size_t k = c0; k < nj; k++) {
    jobs[k].c = best;
    if (jobs[k].model == M_MLP) jobs[k].lr = best_lr;
  }
  if (run_jobs(jobs + c0, nj - c0, ds, &cf, &prog)) return 1;
  hop_progress_end(&prog);
  double t_jobs = hop_cli_now() - t_start;

  /* ---- outputs of the runs ---- */
  hop_file *f = hop_file_open(cli.out, "runs.csv", RUN_HEADER);
  if (!f) return fail("output");
  int st = 0;
  for (size_t k = c0; k < nj; k++) st |= write_run_row(f, &jobs[k]);
  if (st || hop_file_close(f)) return fail("runs.csv");
  f = hop_file_open(cli.out, "selected.csv", "what,value,validation_accuracy");
  if (!f) return fail("output");
  hop_file_printf(f, "dt,%g,%.2f\nstandardise,%s,%.2f\nreading,%s,%.2f\ninfer_beta,%s,%.2f\ninit_scale,%g,%.2f\nmlp_lr,%g,%.2f\n",
                  best.dt, best_acc, std_names[best.stdm], best_acc, reading_names[best.reading], best_acc,
                  ib_names[best.ib], best_acc, best.init, best_acc, best_lr, best_lr_acc);
  if (hop_file_close(f)) return fail("selected.csv");
  /* Table 1 */
  f = hop_file_open(cli.out, "table1.csv", "dataset,model,runs,diverged,accuracy,accuracy_sd,paper");
  if (!f) return fail("output");
  stat t1[N_DS][N_MODEL];
  for (int d = 0; d < N_DS; d++)
    for (int m = 0; m < N_MODEL; m++) {
      int part = d >= DS_SUBSET ? P_SUB : P_T1;
      t1[d][m] = summarise(jobs, nj, part, d, m, 0, -1);
      if (t1[d][m].n + t1[d][m].diverged == 0) continue; /* not run */
      char pv[32] = "";
      if (d < DS_SUBSET) snprintf(pv, sizeof pv, "%.2f", paper_t1[m == M_CONST ? M_FIXED : m][d]);
      hop_file_printf(f, "%s,%s,%zu,%zu,%.2f,%.2f,%s\n", ds_names[d], model_names[m], t1[d][m].n,
                      t1[d][m].diverged, t1[d][m].mean, t1[d][m].sd, pv);
    }
  if (hop_file_close(f)) return fail("table1.csv");
  /* Fig. 3b: accuracy vs noise (MNIST Table 1 runs) */
  f = hop_file_open(cli.out, "noise.csv", "sigma,model,runs,accuracy,accuracy_sd");
  if (!f) return fail("output");
  stat nz[MAXL][N_MODEL];
  for (size_t k = 0; k < cf.n_noise; k++)
    for (int m = 0; m < N_MODEL; m++) {
      nz[k][m] = summarise(jobs, nj, P_T1, DS_MNIST, m, 0, (int)k);
      hop_file_printf(f, "%g,%s,%zu,%.2f,%.2f\n", cf.noise[k], model_names[m], nz[k][m].n, nz[k][m].mean, nz[k][m].sd);
    }
  if (hop_file_close(f)) return fail("noise.csv");
  /* Fig. 3a: accuracy vs the initial (training) beta */
  f = hop_file_open(cli.out, "beta_train.csv", "beta,sigma,accuracy");
  if (!f) return fail("output");
  double btr[MAXL][2], binf[MAXL][2], bmax[2][2] = {{-1, -1}, {-1, -1}}; /* [beta][clean, noise] */
  for (size_t k = c0; k < nj; k++) {
    const job *j = &jobs[k];
    if (j->part != P_F3A) continue;
    hop_file_printf(f, "%g,0,%.2f\n%g,%g,%.2f\n", j->beta, j->acc[best.ib], j->beta, cf.noise_f3a, j->acc_f3a_noise);
    for (size_t a = 0; a < cf.n_beta_f3a; a++)
      if (j->beta == cf.beta_f3a[a]) btr[a][0] = j->acc[best.ib], btr[a][1] = j->acc_f3a_noise;
    bmax[0][0] = fmax(bmax[0][0], j->acc[best.ib]);
    bmax[0][1] = fmax(bmax[0][1], j->acc_f3a_noise);
  }
  if (hop_file_close(f)) return fail("beta_train.csv");
  /* Fig. 9 */
  f = hop_file_open(cli.out, "train_size.csv", "n_train,model,runs,accuracy,accuracy_sd");
  if (!f) return fail("output");
  stat f9[MAXL][3];
  for (size_t a = 0; a < cf.n_sizes; a++)
    for (int m = 0; m < 3; m += 2) {
      f9[a][m] = summarise(jobs, nj, P_F9, DS_MNIST, m, (size_t)cf.sizes[a], -1);
      hop_file_printf(f, "%g,%s,%zu,%.2f,%.2f\n", cf.sizes[a], model_names[m], f9[a][m].n, f9[a][m].mean, f9[a][m].sd);
    }
  if (hop_file_close(f)) return fail("train_size.csv");

  /* ---- D. figures from the MNIST seed-0 models (serial) ---- */
  job *jm = NULL, *jl = NULL;
  for (size_t k = c0; k < nj; k++)
    if (jobs[k].keep && jobs[k].model == M_SCHED) jm = &jobs[k];
    else if (jobs[k].keep && jobs[k].model == M_MLP) jl = &jobs[k];
  const dset *dm = &ds[DS_MNIST];
  size_t nf = dm->nf, nt = dm->n_test;
  int conf_diag_mhc = 0, conf_diag_mlp = 0;
  /* Fig. 5 */
  f = hop_file_open(cli.out, "confusion.csv", "model,true,predicted,count");
  if (!f) return fail("output");
  for (int m = 0; m < 2; m++) {
    const job *j = m ? jl : jm;
    for (int a = 0; a < NCLASS; a++)
      for (int b = 0; b < NCLASS; b++) {
        hop_file_printf(f, "%s,%d,%d,%u\n", model_names[m ? M_MLP : M_SCHED], a, b, j->conf[a * NCLASS + b]);
        if (a == b) *(m ? &conf_diag_mlp : &conf_diag_mhc) += (int)j->conf[a * NCLASS + b];
      }
  }
  if (hop_file_close(f)) return fail("confusion.csv");
  hop_mhc_work *w = hop_mhc_work_alloc(nf, NCLASS);
  float *v = malloc(nf * sizeof *v), *img = malloc(3 * NCLASS * nf * sizeof *img);
  size_t *lab = malloc(nt * sizeof *lab);
  float *xm = malloc(nt * nf * sizeof *xm);
  if (!w || !v || !img || !lab || !xm) return fail("allocation");
  hop_mhc_params pm = infer_params(jm, &cf, best.ib);
  /* Fig. 3a, second reading: the same model, beta changed at inference only */
  f = hop_file_open(cli.out, "beta_infer.csv", "beta,sigma,accuracy");
  if (!f) return fail("output");
  for (size_t a = 0; a < cf.n_beta_f3a; a++)
    for (int q = 0; q < 2; q++) {
      job tmpj = *jm;
      tmpj.beta = cf.beta_f3a[a];
      tmpj.model = M_FIXED; /* so that both inference readings use this beta */
      double acc = eval_mhc(&tmpj, dm, &cf, 0, q ? cf.noise_f3a : 0, 200 + a, xm, lab, NULL, w);
      binf[a][q] = acc;
      bmax[1][q] = fmax(bmax[1][q], acc);
      hop_file_printf(f, "%g,%g,%.2f\n", cf.beta_f3a[a], q ? cf.noise_f3a : 0, acc);
    }
  if (hop_file_close(f)) return fail("beta_infer.csv");
  /* Fig. 4: time course of h and E for the first test image, three times the span */
  gsl_rng *r = hop_rng_alloc(cf.seed, hop_rng_key(DS_MNIST, 0, 0x44, 0));
  float h[NCLASS];
  memcpy(v, dm->x[best.stdm][1], nf * sizeof *v);
  for (int j = 0; j < NCLASS; j++) h[j] = (float)(cf.h0 * (2.0 * gsl_rng_uniform(r) - 1.0));
  f = hop_file_open(cli.out, "timecourse.csv", "step,t,h0,h1,h2,h3,h4,h5,h6,h7,h8,h9,energy,label");
  if (!f) return fail("output");
  int e_rose = 0, f4_label = 0;
  double e_prev = INFINITY, e0 = NAN, e100 = NAN;
  for (size_t s = 0; s <= 3 * pm.steps; s++) {
    double e = hop_mhc_energy(jm->m, v, h, pm.beta, w);
    if (s == 0) e0 = e;
    if (s == pm.steps) {
      e100 = e;
      size_t am = 0;
      for (int j = 1; j < NCLASS; j++) am = h[j] > h[am] ? (size_t)j : am;
      f4_label = (int)am;
    }
    if (e > e_prev + 1e-6 * (1 + fabs(e_prev))) e_rose = 1;
    e_prev = e;
    hop_file_printf(f, "%zu,%g", s, (double)s * pm.dt);
    for (int j = 0; j < NCLASS; j++) hop_file_printf(f, ",%.6g", h[j]);
    hop_file_printf(f, ",%.8g,%d\n", e, dm->yte[0]);
    hop_mhc_step(jm->m, v, h, pm.beta, pm.dt, 0, w);
  }
  if (hop_file_close(f)) return fail("timecourse.csv");
  /* Fig. 2a: prototypes: h clamped to proto_h / beta on one memory neuron and 0 elsewhere
   * (so f is one-hot to within exp(-proto_h) whatever the inference beta), v from noise */
  for (int c = 0; c < NCLASS; c++) {
    for (size_t k = 0; k < nf; k++) v[k] = (float)gsl_ran_gaussian(r, 1.0);
    for (int j = 0; j < NCLASS; j++) h[j] = j == c ? (float)(cf.proto_h / pm.beta) : 0.0f;
    for (size_t s = 0; s < 10 * pm.steps; s++) hop_mhc_step(jm->m, v, h, pm.beta, pm.dt, HOP_MHC_CLAMP_H, w);
    to_unit(v, dm, best.stdm, 1, img + c * nf);
  }
  if (hop_grid_write(cli.out, "grid_prototypes.csv", img, NCLASS, 1, dm->side, dm->side, NCLASS, 2))
    return fail("grid_prototypes.csv");
  /* Fig. 2b / 6: the bottom mask fraction of rows set to black, whole test set */
  size_t rows = (size_t)lround(cf.mask * (double)dm->side);
  for (size_t i = 0; i < nt; i++) {
    memcpy(xm + i * nf, dm->x[best.stdm][1] + i * nf, nf * sizeof *xm);
    for (size_t k = (dm->side - rows) * dm->side; k < nf; k++)
      xm[i * nf + k] = (0.0f - dm->mean[best.stdm][k]) / dm->sd[best.stdm][k];
  }
  gsl_rng *rm = hop_rng_alloc(cf.seed, hop_rng_key(DS_MNIST, 0, 0x2b, 0));
  float *vout = malloc(nt * nf * sizeof *vout);
  if (!rm || !vout) return fail("allocation");
  hop_mhc_infer_batch(jm->m, xm, nt, &pm, rm, lab, vout, NULL, w);
  size_t masked_ok = 0;
  for (size_t i = 0; i < nt; i++) masked_ok += lab[i] == dm->yte[i];
  double masked_acc = 100.0 * (double)masked_ok / (double)nt;
  f = hop_file_open(cli.out, "completion.csv", "column,test_index,label,predicted");
  if (!f) return fail("output");
  for (int c = 0; c < NCLASS; c++) {
    size_t i = 0;
    while (i < nt && dm->yte[i] != c) i++;
    if (i == nt) i = 0; /* --quick test sets may lack a class */
    to_unit(dm->x[best.stdm][1] + i * nf, dm, best.stdm, 0, img + c * nf);
    to_unit(xm + i * nf, dm, best.stdm, 0, img + (NCLASS + c) * nf);
    to_unit(vout + i * nf, dm, best.stdm, 0, img + (2 * NCLASS + c) * nf);
    hop_file_printf(f, "%d,%zu,%d,%zu\n", c, i, dm->yte[i], lab[i]);
  }
  if (hop_file_close(f)) return fail("completion.csv");
  if (hop_grid_write(cli.out, "grid_completion.csv", img, 3 * NCLASS, 1, dm->side, dm->side, NCLASS, 2))
    return fail("grid_completion.csv");
  /* rkf45 over the same span as the Euler steps, same initial h */
  size_t no = (size_t)cf.ode_images < nt ? (size_t)cf.ode_images : nt, agree = 0, ok_ode = 0, ok_eul = 0;
  gsl_rng *ra = hop_rng_alloc(cf.seed, hop_rng_key(DS_MNIST, 0, 0x0de, 0)), *rb = hop_rng_alloc(cf.seed, hop_rng_key(DS_MNIST, 0, 0x0de, 0));
  hop_mhc_infer_batch(jm->m, dm->x[best.stdm][1], no, &pm, ra, lab, NULL, NULL, w);
  double t_ode = hop_cli_now();
  for (size_t i = 0; i < no; i++) {
    size_t lo;
    if (hop_mhc_infer_ode(jm->m, dm->x[best.stdm][1] + i * nf, &pm, rb, 1e-6, 1e-6, NULL, NULL, &lo, w))
      return fail("rkf45 inference");
    agree += lo == lab[i];
    ok_ode += lo == dm->yte[i];
    ok_eul += lab[i] == dm->yte[i];
  }
  t_ode = hop_cli_now() - t_ode;
  f = hop_file_open(cli.out, "ode.csv", "method,images,accuracy,agreement_with_euler");
  if (!f) return fail("output");
  double acc_eul = 100.0 * (double)ok_eul / (double)no, acc_ode = 100.0 * (double)ok_ode / (double)no,
         agr = 100.0 * (double)agree / (double)no;
  hop_file_printf(f, "euler,%zu,%.2f,100\nrkf45,%zu,%.2f,%.2f\n", no, acc_eul, no, acc_ode, agr);
  if (hop_file_close(f)) return fail("ode.csv");
  /* speed */
  f = hop_file_open(cli.out, "speed.txt", NULL);
  if (!f) return fail("output");
  hop_file_printf(f, "MNIST MHC training: %.0f img/s on one thread (%ld Euler steps each)\n"
                     "rkf45 inference: %.0f img/s; all training runs: %.1f s on %ld threads\n",
                  jm->train_rate, cf.steps, (double)no / t_ode, t_jobs, cli.threads);
  for (size_t k = c0; k < nj; k++)
    if (jobs[k].part == P_T1 && jobs[k].ds == DS_CIFAR && jobs[k].model == M_SCHED) {
      hop_file_printf(f, "CIFAR-10 MHC training (seed %zu): %.0f img/s\n", jobs[k].seed, jobs[k].train_rate);
      break;
    }
  if (hop_file_close(f)) return fail("speed.txt");

  /* ---- claims ---- */
  hop_claims *cl = hop_claims_new("mhc");
  char d[700], m[200], pv[64];
  static const char *mshort[N_MODEL] = {"schedule", "fixed", "mlp", "constant"};
  static const char *mlong[N_MODEL] = {"MHC with the beta schedule", "MHC with beta fixed (eta decays)",
                                       "2-layer MLP", "MHC with beta and eta fixed"};
  static const char *dshort[3] = {"mnist", "fashion", "cifar"};
  for (size_t i = 0; i < cf.n_dsets; i++) {
    int dd = cf.dsets[i];
    for (int mo = 0; mo < N_MODEL; mo++) {
      const stat *t = &t1[dd][mo];
      if (t->n + t->diverged == 0) continue;
      double paper = paper_t1[mo == M_CONST ? M_FIXED : mo][dd];
      snprintf(d, sizeof d, "Table 1, %s, %s: test accuracy %% over %zu runs (%zu diverged)%s; %zu training images, %s%s",
               ds_names[dd], mlong[mo], t->n, t->diverged, dd == DS_CIFAR ? " on the approximate JPEG-75 copy" : "",
               ntr, mo == M_MLP ? "50 epochs" : "5 epochs",
               mo == M_CONST ? "; the paper's row without scheduling, second reading" : "");
      snprintf(m, sizeof m, "%.2f +- %.2f", t->mean, t->sd);
      snprintf(pv, sizeof pv, "%.2f", paper);
      char id[40];
      snprintf(id, sizeof id, "T1-%s-%s", dshort[dd], mshort[mo]);
      hop_claims_add(cl, id, d, pv, m, "1.0", hop_claims_verdict(t->mean, paper, 1.0));
    }
    const stat *a = &t1[dd][M_SCHED], *b = &t1[dd][M_FIXED];
    double gap = a->mean - b->mean, pgap = paper_t1[0][dd] - paper_t1[1][dd];
    snprintf(d, sizeof d, "Table 1, %s: the schedule's gain over fixed beta (eta decaying in both), percentage points",
             ds_names[dd]);
    snprintf(m, sizeof m, "%.2f", gap);
    snprintf(pv, sizeof pv, "%.2f", pgap);
    char id[40];
    snprintf(id, sizeof id, "T1-%s-gain", dshort[dd]);
    hop_claims_add(cl, id, d, pv, m, "2.0", hop_claims_verdict(gap, pgap, 2.0));
  }
  if (want[DS_SUBSET]) {
    for (int mo = 0; mo < 3; mo++) {
      snprintf(d, sizeof d, "CIFAR-10, the same %zu training and %zu test images from the exact files and from the "
               "approximate JPEG-75 copy, %s: test accuracy %%, exact vs JPEG-75 (Table 1 protocol otherwise)",
               ds[DS_SUBSET].n_train, ds[DS_SUBSET].n_test, mlong[mo]);
      snprintf(m, sizeof m, "%.2f +- %.2f vs %.2f +- %.2f", t1[DS_SUBSET][mo].mean, t1[DS_SUBSET][mo].sd,
               t1[DS_SUBSET_JPEG][mo].mean, t1[DS_SUBSET_JPEG][mo].sd);
      char id[40];
      snprintf(id, sizeof id, "T1-cifar-exact-vs-jpeg-%s", mshort[mo]);
      hop_claims_add(cl, id, d, "-", m, "-", "beyond paper");
    }
  }
  /* Fig. 3a in both readings of its beta: chance at the smallest, saturation (the value at
   * the largest beta) near 90 % clean and 53 % with noise */
  for (int rd = 0; rd < 2; rd++) {
    const char *what = rd ? "beta changed at inference only (one model trained at beta 1)"
                          : "beta = the initial beta of training (halved per epoch)";
    double lo = rd ? binf[0][0] : btr[0][0], hi = rd ? binf[cf.n_beta_f3a - 1][0] : btr[cf.n_beta_f3a - 1][0],
           hn = rd ? binf[cf.n_beta_f3a - 1][1] : btr[cf.n_beta_f3a - 1][1];
    char id[40];
    snprintf(d, sizeof d, "Fig. 3a, %s: MNIST test accuracy %% at the smallest beta (%g) is at chance (<= 15)", what,
             cf.beta_f3a[0]);
    snprintf(m, sizeof m, "%.2f", lo);
    snprintf(id, sizeof id, "F3a-%s-chance", rd ? "infer" : "train");
    hop_claims_add(cl, id, d, "chance (10)", m, "<= 15", lo <= 15 ? "reproduced" : "not reproduced");
    snprintf(d, sizeof d, "Fig. 3a, %s: accuracy %% saturates near 90 (value at the largest beta, %g; best over "
             "betas %.2f)", what, cf.beta_f3a[cf.n_beta_f3a - 1], rd ? bmax[1][0] : bmax[0][0]);
    snprintf(m, sizeof m, "%.2f", hi);
    snprintf(id, sizeof id, "F3a-%s-clean", rd ? "infer" : "train");
    hop_claims_add(cl, id, d, "90", m, "2.0", hop_claims_verdict(hi, 90, 2.0));
    snprintf(d, sizeof d, "Fig. 3a, %s: with noise sigma %g (standardised units) accuracy %% saturates near 53 "
             "(value at the largest beta; best over betas %.2f)", what, cf.noise_f3a, rd ? bmax[1][1] : bmax[0][1]);
    snprintf(m, sizeof m, "%.2f", hn);
    snprintf(id, sizeof id, "F3a-%s-noise", rd ? "infer" : "train");
    hop_claims_add(cl, id, d, "53", m, "3.0", hop_claims_verdict(hn, 53, 3.0));
  }
  {
    size_t kl = cf.n_noise - 1, k4 = 0;
    for (size_t k = 0; k < cf.n_noise; k++)
      if (fabs(cf.noise[k] - 4.0) < fabs(cf.noise[k4] - 4.0)) k4 = k;
    double g0 = nz[0][M_SCHED].mean - nz[0][M_FIXED].mean, g4 = nz[k4][M_SCHED].mean - nz[k4][M_FIXED].mean,
           gl = nz[kl][M_SCHED].mean - nz[kl][M_FIXED].mean;
    snprintf(d, sizeof d, "Fig. 3b: the schedule's gain over fixed beta (pp, MNIST) grows with noise: "
             "sigma 0 / %g / %g", cf.noise[k4], cf.noise[kl]);
    snprintf(m, sizeof m, "%.2f / %.2f / %.2f", g0, g4, gl);
    hop_claims_add(cl, "F3b", d, "grows", m, "gain(max sigma) > gain(0) + 1",
                   gl > g0 + 1.0 ? "reproduced" : "not reproduced");
  }
  {
    char per[300] = "";
    size_t len = 0;
    for (size_t a = 0; a < cf.n_sizes && len < sizeof per - 40; a++)
      len += (size_t)snprintf(per + len, sizeof per - len, "%s%g: %+.2f", a ? ", " : "", cf.sizes[a],
                              f9[a][M_SCHED].mean - f9[a][M_MLP].mean);
    snprintf(d, sizeof d, "Fig. 9: MHC (schedule) minus MLP, 5 epochs each, MNIST test accuracy pp, at the smallest "
             "training set (%g images); per size: %s", cf.sizes[0], per);
    double g = f9[0][M_SCHED].mean - f9[0][M_MLP].mean;
    snprintf(m, sizeof m, "%.2f", g);
    hop_claims_add(cl, "F9", d, "> 0 (MHC slightly better)", m, "> 0", g > 0 ? "reproduced" : "not reproduced");
  }
  snprintf(d, sizeof d, "Fig. 4: for the first test image (label %d) the memory neuron of the true class wins "
           "after %zu Euler steps and E does not increase along the Euler steps (E %.4g -> %.4g)",
           dm->yte[0], pm.steps, e0, e100);
  snprintf(m, sizeof m, "winner %d, E %s", f4_label, e_rose ? "rose" : "never rose");
  hop_claims_add(cl, "F4", d, "correct unit wins; converges", m, "-",
                 f4_label == dm->yte[0] && !e_rose ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "Fig. 5: MNIST confusion matrices, diagonal share %% (MHC schedule / MLP, seed 0)");
  snprintf(m, sizeof m, "%.2f / %.2f", 100.0 * conf_diag_mhc / (double)nt, 100.0 * conf_diag_mlp / (double)nt);
  hop_claims_add(cl, "F5", d, "-", m, "-", "beyond paper");
  snprintf(d, sizeof d, "Fig. 2b/6: test accuracy %% with the bottom %zu of %zu rows masked (%.0f %% of the image)",
           rows, dm->side, 100.0 * (double)rows / (double)dm->side);
  snprintf(m, sizeof m, "%.2f", masked_acc);
  hop_claims_add(cl, "F2b", d, "-", m, "-", "beyond paper");
  snprintf(d, sizeof d, "inference by adaptive rkf45 (tol 1e-6) over the same span as the Euler steps, %zu test "
           "images: accuracy %% and agreement with Euler (Euler accuracy %.2f)", no, acc_eul);
  snprintf(m, sizeof m, "%.2f, agreement %.2f", acc_ode, agr);
  hop_claims_add(cl, "ODE", d, "-", m, "-", "beyond paper");
  for (size_t k = 0; k < nj; k++) {
    const job *j = &jobs[k];
    if (j->part != P_READ && !(j->part == P_SWEEP && j->c.dt == best.dt && j->c.stdm == best.stdm && j->c.init == cf.init[0]))
      continue;
    snprintf(d, sizeof d, "eq. 3 read as %s (phi = exp(%s|W|)), %s, MNIST validation accuracy %% (dt %g, %s "
             "standardisation)", reading_names[j->c.reading], j->c.reading == 0 ? "+" : "-",
             j->model == M_SCHED ? "beta schedule" : "beta fixed", j->c.dt, std_names[j->c.stdm]);
    if (j->diverged) snprintf(m, sizeof m, "diverged in epoch %d", j->diverged);
    else snprintf(m, sizeof m, "%.2f (max |W| %.3g)", j->acc[best.ib], j->max_w);
    char id[40];
    snprintf(id, sizeof id, "eq3-%s-%s", reading_names[j->c.reading], j->model == M_SCHED ? "schedule" : "fixed");
    hop_claims_add(cl, id, d, "-", m, "-", "beyond paper");
  }
  if (hop_claims_write(cl, cli.out)) return fail("claims");
  hop_claims_free(cl);
  const char *files[N_DS * 6];
  size_t nfiles = 0;
  for (int k = 0; k < N_DS; k++)
    if (ds[k].present)
      for (size_t q = 0; q < ds[k].n_files; q++) files[nfiles++] = ds[k].files[q];
  if (hop_manifest_write(&cli, files, nfiles)) return fail("manifest");
  for (size_t k = 0; k < nj; k++) {
    hop_mhc_free(jobs[k].m);
    hop_mlp_free(jobs[k].mlp);
  }
  free(jobs), free(v), free(img), free(lab), free(xm), free(vout);
  hop_mhc_work_free(w);
  gsl_rng_free(r), gsl_rng_free(rm), gsl_rng_free(ra), gsl_rng_free(rb);
  for (int k = 0; k < N_DS; k++) dset_free(&ds[k]);
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cnn_wells.c: CNN features and k-means prototypes as the wells of a multi-well
 * Hopfield energy, on MNIST.
 *
 * Source: A. Farooq, "A Hybrid Multi-Well Hopfield-CNN with Feature Extraction and
 * K-Means for MNIST Classification", arXiv:2507.08766 (2025). Only the abstract was
 * available to us: a CNN extracts features, k-means per class turns them into class
 * prototypes, the prototypes are the attractors ("wells") of an energy that balances
 * feature similarity and class assignment, classification minimises that energy, the
 * architecture and the number of wells were tuned, 99.2 % on the 10,000 MNIST test
 * images. Everything below is our reconstruction; the paper says so.
 *
 * Question: does a CNN + multi-well classifier reach 99.2 % (W1); does accuracy rise
 * with the number of wells (W2) and with the size of the feature extractor (W3); are
 * the decisions readable from the class energies (W4)?
 *
 * Method.
 * 1. CNN (lib/learn/hop_cnn.h): x (1, 28, 28) -> conv 5x5 c1, ReLU, max-pool 2 ->
 *    conv 5x5 c2, ReLU, max-pool 2 -> FC feat, ReLU (the features) -> FC 10, softmax
 *    cross-entropy. Sizes (c1, c2, feat): small (16, 32, 64), mid (32, 64, 128), large
 *    (32, 64, 256). Trained on the MNIST training images minus a validation split of
 *    5,000 (never the test set) with SGD, momentum 0.9, batch 64, learning rate
 *    lr_e = lr (1 + cos(pi e / E)) / 2 in epoch e of E (cosine decay), PyTorch's default
 *    initialisation; pixels scaled to [0, 1]. The epoch kept is the one with the best
 *    validation accuracy of the softmax head. Several training seeds per size. The other
 *    recipe: lr throughout, the last epoch kept. Both recipes train the first size's
 *    networks (--recipes cosine,constant); the one whose kept epochs have the higher mean
 *    validation accuracy (ties: the first) trains every other size (recipes.csv, claim
 *    W-recipe). Comparing on the first size only keeps the 12-minute budget.
 * 2. Features s = h / |h| (the penultimate layer, L2-normalised), for the training,
 *    validation and test images. The other reading, the raw activations h (--readings
 *    l2,raw), gets its own wells on the first size's networks; the reading whose chosen
 *    (K, beta) has the higher mean validation accuracy there (ties: L2) reads every size,
 *    and the other sizes sweep the raw reading only when it won (claim W-reading).
 * 3. Wells: per class c, k-means++ then Lloyd on the training features of c gives K
 *    prototypes mu_ck (lib/learn/hop_kmeans.h), K in {1, 2, 5, 10, 20, 50, 100, 200,
 *    500}, and 1000 too under --scale paper (about 5,400 training images a class; claim
 *    W-edge counts the networks whose validation is still highest at the largest K).
 * 4. Energy of class c (lib/learn/hop_wells.h), with the well count as the class
 *    assignment term:
 *        E_c(s) = -(1/beta) log( (1/K) sum_k exp(-beta |s - mu_ck|^2 / 2) )
 *    prediction argmin_c E_c(s); beta = infinity is the nearest prototype. beta is swept;
 *    K and beta are chosen per network on the validation split.
 * 5. Second reading: gradient descent on the joint energy over all wells,
 *        E(s) = -(1/beta) log( (1/(10 K)) sum_{c,k} exp(-beta |s - mu_ck|^2 / 2) ),
 *        s <- s - eta grad E(s) = (1 - eta) s + eta sum_{c,k} p_ck mu_ck,
 *    from the feature for a fixed number of steps; the class of the well nearest the end.
 * 6. Compared on the same features: the CNN's own softmax head, the nearest prototype.
 *
 * Claims (claims.csv): W1 the best configuration's test accuracy over the training
 * seeds (size, reading, K, beta chosen on validation) against 99.2 %, with how many
 * networks reach it; W2 the gain of the chosen K over K = 1; W3 the gain of the chosen
 * size over the smallest, paired by seed; W4 the energy gap of misclassified digits
 * against correct ones; beyond the paper W-head (wells minus the softmax head; every size
 * and K in head_diff.csv), W-nearest, W-descent, W-reading (L2 against raw features),
 * W-recipe (the training recipes), W-edge (the K grid's end).
 * Outputs: training.csv, recipes.csv (the first size under every recipe), wells.csv,
 * selected.csv (the L2 reading), readings.csv, head_diff.csv, sizes.csv, acc_k.csv,
 * showcase.csv (the network of the figures: the chosen size, first seed), pca.csv,
 * pca_wells.csv, energy.csv, confusion.csv, misclassified.csv, grid_misclassified.csv,
 * claims.csv, manifest.txt;
 * the trained networks as cnn_SIZE_seedN.bin (lib/learn/hop_cnn.h's weights file),
 * reloaded from their files by the sweeps.
 *
 * Command: bin/cnn_wells [--quick] [--seed N] [--threads N] (see --help). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hop_claims.h"
#include "hop_exp.h"
#include "hop_cnn.h"
#include "hop_data.h"
#include "hop_error.h"
#include "hop_file.h"
#include "hop_grid.h"
#include "hop_jobs.h"
#include "hop_kmeans.h"
#include "hop_math.h"
#include "hop_optim.h"
#include "hop_progress.h"
#include "hop_rng.h"
#include "hop_wells.h"

/* This program's random streams (the last argument of hop_rng_key; the values are part
 * of the results of record). */
enum {
  RNG_SPLIT = 0x601,  /* the validation split of the training images */
  RNG_TRAIN = 0x602,  /* initial weights and batch order of one network */
  RNG_KMEANS = 0x603, /* k-means++ seeding of one class's wells */
};

#define W1_PAPER 99.2 /* the source's test accuracy, percent */
enum {
  N_SZ = 3,
  NC = 10,
  PX = HOP_CNN_SIDE * HOP_CNN_SIDE,
  MAXL = HOP_CLI_LIST_MAX,
  MAX_SEEDS = 10,
  MAX_EPOCHS = 50
};
static const char *const size_names[N_SZ + 1] = {"small", "mid", "large", NULL};
static const char *const reading_names[] = {"l2", "raw", NULL};
/* Training recipes: cosine decay of the learning rate, the epoch kept chosen on the
 * validation split; or a constant learning rate, the last of --epochs kept. */
static const char *const recipe_names[] = {"cosine", "constant", NULL};
enum { RECIPE_COSINE, RECIPE_CONSTANT };
static const hop_cnn_arch archs[N_SZ] = {{16, 32, 64, NC}, {32, 64, 128, NC}, {32, 64, 256, NC}};

typedef struct {
  hop_cli_names sizes, readings; /* readings: l2 first, then raw (reading_names) */
  hop_cli_names recipes;         /* recipe_names; compared on the first size when two */
  long seeds, epochs, n_train, n_val, n_test, batch, chunks, steps, kmeans_iter;
  double lr, momentum, eta;
  hop_cli_numbers ks, betas;
  const char *weights; /* "none" or a directory of trained networks to evaluate */
  int reuse;           /* weights != "none" */
} config;

typedef struct {
  size_t n_tr, n_va, n_te;
  float *xtr, *xva, *xte;
  unsigned char *ytr, *yva, *yte;
  size_t count[NC]; /* training images per class */
} data;

/* One reading's sweep: accuracy per K and beta on validation and test, and the choice of
 * (K, beta) on validation, the first best in (K, beta) order. */
typedef struct {
  double val[MAXL][MAXL + 1], test[MAXL][MAXL + 1];
  size_t sel_k, sel_b;
} reading_acc;

typedef struct {
  int size;
  long seed;
  int recipe; /* recipe_names: how it was trained */
  int best_epoch;
  double loss[MAX_EPOCHS], train_acc[MAX_EPOCHS], val_acc[MAX_EPOCHS];
  double head_val, head_test;
  float *ftr, *fva, *fte; /* L2-normalised features */
  hop_wells *wells[MAXL]; /* per K */
  /* accuracy per K and beta (the last index, n_betas, is beta = infinity) */
  double acc_val[MAXL][MAXL + 1], acc_test[MAXL][MAXL + 1];
  size_t sel_k, sel_b;   /* chosen on validation */
  size_t best_finite_b;  /* the best finite beta at sel_k (for the descent) */
  reading_acc raw;       /* the raw activations' sweep (--readings l2,raw) */
  int has_raw, raw_kept; /* swept raw; the reading chosen on the first size is raw */
  double descent_test, descent_val;
  unsigned char *enc; /* the weights file's bytes (hop_cnn_encode), kept for the features */
  size_t enc_len;
} net_run;

typedef struct {
  data d;
  net_run *runs; /* size-major: runs[i * seeds + s] for the i-th size of --sizes */
  size_t n_runs;
  net_run *trial; /* recipe-major: the first size under every recipe of --recipes */
  size_t n_trial;
  int raw_chosen; /* validation on the first size prefers the raw reading */
  hop_claims *claims;
  int best_size; /* index into cf.sizes chosen on validation */
} results;

static double beta_of(const config *cf, size_t b) {
  return b < cf->betas.n ? cf->betas.v[b] : INFINITY;
}

/* ---- options ------------------------------------------------------------------------ */

/* ---- data ----------------------------------------------------------------------------- */

/* MNIST, checked against what this program assumes (28x28 gray, enough images), split
 * into training and validation by a seeded shuffle, scaled to [0, 1]. */
static int load_mnist(hop_exp *x) {
  const config *cf = x->cfg;
  data *d = &((results *)x->res)->d;
  hop_dataset tr, te;
  memset(&tr, 0, sizeof tr), memset(&te, 0, sizeof te);
  size_t need = (size_t)cf->n_val + (size_t)(cf->n_train ? cf->n_train : 1);
  /* the catalogue checks 1 x 28 x 28 (this CNN's input); the splits need --val + --train
   * and --test */
  int st = hop_exp_open(x, HOP_DATA_MNIST, HOP_DATA_TRAIN, 0, need, "--val + --train", &tr);
  if (!st)
    st = hop_exp_open(x, HOP_DATA_MNIST, HOP_DATA_TEST, 0, (size_t)cf->n_test, "--test", &te);
  if (st) {
    hop_data_free(&tr), hop_data_free(&te);
    return st;
  }
  d->n_va = (size_t)cf->n_val;
  d->n_tr = cf->n_train ? (size_t)cf->n_train : tr.n - d->n_va;
  d->n_te = (size_t)cf->n_test;
  size_t *perm = malloc(tr.n * sizeof *perm);
  d->xtr = malloc(d->n_tr * PX * sizeof(float));
  d->xva = malloc(d->n_va * PX * sizeof(float));
  d->xte = malloc(d->n_te * PX * sizeof(float));
  d->ytr = malloc(d->n_tr), d->yva = malloc(d->n_va), d->yte = malloc(d->n_te);
  if (!perm || !d->xtr || !d->xva || !d->xte || !d->ytr || !d->yva || !d->yte) {
    free(perm);
    hop_data_free(&tr), hop_data_free(&te);
    return HOP_RAISE(HOP_ENOMEM, "MNIST copies");
  }
  gsl_rng *r = hop_rng_alloc(x->cli.seed, hop_rng_key(0, 0, 0, RNG_SPLIT));
  hop_data_split(tr.n, d->n_va, d->n_tr, r, perm); /* fits: checked by the catalogue above */
  gsl_rng_free(r);
  for (size_t i = 0; i < d->n_va + d->n_tr; i++) {
    float *x = i < d->n_va ? d->xva + i * PX : d->xtr + (i - d->n_va) * PX;
    for (size_t k = 0; k < PX; k++) x[k] = (float)tr.x[perm[i] * PX + k] / 255.0f;
    if (i < d->n_va)
      d->yva[i] = tr.y[perm[i]];
    else
      d->ytr[i - d->n_va] = tr.y[perm[i]], d->count[tr.y[perm[i]]]++;
  }
  for (size_t i = 0; i < d->n_te * PX; i++) d->xte[i] = (float)te.x[i] / 255.0f;
  memcpy(d->yte, te.y, d->n_te);
  free(perm);
  hop_data_free(&tr), hop_data_free(&te);
  /* k-means needs at least K training images of every class */
  size_t kmax = 0, cmin = (size_t)-1;
  int cls = 0;
  for (size_t i = 0; i < cf->ks.n; i++)
    kmax = (size_t)cf->ks.v[i] > kmax ? (size_t)cf->ks.v[i] : kmax;
  for (int c = 0; c < NC; c++)
    if (d->count[c] < cmin) cmin = d->count[c], cls = c;
  if (cmin < kmax)
    HOP_ERROR(
        HOP_EINVAL,
        "option --k: %zu wells per class, but the training split holds only %zu images of digit %d",
        kmax, cmin, cls);
  return HOP_OK;
}

static void data_free(data *d) {
  free(d->xtr), free(d->xva), free(d->xte), free(d->ytr), free(d->yva), free(d->yte);
}

/* ---- training ------------------------------------------------------------------------- */

/* The fingerprint of how a network is trained (written into its weights file). */
static uint64_t recipe(const hop_cli *cli, const config *cf, const data *d, const net_run *run,
                       int how) {
  int size = run->size;
  long seed = run->seed;
  uint64_t h = hop_rng_derive(cli->seed, 0x0c44);
  const double v[] = {size,
                      (double)seed,
                      (double)cf->epochs,
                      cf->lr,
                      cf->momentum,
                      (double)cf->batch,
                      (double)cf->chunks,
                      (double)d->n_tr,
                      (double)d->n_va,
                      HOP_CNN_FORMAT};
  for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
    uint64_t u;
    memcpy(&u, &v[k], sizeof u);
    h = hop_rng_derive(h, u);
  }
  return how == RECIPE_COSINE ? h : hop_rng_derive(h, 0xc0 + (uint64_t)how);
}

static double accuracy(const float *logits, const unsigned char *y, size_t n, size_t nc) {
  size_t hits = 0;
  for (size_t i = 0; i < n; i++) hits += hop_math_argmax_f(logits + i * nc, nc) == y[i];
  return 100.0 * (double)hits / (double)n;
}

/* Progress units of one image of a network: its training work in units of 10 kFLOP, so
 * that the ETA weighs the sizes right. */
static size_t flop_units(const hop_cnn_arch *a) { return (size_t)(hop_cnn_flops(a) / 1e4) + 1; }

/* Trains one network and writes its weights file (the epoch with the best validation
 * accuracy). */
/* A network's weights file as bytes (hop_cnn_encode), kept in run->enc: the features stage
 * decodes the network from them on every process of the run, and only the writer's
 * write_weights puts them on disk. */
static int encode_weights(const hop_cnn *net, uint64_t rec, net_run *run) {
  size_t len = hop_cnn_encoded_size(net);
  free(run->enc);
  if (!(run->enc = malloc(len))) return run->enc_len = 0, HOP_RAISE(HOP_ENOMEM, "weights buffer");
  run->enc_len = len;
  return hop_cnn_encode(net, rec, run->enc, len);
}

/* The weights file of a run, written atomically into the run's directory. */
static int write_weights(const hop_cli *cli, const net_run *run) {
  char name[64];
  snprintf(name, sizeof name, "cnn_%s_seed%ld.bin", size_names[run->size], run->seed);
  hop_file *f = hop_file_open(cli->out, name, NULL);
  if (f && fwrite(run->enc, 1, run->enc_len, hop_file_stream(f)) != run->enc_len) {
    hop_file_discard(f);
    return HOP_RAISE(HOP_EIO, "cannot write '%s/%s': %s", cli->out, name, strerror(errno));
  }
  return hop_file_close(f);
}

/* A run's weights bytes, for a run over several processes (hop_jobs_codec). */
static size_t enc_size(const void *rec) { return ((const net_run *)rec)->enc_len; }
static void enc_pack(const void *rec, unsigned char *out) {
  const net_run *u = rec;
  if (u->enc_len) memcpy(out, u->enc, u->enc_len);
}
static int enc_unpack(void *rec, const unsigned char *in, size_t len) {
  net_run *u = rec;
  u->enc = NULL, u->enc_len = 0; /* the sender's address */
  if (!len) return HOP_OK;
  if (!(u->enc = malloc(len))) HOP_ERROR(HOP_ENOMEM, "%zu bytes of weights", len);
  memcpy(u->enc, in, len), u->enc_len = len;
  return HOP_OK;
}
static void enc_release(void *rec) {
  net_run *u = rec;
  free(u->enc), u->enc = NULL, u->enc_len = 0;
}
static const hop_jobs_codec enc_codec = {enc_size, enc_pack, enc_unpack, enc_release};

/* Trains one network (a job: hop_jobs decides where and beside what it runs; its chunks
 * make the result the same on any thread count) and keeps the weights of the epoch with
 * the best validation accuracy as bytes (encode_weights). */
static int train_one(const hop_cli *cli, const config *cf, const data *d, net_run *run,
                     hop_progress *pg) {
  const hop_cnn_arch *a = &archs[run->size];
  hop_cnn *net = hop_cnn_alloc(a);
  hop_cnn_par *par = net ? hop_cnn_par_alloc(a, (size_t)cf->batch, (size_t)cf->chunks) : NULL;
  gsl_rng *r =
      hop_rng_alloc(cli->seed, hop_rng_key((uint64_t)run->size, (uint64_t)run->seed, 0, RNG_TRAIN));
  hop_optim_params op = {.kind = HOP_OPTIM_SGD, .lr = cf->lr, .momentum = cf->momentum};
  hop_optim *o = net ? hop_optim_alloc(&op, net->n_params) : NULL;
  size_t B = (size_t)cf->batch;
  float *g = net ? malloc(net->n_params * sizeof *g) : NULL,
        *best = net ? malloc(net->n_params * sizeof *best) : NULL;
  float *xb = malloc(B * PX * sizeof *xb), *logits = malloc(d->n_va * NC * sizeof *logits);
  unsigned char *yb = malloc(B);
  size_t *order = malloc(d->n_tr * sizeof *order);
  int st = net && par && r && o && g && best && xb && logits && yb && order
               ? HOP_OK
               : HOP_RAISE(HOP_ENOMEM, "training buffers");
  if (!st) hop_cnn_init(net, r);
  for (size_t i = 0; i < d->n_tr; i++) order[i] = i;
  double best_val = -1.0;
  for (long e = 0; e < cf->epochs && !st; e++) {
    o->p.lr =
        run->recipe == RECIPE_CONSTANT
            ? cf->lr
            : cf->lr * 0.5 * (1.0 + cos(3.14159265358979323846 * (double)e / (double)cf->epochs));
    gsl_ran_shuffle(r, order, d->n_tr, sizeof *order);
    double loss = 0.0;
    size_t hits = 0;
    for (size_t s0 = 0; s0 < d->n_tr && !st; s0 += B) {
      size_t m = d->n_tr - s0 < B ? d->n_tr - s0 : B, c = 0;
      for (size_t b = 0; b < m; b++) {
        memcpy(xb + b * PX, d->xtr + order[s0 + b] * PX, PX * sizeof(float));
        yb[b] = d->ytr[order[s0 + b]];
      }
      double l = hop_cnn_par_grad(net, xb, yb, m, g, &c, par);
      if (!isfinite(l)) {
        st = hop_error_code() ? hop_error_code()
                              : HOP_RAISE(HOP_EDOM, "the training loss is not finite");
        break;
      }
      hop_optim_step(o, net->params, g, NULL);
      loss += l * (double)m, hits += c;
      hop_progress_add(pg, m * flop_units(a));
    }
    if (st || (st = hop_cnn_par_forward(net, d->xva, d->n_va, NULL, logits, par))) break;
    run->loss[e] = loss / (double)d->n_tr;
    run->train_acc[e] = 100.0 * (double)hits / (double)d->n_tr;
    run->val_acc[e] = accuracy(logits, d->yva, d->n_va, NC);
    if (run->recipe == RECIPE_CONSTANT ? e + 1 == cf->epochs : run->val_acc[e] > best_val) {
      best_val = run->val_acc[e];
      run->best_epoch = (int)e + 1;
      memcpy(best, net->params, net->n_params * sizeof *best);
    }
    if (!pg->tty)
      fprintf(stderr,
              "cnn_wells: %s seed %ld epoch %ld: loss %.4f, training %.2f %%, validation %.2f %%\n",
              size_names[run->size], run->seed, e + 1, run->loss[e], run->train_acc[e],
              run->val_acc[e]);
  }
  if (!st) { /* the weights file's bytes */
    memcpy(net->params, best, net->n_params * sizeof *best);
    st = encode_weights(net, recipe(cli, cf, d, run, run->recipe), run);
  }
  free(g), free(best), free(xb), free(logits), free(yb), free(order);
  hop_optim_free(o), hop_cnn_par_free(par), hop_cnn_free(net), gsl_rng_free(r);
  return st;
}

typedef struct {
  const hop_cli *cli;
  const config *cf;
  const data *d;
  hop_progress *pg;
} train_ctx;

static int train_job(void *rec, size_t index, int thread, void *ctx) {
  (void)index, (void)thread;
  const train_ctx *c = ctx;
  return train_one(c->cli, c->cf, c->d, rec, c->pg);
}

/* Training cost of n runs in progress units. */
static size_t train_units(const config *cf, const data *d, const net_run *runs, size_t n) {
  size_t total = 0;
  for (size_t k = 0; k < n; k++)
    total += (size_t)cf->epochs * d->n_tr * flop_units(&archs[runs[k].size]);
  return total;
}

/* Every network of runs[0..n) as a job (in parallel, or over the ranks of an MPI run); the
 * records own their weights bytes afterwards. */
static int train_runs(hop_exp *x, net_run *runs, size_t n, hop_progress *pg) {
  if (!n) return HOP_OK;
  hop_jobs *q = hop_jobs_new(n, sizeof(net_run));
  int st = q ? HOP_OK : hop_error_code();
  if (q) hop_jobs_set_codec(q, &enc_codec);
  for (size_t k = 0; k < n && !st; k++) st = hop_jobs_push(q, &runs[k]);
  if (!st)
    st = hop_jobs_run(q, train_job, &(train_ctx){&x->cli, x->cfg, &((results *)x->res)->d, pg},
                      (int)x->cli.threads);
  for (size_t k = 0; q && k < hop_jobs_count(q); k++)
    memcpy(&runs[k], hop_jobs_at(q, k), sizeof runs[k]);
  hop_jobs_free(q);
  return st;
}

/* The per-epoch log of n runs (training.csv; recipes.csv with the recipe column). */
static int write_log(hop_exp *x, const char *name, const net_run *runs, size_t n, int with_recipe) {
  const config *cf = x->cfg;
  hop_file *f = hop_file_open(x->cli.out, name,
                              with_recipe ? "recipe,size,seed,epoch,loss,train_acc,val_acc,kept"
                                          : "size,seed,epoch,loss,train_acc,val_acc,kept");
  if (!f) return hop_error_code();
  for (size_t k = 0; k < n; k++) {
    const net_run *u = &runs[k];
    for (long e = 0; e < cf->epochs; e++) {
      if (with_recipe) hop_file_printf(f, "%s,", recipe_names[u->recipe]);
      hop_file_printf(f, "%s,%ld,%ld,%.5f,%.3f,%.2f,%d\n", size_names[u->size], u->seed, e + 1,
                      u->loss[e], u->train_acc[e], u->val_acc[e], u->best_epoch == e + 1);
    }
  }
  return hop_file_close(f);
}

/* Validation accuracy of the softmax head at a run's kept epoch. */
static double kept_val(const net_run *u) { return u->val_acc[u->best_epoch - 1]; }

/* With two or more --recipes: the first size's networks trained under each (recipe-major
 * in res->trial), and the recipe whose kept epochs score the highest mean validation
 * accuracy (ties: the earlier) trains every size; its first-size networks are reused. */
static int train_trial(hop_exp *x, hop_progress *pg, int *chosen) {
  const config *cf = x->cfg;
  results *res = x->res;
  size_t S = (size_t)cf->seeds, R = cf->recipes.n;
  if (!(res->trial = calloc(R * S, sizeof *res->trial)))
    return HOP_RAISE(HOP_ENOMEM, "%zu trial runs", R * S);
  res->n_trial = R * S;
  for (size_t k = 0; k < R * S; k++)
    res->trial[k] = res->runs[k % S], res->trial[k].recipe = cf->recipes.v[k / S];
  int st = train_runs(x, res->trial, R * S, pg);
  double best = -1.0;
  for (size_t r = 0; r < R && !st; r++) {
    double v = 0.0;
    for (size_t s = 0; s < S; s++) v += kept_val(&res->trial[r * S + s]) / (double)S;
    if (v > best) best = v, *chosen = cf->recipes.v[r];
  }
  for (size_t k = 0; k < R * S && !st; k++) /* the chosen networks move into the runs */
    if (res->trial[k].recipe == *chosen)
      res->runs[k % S] = res->trial[k], res->trial[k].enc = NULL, res->trial[k].enc_len = 0;
  return st ? st : write_log(x, "recipes.csv", res->trial, R * S, 1);
}

/* Training: the recipe trial (train_trial), then every other network under the chosen
 * recipe; their weights files and training.csv. */
static int stage_train(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  if (cf->reuse) return HOP_OK;
  size_t S = (size_t)cf->seeds, first = cf->recipes.n > 1 ? S : 0;
  size_t total =
      train_units(cf, &res->d, res->runs, res->n_runs) +
      (cf->recipes.n > 1 ? (cf->recipes.n - 1) * train_units(cf, &res->d, res->runs, S) : 0);
  hop_progress pg;
  hop_progress_start(&pg, stderr, "training", total);
  int chosen = cf->recipes.v[0];
  int st = first ? train_trial(x, &pg, &chosen) : HOP_OK;
  for (size_t k = first; k < res->n_runs; k++) res->runs[k].recipe = chosen;
  if (!st) st = train_runs(x, res->runs + first, res->n_runs - first, &pg);
  hop_progress_end(&pg);
  for (size_t k = 0; k < res->n_runs && !st; k++) st = write_weights(&x->cli, &res->runs[k]);
  return st ? st : write_log(x, "training.csv", res->runs, res->n_runs, 0);
}

/* ---- features and wells ----------------------------------------------------------------- */

static void l2_normalise(float *x, size_t n, size_t d) {
  for (size_t i = 0; i < n; i++) {
    double s = 0.0;
    for (size_t t = 0; t < d; t++) s += (double)x[i * d + t] * x[i * d + t];
    if (s > 0)
      for (size_t t = 0; t < d; t++) x[i * d + t] = (float)(x[i * d + t] / sqrt(s));
  }
}

/* Decodes a network from the bytes of its weights file (this run's, or under --weights
 * the file there), checking the fingerprint: this run's recipe, or under --weights any of
 * --recipes (run->recipe is set to the one that matches). */
static hop_cnn *load_weights(const hop_cli *cli, const config *cf, const data *d, net_run *run,
                             uint64_t *rec) {
  char path[1024];
  const char *dir = cf->reuse ? cf->weights : cli->out;
  if (snprintf(path, sizeof path, "%s/cnn_%s_seed%ld.bin", dir, size_names[run->size], run->seed) >=
      (int)sizeof path)
    HOP_ERROR_NULL(HOP_ERANGE, "weights path too long: %s", dir);
  hop_cnn *net = cf->reuse ? hop_cnn_load(path, &archs[run->size], rec)
                           : hop_cnn_decode(run->enc, run->enc_len, &archs[run->size], rec, path);
  for (size_t r = 0; net && cf->reuse && r < cf->recipes.n; r++)
    if (*rec == recipe(cli, cf, d, run, cf->recipes.v[r])) run->recipe = cf->recipes.v[r];
  if (net && *rec != recipe(cli, cf, d, run, run->recipe)) {
    hop_cnn_free(net);
    HOP_ERROR_NULL(
        HOP_EFORMAT,
        "%s: trained with other options than this run's (seed, epochs, lr, momentum, batch, "
        "chunks, --train, --val or --recipes differ)",
        path);
  }
  return net;
}

/* --weights DIR: every network file is read and checked before any computation. */
static int check_weights(const hop_cli *cli, const config *cf, results *res) {
  for (size_t k = 0; k < res->n_runs; k++) {
    uint64_t rec = 0;
    hop_cnn *net = load_weights(cli, cf, &res->d, &res->runs[k], &rec);
    if (!net) return hop_error_code();
    hop_cnn_free(net);
  }
  return HOP_OK;
}

static double label_acc(const unsigned char *pred, const unsigned char *y, size_t n) {
  size_t h = 0;
  for (size_t i = 0; i < n; i++) h += pred[i] == y[i];
  return 100.0 * (double)h / (double)n;
}

/* One class's k-means (a job): its centres, K x f floats, owned by the record. */
typedef struct {
  int c;
  size_t len; /* floats in mu */
  float *mu;
} class_fit;

static size_t fit_size(const void *rec) { return ((const class_fit *)rec)->len * sizeof(float); }
static void fit_pack(const void *rec, unsigned char *out) {
  const class_fit *u = rec;
  if (u->mu) memcpy(out, u->mu, u->len * sizeof(float));
}
static int fit_unpack(void *rec, const unsigned char *in, size_t len) {
  class_fit *u = rec;
  u->mu = NULL;
  if (len != u->len * sizeof(float))
    HOP_ERROR(HOP_EBADLEN, "%zu bytes of k-means centres, not %zu", len, u->len * sizeof(float));
  if (!(u->mu = malloc(len))) HOP_ERROR(HOP_ENOMEM, "%zu bytes of k-means centres", len);
  memcpy(u->mu, in, len);
  return HOP_OK;
}
static void fit_release(void *rec) {
  class_fit *u = rec;
  free(u->mu), u->mu = NULL;
}
static const hop_jobs_codec fit_codec = {fit_size, fit_pack, fit_unpack, fit_release};

typedef struct {
  const hop_cli *cli;
  const config *cf;
  const data *d;
  const net_run *run;
  const float *ftr;
  size_t K, f;
} fit_ctx;

static int fit_job(void *rec, size_t index, int thread, void *ctx) {
  (void)index, (void)thread;
  class_fit *u = rec;
  const fit_ctx *c = ctx;
  size_t f = c->f, n = 0;
  float *xc = malloc(c->d->count[u->c] * f * sizeof *xc);
  u->mu = malloc(u->len * sizeof *u->mu);
  gsl_rng *r =
      hop_rng_alloc(c->cli->seed, hop_rng_key((uint64_t)(c->run->size * MAX_SEEDS + c->run->seed),
                                              c->K, (uint64_t)u->c, RNG_KMEANS));
  int st = xc && u->mu && r ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "k-means of digit %d", u->c);
  for (size_t i = 0; i < c->d->n_tr && !st; i++)
    if (c->d->ytr[i] == u->c) memcpy(xc + n++ * f, c->ftr + i * f, f * sizeof *xc);
  if (!st) st = hop_kmeans(xc, n, f, c->K, (size_t)c->cf->kmeans_iter, r, u->mu, NULL, NULL);
  free(xc), gsl_rng_free(r);
  return st;
}

/* The wells w (K per class) from the features ftr: each class's k-means a job (hop_jobs
 * runs them side by side, one BLAS thread each, or over the ranks of an MPI run; each
 * class has its own random stream, so the wells do not depend on the thread count). */
static int fit_wells(const hop_cli *cli, const config *cf, const data *d, const net_run *run,
                     const float *ftr, hop_wells *w) {
  size_t K = w->k, f = w->d;
  hop_jobs *q = hop_jobs_new(NC, sizeof(class_fit));
  int st = q ? HOP_OK : hop_error_code();
  if (q) hop_jobs_set_codec(q, &fit_codec);
  for (int c = 0; c < NC && !st; c++) st = hop_jobs_push(q, &(class_fit){c, K * f, NULL});
  if (!st) st = hop_jobs_run(q, fit_job, &(fit_ctx){cli, cf, d, run, ftr, K, f}, (int)cli->threads);
  for (size_t c = 0; q && c < hop_jobs_count(q); c++) {
    class_fit *u = hop_jobs_at(q, c);
    if (!st) memcpy(w->mu + c * K * f, u->mu, K * f * sizeof *u->mu);
    free(u->mu);
  }
  hop_jobs_free(q);
  return st;
}

/* k-means per class for every K on the features ftr of one reading (per K the wells go
 * into keep[ik], or are freed when keep is NULL), then every beta on the validation and
 * test features; the choice of (K, beta) on validation. */
static int sweep_reading(const hop_cli *cli, const config *cf, const data *d, const net_run *run,
                         const float *ftr, const float *fva, const float *fte, hop_wells **keep,
                         reading_acc *acc) {
  size_t f = archs[run->size].feat, nb = cf->betas.n + 1,
         nmax = d->n_va > d->n_te ? d->n_va : d->n_te, kmax = 0;
  for (size_t i = 0; i < cf->ks.n; i++)
    kmax = (size_t)cf->ks.v[i] > kmax ? (size_t)cf->ks.v[i] : kmax;
  float *d2 = malloc(nmax * NC * kmax * sizeof *d2);
  double *e = malloc(nmax * NC * sizeof *e);
  unsigned char *lab = malloc(nmax);
  int st = d2 && e && lab ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "wells buffers");
  for (size_t ik = 0; ik < cf->ks.n && !st; ik++) {
    size_t K = (size_t)cf->ks.v[ik];
    hop_wells *w = hop_wells_alloc(NC, K, f);
    if (!w) st = hop_error_code();
    if (!st) st = fit_wells(cli, cf, d, run, ftr, w);
    for (int set = 0; set < 2 && !st; set++) {
      size_t n = set ? d->n_te : d->n_va;
      st = hop_wells_dist2(w, set ? fte : fva, n, d2);
      for (size_t b = 0; b < nb && !st; b++) {
        if ((st = hop_wells_energy(w, d2, n, beta_of(cf, b), e))) break;
        hop_wells_argmin(e, n, NC, lab);
        (set ? acc->test : acc->val)[ik][b] = label_acc(lab, set ? d->yte : d->yva, n);
      }
    }
    if (keep)
      keep[ik] = w;
    else
      hop_wells_free(w);
  }
  double bv = -1.0;
  for (size_t ik = 0; ik < cf->ks.n && !st; ik++)
    for (size_t b = 0; b < nb; b++)
      if (acc->val[ik][b] > bv) bv = acc->val[ik][b], acc->sel_k = ik, acc->sel_b = b;
  free(d2), free(e), free(lab);
  return st;
}

/* The features of one network; the raw reading's sweep first when raw is set. */
static int features(const hop_cli *cli, const config *cf, const data *d, net_run *run, int raw) {
  const hop_cnn_arch *a = &archs[run->size];
  uint64_t rec = 0;
  hop_cnn *net = load_weights(cli, cf, d, run, &rec);
  if (!net) return hop_error_code();
  /* reused weights go into this run's directory too, which replaces --out whole */
  if (cf->reuse && (encode_weights(net, rec, run) || write_weights(cli, run))) {
    hop_cnn_free(net);
    return hop_error_code();
  }
  size_t f = a->feat;
  hop_cnn_par *par = hop_cnn_par_alloc(a, 256, (size_t)cf->chunks);
  float *lg = malloc((d->n_va > d->n_te ? d->n_va : d->n_te) * NC * sizeof *lg);
  run->ftr = malloc(d->n_tr * f * sizeof(float));
  run->fva = malloc(d->n_va * f * sizeof(float));
  run->fte = malloc(d->n_te * f * sizeof(float));
  int st =
      par && lg && run->ftr && run->fva && run->fte ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "features");
  if (!st) st = hop_cnn_par_forward(net, d->xtr, d->n_tr, run->ftr, NULL, par);
  if (!st && !(st = hop_cnn_par_forward(net, d->xva, d->n_va, run->fva, lg, par)))
    run->head_val = accuracy(lg, d->yva, d->n_va, NC);
  if (!st && !(st = hop_cnn_par_forward(net, d->xte, d->n_te, run->fte, lg, par)))
    run->head_test = accuracy(lg, d->yte, d->n_te, NC);
  if (!st && raw) /* the raw activations first (--readings raw) */
    st = sweep_reading(cli, cf, d, run, run->ftr, run->fva, run->fte, NULL, &run->raw);
  run->has_raw = raw;
  if (!st) {
    l2_normalise(run->ftr, d->n_tr, f);
    l2_normalise(run->fva, d->n_va, f);
    l2_normalise(run->fte, d->n_te, f);
  }
  free(lg);
  hop_cnn_par_free(par);
  hop_cnn_free(net);
  return st;
}

/* The L2-normalised reading (its wells kept for the descent and the figures): every K
 * and beta, the choice on validation, and the descent reading at the choice. */
static int wells_one(const hop_cli *cli, const config *cf, const data *d, net_run *run) {
  size_t f = archs[run->size].feat, nb = cf->betas.n + 1,
         nmax = d->n_va > d->n_te ? d->n_va : d->n_te, kmax = 0;
  for (size_t i = 0; i < cf->ks.n; i++)
    kmax = (size_t)cf->ks.v[i] > kmax ? (size_t)cf->ks.v[i] : kmax;
  reading_acc *acc = malloc(sizeof *acc);
  int st = acc ? sweep_reading(cli, cf, d, run, run->ftr, run->fva, run->fte, run->wells, acc)
               : HOP_RAISE(HOP_ENOMEM, "wells buffers");
  if (!st) {
    memcpy(run->acc_val, acc->val, sizeof acc->val),
        memcpy(run->acc_test, acc->test, sizeof acc->test);
    run->sel_k = acc->sel_k, run->sel_b = acc->sel_b;
    double bv = -1.0;
    for (size_t b = 0; b + 1 < nb; b++)
      if (run->acc_val[run->sel_k][b] > bv)
        bv = run->acc_val[run->sel_k][b], run->best_finite_b = b;
  }
  free(acc);
  /* descent on the joint energy from each feature, at the chosen K and best finite beta */
  float *s = NULL, *d2 = NULL;
  size_t *wl = NULL;
  unsigned char *lab = NULL;
  if (!st) {
    const hop_wells *w = run->wells[run->sel_k];
    s = malloc(nmax * f * sizeof *s), d2 = malloc(nmax * NC * kmax * sizeof *d2);
    wl = malloc(nmax * sizeof *wl), lab = malloc(nmax);
    st = s && wl && d2 && lab ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "descent buffers");
    for (int set = 0; set < 2 && !st; set++) {
      size_t n = set ? d->n_te : d->n_va;
      memcpy(s, set ? run->fte : run->fva, n * f * sizeof *s);
      st = hop_wells_descend_batch(w, s, n, cf->betas.v[run->best_finite_b], cf->eta,
                                   (size_t)cf->steps, wl, d2);
      for (size_t i = 0; i < n && !st; i++) lab[i] = (unsigned char)(wl[i] / w->k);
      if (!st)
        *(set ? &run->descent_test : &run->descent_val) = label_acc(lab, set ? d->yte : d->yva, n);
    }
  }
  free(s), free(d2), free(wl), free(lab);
  return st;
}

/* Whether the raw reading's chosen (K, beta) scores a higher mean validation accuracy over
 * the first size's n networks than the L2 one's (ties: L2). */
static int raw_wins(const net_run *u, size_t n) {
  double l2 = 0.0, raw = 0.0;
  for (size_t s = 0; s < n; s++)
    l2 += u[s].acc_val[u[s].sel_k][u[s].sel_b], raw += u[s].raw.val[u[s].raw.sel_k][u[s].raw.sel_b];
  return raw > l2;
}

/* Features and wells of every network, the first size's first: the readings are compared
 * there (raw_wins), and the other sizes sweep the raw reading only when it won. */
static int sweep(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_progress pg;
  hop_progress_start(&pg, stderr, "features and wells", res->n_runs);
  int st = HOP_OK;
  size_t S = (size_t)cf->seeds;
  for (size_t k = 0; k < res->n_runs && !st; k++) {
    int raw = cf->readings.n > 1 && (k < S || res->raw_chosen);
    if (!(st = features(cli, cf, &res->d, &res->runs[k], raw)))
      st = wells_one(cli, cf, &res->d, &res->runs[k]);
    hop_progress_add(&pg, 1);
    if (!st && raw && k + 1 == S) res->raw_chosen = raw_wins(res->runs, S);
  }
  for (size_t k = 0; k < res->n_runs; k++) res->runs[k].raw_kept = res->raw_chosen;
  hop_progress_end(&pg);
  if (st) return st;
  hop_file *f = hop_file_open(cli->out, "wells.csv", "size,seed,k,beta,val_acc,test_acc");
  hop_file *g = hop_file_open(cli->out, "selected.csv",
                              "size,seed,epoch,head_val,head_test,k,beta,wells_val,wells_test,"
                              "nearest_val,nearest_test,descent_beta,descent_val,descent_test");
  for (size_t k = 0; f && g && k < res->n_runs; k++) {
    const net_run *u = &res->runs[k];
    size_t nb = cf->betas.n + 1, ik = u->sel_k;
    for (size_t i = 0; i < cf->ks.n; i++)
      for (size_t b = 0; b < nb; b++)
        hop_file_printf(f, "%s,%ld,%g,%g,%.2f,%.2f\n", size_names[u->size], u->seed, cf->ks.v[i],
                        beta_of(cf, b), u->acc_val[i][b], u->acc_test[i][b]);
    hop_file_printf(g, "%s,%ld,%d,%.2f,%.2f,%g,%g,%.2f,%.2f,%.2f,%.2f,%g,%.2f,%.2f\n",
                    size_names[u->size], u->seed, u->best_epoch, u->head_val, u->head_test,
                    cf->ks.v[ik], beta_of(cf, u->sel_b), u->acc_val[ik][u->sel_b],
                    u->acc_test[ik][u->sel_b], u->acc_val[ik][nb - 1], u->acc_test[ik][nb - 1],
                    cf->betas.v[u->best_finite_b], u->descent_val, u->descent_test);
  }
  hop_file *fs[2] = {f, g};
  return hop_file_finish(fs, 2, f && g ? HOP_OK : hop_error_code());
}

/* ---- summaries and claims ----------------------------------------------------------------- */

typedef struct {
  double mean, sd, min, max;
} stat4;

static stat4 stats(const double *x, size_t n) {
  stat4 s = {0, 0, INFINITY, -INFINITY};
  hop_math_mean_sd(x, n, &s.mean, &s.sd);
  for (size_t i = 0; i < n; i++) s.min = fmin(s.min, x[i]), s.max = fmax(s.max, x[i]);
  if (n < 2) s.sd = 0.0;
  return s;
}

/* Test accuracy at beta chosen on validation for a fixed K (ik) of run u. */
static double at_k(const config *cf, const net_run *u, size_t ik) {
  size_t nb = cf->betas.n + 1, bb = 0;
  for (size_t b = 1; b < nb; b++)
    if (u->acc_val[ik][b] > u->acc_val[ik][bb]) bb = b;
  return u->acc_test[ik][bb];
}

/* Whether the run is read on the raw activations (the reading chosen on the first size). */
static int use_raw(const net_run *u) { return u->raw_kept; }
/* Validation and test accuracy of a network at its choice of reading, K and beta. */
static double final_val(const net_run *u) {
  return use_raw(u) ? u->raw.val[u->raw.sel_k][u->raw.sel_b] : u->acc_val[u->sel_k][u->sel_b];
}
static double final_test(const net_run *u) {
  return use_raw(u) ? u->raw.test[u->raw.sel_k][u->raw.sel_b] : u->acc_test[u->sel_k][u->sel_b];
}

/* Wells minus head of the seeds of one size (u), each network read by pick: a row of
 * head_diff.csv. */
static void head_row(hop_file *f, const net_run *u, size_t S, const char *reading, const char *k,
                     double (*pick)(const net_run *, size_t, const config *), size_t arg,
                     const config *cf) {
  double dd[MAX_SEEDS] = {0};
  for (size_t s = 0; s < S; s++) dd[s] = pick(&u[s], arg, cf) - u[s].head_test;
  stat4 a = stats(dd, S);
  hop_file_printf(f, "%s,%s,%s,%.3f,%.3f,%zu\n", size_names[u->size], reading, k, a.mean,
                  S > 1 ? a.sd / sqrt((double)S) : NAN, S);
}
static double pick_l2_k(const net_run *u, size_t ik, const config *cf) { return at_k(cf, u, ik); }
static double pick_l2(const net_run *u, size_t ik, const config *cf) {
  (void)ik, (void)cf;
  return u->acc_test[u->sel_k][u->sel_b];
}
static double pick_raw_k(const net_run *u, size_t ik, const config *cf) {
  size_t nb = cf->betas.n + 1, bb = 0;
  for (size_t b = 1; b < nb; b++)
    if (u->raw.val[ik][b] > u->raw.val[ik][bb]) bb = b;
  return u->raw.test[ik][bb];
}
static double pick_raw(const net_run *u, size_t ik, const config *cf) {
  (void)ik, (void)cf;
  return u->raw.test[u->raw.sel_k][u->raw.sel_b];
}
static double pick_final(const net_run *u, size_t ik, const config *cf) {
  (void)ik, (void)cf;
  return final_test(u);
}

/* head_diff.csv: wells minus the CNN's softmax head, test accuracy %, paired over the
 * seeds of each size: per reading at every K (beta chosen on validation) and at its
 * chosen (K, beta), and at each network's validated choice of reading, K and beta. */
static int write_head_diff(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  size_t S = (size_t)cf->seeds;
  hop_file *f =
      hop_file_open(x->cli.out, "head_diff.csv", "size,reading,k,wells_minus_head,se,seeds");
  for (size_t i = 0; f && i < cf->sizes.n; i++) {
    const net_run *u = &res->runs[i * S];
    for (size_t r = 0; r < (u->has_raw ? 2u : 1u); r++) {
      for (size_t ik = 0; ik < cf->ks.n; ik++) {
        char k[16];
        snprintf(k, sizeof k, "%g", cf->ks.v[ik]);
        head_row(f, u, S, reading_names[r], k, r ? pick_raw_k : pick_l2_k, ik, cf);
      }
      head_row(f, u, S, reading_names[r], "chosen", r ? pick_raw : pick_l2, 0, cf);
    }
    head_row(f, u, S, "validated", "chosen", pick_final, 0, cf);
  }
  return hop_file_finish(&f, 1, f ? HOP_OK : hop_error_code());
}

/* readings.csv: each network's choice of K and beta under each reading, and which
 * reading validation kept. */
static int write_readings(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  hop_file *f =
      hop_file_open(x->cli.out, "readings.csv", "size,seed,reading,k,beta,val_acc,test_acc,kept");
  for (size_t k = 0; f && k < res->n_runs; k++) {
    const net_run *u = &res->runs[k];
    for (size_t r = 0; r < (u->has_raw ? 2u : 1u); r++) {
      const reading_acc l2 = {.sel_k = u->sel_k, .sel_b = u->sel_b};
      const reading_acc *a = r ? &u->raw : &l2;
      double val = r ? a->val[a->sel_k][a->sel_b] : u->acc_val[u->sel_k][u->sel_b],
             test = r ? a->test[a->sel_k][a->sel_b] : u->acc_test[u->sel_k][u->sel_b];
      hop_file_printf(f, "%s,%ld,%s,%g,%g,%.2f,%.2f,%d\n", size_names[u->size], u->seed,
                      reading_names[r], cf->ks.v[a->sel_k], beta_of(cf, a->sel_b), val, test,
                      (int)r == use_raw(u));
    }
  }
  return hop_file_finish(&f, 1, f ? HOP_OK : hop_error_code());
}

static int summaries(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  size_t S = (size_t)cf->seeds;
  double acc[MAX_SEEDS], best_val = -1.0;
  hop_file *f =
      hop_file_open(cli->out, "acc_k.csv", "size,k,mean,sd,min,max,nearest_mean,head_mean");
  hop_file *g = hop_file_open(cli->out, "sizes.csv",
                              "size,feat,seeds,val_mean,test_mean,test_sd,test_min,test_max,"
                              "head_mean,head_sd,descent_mean,nearest_mean");
  for (size_t i = 0; f && g && i < cf->sizes.n; i++) {
    const net_run *u = &res->runs[i * S];
    double h[MAX_SEEDS], nr[MAX_SEEDS];
    for (size_t s = 0; s < S; s++) h[s] = u[s].head_test;
    stat4 hs = stats(h, S);
    for (size_t ik = 0; ik < cf->ks.n; ik++) {
      for (size_t s = 0; s < S; s++)
        acc[s] = at_k(cf, &u[s], ik), nr[s] = u[s].acc_test[ik][cf->betas.n];
      stat4 a = stats(acc, S), n = stats(nr, S);
      hop_file_printf(f, "%s,%g,%.3f,%.3f,%.2f,%.2f,%.3f,%.3f\n", size_names[u->size], cf->ks.v[ik],
                      a.mean, a.sd, a.min, a.max, n.mean, hs.mean);
    }
    double v[MAX_SEEDS], dsc[MAX_SEEDS];
    for (size_t s = 0; s < S; s++) {
      acc[s] = final_test(&u[s]), v[s] = final_val(&u[s]);
      dsc[s] = u[s].descent_test, nr[s] = u[s].acc_test[u[s].sel_k][cf->betas.n];
    }
    stat4 t = stats(acc, S), vv = stats(v, S), ds = stats(dsc, S), ns = stats(nr, S);
    hop_file_printf(g, "%s,%u,%zu,%.3f,%.3f,%.3f,%.2f,%.2f,%.3f,%.3f,%.3f,%.3f\n",
                    size_names[u->size], archs[u->size].feat, S, vv.mean, t.mean, t.sd, t.min,
                    t.max, hs.mean, hs.sd, ds.mean, ns.mean);
    if (vv.mean > best_val) best_val = vv.mean, res->best_size = (int)i;
  }
  hop_file *fs[2] = {f, g};
  int st = hop_file_finish(fs, 2, f && g ? HOP_OK : hop_error_code());
  if (!st) st = write_readings(x);
  return st ? st : write_head_diff(x);
}

/* W1-W3 and the readings beyond the paper, at the size chosen on validation. */
/* W1: the size chosen on validation, its chosen (K, beta) per seed. */
static void claim_w1(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  size_t S = (size_t)cf->seeds;
  double acc[MAX_SEEDS] = {0};
  const net_run *u = &res->runs[(size_t)res->best_size * S];
  for (size_t s = 0; s < S; s++) acc[s] = final_test(&u[s]);
  stat4 w1 = stats(acc, S);
  double tol = fmax(2.0 * w1.sd, 0.18);
  char desc[600], meas[300];
  snprintf(
      desc, sizeof desc,
      "MNIST test accuracy %% of CNN + multi-well energy: size %s (chosen on validation), K and "
      "beta chosen on validation per network, mean over %zu training seeds; tolerance max(2 sd "
      "over seeds, 0.18 = "
      "2 binomial SE at 99.2 %% on 10,000 images)",
      size_names[u->size], S);
  size_t at_paper = 0;
  for (size_t s = 0; s < S; s++) at_paper += acc[s] >= W1_PAPER - 1e-9;
  snprintf(meas, sizeof meas, "%.2f (sd %.2f, range %.2f-%.2f; %zu of %zu networks >= 99.2)",
           w1.mean, w1.sd, w1.min, w1.max, at_paper, S);
  char tl[64];
  snprintf(tl, sizeof tl, "+-%.2f", tol);
  hop_claims_add(x->claims, "W1", desc, "99.2", meas, tl,
                 hop_claims_verdict(w1.mean, W1_PAPER, tol));
}

/* W2 (the chosen K against K = 1) and W3 (the chosen size against the smallest), paired
 * over seeds. */
static void claims_w2_w3(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  size_t S = (size_t)cf->seeds;
  const net_run *u = &res->runs[(size_t)res->best_size * S];
  char desc[600], meas[300], tl[64];
  size_t k1 = cf->ks.n;
  for (size_t ik = 0; ik < cf->ks.n; ik++)
    if (cf->ks.v[ik] == 1) k1 = ik;
  if (k1 < cf->ks.n) {
    double gain[MAX_SEEDS] = {0};
    for (size_t s = 0; s < S; s++)
      gain[s] = u[s].acc_test[u[s].sel_k][u[s].sel_b] - at_k(cf, &u[s], k1);
    stat4 g2 = stats(gain, S);
    double kk[MAX_SEEDS];
    for (size_t s = 0; s < S; s++) kk[s] = cf->ks.v[u[s].sel_k];
    stat4 ks = stats(kk, S);
    snprintf(desc, sizeof desc,
             "accuracy rises with the number of wells: test accuracy %% at the K chosen on "
             "validation (mean %.1f) minus K = 1 (beta chosen on validation), size %s, paired over "
             "%zu seeds; "
             "reproduced if the gain exceeds its seed sd and 0.05",
             ks.mean, size_names[u->size], S);
    snprintf(meas, sizeof meas, "%+.2f (sd %.2f)", g2.mean, g2.sd);
    hop_claims_add(x->claims, "W2", desc, "rises (curve)", meas, "> max(sd, 0.05)",
                   hop_claims_above(g2.mean, fmax(g2.sd, 0.05)));
  }
  /* W3: chosen size against the smallest size given */
  if (cf->sizes.n > 1) {
    const net_run *sm = &res->runs[0];
    double a[MAX_SEEDS], b[MAX_SEEDS];
    for (size_t s = 0; s < S; s++) a[s] = final_test(&u[s]), b[s] = final_test(&sm[s]);
    double diff[MAX_SEEDS];
    for (size_t s = 0; s < S; s++) diff[s] = a[s] - b[s];
    stat4 sa = stats(a, S), sb = stats(b, S), sd = stats(diff, S);
    double se = S > 1 ? sd.sd / sqrt((double)S) : INFINITY;
    snprintf(desc, sizeof desc,
             "a larger feature extractor matters: test accuracy %% of size %s (chosen on "
             "validation) minus size %s on the same test images, paired by training seed over "
             "%zu seeds; reproduced if the paired gain exceeds 2 SE",
             size_names[u->size], size_names[sm->size], S);
    snprintf(meas, sizeof meas, "%+.2f +- %.2f SE (%.2f vs %.2f)", sd.mean, se, sa.mean, sb.mean);
    snprintf(tl, sizeof tl, "> %.2f", 2 * se);
    hop_claims_add(x->claims, "W3", desc, "matters (table)", meas, tl,
                   hop_claims_if(sd.mean > 2 * se && u != sm));
  }
}

/* Beyond the paper: the wells against the CNN's own head and the nearest prototype, and
 * the descent reading, at the chosen size. */
static void claims_beyond(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  size_t S = (size_t)cf->seeds;
  const net_run *u = &res->runs[(size_t)res->best_size * S];
  char desc[600];
  double acc[MAX_SEEDS];
  for (size_t s = 0; s < S; s++) acc[s] = u[s].acc_test[u[s].sel_k][u[s].sel_b];
  double hh[MAX_SEEDS] = {0}, nn[MAX_SEEDS] = {0}, dd[MAX_SEEDS] = {0};
  for (size_t s = 0; s < S; s++)
    hh[s] = final_test(&u[s]) - u[s].head_test,
    nn[s] = acc[s] - u[s].acc_test[u[s].sel_k][cf->betas.n], dd[s] = u[s].descent_test - acc[s];
  stat4 a = stats(hh, S), b = stats(nn, S), c = stats(dd, S);
  snprintf(
      desc, sizeof desc,
      "wells minus the CNN's own softmax head on the same features, test accuracy %%, size %s, "
      "paired over %zu seeds (every size and K: head_diff.csv)",
      size_names[u->size], S);
  hop_claims_addf(x->claims, "W-head", desc, "-", "-", "beyond paper", "%+.2f (sd %.2f, SE %.2f)",
                  a.mean, a.sd, S > 1 ? a.sd / sqrt((double)S) : NAN);
  snprintf(desc, sizeof desc,
           "wells (energy at the chosen beta) minus the nearest prototype (beta = infinity) at the "
           "same K, test accuracy %%, size %s",
           size_names[u->size]);
  hop_claims_addf(x->claims, "W-nearest", desc, "-", "-", "beyond paper", "%+.2f (sd %.2f)", b.mean,
                  b.sd);
  snprintf(
      desc, sizeof desc,
      "second reading: %ld steps of gradient descent (eta %g) on the joint energy, class of the "
      "well reached, minus the argmin-energy reading, test accuracy %%, size %s",
      cf->steps, cf->eta, size_names[u->size]);
  hop_claims_addf(x->claims, "W-descent", desc, "-", "-", "beyond paper", "%+.2f (sd %.2f)", c.mean,
                  c.sd);
}

/* The choices of method, made on the first size's networks: the feature reading
 * (W-reading) and the training recipe (W-recipe); and whether validation turned down
 * within the K grid (W-edge). */
static void claims_choices(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  size_t S = (size_t)cf->seeds;
  const net_run *u = res->runs; /* the first size */
  char desc[600];
  if (u->has_raw) {
    double rr[MAX_SEEDS] = {0}, vl[MAX_SEEDS] = {0}, vr[MAX_SEEDS] = {0};
    for (size_t s = 0; s < S; s++)
      rr[s] = u[s].acc_test[u[s].sel_k][u[s].sel_b] - u[s].raw.test[u[s].raw.sel_k][u[s].raw.sel_b],
      vl[s] = u[s].acc_val[u[s].sel_k][u[s].sel_b],
      vr[s] = u[s].raw.val[u[s].raw.sel_k][u[s].raw.sel_b];
    stat4 r = stats(rr, S), a = stats(vl, S), b = stats(vr, S);
    snprintf(desc, sizeof desc,
             "wells on L2-normalised features minus wells on the raw activations, each at its own "
             "K and beta chosen on validation, test accuracy %%, size %s, paired over %zu seeds; "
             "the reading with the higher mean validation accuracy there reads every size",
             size_names[u->size], S);
    hop_claims_addf(x->claims, "W-reading", desc, "-", "-", "beyond paper",
                    "%+.2f +- %.2f SE; validation %.3f (l2) vs %.3f (raw): %s kept", r.mean,
                    S > 1 ? r.sd / sqrt((double)S) : NAN, a.mean, b.mean,
                    res->raw_chosen ? "raw" : "l2");
  }
  if (res->n_trial) {
    size_t R = cf->recipes.n;
    const net_run *t = res->trial;
    double dv[MAX_SEEDS] = {0}, m[2] = {0}; /* two recipes: recipe_names */
    for (size_t r = 0; r < R && r < 2; r++)
      for (size_t s = 0; s < S; s++) m[r] += kept_val(&t[r * S + s]) / (double)S;
    for (size_t s = 0; s < S; s++) dv[s] = kept_val(&t[S + s]) - kept_val(&t[s]);
    stat4 d = stats(dv, S);
    snprintf(desc, sizeof desc,
             "training recipe: validation accuracy %% of the softmax head at the kept epoch, %s "
             "minus %s, size %s, paired over %zu seeds; the recipe with the higher mean trains "
             "every size",
             recipe_names[t[S].recipe], recipe_names[t[0].recipe], size_names[u->size], S);
    hop_claims_addf(x->claims, "W-recipe", desc, "-", "-", "beyond paper",
                    "%+.2f +- %.2f SE (%.3f vs %.3f): %s kept", d.mean,
                    S > 1 ? d.sd / sqrt((double)S) : NAN, m[1], m[0], recipe_names[u->recipe]);
  }
  size_t edge = 0, kl = 0; /* the largest K (--k need not be sorted) */
  for (size_t i = 1; i < cf->ks.n; i++) kl = cf->ks.v[i] > cf->ks.v[kl] ? i : kl;
  for (size_t k = 0; k < res->n_runs; k++) edge += res->runs[k].sel_k == kl;
  snprintf(desc, sizeof desc,
           "the K grid's end: networks whose validation accuracy (L2 reading) is highest at the "
           "largest K of the grid (%g), where it has not turned down",
           cf->ks.v[kl]);
  hop_claims_addf(x->claims, "W-edge", desc, "-", "-", "beyond paper", "%zu of %zu networks", edge,
                  res->n_runs);
}

/* W1-W3 and the readings beyond the paper, at the size chosen on validation. */
static int claims_w(hop_exp *x) {
  claim_w1(x);
  claims_w2_w3(x);
  claims_beyond(x);
  claims_choices(x);
  return HOP_OK;
}

/* ---- figures of the showcase network (the chosen size, first seed) ---------------------------- */

/* The two leading principal axes of x (n, d) into axes (2, d), signs fixed so that each
 * axis's largest-magnitude component is positive; mean (d) out. */
static int pca2(const float *x, size_t n, size_t d, double *mean, double *axes) {
  gsl_matrix *cov = gsl_matrix_calloc(d, d), *vec = gsl_matrix_alloc(d, d);
  gsl_vector *val = gsl_vector_alloc(d);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(d);
  if (!cov || !vec || !val || !ws) {
    gsl_matrix_free(cov), gsl_matrix_free(vec), gsl_vector_free(val), gsl_eigen_symmv_free(ws);
    HOP_ERROR(HOP_ENOMEM, "PCA of %zu dimensions", d);
  }
  for (size_t t = 0; t < d; t++) mean[t] = 0.0;
  for (size_t i = 0; i < n; i++)
    for (size_t t = 0; t < d; t++) mean[t] += x[i * d + t] / (double)n;
  for (size_t i = 0; i < n; i++)
    for (size_t a = 0; a < d; a++) {
      double xa = x[i * d + a] - mean[a];
      for (size_t b = a; b < d; b++) *gsl_matrix_ptr(cov, a, b) += xa * (x[i * d + b] - mean[b]);
    }
  for (size_t a = 0; a < d; a++)
    for (size_t b = 0; b < a; b++) gsl_matrix_set(cov, a, b, gsl_matrix_get(cov, b, a));
  int st = gsl_eigen_symmv(cov, val, vec, ws)
               ? HOP_RAISE(HOP_EDOM, "PCA eigen decomposition failed")
               : HOP_OK;
  if (!st) {
    gsl_eigen_symmv_sort(val, vec, GSL_EIGEN_SORT_VAL_DESC);
    for (int k = 0; k < 2; k++) {
      size_t big = 0;
      for (size_t t = 1; t < d; t++)
        if (fabs(gsl_matrix_get(vec, t, k)) > fabs(gsl_matrix_get(vec, big, k))) big = t;
      double sg = gsl_matrix_get(vec, big, k) < 0 ? -1.0 : 1.0;
      for (size_t t = 0; t < d; t++) axes[k * d + t] = sg * gsl_matrix_get(vec, t, k);
    }
  }
  gsl_matrix_free(cov), gsl_matrix_free(vec), gsl_vector_free(val), gsl_eigen_symmv_free(ws);
  return st;
}

static void project(const float *x, size_t d, const double *mean, const double *axes, double *p) {
  for (int k = 0; k < 2; k++) {
    double s = 0.0;
    for (size_t t = 0; t < d; t++) s += (x[t] - mean[t]) * axes[k * d + t];
    p[k] = s;
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The showcase network: the first seed of the size chosen on validation. */
static const net_run *showcase_run(hop_exp *x) {
  const results *res = x->res;
  return &res->runs[(size_t)res->best_size * (size_t)((const config *)x->cfg)->seeds];
}

/* showcase.csv (its choices) and confusion.csv (true against predicted, lab). */
static int show_confusion(hop_exp *x, const unsigned char *lab, double beta) {
  const config *cf = x->cfg;
  const data *d = &((const results *)x->res)->d;
  const net_run *u = showcase_run(x);
  hop_file *fh = hop_file_open(x->cli.out, "showcase.csv", "size,seed,k,beta,test_acc");
  if (!fh) return hop_error_code();
  hop_file_printf(fh, "%s,%ld,%g,%g,%.2f\n", size_names[u->size], u->seed, cf->ks.v[u->sel_k], beta,
                  u->acc_test[u->sel_k][u->sel_b]);
  int st = hop_file_close(fh);
  hop_file *fc = st ? NULL : hop_file_open(x->cli.out, "confusion.csv", "true,predicted,count");
  if (!st && !fc) st = hop_error_code();
  for (int t = 0; fc && t < NC; t++)
    for (int p = 0; p < NC; p++) {
      size_t c = 0;
      for (size_t i = 0; i < d->n_te; i++) c += d->yte[i] == t && lab[i] == p;
      hop_file_printf(fc, "%d,%d,%zu\n", t, p, c);
    }
  return st ? st : hop_file_close(fc);
}

/* The class with the second-lowest energy of ei (NC energies), lab the lowest. */
static size_t second_class(const double *ei, size_t lab) {
  size_t sec = lab == 0 ? 1 : 0;
  for (size_t c = 0; c < NC; c++)
    if (c != lab && ei[c] < ei[sec]) sec = c;
  return sec;
}

/* W4: energy gaps (second-lowest minus lowest) of the misclassified test digits against
 * the correct ones. */
static int claim_w4(hop_exp *x, const double *e, const unsigned char *lab, double beta) {
  const config *cf = x->cfg;
  const data *d = &((const results *)x->res)->d;
  const net_run *u = showcase_run(x);
  size_t n = d->n_te, n_ok = 0, n_err = 0, second_true = 0;
  double *gap_ok = malloc(n * sizeof *gap_ok), *gap_err = malloc(n * sizeof *gap_err);
  if (!gap_ok || !gap_err) return free(gap_ok), free(gap_err), HOP_RAISE(HOP_ENOMEM, "gaps");
  for (size_t i = 0; i < n; i++) {
    const double *ei = e + i * NC;
    size_t sec = second_class(ei, lab[i]);
    double gap = ei[sec] - ei[lab[i]];
    if (lab[i] == d->yte[i])
      gap_ok[n_ok++] = gap;
    else
      gap_err[n_err++] = gap, second_true += sec == d->yte[i];
  }
  if (n_err && n_ok) {
    qsort(gap_ok, n_ok, sizeof *gap_ok, cmp_double);
    qsort(gap_err, n_err, sizeof *gap_err, cmp_double);
    double m_ok = gap_ok[n_ok / 2], m_err = gap_err[n_err / 2];
    char desc[500];
    snprintf(desc, sizeof desc,
             "readable decisions: median energy gap (second-lowest minus lowest class energy) of "
             "the %zu misclassified test digits against the %zu correct ones (size %s, seed %ld, K "
             "%g, beta %g); "
             "the true class has the second-lowest energy in %.0f %% of the errors",
             n_err, n_ok, size_names[u->size], u->seed, cf->ks.v[u->sel_k], beta,
             100.0 * (double)second_true / (double)n_err);
    hop_claims_addf(x->claims, "W4", desc, "energies explain the decisions (figure)",
                    "errors' gap < correct gap", hop_claims_below(m_err, m_ok), "%.4f vs %.4f",
                    m_err, m_ok);
  }
  free(gap_ok), free(gap_err);
  return HOP_OK;
}

/* Energy bars of the first 4 correct and the first 4 misclassified test digits
 * (energy.csv), every error with its gap (misclassified.csv) and the first 40 errors' images
 * (grid_misclassified.csv). */
static int show_errors(hop_exp *x, const double *e, const unsigned char *lab) {
  const data *d = &((const results *)x->res)->d;
  hop_file *fe = hop_file_open(x->cli.out, "energy.csv",
                               "panel,test_index,true,predicted,class,energy_above_min");
  hop_file *fm = hop_file_open(x->cli.out, "misclassified.csv", "test_index,true,predicted,gap");
  size_t shown_ok = 0, shown_err = 0, n_grid = 0, grid_cap = 40;
  float *grid = malloc(grid_cap * PX * sizeof *grid);
  int st = fe && fm && grid ? HOP_OK : grid ? hop_error_code() : HOP_RAISE(HOP_ENOMEM, "grid");
  for (size_t i = 0; !st && i < d->n_te; i++) {
    int ok = lab[i] == d->yte[i];
    const double *ei = e + i * NC;
    double lo = ei[lab[i]];
    if ((ok && shown_ok < 4) || (!ok && shown_err < 4)) {
      size_t panel = ok ? shown_ok++ : 4 + shown_err++;
      for (int c = 0; c < NC; c++)
        hop_file_printf(fe, "%zu,%zu,%u,%u,%d,%.6f\n", panel, i, d->yte[i], lab[i], c, ei[c] - lo);
    }
    if (ok) continue;
    hop_file_printf(fm, "%zu,%u,%u,%.6f\n", i, d->yte[i], lab[i],
                    ei[second_class(ei, lab[i])] - lo);
    if (n_grid < grid_cap) memcpy(grid + n_grid++ * PX, d->xte + i * PX, PX * sizeof *grid);
  }
  hop_file *fs[2] = {fe, fm};
  st = hop_file_finish(fs, 2, st);
  if (!st && n_grid)
    st = hop_grid_write(x->cli.out, "grid_misclassified.csv", grid, n_grid, 1, 28, 28, 10, 12);
  free(grid);
  return st;
}

/* PCA of the test features (the first 3,000 keep the figure readable) with the wells. */
static int show_pca(hop_exp *x, const hop_wells *w) {
  const data *d = &((const results *)x->res)->d;
  const net_run *u = showcase_run(x);
  size_t f = w->d, n = d->n_te, nw = NC * w->k, shown = n < 3000 ? n : 3000;
  double *mean = malloc(f * sizeof *mean), *axes = malloc(2 * f * sizeof *axes);
  int st = mean && axes ? pca2(u->fte, n, f, mean, axes) : HOP_RAISE(HOP_ENOMEM, "PCA");
  hop_file *fp = st ? NULL : hop_file_open(x->cli.out, "pca.csv", "pc1,pc2,label");
  hop_file *fw = st ? NULL : hop_file_open(x->cli.out, "pca_wells.csv", "pc1,pc2,class");
  if (!st && (!fp || !fw)) st = hop_error_code();
  for (size_t i = 0; !st && i < shown; i++) {
    double p[2];
    project(u->fte + i * f, f, mean, axes, p);
    hop_file_printf(fp, "%.5f,%.5f,%u\n", p[0], p[1], d->yte[i]);
  }
  for (size_t j = 0; !st && j < nw; j++) {
    double p[2];
    project(w->mu + j * f, f, mean, axes, p);
    hop_file_printf(fw, "%.5f,%.5f,%zu\n", p[0], p[1], j / w->k);
  }
  hop_file *fq[2] = {fp, fw};
  st = hop_file_finish(fq, 2, st);
  free(mean), free(axes);
  return st;
}

/* Figures of the showcase network: its confusion matrix, energies, errors and PCA (W4). */
static int showcase(hop_exp *x) {
  const config *cf = x->cfg;
  const net_run *u = showcase_run(x);
  const hop_wells *w = u->wells[u->sel_k];
  size_t n = ((const results *)x->res)->d.n_te;
  double beta = beta_of(cf, u->sel_b);
  float *d2 = malloc(n * NC * w->k * sizeof *d2);
  double *e = malloc(n * NC * sizeof *e);
  unsigned char *lab = malloc(n);
  int st = d2 && e && lab ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "showcase buffers");
  if (!st) st = hop_wells_dist2(w, u->fte, n, d2);
  if (!st) st = hop_wells_energy(w, d2, n, beta, e);
  if (!st) hop_wells_argmin(e, n, NC, lab);
  if (!st) st = show_confusion(x, lab, beta);
  if (!st) st = show_errors(x, e, lab);
  if (!st) st = claim_w4(x, e, lab, beta);
  if (!st) st = show_pca(x, w);
  free(d2), free(e), free(lab);
  return st;
}

/* MNIST, the runs, and under --weights every network file, before any computation. */
static int load(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  int st = load_mnist(x);
  if (st) return st;
  res->n_runs = cf->sizes.n * (size_t)cf->seeds;
  if (!(res->runs = calloc(res->n_runs, sizeof *res->runs)))
    return HOP_RAISE(HOP_ENOMEM, "%zu runs", res->n_runs);
  for (size_t k = 0; k < res->n_runs; k++)
    res->runs[k].size = cf->sizes.v[k / (size_t)cf->seeds],
    res->runs[k].seed = (long)(k % (size_t)cf->seeds), res->runs[k].recipe = cf->recipes.v[0];
  x->data_what = "option --weights";
  return cf->reuse ? check_weights(&x->cli, cf, res) : HOP_OK;
}

static void results_free(hop_exp *x) {
  results *res = x->res;
  for (size_t k = 0; res->runs && k < res->n_runs; k++) {
    net_run *u = &res->runs[k];
    free(u->ftr), free(u->fva), free(u->fte), free(u->enc);
    for (size_t i = 0; i < MAXL; i++) hop_wells_free(u->wells[i]);
  }
  for (size_t k = 0; res->trial && k < res->n_trial; k++) free(res->trial[k].enc);
  free(res->runs), free(res->trial);
  data_free(&res->d);
}

/* What the table cannot say: chunks of a batch. */
static int check(hop_exp *x) {
  config *cf = x->cfg;
  cf->reuse = strcmp(cf->weights, "none") != 0;
  if (cf->chunks > cf->batch) {
    HOP_ERROR(HOP_EINVAL, "option --chunks: %ld chunks of a batch of %ld: at most one per image",
              cf->chunks, cf->batch);
  }
  if (cf->readings.v[0] != 0)
    HOP_ERROR(HOP_EINVAL,
              "option --readings: must start with l2 (the figures and the descent "
              "read the L2-normalised features)");
  return HOP_OK;
}

/* The frame's estimate, from the options alone: training (seeds x epochs x training
 * images x the network's flops, unless --weights; the first size once per recipe),
 * features of every image, and the wells (k-means and the betas' readings on the test
 * images; the first size once per reading, the others once); the last two weighted 2.1
 * times their count so that they share the default run as in a full run here (stage
 * seconds: training 655.3 s, features and wells 167.6 s of 824.0 s). */
static double work(const void *c) {
  const config *cf = c;
  double n_tr = cf->n_train ? (double)cf->n_train : 60000.0 - (double)cf->n_val, w = 0;
  int reuse = strcmp(cf->weights, "none") != 0;
  for (size_t s = 0; s < cf->sizes.n; s++) {
    double fl = hop_cnn_flops(&archs[cf->sizes.v[s]]);
    double feat = archs[cf->sizes.v[s]].feat, ks = 0;
    for (size_t i = 0; i < cf->ks.n; i++) ks += cf->ks.v[i] * NC;
    double readings = s ? 1.0 : (double)cf->readings.n, recipes = s ? 1.0 : (double)cf->recipes.n;
    double sweep = fl * (n_tr + (double)(cf->n_val + cf->n_test)) +
                   readings * feat * ks *
                       ((double)cf->kmeans_iter * n_tr / 10 + (double)(cf->betas.n + 1) *
                                                                  (double)(cf->steps + 1) *
                                                                  (double)(cf->n_val + cf->n_test));
    w += (double)cf->seeds *
         ((reuse ? 0 : 3.0 * recipes * fl * (double)cf->epochs * n_tr) + 2.1 * sweep);
  }
  return w;
}

/* The stages, in order; each names itself in an error. */
static const hop_exp_stage stages[] = {{"training", stage_train},
                                       {"features and wells", sweep},
                                       {"summaries", summaries},
                                       {"claims", claims_w},
                                       {"figures of the chosen network", showcase}};

int main(int argc, char **argv) {
  config cf;
  hop_opt opts[] = {
      {"sizes", HOP_OPT_WORDS, &cf.sizes, 0, 0,
       "CNN sizes (c1, c2, feat): small (16, 32, 64), mid (32, 64, 128), "
       "large (32, 64, 256)",
       "small,mid,large", .quick = "small", .names = size_names},
      {"seeds", HOP_OPT_INT, &cf.seeds, 1, MAX_SEEDS, "training seeds per size", "3", .quick = "1",
       .paper = "10"},
      {"epochs", HOP_OPT_INT, &cf.epochs, 1, MAX_EPOCHS, "training epochs", "5", .quick = "2"},
      {"recipes", HOP_OPT_WORDS, &cf.recipes, 0, 0,
       "training recipes: cosine (learning-rate decay over the epochs, the epoch kept chosen on "
       "validation), constant (the learning rate throughout, the last epoch kept); with two, "
       "the first size's networks are trained under both and the one better on validation "
       "trains every size (under --weights: the one the files were trained with)",
       "cosine,constant", .quick = NULL, .names = recipe_names},
      {"train", HOP_OPT_INT, &cf.n_train, 0, 60000,
       "training images (0: every image not in the validation split)", "0", .quick = "2000"},
      {"val", HOP_OPT_INT, &cf.n_val, 100, 30000, "validation images, drawn from the training set",
       "5000", .quick = "200"},
      {"test", HOP_OPT_INT, &cf.n_test, 1, 10000, "test images scored", "10000", .quick = "300"},
      {"batch", HOP_OPT_INT, &cf.batch, 2, 4096, "mini-batch size", "64", .quick = NULL},
      {"chunks", HOP_OPT_INT, &cf.chunks, 1, 64,
       "chunks a batch is cut into (one per thread at a time; the results "
       "depend on this, not on --threads)",
       "2", .quick = NULL},
      {"lr", HOP_OPT_DOUBLE, &cf.lr, 1e-6, 10, "initial learning rate of SGD", "0.02",
       .quick = NULL},
      {"momentum", HOP_OPT_DOUBLE, &cf.momentum, 0, 0.999, "SGD momentum", "0.9", .quick = NULL},
      {"readings", HOP_OPT_WORDS, &cf.readings, 0, 0,
       "features the wells are built on: l2 (L2-normalised, the figures' and the descent's) "
       "and raw (the ReLU activations); with both, they are compared on the first size's "
       "networks and the one better on validation reads every size",
       "l2,raw", .quick = NULL, .names = reading_names},
      {"k", HOP_OPT_INTS, &cf.ks, 1, 1000, "wells per class", "1,2,5,10,20,50,100,200,500",
       .quick = "1,2,5", .paper = "1,2,5,10,20,50,100,200,500,1000"},
      {"betas", HOP_OPT_LIST, &cf.betas, 1e-3, 1e5,
       "inverse temperatures swept (nearest prototype, beta = "
       "infinity, is always added)",
       "1,2,5,10,20,50,100,200,500", .quick = "5,50"},
      {"kmeans-iter", HOP_OPT_INT, &cf.kmeans_iter, 1, 10000, "largest number of Lloyd iterations",
       "100", .quick = NULL},
      {"steps", HOP_OPT_INT, &cf.steps, 1, 1000, "gradient-descent steps of the second reading",
       "20", .quick = "5"},
      {"eta", HOP_OPT_DOUBLE, &cf.eta, 1e-3, 1,
       "gradient-descent step size (1: the modern Hopfield update)", "1", .quick = NULL},
      {"weights", HOP_OPT_STRING, &cf.weights, 0, 0,
       "evaluate the networks saved in this directory "
       "(cnn_SIZE_seedN.bin, trained by a run with the same options) instead of training; "
       "training.csv is not written",
       "none", .quick = NULL},
  };
  hop_exp_desc d = {
      HOP_EXP_DESC("cnn_wells", 2385, opts, &cf, results, stages),
      .summary =
          "CNN features + k-means wells of a multi-well Hopfield energy on MNIST (claims W1-W4).",
      .check = check,
      .load = load,
      .data_what = "MNIST",
      .free = results_free,
      .work = work,
      .record_seconds = 584.3}; /* 411.3 s of record before K up to 500, times 1059.8 / 746.0 s,
                                  * the two defaults' runs on the development machine */
  return hop_exp_main(&d, argc, argv);
}

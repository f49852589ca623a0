/* SPDX-License-Identifier: GPL-3.0-or-later */
/* context_wells.c: attention as the stationary points of a Hopfield energy ("context
 * wells"), checked to machine precision, and non-linear heads (claims A1-A4).
 *
 * Source: A. Farooq, "A Framework for Non-Linear Attention via Modern Hopfield Networks",
 * arXiv:2506.11043 (2025; abstract only: an energy whose stationary points are Vaswani
 * attention, whose minima are "context wells", and non-linear heads "by analogy with
 * cubic splines"), built on Ramsauer et al., "Hopfield Networks is All You Need", ICLR
 * 2021, arXiv:2008.02217 (Sec. 2: energy, update, Theorems 1-4; App. A.1.5: the
 * regimes of beta). Only the abstract of the first is available: the equations below are
 * the standard derivation, and the non-linear heads are our reconstruction.
 *
 * Energy of a state xi (d) over keys X (n, d) (lib/memory/hop_attn.h):
 *   E(xi) = -(1/beta) log sum_i exp(beta x_i.xi) + xi.xi/2 + (1/beta) log n + M^2/2,
 *   grad E = xi - X^T softmax(beta X xi)                          (identity minus attention)
 * so grad E = 0 iff xi = X^T softmax(beta X xi): the stationary points are the fixed points
 * of attention with the state as query and X as keys and values. The update
 * xi <- X^T softmax(beta X xi) is one CCCP step (E = convex xi.xi/2 minus the convex
 * log-sum-exp), so E never increases (Ramsauer et al., Theorem 1). The Hessian
 * I - beta Cov_p(X) (Cov_p the covariance of the keys under p = softmax(beta X xi)) tells
 * a well (positive definite) from a saddle. At the average of the keys (p uniform for
 * beta -> 0) the Hessian loses definiteness when beta lambda_max(Cov_p(X)) = 1: the first
 * split, predicted here by following that fixed point in beta. Ramsauer's Theorem 3: a
 * fixed point near key i exists if Delta_i >= 2/(beta n) + (1/beta) log(2 (n-1) n beta M^2),
 * Delta_i = x_i.x_i - max_{j != i} x_i.x_j: a sufficient beta for one well per key.
 *
 * Self-attention over n tokens T (n, dm): Q = T W_Q, K = T W_K, V = T W_V per head; each
 * query state has the energy above with keys K and beta = 1/sqrt(dk); one CCCP step from
 * Q weights the keys by P = softmax(beta Q K^T), and attention reads the values with the
 * same weights: P V; heads are summed through W_O (hop_attn_self).
 *
 * Non-linear heads (our reconstruction): the score x_i.xi becomes phi_i(xi),
 *   E(xi) = -(1/beta) log sum_i exp(beta phi_i(xi)) + xi.xi/2 + const,
 *   grad E = xi - sum_i p_i grad phi_i(xi),  p = softmax(beta phi(xi)),
 *   poly    phi = (u + c)^2 / (2c), u = x_i.xi; convex, so the update
 *           xi <- sum_i p_i (u_i + c)/c x_i is a CCCP step; E bounded below iff c > M^2
 *   spline  phi = g(u), g the natural cubic spline (GSL) through the knots
 *           (-2,-2) (-1,-1) (0,0) (0.5,0.75) (1,2) (1.5,3.5), linear beyond: slope 1 for
 *           opposed states, 3 for aligned ones (a smooth, steeper score where it matters)
 *   rbf     phi = s^2 exp(-|x_i - xi|^2 / (2 s^2)); tends to the linear score with a bias
 *           -|x_i|^2/2 as s -> infinity
 * The spline and RBF scores are not convex. For them the update is the CCCP step of the
 * split E = (1+L)/2 |xi|^2 - [L/2 |xi|^2 + (1/beta) log sum exp(beta phi)], where L bounds
 * the negative curvature of phi so that the bracket is convex (spline: L = max(0, -min g'')
 * M^2; RBF: L = 1): xi <- (L xi + sum_i p_i grad phi_i) / (1 + L). It never increases E
 * (the same argument as Theorem 1), and its fixed points are still the stationary points.
 *
 * Checks: A1 the gradient by the complex step (Squire & Trapp 1998: Im E(xi + i h v)/h,
 * no cancellation, h = 1e-30) and by central differences; A2 energy descent over random
 * runs and the number of wells against beta for random unit keys and for 4 clusters of 4;
 * A3 one attention step on MNIST 7x7 patch tokens (ViT-style, sinusoidal positions)
 * against attention written out independently, and the same on the L2-normalised
 * features of a network cnn_wells trained (--cnn: the stored patterns are the class
 * prototypes, the mean training feature of each class, or --cnn-train training features;
 * the state a test image's feature; xi <- X^T softmax(beta X xi) against softmax(beta
 * xi^T X^T) X written out with loops); A4 the non-linear heads' descent, and
 * recall of key-value pairs from noisy keys, linear against non-linear heads.
 * Outputs (results/context_wells/): gradient.csv, descent.csv, energy.csv, wells.csv,
 * regimes.csv (predicted_beta: the average's branch near instability for the global regime,
 * Ramsauer's sufficient beta for the keys regime; linearised_beta: 1/lambda_max(Cov X)),
 * landscape.csv, fixed2d.csv, tokens.csv, cnn_tokens.csv (unless --cnn none), recall.csv,
 * claims.csv, manifest.txt.
 * Command: bin/context_wells [--quick] [--seed N] [--threads N] (see --help). */
#define _POSIX_C_SOURCE 200809L
#include <complex.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hop_attn.h"
#include "hop_cnn.h"
#include "hop_claims.h"
#include "hop_exp.h"
#include "hop_data.h"
#include "hop_error.h"
#include "hop_file.h"
#include "hop_jobs.h"
#include "hop_math.h"
#include "hop_norm.h"
#include "hop_progress.h"
#include "hop_rng.h"

/* This program's random streams (the last argument of hop_rng_key; the values are part
 * of the results of record). */
enum {
  RNG_GRADIENT = 0x201, /* keys, states and betas of the gradient check */
  RNG_DESCENT = 0x202,  /* keys, starts and betas of the descent runs */
  RNG_KEYS = 0x203,     /* the key sets of the well counts */
  RNG_STARTS = 0x204,   /* the starts of one beta of the well counts */
  RNG_TOKENS = 0x205,   /* embedding and projections of the token check */
  RNG_RECALL = 0x206,   /* memory and queries of one recall run */
};

#define A3_TOL 1e-12 /* attention and the energy step agree to rounding */

enum {
  N_HEADS = 4,
  N_TASKS = 2,
  PATCH = 7,
  TOKENS = 16,
  DM = 32,
  N_ATT_HEADS = 4,
  DK = 8,
  MAX_N = 4096,
  NC_MNIST = 10
};
static const char *const task_names[N_TASKS] = {"unit", "norms"};
static const double spline_u[] = {-2, -1, 0, 0.5, 1, 1.5}, spline_g[] = {-2, -1, 0, 0.75, 2, 3.5};

typedef struct {
  long points, runs, steps, keys, dim, clusters, starts, max_iter, grid, images, seeds, queries,
      rdim;
  double beta_min, beta_max, per_decade, tol, merge, noise, poly_c, rbf_sigma;
  hop_cli_numbers land_betas, loads, tune_betas, cnn_betas;
  const char *cnn; /* a cnn_wells weights file, or "none" */
  long cnn_train;
} config;

typedef struct {
  hop_attn_spline *spline;
  hop_progress prog;
  hop_dataset ds; /* the MNIST test set of A3, loaded and checked before any stage */
  /* A3 on CNN features (--cnn): L2-normalised features of --cnn-train training images
   * (ftr, labels ytr) and of the --images test images (fte), feat wide, and the class
   * prototypes (the means of the training features per class, NC of them) */
  double *ftr, *fte, *proto;
  unsigned char *ytr;
  size_t feat, n_tr;
} results;

static hop_attn_head make_head(int kind, double beta, const config *cf, const results *res) {
  return (hop_attn_head){.kind = (hop_attn_kind)kind,
                         .beta = beta,
                         .c = cf->poly_c,
                         .sigma = cf->rbf_sigma,
                         .spline = res->spline};
}

/* ---- A1: the gradient is identity minus attention --------------------------------- */
static int stage_gradient(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  size_t n = (size_t)cf->keys, d = (size_t)cf->dim;
  double *kx = malloc(n * d * sizeof *kx), xi[MAX_N], g[MAX_N], xp[MAX_N];
  double complex *xc = malloc(d * sizeof *xc), *z = malloc(n * sizeof *z);
  hop_attn_work *w = hop_attn_work_alloc(n, d, 1);
  gsl_rng *r = hop_rng_alloc(cli->seed, hop_rng_key(0, 0, 0, RNG_GRADIENT));
  hop_file *f =
      hop_file_open(cli->out, "gradient.csv", "point,beta,rel_err_complex_step,rel_err_central");
  int st = kx && xc && z && w && r && f ? HOP_OK
           : hop_error_code()           ? hop_error_code()
                                        : HOP_RAISE(HOP_ENOMEM, "gradient: out of memory");
  double worst_c = 0, worst_d = 0;
  const double h_c = 1e-30, h_d = 1e-5;
  for (long t = 0; t < cf->points && !st; t++) {
    hop_attn_keys k;
    double beta = 0.1 * pow(40.0, gsl_rng_uniform(r)), ec = 0, ed = 0, gn = 0;
    for (size_t j = 0; j < n * d; j++) kx[j] = gsl_ran_gaussian(r, 1.0 / sqrt((double)d));
    for (size_t j = 0; j < d; j++) xi[j] = gsl_ran_gaussian(r, 1.0);
    hop_attn_head h = make_head(HOP_ATTN_LINEAR, beta, cf, res);
    if ((st = hop_attn_keys_init(&k, kx, n, d)) || (st = hop_attn_grad(&k, &h, xi, g, w))) break;
    for (size_t j = 0; j < d && !st; j++) {
      double complex e;
      double ep, em;
      for (size_t l = 0; l < d; l++) xc[l] = xi[l], xp[l] = xi[l];
      xc[j] += h_c * I;
      if ((st = hop_attn_energy_complex(&k, beta, xc, &e, z))) break;
      xp[j] = xi[j] + h_d;
      if ((st = hop_attn_energy(&k, &h, xp, &ep, w))) break;
      xp[j] = xi[j] - h_d;
      if ((st = hop_attn_energy(&k, &h, xp, &em, w))) break;
      ec += pow(cimag(e) / h_c - g[j], 2);
      ed += pow((ep - em) / (2 * h_d) - g[j], 2);
      gn += g[j] * g[j];
    }
    ec = sqrt(ec / gn), ed = sqrt(ed / gn);
    worst_c = fmax(worst_c, ec), worst_d = fmax(worst_d, ed);
    hop_file_printf(f, "%ld,%.6f,%.3e,%.3e\n", t, beta, ec, ed);
  }
  if (!st) {
    hop_claims_addf(
        x->claims, "A1",
        "grad E = identity minus attention (xi - X^T softmax(beta X xi)): largest normwise "
        "relative "
        "error of the analytic gradient against the complex-step derivative (h = 1e-30, machine "
        "precision) over random points, beta log-uniform in [0.1, 4]",
        "to machine precision", "<= 1e-13", worst_c <= 1e-13 ? "reproduced" : "not reproduced",
        "%.2e over %ld points", worst_c, cf->points);
    hop_claims_addf(
        x->claims, "A1-fd",
        "the same against central differences (h = 1e-5): agreement to the truncation and rounding "
        "error of the difference, which cannot show machine precision",
        "to machine precision", "<= 1e-8", worst_d <= 1e-8 ? "reproduced" : "not reproduced",
        "%.2e over %ld points", worst_d, cf->points);
  }
  st = hop_file_finish(&f, 1, st);
  free(kx), free(xc), free(z), hop_attn_work_free(w), gsl_rng_free(r);
  return st;
}

/* ---- A2 / A4: the update never raises E ------------------------------------------- */
typedef struct {
  int kind;
  double max_rise, mean_steps;
  long rises; /* steps where E rose at all (by rounding) */
} descent_job;

typedef struct {
  const config *cf;
  results *res;
  unsigned long seed;
} shared;

static int run_descent(void *job, size_t index, int thread, void *ctx) {
  (void)index, (void)thread;
  descent_job *j = job;
  const shared *c = ctx;
  size_t n = (size_t)c->cf->keys, d = (size_t)c->cf->dim;
  double *x = malloc(n * d * sizeof *x), *q = malloc(d * sizeof *q);
  hop_attn_work *w = hop_attn_work_alloc(n, d, 1);
  gsl_rng *r = hop_rng_alloc(c->seed, hop_rng_key((uint64_t)j->kind, 0, 0, RNG_DESCENT));
  int st = x && q && w && r ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "descent: out of memory");
  j->max_rise = -INFINITY;
  long total = 0;
  for (long run = 0; run < c->cf->runs && !st; run++) {
    hop_attn_keys k;
    for (size_t i = 0; i < n; i++) gsl_ran_dir_nd(r, d, x + i * d);
    for (size_t l = 0; l < d; l++) q[l] = gsl_ran_gaussian(r, 2.0);
    hop_attn_head h = make_head(j->kind, 0.1 * pow(1e4, gsl_rng_uniform(r)), c->cf, c->res);
    double e, e2, moved = 1;
    if ((st = hop_attn_keys_init(&k, x, n, d)) || (st = hop_attn_energy(&k, &h, q, &e, w))) break;
    for (long s = 0; s < c->cf->steps && moved > 0 && !st; s++, total++) {
      if ((st = hop_attn_step(&k, &h, q, 1, &moved, w)) ||
          (st = hop_attn_energy(&k, &h, q, &e2, w)))
        break;
      double rise = (e2 - e) / (1 + fabs(e));
      j->max_rise = fmax(j->max_rise, rise);
      j->rises += rise > 0;
      e = e2;
    }
  }
  j->mean_steps = (double)total / (double)c->cf->runs;
  hop_progress_add(&c->res->prog, 1);
  free(x), free(q), hop_attn_work_free(w), gsl_rng_free(r);
  return st;
}

/* energy.csv: each head from the same keys and starts, iterated to convergence. */
static int energy_traces(const hop_cli *cli, const config *cf, const results *res, hop_file *f) {
  enum { RUNS = 3, STEPS = 60 };
  size_t n = (size_t)cf->keys, d = (size_t)cf->dim;
  double *x = malloc(n * d * sizeof *x), *q = malloc(d * sizeof *q),
         *q0 = malloc(RUNS * d * sizeof *q0);
  double *trace = malloc((STEPS + 1) * sizeof *trace);
  hop_attn_work *w = hop_attn_work_alloc(n, d, 1);
  gsl_rng *r = hop_rng_alloc(cli->seed, hop_rng_key(0, 0, 1, RNG_DESCENT));
  int st =
      x && q && q0 && trace && w && r ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "traces: out of memory");
  hop_attn_keys k;
  if (!st) {
    for (size_t i = 0; i < n; i++) gsl_ran_dir_nd(r, d, x + i * d);
    for (size_t l = 0; l < RUNS * d; l++) q0[l] = gsl_ran_gaussian(r, 2.0);
    st = hop_attn_keys_init(&k, x, n, d);
  }
  for (int kind = 0; kind < N_HEADS && !st; kind++)
    for (int run = 0; run < RUNS && !st; run++) {
      hop_attn_head h = make_head(kind, 4.0, cf, res);
      memcpy(q, q0 + run * d, d * sizeof *q);
      for (int s = 0; s <= STEPS && !st; s++)
        if (!(st = hop_attn_energy(&k, &h, q, &trace[s], w)) && s < STEPS)
          st = hop_attn_step(&k, &h, q, 1, NULL, w);
      for (int s = 0; s <= STEPS && !st; s++)
        hop_file_printf(f, "%s,%d,%d,%.15g,%.3e\n", hop_attn_kind_name(h.kind), run, s, trace[s],
                        trace[s] - trace[STEPS]);
    }
  free(x), free(q), free(q0), free(trace), hop_attn_work_free(w), gsl_rng_free(r);
  return st;
}

static int stage_descent(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_jobs *q = hop_jobs_new(N_HEADS, sizeof(descent_job));
  hop_file *f[2] = {NULL, NULL};
  int st = q ? HOP_OK : hop_error_code();
  for (int kind = 0; kind < N_HEADS && !st; kind++)
    st = hop_jobs_push(q, &(descent_job){.kind = kind});
  if (!st) st = hop_jobs_run(q, run_descent, &(shared){cf, res, cli->seed}, (int)cli->threads);
  if (!st &&
      (!(f[0] = hop_file_open(cli->out, "descent.csv",
                              "head,runs,mean_steps,max_relative_rise,steps_with_a_rise")) ||
       !(f[1] = hop_file_open(cli->out, "energy.csv", "head,run,iteration,energy,above_final"))))
    st = hop_error_code();
  double worst_nl = -INFINITY;
  for (int kind = 0; kind < N_HEADS && !st; kind++) {
    const descent_job *j = hop_jobs_at(q, (size_t)kind);
    hop_file_printf(f[0], "%s,%ld,%.1f,%.3e,%ld\n", hop_attn_kind_name(j->kind), cf->runs,
                    j->mean_steps, j->max_rise, j->rises);
    if (kind == HOP_ATTN_LINEAR)
      hop_claims_addf(
          x->claims, "A2-descent",
          "iterating the update from random states (random unit keys, beta log-uniform in "
          "[0.1, 1000]) never raises E: largest rise (E(t+1) - E(t)) / (1 + |E(t)|) over all steps",
          "monotone decrease", "<= 1e-12 (rounding)",
          j->max_rise <= 1e-12 ? "reproduced" : "not reproduced",
          "%.2e over %ld runs (%ld of the steps rose, by rounding)", j->max_rise, cf->runs,
          j->rises);
    else
      worst_nl = fmax(worst_nl, j->max_rise);
  }
  if (!st)
    hop_claims_addf(
        x->claims, "A4-descent",
        "non-linear heads (poly, spline, rbf; our reconstruction) keep the energy decreasing under "
        "their (difference-of-convex CCCP) update: largest relative rise over the three heads",
        "energy decrease holds", "<= 1e-12 (rounding)",
        worst_nl <= 1e-12 ? "reproduced" : "not reproduced", "%.2e over %ld runs per head",
        worst_nl, cf->runs);
  if (!st) st = energy_traces(cli, cf, res, f[1]);
  st = hop_file_finish(f, 2, st);
  hop_jobs_free(q);
  return st;
}

/* ---- A2: context wells against beta ----------------------------------------------- */
enum { KEYS_RANDOM, KEYS_CLUSTERS, N_KEYSETS };
static const char *const keyset_names[N_KEYSETS] = {"random", "clusters"};
enum { REG_GLOBAL, REG_METASTABLE, REG_CLUSTERS, REG_KEYS, N_REGIMES };
static const char *const regime_names[N_REGIMES] = {"global", "metastable", "clusters", "keys"};

typedef struct {
  size_t n, d, groups;
  double *x;       /* (n, d) keys */
  double *means;   /* (groups, d) cluster means (groups = 1 for random keys: their mean) */
  double *sep;     /* (n) distance of each key to its nearest other key */
  double mean_sep; /* smallest distance between two cluster means (INFINITY for one) */
} keyset;

/* Fixed-point iteration of the linear head from every start; end points clustered. */
typedef struct {
  size_t n, d, max_states;
  double *q, *old; /* (max_states, d) */
  size_t *active;
  double *fixed; /* (max_states, d) the stepped batch, then the distinct end points */
  double *p;     /* (n) weights at one point */
  gsl_eigen_symm_workspace *eig;
  gsl_matrix *hess;
  gsl_vector *eval;
  hop_attn_work *w;
} iterate_work;

static void iterate_free(iterate_work *it) {
  if (!it) return;
  free(it->q), free(it->old), free(it->active), free(it->fixed), free(it->p);
  if (it->eig) gsl_eigen_symm_free(it->eig);
  if (it->hess) gsl_matrix_free(it->hess);
  if (it->eval) gsl_vector_free(it->eval);
  hop_attn_work_free(it->w);
  free(it);
}

static iterate_work *iterate_alloc(size_t n, size_t d, size_t states) {
  iterate_work *it = calloc(1, sizeof *it);
  if (!it) HOP_ERROR_NULL(HOP_ENOMEM, "out of memory");
  *it = (iterate_work){.n = n, .d = d, .max_states = states};
  it->q = malloc(states * d * sizeof *it->q);
  it->old = malloc(states * d * sizeof *it->old);
  it->active = malloc(states * sizeof *it->active);
  it->fixed = malloc(states * d * sizeof *it->fixed);
  it->p = malloc(n * sizeof *it->p);
  it->eig = gsl_eigen_symm_alloc(d);
  it->hess = gsl_matrix_alloc(d, d);
  it->eval = gsl_vector_alloc(d);
  it->w = hop_attn_work_alloc(n, d, states);
  if (!it->q || !it->old || !it->active || !it->fixed || !it->p || !it->eig || !it->hess ||
      !it->eval || !it->w) {
    iterate_free(it);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate the iteration of %zu states of dimension %zu",
                   states, d);
  }
  return it;
}

/* Iterate the states it->q (m, d) until each moves less than tol in one step, or max_iter
 * steps; converged[s] says which did. Returns a status. */
static int iterate(iterate_work *it, const hop_attn_keys *k, const hop_attn_head *h, size_t m,
                   double tol, long max_iter, unsigned char *converged, long *iters) {
  size_t d = it->d, na = m;
  if (m == 0 || m > it->max_states)
    HOP_ERROR(HOP_EBADLEN, "%zu states do not fit the iteration made for %zu", m, it->max_states);
  for (size_t s = 0; s < m; s++) it->active[s] = s, converged[s] = 0;
  long t = 0;
  for (; t < max_iter && na > 0; t++) {
    for (size_t a = 0; a < na; a++)
      memcpy(it->old + a * d, it->q + it->active[a] * d, d * sizeof(double));
    memcpy(it->fixed, it->old, na * d * sizeof(double)); /* the batch, stepped in place */
    int st = hop_attn_step(k, h, it->fixed, na, NULL, it->w);
    if (st) return st;
    size_t keep = 0;
    for (size_t a = 0; a < na; a++) {
      double dist = 0.0;
      for (size_t j = 0; j < d; j++) dist += pow(it->fixed[a * d + j] - it->old[a * d + j], 2);
      memcpy(it->q + it->active[a] * d, it->fixed + a * d, d * sizeof(double));
      if (sqrt(dist) < tol)
        converged[it->active[a]] = 1;
      else
        it->active[keep++] = it->active[a];
    }
    na = keep;
  }
  *iters = t;
  return HOP_OK;
}

/* Smallest eigenvalue of the Hessian I - beta Cov_p(X) at xi. */
static int hessian_min(iterate_work *it, const hop_attn_keys *k, double beta, const double *xi,
                       double *lmin) {
  size_t n = k->n, d = k->d;
  int st = hop_attn_weights(k, &(hop_attn_head){.kind = HOP_ATTN_LINEAR, .beta = beta}, xi, 1,
                            it->p, it->w);
  if (st) return st;
  double mean[MAX_N] = {0};
  for (size_t i = 0; i < n; i++)
    for (size_t a = 0; a < d; a++) mean[a] += it->p[i] * k->x[i * d + a];
  for (size_t a = 0; a < d; a++)
    for (size_t b = 0; b < d; b++) {
      double c = -mean[a] * mean[b];
      for (size_t i = 0; i < n; i++) c += it->p[i] * k->x[i * d + a] * k->x[i * d + b];
      gsl_matrix_set(it->hess, a, b, (a == b) - beta * c);
    }
  if (gsl_eigen_symm(it->hess, it->eval, it->eig)) HOP_ERROR(HOP_EDOM, "GSL eigen: no convergence");
  *lmin = gsl_vector_min(it->eval);
  return HOP_OK;
}

/* Index of the end point within merge of xi among it->fixed[0..*nf), adding it if new. */
static size_t merge_point(iterate_work *it, size_t *nf, const double *xi, double merge) {
  size_t d = it->d;
  for (size_t f = 0; f < *nf; f++) {
    double dist = 0.0;
    for (size_t j = 0; j < d; j++) dist += pow(it->fixed[f * d + j] - xi[j], 2);
    if (sqrt(dist) < merge) return f;
  }
  memcpy(it->fixed + *nf * d, xi, d * sizeof(double));
  return (*nf)++;
}

static double dist2(const double *a, const double *b, size_t d) {
  double s = 0.0;
  for (size_t j = 0; j < d; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
  return s;
}

/* The nearest of m points (m, d) to xi; its distance in *dist. */
static size_t nearest(const double *pts, size_t m, size_t d, const double *xi, double *dist) {
  size_t best = 0;
  double bd = INFINITY;
  for (size_t i = 0; i < m; i++) {
    double s = dist2(pts + i * d, xi, d);
    if (s < bd) bd = s, best = i;
  }
  *dist = sqrt(bd);
  return best;
}

typedef struct {
  int set;
  size_t b;
  double beta;
  /* results */
  long wells, saddles, marginal, unconverged, at_keys, at_means, iters;
  double global_dist; /* one well: its distance to the mean of the keys */
  int regime;
} wells_job;

typedef struct {
  const config *cf;
  results *res;
  unsigned long seed;
  const keyset *sets;
  iterate_work **work; /* one per thread */
} wells_ctx;

static int run_wells(void *job, size_t index, int thread, void *ctx) {
  (void)index;
  wells_job *j = job;
  const wells_ctx *c = ctx;
  const keyset *ks = c->sets + j->set;
  iterate_work *it = c->work[thread];
  size_t n = ks->n, d = ks->d, S = (size_t)c->cf->starts;
  hop_attn_keys k;
  int st = hop_attn_keys_init(&k, ks->x, n, d);
  unsigned char *conv = malloc(S);
  unsigned char *is_well = malloc(S), *key_hit = calloc(n, 1), *mean_hit = calloc(ks->groups, 1);
  gsl_rng *r = hop_rng_alloc(c->seed, hop_rng_key((uint64_t)j->set, j->b, 0, RNG_STARTS));
  if (!st && (!conv || !is_well || !key_hit || !mean_hit || !r))
    st = HOP_RAISE(HOP_ENOMEM, "wells: out of memory");
  hop_attn_head h = {.kind = HOP_ATTN_LINEAR, .beta = j->beta};
  if (!st) {
    for (size_t s = 0; s < S * d; s++) it->q[s] = gsl_ran_gaussian(r, 1.0);
    st = iterate(it, &k, &h, S, c->cf->tol, c->cf->max_iter, conv, &j->iters);
  }
  size_t nf = 0;
  for (size_t s = 0; s < S && !st; s++) {
    if (!conv[s]) {
      j->unconverged++;
      continue;
    }
    size_t before = nf, f = merge_point(it, &nf, it->q + s * d, c->cf->merge);
    if (nf > before) { /* a new fixed point: well, saddle or marginal */
      double lmin;
      if ((st = hessian_min(it, &k, j->beta, it->fixed + f * d, &lmin))) break;
      is_well[f] = lmin > 1e-9;
      j->saddles += lmin < -1e-9;
      j->marginal += fabs(lmin) <= 1e-9;
    }
  }
  for (size_t f = 0; f < nf && !st; f++) {
    if (!is_well[f]) continue;
    const double *xi = it->fixed + f * d;
    double dk, dm;
    size_t ik = nearest(ks->x, n, d, xi, &dk), im = nearest(ks->means, ks->groups, d, xi, &dm);
    j->wells++;
    if (dk < ks->sep[ik] / 4 && !key_hit[ik])
      key_hit[ik] = 1, j->at_keys++;
    else if (ks->groups > 1 && dm < ks->mean_sep / 4 && !mean_hit[im])
      mean_hit[im] = 1, j->at_means++;
    double mean[MAX_N] = {0};
    for (size_t i = 0; i < n; i++)
      for (size_t l = 0; l < d; l++) mean[l] += ks->x[i * d + l] / (double)n;
    j->global_dist = sqrt(dist2(xi, mean, d));
  }
  if (j->wells != 1) j->global_dist = NAN;
  j->regime = j->wells == 1                                    ? REG_GLOBAL
              : (j->wells == (long)n && j->at_keys == (long)n) ? REG_KEYS
              : (ks->groups > 1 && j->wells == (long)ks->groups && j->at_means == (long)ks->groups)
                  ? REG_CLUSTERS
                  : REG_METASTABLE;
  hop_progress_add(&c->res->prog, 1);
  free(conv), free(is_well), free(key_hit), free(mean_hit), gsl_rng_free(r);
  return st;
}

static void keyset_free(keyset *ks) { free(ks->x), free(ks->means), free(ks->sep); }

/* Random unit keys (groups = 1), or groups clusters: unit centres, members the centre
 * plus Gaussian noise of norm about 0.25, normalised. */
static int keyset_make(keyset *ks, size_t n, size_t d, size_t groups, gsl_rng *r) {
  *ks = (keyset){n,
                 d,
                 groups,
                 malloc(n * d * sizeof(double)),
                 calloc(groups * d, sizeof(double)),
                 malloc(n * sizeof(double)),
                 INFINITY};
  if (!ks->x || !ks->means || !ks->sep) return HOP_RAISE(HOP_ENOMEM, "keys: out of memory");
  double centre[MAX_N];
  size_t per = n / groups;
  for (size_t g = 0; g < groups; g++) {
    gsl_ran_dir_nd(r, d, centre);
    for (size_t m = 0; m < per; m++) {
      double *x = ks->x + (g * per + m) * d, norm = 0.0;
      if (groups == 1)
        gsl_ran_dir_nd(r, d, x);
      else {
        for (size_t j = 0; j < d; j++)
          x[j] = centre[j] + gsl_ran_gaussian(r, 0.25 / sqrt((double)d)), norm += x[j] * x[j];
        for (size_t j = 0; j < d; j++) x[j] /= sqrt(norm);
      }
      for (size_t j = 0; j < d; j++) ks->means[g * d + j] += x[j] / (double)per;
    }
  }
  for (size_t i = 0; i < n; i++) {
    ks->sep[i] = INFINITY;
    for (size_t l = 0; l < n; l++)
      if (l != i) ks->sep[i] = fmin(ks->sep[i], sqrt(dist2(ks->x + i * d, ks->x + l * d, d)));
  }
  for (size_t g = 0; g < groups; g++)
    for (size_t l = g + 1; l < groups; l++)
      ks->mean_sep = fmin(ks->mean_sep, sqrt(dist2(ks->means + g * d, ks->means + l * d, d)));
  return HOP_OK;
}

/* The average's branch: its fixed point followed from beta_min / 100 upward in steps of
 * 0.2 %, each iterated to tol from the previous one, with lambda_min of its Hessian.
 * *beta_b: where the branch first comes near losing stability: lambda_min crosses 0
 * (interpolated in log beta), or the iteration leaves the branch (the end point jumps by
 * more than 0.05), or lambda_min has its first local minimum below 0.05 (an imperfect
 * bifurcation of keys without symmetry); *lam_b: lambda_min there; INFINITY and NaN if
 * none below beta_max. *beta_u = 1 / lambda_max(Cov(X)) under uniform weights: the
 * small-beta (linearised) prediction for the average's loss of stability. */
static int branch_of_the_average(iterate_work *it, const keyset *ks, const config *cf,
                                 double *beta_b, double *lam_b, double *beta_u) {
  hop_attn_keys k;
  int st = hop_attn_keys_init(&k, ks->x, ks->n, ks->d);
  double *xi = it->q, prev_b = 0, prev_l = 1, last[MAX_N], l0 = 0.0;
  unsigned char conv;
  for (size_t j = 0; j < ks->d; j++) { /* the mean of all keys */
    xi[j] = 0.0;
    for (size_t i = 0; i < ks->n; i++) xi[j] += ks->x[i * ks->d + j] / (double)ks->n;
  }
  if (!st) st = hessian_min(it, &k, 1e-6, xi, &l0); /* p uniform to 1e-6 */
  *beta_u = 1e-6 / (1.0 - l0);
  *beta_b = INFINITY, *lam_b = NAN;
  for (double b = cf->beta_min / 100; b <= cf->beta_max && !st; b *= 1.002) {
    long iters;
    double l;
    hop_attn_head h = {.kind = HOP_ATTN_LINEAR, .beta = b};
    memcpy(last, xi, ks->d * sizeof *xi);
    if ((st = iterate(it, &k, &h, 1, cf->tol, cf->max_iter, &conv, &iters)) ||
        (st = hessian_min(it, &k, b, xi, &l)))
      break;
    if (l <= 0) {
      *beta_b = exp(log(prev_b) + (log(b) - log(prev_b)) * prev_l / (prev_l - l)), *lam_b = 0.0;
      break;
    }
    if ((prev_b > 0 && sqrt(dist2(last, xi, ks->d)) > 0.05) || (l > prev_l && prev_l < 0.05)) {
      *beta_b = prev_b, *lam_b = prev_l;
      break;
    }
    prev_b = b, prev_l = l;
  }
  return st;
}

/* Ramsauer et al.'s Theorem 3 as a sufficient beta for a well at every key: the smallest
 * beta on a 0.1 % grid up to 1e9 from which Delta_i >= 2/(beta n) + log(2(n-1) n beta M^2)/beta
 * holds for every key at every larger grid beta; INFINITY if some Delta_i <= 0. */
static double ramsauer_beta(const keyset *ks) {
  size_t n = ks->n, d = ks->d;
  double dmin = INFINITY, m2 = 0.0;
  for (size_t i = 0; i < n; i++) {
    double self = 0.0, most = -INFINITY;
    for (size_t j = 0; j < d; j++) self += ks->x[i * d + j] * ks->x[i * d + j];
    for (size_t l = 0; l < n; l++) {
      if (l == i) continue;
      double s = 0.0;
      for (size_t j = 0; j < d; j++) s += ks->x[i * d + j] * ks->x[l * d + j];
      most = fmax(most, s);
    }
    dmin = fmin(dmin, self - most);
    m2 = fmax(m2, self);
  }
  if (!(dmin > 0)) return INFINITY;
  double found = INFINITY;
  for (double b = 1e9; b > 1e-3; b /= 1.001) {
    if (dmin < 2.0 / (b * (double)n) + log(2.0 * (double)(n - 1) * (double)n * b * m2) / b) break;
    found = b;
  }
  return found;
}

/* The regimes of one key set over the beta grid: where each begins and ends, how many grid
 * points it holds, and whether they come in the order global, middle, keys. */
typedef struct {
  double lo[N_REGIMES], hi[N_REGIMES];
  long count[N_REGIMES], unconv;
  int order_ok;
} regime_tally;

/* wells.csv rows of key set s, and their regimes. */
static regime_tally wells_rows(hop_jobs *q, int s, size_t nb, hop_file *f) {
  regime_tally g = {.order_ok = 1};
  int last = REG_GLOBAL;
  for (int r = 0; r < N_REGIMES; r++) g.lo[r] = INFINITY, g.hi[r] = -INFINITY;
  for (size_t b = 0; b < nb; b++) {
    const wells_job *j = hop_jobs_at(q, (size_t)s * nb + b);
    hop_file_printf(f, "%s,%.6g,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%.3e,%s\n", keyset_names[s], j->beta,
                    j->wells, j->at_keys, j->at_means, j->saddles, j->marginal, j->unconverged,
                    j->iters, j->global_dist, regime_names[j->regime]);
    g.lo[j->regime] = fmin(g.lo[j->regime], j->beta),
    g.hi[j->regime] = fmax(g.hi[j->regime], j->beta);
    g.count[j->regime]++;
    g.unconv += j->unconverged;
    if (j->regime == REG_GLOBAL && last != REG_GLOBAL)
      g.order_ok = 0;                                              /* global only at the start */
    if (last == REG_KEYS && j->regime != REG_KEYS) g.order_ok = 0; /* keys to the end */
    last = j->regime;
  }
  return g;
}

/* A2 for key set s: the three regimes (or the cluster averages), where the single well
 * ends (betas[0..2]: the branch's near-instability, its lambda_min, the linearised
 * prediction), and one well per key against Ramsauer et al.'s bound beta_r. */
static void claims_a2(hop_exp *x, int s, const regime_tally *g, size_t nb, const double *betas,
                      double beta_r) {
  const config *cf = x->cfg;
  const double *lo = g->lo, *hi = g->hi;
  const long *count = g->count;
  int three = count[REG_GLOBAL] && count[REG_KEYS] &&
              (count[REG_METASTABLE] || count[REG_CLUSTERS]) && g->order_ok;
  char what[600];
  if (s == KEYS_RANDOM) {
    snprintf(what, sizeof what,
             "wells (local minima of E found from %ld random starts) against beta in [%g, %g] "
             "for %ld random "
             "unit keys in %ld dimensions: one global-average well at small beta, metastable "
             "wells in between, one well per "
             "key at large beta, in that order",
             cf->starts, cf->beta_min, cf->beta_max, cf->keys, cf->dim);
    hop_claims_addf(x->claims, "A2-regimes", what, "three regimes (Ramsauer et al. 2021)",
                    "all three, in order", hop_claims_if(three),
                    "global beta <= %.3g; metastable %.3g-%.3g; keys beta >= %.3g "
                    "(%ld unconverged starts of %ld)",
                    hi[REG_GLOBAL], lo[REG_METASTABLE], hi[REG_METASTABLE], lo[REG_KEYS], g->unconv,
                    cf->starts * (long)nb);
  } else {
    snprintf(what, sizeof what,
             "the same for %ld unit keys in %ld clusters: the metastable regime holds a range "
             "where the "
             "wells are the %ld cluster averages",
             cf->keys, cf->clusters, cf->clusters);
    hop_claims_addf(x->claims, "A2-clusters", what, "metastable wells = averages of subsets",
                    "a cluster-average range between global and keys",
                    hop_claims_if(three && count[REG_CLUSTERS]),
                    "global beta <= %.3g; cluster averages %.3g-%.3g "
                    "(%ld grid points); keys beta >= %.3g",
                    hi[REG_GLOBAL], lo[REG_CLUSTERS], hi[REG_CLUSTERS], count[REG_CLUSTERS],
                    lo[REG_KEYS]);
  }
  /* how the single-well regime ends: at the average's (near) loss of stability, or earlier */
  snprintf(
      what, sizeof what,
      "%s keys: where the single-well regime ends, against the average's branch followed in beta "
      "(lambda_min of the Hessian I - beta Cov_p(X) near 0) and the linearised prediction "
      "1/lambda_max(Cov(X))",
      keyset_names[s]);
  hop_claims_addf(x->claims, s == KEYS_RANDOM ? "A2-split" : "A2-split-clusters", what,
                  HOP_CLAIMS_BEYOND, "-", HOP_CLAIMS_BEYOND,
                  "last single well at beta %.4g (next grid beta %.4g); branch near-instability "
                  "at beta %.4g (lambda_min %.3g); "
                  "1/lambda_max(Cov) = %.4g",
                  hi[REG_GLOBAL], hi[REG_GLOBAL] * pow(10.0, 1.0 / cf->per_decade), betas[0],
                  betas[1], betas[2]);
  snprintf(
      what, sizeof what,
      "%s keys: one well per key from beta at most Ramsauer et al.'s sufficient beta (Theorem 3: "
      "Delta_i >= 2/(beta n) + log(2(n-1) n beta M^2)/beta for every key)",
      keyset_names[s]);
  hop_claims_addf(x->claims, s == KEYS_RANDOM ? "A2-keys" : "A2-keys-clusters", what,
                  "beyond paper (a sufficient condition)", "measured <= bound",
                  hop_claims_if(count[REG_KEYS] && lo[REG_KEYS] <= beta_r),
                  "one well per key from beta %.4g; bound %.4g",
                  count[REG_KEYS] ? lo[REG_KEYS] : INFINITY, beta_r);
}

/* A2: wells against beta for random and clustered keys (wells.csv, regimes.csv). */
static int stage_wells(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  size_t n = (size_t)cf->keys, d = (size_t)cf->dim,
         nb = (size_t)lround(cf->per_decade * log10(cf->beta_max / cf->beta_min)) + 1;
  int threads = (int)x->cli.threads;
  keyset sets[N_KEYSETS] = {{0}};
  iterate_work **work = calloc((size_t)threads, sizeof *work);
  hop_jobs *q = hop_jobs_new(N_KEYSETS * nb, sizeof(wells_job));
  gsl_rng *r = hop_rng_alloc(x->cli.seed, hop_rng_key(0, 0, 0, RNG_KEYS));
  hop_file *f[2] = {NULL, NULL};
  int st = work && q && r ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "wells: out of memory");
  for (int t = 0; t < threads && !st; t++)
    if (!(work[t] = iterate_alloc(n, d, (size_t)cf->starts))) st = hop_error_code();
  if (!st) st = keyset_make(&sets[KEYS_RANDOM], n, d, 1, r);
  if (!st) st = keyset_make(&sets[KEYS_CLUSTERS], n, d, (size_t)cf->clusters, r);
  for (int s = 0; s < N_KEYSETS && !st; s++)
    for (size_t b = 0; b < nb && !st; b++)
      st = hop_jobs_push(
          q, &(wells_job){
                 .set = s, .b = b, .beta = cf->beta_min * pow(10.0, (double)b / cf->per_decade)});
  if (!st) st = hop_jobs_run(q, run_wells, &(wells_ctx){cf, res, x->cli.seed, sets, work}, threads);
  if (!st &&
      (!(f[0] = hop_file_open(x->cli.out, "wells.csv",
                              "keys,beta,wells,wells_at_keys,wells_at_cluster_means,saddles,"
                              "marginal,unconverged,iterations,global_well_to_mean,regime")) ||
       !(f[1] = hop_file_open(
             x->cli.out, "regimes.csv",
             "keys,regime,beta_from,beta_to,grid_points,predicted_beta,linearised_beta"))))
    st = hop_error_code();
  for (int s = 0; s < N_KEYSETS && !st; s++) {
    double betas[3], beta_r = ramsauer_beta(&sets[s]); /* betas: beta_c, lambda_c, beta_u */
    regime_tally g = wells_rows(q, s, nb, f[0]);
    if ((st = branch_of_the_average(work[0], &sets[s], cf, &betas[0], &betas[1], &betas[2]))) break;
    for (int k = 0; k < N_REGIMES; k++)
      if (g.count[k])
        hop_file_printf(f[1], "%s,%s,%.6g,%.6g,%ld,%.6g,%.6g\n", keyset_names[s], regime_names[k],
                        g.lo[k], g.hi[k], g.count[k],
                        k == REG_GLOBAL ? betas[0]
                        : k == REG_KEYS ? beta_r
                                        : NAN,
                        k == REG_GLOBAL ? betas[2] : NAN);
    claims_a2(x, s, &g, nb, betas, beta_r);
  }
  st = hop_file_finish(f, 2, st);
  for (int t = 0; work && t < threads; t++) iterate_free(work[t]);
  free(work), hop_jobs_free(q), gsl_rng_free(r);
  for (int s = 0; s < N_KEYSETS; s++) keyset_free(&sets[s]);
  return st;
}

/* ---- the 2-D landscape: E, wells and basins at three betas ------------------------- */
enum { LAND_KEYS = 5 };
static const double land_keys[LAND_KEYS * 2] = {0.985, 0.174, 0.766, 0.643,  0.342,
                                                0.940, -1.0,  0.0,   -0.174, -0.985};

typedef struct {
  double beta;
  /* results (owned by the job until written) */
  double *energy, *fixed;
  int *well;
  size_t nf, m; /* wells found, grid points */
  long iters;
  int status;
} land_job;

/* A landscape's arrays as bytes, for a run over several processes (hop_jobs_codec): the
 * energy and the well of each of m points, then nf fixed points (none if the job failed). */
static size_t land_size(const void *rec) {
  const land_job *j = rec;
  if (!j->energy || !j->well || !j->fixed) return 0;
  return j->m * (sizeof *j->energy + sizeof *j->well) + 2 * j->nf * sizeof *j->fixed;
}

static void land_pack(const void *rec, unsigned char *out) {
  const land_job *j = rec;
  memcpy(out, j->energy, j->m * sizeof *j->energy);
  memcpy(out + j->m * sizeof *j->energy, j->well, j->m * sizeof *j->well);
  memcpy(out + j->m * (sizeof *j->energy + sizeof *j->well), j->fixed,
         2 * j->nf * sizeof *j->fixed);
}

static int land_unpack(void *rec, const unsigned char *in, size_t len) {
  land_job *j = rec;
  j->energy = NULL, j->well = NULL, j->fixed = NULL; /* the sender's addresses */
  if (len == 0) return HOP_OK;
  size_t e = j->m * sizeof *j->energy, w = j->m * sizeof *j->well, f = 2 * j->nf * sizeof *j->fixed;
  if (len != e + w + f) HOP_ERROR(HOP_EFORMAT, "a landscape of %zu bytes", len);
  j->energy = malloc(e), j->well = malloc(w), j->fixed = malloc(f ? f : 1);
  if (!j->energy || !j->well || !j->fixed) HOP_ERROR(HOP_ENOMEM, "a landscape of %zu bytes", len);
  memcpy(j->energy, in, e), memcpy(j->well, in + e, w), memcpy(j->fixed, in + e + w, f);
  return HOP_OK;
}

static void land_release(void *rec) {
  land_job *j = rec;
  free(j->energy), free(j->well), free(j->fixed);
  j->energy = NULL, j->well = NULL, j->fixed = NULL;
}

static const hop_jobs_codec land_codec = {land_size, land_pack, land_unpack, land_release};

static int run_landscape(void *job, size_t index, int thread, void *ctx) {
  (void)index, (void)thread;
  land_job *j = job;
  const shared *c = ctx;
  size_t g = (size_t)c->cf->grid, m = g * g;
  hop_attn_keys k;
  hop_attn_head h = {.kind = HOP_ATTN_LINEAR, .beta = j->beta};
  iterate_work *it = iterate_alloc(LAND_KEYS, 2, m);
  unsigned char *conv = malloc(m);
  double *fixed = malloc(m * 2 * sizeof *fixed);
  j->energy = malloc(m * sizeof *j->energy);
  j->well = malloc(m * sizeof *j->well);
  int st = hop_attn_keys_init(&k, land_keys, LAND_KEYS, 2);
  if (!st && (!it || !conv || !fixed || !j->energy || !j->well))
    st = HOP_RAISE(HOP_ENOMEM, "landscape: out of memory");
  for (size_t p = 0; p < m && !st; p++) {
    it->q[2 * p] = -1.4 + 2.8 * (double)(p % g) / (double)(g - 1);
    it->q[2 * p + 1] = -1.4 + 2.8 * (double)(p / g) / (double)(g - 1);
    st = hop_attn_energy(&k, &h, it->q + 2 * p, &j->energy[p], it->w);
  }
  if (!st) st = iterate(it, &k, &h, m, c->cf->tol, c->cf->max_iter, conv, &j->iters);
  size_t nf = 0;
  for (size_t p = 0; p < m && !st; p++) /* it->fixed holds the distinct end points */
    j->well[p] = conv[p] ? (int)merge_point(it, &nf, it->q + 2 * p, c->cf->merge) : -1;
  if (!st) memcpy(fixed, it->fixed, nf * 2 * sizeof *fixed);
  j->fixed = fixed, j->nf = nf, j->m = m;
  hop_progress_add(&c->res->prog, 1);
  iterate_free(it), free(conv);
  return st;
}

static int stage_landscape(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  size_t nb = cf->land_betas.n, g = (size_t)cf->grid;
  hop_jobs *q = hop_jobs_new(nb, sizeof(land_job));
  hop_file *f[2] = {NULL, NULL};
  int st = q ? HOP_OK : hop_error_code();
  if (q) hop_jobs_set_codec(q, &land_codec);
  for (size_t b = 0; b < nb && !st; b++)
    st = hop_jobs_push(q, &(land_job){.beta = cf->land_betas.v[b]});
  if (!st) st = hop_jobs_run(q, run_landscape, &(shared){cf, res, cli->seed}, (int)cli->threads);
  if (!st && (!(f[0] = hop_file_open(cli->out, "landscape.csv", "beta,x,y,energy,well")) ||
              !(f[1] = hop_file_open(cli->out, "fixed2d.csv", "beta,kind,index,x,y"))))
    st = hop_error_code();
  for (size_t b = 0; b < nb && !st; b++) {
    const land_job *j = hop_jobs_at(q, b);
    for (size_t p = 0; p < g * g; p++) {
      hop_file_printf(f[0], "%g,%.4f,%.4f,%.6g,%d\n", j->beta,
                      -1.4 + 2.8 * (double)(p % g) / (double)(g - 1),
                      -1.4 + 2.8 * (double)(p / g) / (double)(g - 1), j->energy[p], j->well[p]);
      if (p % g == g - 1) hop_file_printf(f[0], "\n"); /* a blank line ends each scan */
    }
    hop_file_printf(f[0], "\n"); /* two between betas: gnuplot's index */
    for (size_t w = 0; w < j->nf; w++)
      hop_file_printf(f[1], "%g,well,%zu,%.6f,%.6f\n", j->beta, w, j->fixed[2 * w],
                      j->fixed[2 * w + 1]);
    for (size_t i = 0; i < LAND_KEYS; i++)
      hop_file_printf(f[1], "%g,key,%zu,%.6f,%.6f\n", j->beta, i, land_keys[2 * i],
                      land_keys[2 * i + 1]);
  }
  st = hop_file_finish(f, 2, st);
  for (size_t b = 0; q && b < hop_jobs_count(q); b++) {
    land_job *j = hop_jobs_at(q, b);
    free(j->energy), free(j->well), free(j->fixed);
  }
  hop_jobs_free(q);
  return st;
}

/* ---- A3: one update on real token embeddings = attention computed independently --- */
/* Attention as in Vaswani et al. (2017), Eq. 1 and Sec. 3.2.2, written out with loops:
 * head_h = softmax(Q_h K_h^T / sqrt(dk)) V_h, out = Concat(head_1..head_H) W_O. */
static void textbook_attention(const double *t, const double *wq, const double *wk,
                               const double *wv, const double *wo, double *out) {
  double qkv[3][TOKENS][DM], concat[TOKENS][DM]; /* 16 KiB on the stack, every entry written */
  const double *w3[3] = {wq, wk, wv};
  for (int m = 0; m < 3; m++) /* Q, K, V for all heads at once: (TOKENS, DM) = T W */
    for (int a = 0; a < TOKENS; a++)
      for (int c = 0; c < DM; c++) {
        double s = 0.0;
        for (int e = 0; e < DM; e++) s += t[a * DM + e] * w3[m][e * DM + c];
        qkv[m][a][c] = s;
      }
  for (int h = 0; h < N_ATT_HEADS; h++)
    for (int a = 0; a < TOKENS; a++) {
      double logit[TOKENS], top = -INFINITY, z = 0.0;
      for (int b = 0; b < TOKENS; b++) {
        logit[b] = 0.0;
        for (int c = h * DK; c < (h + 1) * DK; c++) logit[b] += qkv[0][a][c] * qkv[1][b][c];
        logit[b] /= sqrt((double)DK);
        top = fmax(top, logit[b]);
      }
      for (int b = 0; b < TOKENS; b++) z += exp(logit[b] - top);
      for (int c = h * DK; c < (h + 1) * DK; c++) {
        concat[a][c] = 0.0;
        for (int b = 0; b < TOKENS; b++) concat[a][c] += exp(logit[b] - top) / z * qkv[2][b][c];
      }
    }
  for (int a = 0; a < TOKENS; a++)
    for (int e = 0; e < DM; e++) {
      double s = 0.0;
      for (int c = 0; c < DM; c++) s += concat[a][c] * wo[c * DM + e];
      out[a * DM + e] = s;
    }
}

/* Image k as TOKENS 7x7 patches (row-major over the 4x4 grid), pixels / 255, embedded by
 * emb (49, DM), plus sinusoidal positions (sin on even, cos on odd components). */
static void patch_tokens(const unsigned char *img, const double *emb, double *t) {
  for (int a = 0; a < TOKENS; a++) {
    double patch[PATCH * PATCH];
    int r0 = (a / 4) * PATCH, c0 = (a % 4) * PATCH;
    for (int i = 0; i < PATCH; i++)
      for (int j = 0; j < PATCH; j++) patch[i * PATCH + j] = img[(r0 + i) * 28 + c0 + j] / 255.0;
    for (int e = 0; e < DM; e++) {
      double s = 0.0, angle = a / pow(10000.0, (double)(2 * (e / 2)) / DM);
      for (int p = 0; p < PATCH * PATCH; p++) s += patch[p] * emb[p * DM + e];
      t[a * DM + e] = s + (e % 2 ? cos(angle) : sin(angle));
    }
  }
}

/* The L2-normalised features (n, feat) of the first n images of ds (pixels / 255, as
 * cnn_wells feeds them) under net, as doubles. */
static int cnn_features(const hop_cnn *net, const hop_dataset *ds, size_t n, double *out) {
  size_t f = net->a.feat;
  float *x = malloc(n * ds->dim * sizeof *x), *h = malloc(n * f * sizeof *h);
  hop_cnn_par *par = hop_cnn_par_alloc(&net->a, 256, 1);
  int st = x && h && par ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "CNN features: out of memory");
  hop_dataset first = *ds;
  first.n = n;
  if (!st) hop_norm_scale01(&first, x);
  if (!st) st = hop_cnn_par_forward(net, x, n, h, NULL, par);
  for (size_t i = 0; i < n && !st; i++) {
    double s = 0.0;
    for (size_t t = 0; t < f; t++) s += (double)h[i * f + t] * h[i * f + t];
    for (size_t t = 0; t < f; t++) out[i * f + t] = s > 0 ? h[i * f + t] / sqrt(s) : 0.0;
  }
  free(x), free(h), hop_cnn_par_free(par);
  return st;
}

/* --cnn: the trained network of a cnn_wells run, the features of --cnn-train MNIST
 * training images and of the test images, and the class prototypes; before any stage. */
static int load_cnn_features(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  if (!strcmp(cf->cnn, "none")) return HOP_OK;
  hop_dataset tr = {0};
  uint64_t recipe = 0;
  hop_cnn *net = hop_cnn_load(cf->cnn, NULL, &recipe);
  if (!net) {
    x->data_what = "option --cnn (a weights file of bin/cnn_wells; none: no A3 on its features)";
    return hop_error_code();
  }
  int st = hop_exp_open(x, HOP_DATA_MNIST, HOP_DATA_TRAIN, (size_t)cf->cnn_train,
                        (size_t)cf->cnn_train, "--cnn-train", &tr);
  size_t f = res->feat = net->a.feat, n = res->n_tr = (size_t)cf->cnn_train;
  res->ftr = malloc(n * f * sizeof *res->ftr), res->ytr = malloc(n);
  res->fte = malloc((size_t)cf->images * f * sizeof *res->fte);
  res->proto = calloc(NC_MNIST * f, sizeof *res->proto);
  if (!st && !(res->ftr && res->ytr && res->fte && res->proto))
    st = HOP_RAISE(HOP_ENOMEM, "CNN features: out of memory");
  if (!st) st = cnn_features(net, &tr, n, res->ftr);
  if (!st) st = cnn_features(net, &res->ds, (size_t)cf->images, res->fte);
  double count[NC_MNIST] = {0};
  for (size_t i = 0; i < n && !st; i++) {
    res->ytr[i] = tr.y[i], count[tr.y[i]]++;
    for (size_t t = 0; t < f; t++) res->proto[tr.y[i] * f + t] += res->ftr[i * f + t];
  }
  for (size_t c = 0; c < NC_MNIST && !st; c++)
    for (size_t t = 0; t < f; t++) res->proto[c * f + t] /= count[c] > 0 ? count[c] : 1;
  hop_cnn_free(net), hop_data_free(&tr);
  return st;
}

/* The MNIST test set of A3: 28 x 28 gray patch tokens, at least --images of them;
 * loaded and checked before any stage runs. */
static int load_tokens_data(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  size_t nb = (size_t)lround(cf->per_decade * log10(cf->beta_max / cf->beta_min)) + 1;
  hop_progress_start(
      &res->prog, stderr, "context_wells",
      N_HEADS + 2 * nb + cf->land_betas.n + N_TASKS * cf->loads.n * (size_t)cf->seeds);
  if (!(res->spline = hop_attn_spline_new(spline_u, spline_g, 6))) return hop_error_code();
  int st =
      hop_exp_open(x, HOP_DATA_MNIST, HOP_DATA_TEST, 0, (size_t)cf->images, "--images", &res->ds);
  return st ? st : load_cnn_features(x);
}

/* The token check's arrays: embedding, projections, per-head slices, tokens, outputs. */
typedef struct {
  double emb[PATCH * PATCH * DM], wq[DM * DM], wk[DM * DM], wv[DM * DM], wo[DM * DM];
  double hw[3][N_ATT_HEADS][DM * DK]; /* W_Q, W_K, W_V columns of each head */
  double t[TOKENS * DM], out[TOKENS * DM], want[TOKENS * DM]; /* tokens, ours, textbook */
  double states[N_ATT_HEADS * TOKENS * DK];                   /* updated states */
  double q0[N_ATT_HEADS * TOKENS * DK], kk[TOKENS * DK];      /* queries, one head's keys */
} token_work;

/* The embedding and the projections W_Q, W_K, W_V, W_O, and each head's slices of them
 * (head h: columns h*DK.. of W_Q, W_K, W_V; rows of W_O). */
static void token_weights(token_work *tw, gsl_rng *r, hop_attn_proj *heads) {
  for (size_t k = 0; k < PATCH * PATCH * DM; k++) tw->emb[k] = gsl_ran_gaussian(r, 1.0 / PATCH);
  double *ws[4] = {tw->wq, tw->wk, tw->wv, tw->wo};
  for (int m = 0; m < 4; m++)
    for (size_t k = 0; k < DM * DM; k++) ws[m][k] = gsl_ran_gaussian(r, 1.0 / sqrt((double)DM));
  for (int h = 0; h < N_ATT_HEADS; h++) {
    for (int e = 0; e < DM; e++)
      for (int c = 0; c < DK; c++)
        for (int m = 0; m < 3; m++)
          tw->hw[m][h][e * DK + c] = (m == 0   ? tw->wq
                                      : m == 1 ? tw->wk
                                               : tw->wv)[e * DM + h * DK + c];
    heads[h] =
        (hop_attn_proj){DK, DK, tw->hw[0][h], tw->hw[1][h], tw->hw[2][h], tw->wo + h * DK * DM};
  }
}

/* The states' step is the unit gradient step xi - grad E(xi) from xi = Q: the largest
 * difference over every head and token into *gdiff (the queries into tw->q0). */
static int token_step_gap(token_work *tw, double beta, hop_attn_work *w, double *gdiff) {
  int st = HOP_OK;
  for (int h = 0; h < N_ATT_HEADS && !st; h++) {
    hop_attn_keys keys;
    for (int a = 0; a < TOKENS; a++)
      for (int c = 0; c < DK; c++) {
        double sq = 0.0, sk = 0.0;
        for (int e = 0; e < DM; e++)
          sq += tw->t[a * DM + e] * tw->hw[0][h][e * DK + c],
              sk += tw->t[a * DM + e] * tw->hw[1][h][e * DK + c];
        tw->q0[(h * TOKENS + a) * DK + c] = sq, tw->kk[a * DK + c] = sk;
      }
    if ((st = hop_attn_keys_init(&keys, tw->kk, TOKENS, DK))) break;
    for (int a = 0; a < TOKENS && !st; a++) {
      double g[DK];
      const double *xi = tw->q0 + (h * TOKENS + a) * DK;
      if ((st = hop_attn_grad(&keys, &(hop_attn_head){.kind = HOP_ATTN_LINEAR, .beta = beta}, xi, g,
                              w)))
        break;
      for (int c = 0; c < DK; c++)
        *gdiff = fmax(*gdiff, fabs(xi[c] - g[c] - tw->states[(h * TOKENS + a) * DK + c]));
    }
  }
  return st;
}

static void claims_a3(hop_exp *x, double worst, double worst_grad, long lowered) {
  long images = ((const config *)x->cfg)->images;
  hop_claims_addf(x->claims, "A3",
                  "one Hopfield update of MNIST 7x7 patch tokens (16 tokens, sinusoidal "
                  "positions, dm = 32, 4 heads of "
                  "8, beta = 1/sqrt(8)): values read at the weights of one CCCP step on the "
                  "energy, against multi-head "
                  "attention written out independently (Vaswani et al. Eq. 1): largest "
                  "difference relative to the largest output",
                  "equal (to 1e-12)", "<= 1e-12", hop_claims_at_most(worst, A3_TOL),
                  "%.2e over %ld images", worst, images);
  hop_claims_addf(
      x->claims, "A3-step",
      "the same images: the updated states equal the unit gradient step xi - grad E(xi) from the "
      "queries, and the step lowers the total energy of the n states",
      "gradient of E = attention computation", "<= 1e-12; every image lower",
      hop_claims_if(worst_grad <= A3_TOL && lowered == images),
      "%.2e; energy lower on %ld of %ld images", worst_grad, lowered, images);
}

/* A3: one Hopfield update of MNIST patch tokens against textbook attention (tokens.csv). */
static int stage_tokens(hop_exp *x) {
  const config *cf = x->cfg;
  const hop_dataset *ds = &((const results *)x->res)->ds;
  token_work *tw = calloc(1, sizeof *tw);
  gsl_rng *r = hop_rng_alloc(x->cli.seed, hop_rng_key(0, 0, 0, RNG_TOKENS));
  hop_attn_work *w = hop_attn_work_alloc(TOKENS, DK, 1);
  hop_file *f = hop_file_open(x->cli.out, "tokens.csv",
                              "image,label,max_abs_output,max_abs_diff_textbook,"
                              "max_abs_diff_gradient_step,energy_before,energy_after");
  int st = HOP_OK;
  if (!tw || !r || !w || !f)
    st = hop_error_code() ? hop_error_code() : HOP_RAISE(HOP_ENOMEM, "tokens: out of memory");
  hop_attn_proj heads[N_ATT_HEADS];
  if (!st) token_weights(tw, r, heads);
  const double beta = 1.0 / sqrt((double)DK);
  double worst = 0.0, worst_grad = 0.0;
  long lowered = 0;
  for (long k = 0; k < cf->images && !st; k++) {
    patch_tokens(ds->x + (size_t)k * 784, tw->emb, tw->t);
    double e0, e1, top = 0.0, diff = 0.0, gdiff = 0.0;
    if ((st = hop_attn_self(tw->t, TOKENS, DM, heads, N_ATT_HEADS, beta, tw->out, tw->states)))
      break;
    textbook_attention(tw->t, tw->wq, tw->wk, tw->wv, tw->wo, tw->want);
    for (size_t j = 0; j < TOKENS * DM; j++)
      top = fmax(top, fabs(tw->want[j])), diff = fmax(diff, fabs(tw->out[j] - tw->want[j]));
    st = token_step_gap(tw, beta, w, &gdiff);
    if (!st) st = hop_attn_self_energy(tw->t, TOKENS, DM, heads, N_ATT_HEADS, beta, tw->q0, &e0);
    if (!st)
      st = hop_attn_self_energy(tw->t, TOKENS, DM, heads, N_ATT_HEADS, beta, tw->states, &e1);
    if (st) break;
    lowered += e1 < e0;
    worst = fmax(worst, diff / top), worst_grad = fmax(worst_grad, gdiff);
    hop_file_printf(f, "%ld,%u,%.6g,%.3e,%.3e,%.12g,%.12g\n", k, ds->y[k], top, diff, gdiff, e0,
                    e1);
  }
  if (!st) claims_a3(x, worst, worst_grad, lowered);
  st = hop_file_finish(&f, 1, st);
  free(tw), gsl_rng_free(r), hop_attn_work_free(w);
  return st;
}

/* ---- A3 on CNN features: stored patterns are features of a trained cnn_wells network --- */
/* Attention of one query q (d) over keys = values x (n, d) at scale beta, written out with
 * loops (Vaswani et al. Eq. 1 for one query, no projections): out = softmax(beta q x^T) x;
 * *top the index of the largest weight; logit (n) ends as the weights. */
static void textbook_read(const double *x, size_t n, size_t d, const double *q, double beta,
                          double *logit, double *out, size_t *top) {
  double big = -INFINITY, z = 0.0;
  for (size_t b = 0; b < n; b++) {
    logit[b] = 0.0;
    for (size_t c = 0; c < d; c++) logit[b] += q[c] * x[b * d + c];
    logit[b] *= beta;
    if (logit[b] > big) big = logit[b], *top = b;
  }
  for (size_t b = 0; b < n; b++) z += exp(logit[b] - big);
  for (size_t b = 0; b < n; b++) logit[b] = exp(logit[b] - big) / z;
  for (size_t c = 0; c < d; c++) out[c] = 0.0;
  for (size_t b = 0; b < n; b++)
    for (size_t c = 0; c < d; c++) out[c] += logit[b] * x[b * d + c];
}

/* One case of A3-cnn: stored patterns x (n, feat) with labels y (NULL: pattern b is class
 * b), every test feature as the state, every beta of --cnn-betas: the energy step
 * xi - grad E(xi) against textbook_read, rows of cnn_tokens.csv, the worst relative
 * difference into *worst and the states whose energy did not fall into *raised. */
static int cnn_case(hop_exp *x, const char *name, const double *pat, size_t n,
                    const unsigned char *y, hop_file *f, double *worst, long *raised) {
  const config *cf = x->cfg;
  const results *res = x->res;
  size_t d = res->feat;
  hop_attn_keys keys;
  hop_attn_work *w = hop_attn_work_alloc(n, d, 1);
  double *g = malloc(d * sizeof *g), *want = malloc(d * sizeof *want),
         *logit = malloc(n * sizeof *logit), *next = malloc(d * sizeof *next);
  int st = w && g && want && logit && next ? hop_attn_keys_init(&keys, pat, n, d)
                                           : HOP_RAISE(HOP_ENOMEM, "A3-cnn: out of memory");
  for (size_t b = 0; b < cf->cnn_betas.n && !st; b++) {
    hop_attn_head h = {.kind = HOP_ATTN_LINEAR, .beta = cf->cnn_betas.v[b]};
    size_t hits = 0;
    for (long k = 0; k < cf->images && !st; k++) {
      const double *xi = res->fte + (size_t)k * d;
      double e0, e1, top = 0.0, diff = 0.0;
      size_t arg = 0;
      if ((st = hop_attn_grad(&keys, &h, xi, g, w))) break;
      for (size_t c = 0; c < d; c++) next[c] = xi[c] - g[c];
      textbook_read(pat, n, d, xi, h.beta, logit, want, &arg);
      for (size_t c = 0; c < d; c++)
        top = fmax(top, fabs(want[c])), diff = fmax(diff, fabs(next[c] - want[c]));
      if ((st = hop_attn_energy(&keys, &h, xi, &e0, w)) ||
          (st = hop_attn_energy(&keys, &h, next, &e1, w)))
        break;
      unsigned pred = y ? y[arg] : (unsigned)arg;
      hits += pred == res->ds.y[k];
      *raised += !(e1 <= e0), *worst = fmax(*worst, diff / top);
      hop_file_printf(f, "%s,%zu,%g,%ld,%u,%u,%.6g,%.3e,%.12g,%.12g\n", name, n, h.beta, k,
                      res->ds.y[k], pred, top, diff, e0, e1);
    }
    if (!st)
      fprintf(stderr,
              "context_wells: A3-cnn %s, beta %g: the largest weight on the test "
              "image's class in %zu of %ld\n",
              name, h.beta, hits, cf->images);
  }
  hop_attn_work_free(w), free(g), free(want), free(logit), free(next);
  return st;
}

/* A3 on the features of a trained cnn_wells network (--cnn): one Hopfield update of a
 * test feature against the attention read-out over the class prototypes and over the
 * training features (cnn_tokens.csv), claims A3-cnn and A3-cnn-step. */
static int stage_cnn_tokens(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  if (!res->ftr) return HOP_OK; /* --cnn none */
  hop_file *f = hop_file_open(x->cli.out, "cnn_tokens.csv",
                              "patterns,n,beta,image,label,largest_weight_class,max_abs_output,"
                              "max_abs_diff_textbook,energy_before,energy_after");
  double worst = 0.0;
  long raised = 0, states = 2 * cf->images * (long)cf->cnn_betas.n;
  int st = f ? cnn_case(x, "prototypes", res->proto, NC_MNIST, NULL, f, &worst, &raised)
             : hop_error_code();
  if (!st) st = cnn_case(x, "features", res->ftr, res->n_tr, res->ytr, f, &worst, &raised);
  char desc[500];
  snprintf(desc, sizeof desc,
           "one Hopfield update of a test feature of a trained cnn_wells network (%s, %zu "
           "L2-normalised features) over its %d class prototypes and over %zu training "
           "features, beta = %s: against the attention read-out softmax(beta q X^T) X written "
           "out independently, largest difference relative to the largest output",
           strrchr(cf->cnn, '/') ? strrchr(cf->cnn, '/') + 1 : cf->cnn, res->feat, NC_MNIST,
           res->n_tr, cf->cnn_betas.text);
  if (!st)
    hop_claims_addf(x->claims, "A3-cnn", desc, "equal (to 1e-12)", "<= 1e-12",
                    hop_claims_at_most(worst, A3_TOL), "%.2e over %ld images", worst, cf->images);
  if (!st)
    hop_claims_addf(x->claims, "A3-cnn-step",
                    "the same updates: the energy of the state never rises", "never rises",
                    "every state", hop_claims_if(raised == 0), "rose for %ld of %ld states", raised,
                    states);
  return hop_file_finish(&f, 1, st);
}

/* ---- A4: recall of key-value pairs from noisy keys, linear against non-linear heads - */
enum { MAX_SEEDS = 64 };
typedef struct {
  int task;
  double load;
  long seed;
  /* results: per head, accuracy at its own validated beta and at the linear head's */
  double beta[N_HEADS], tuned[N_HEADS], shared_beta[N_HEADS];
} recall_job;

/* Accuracy of head h over b queries q (b, d) with targets y: out = P V, recalled = the
 * value with the largest out . v_j. */
static int recall_accuracy(const hop_attn_keys *k, const hop_attn_head *h, const double *vals,
                           const double *q, const size_t *y, size_t b, double *p, double *out,
                           double *sc, hop_attn_work *w, double *acc) {
  size_t n = k->n, d = k->d;
  int st = hop_attn_weights(k, h, q, b, p, w);
  if (st) return st;
  hop_math_gemm(b, d, n, 1.0, p, vals, 0, 0.0, out);  /* P V */
  hop_math_gemm(b, n, d, 1.0, out, vals, 1, 0.0, sc); /* (P V) V^T */
  size_t hits = 0;
  for (size_t m = 0; m < b; m++) hits += hop_math_argmax(sc + m * n, n) == y[m];
  *acc = (double)hits / (double)b;
  return HOP_OK;
}

static int run_recall(void *job, size_t index, int thread, void *ctx) {
  (void)index, (void)thread;
  recall_job *j = job;
  const shared *c = ctx;
  const config *cf = c->cf;
  size_t d = (size_t)cf->rdim, n = (size_t)fmax(1.0, round(j->load * (double)d)),
         b = (size_t)cf->queries;
  double *x = malloc(n * d * sizeof *x), *vals = malloc(n * d * sizeof *vals),
         *q = malloc(2 * b * d * sizeof *q);
  double *p = malloc(b * n * sizeof *p), *out = malloc(b * d * sizeof *out),
         *sc = malloc(b * n * sizeof *sc);
  size_t *y = malloc(2 * b * sizeof *y);
  hop_attn_work *w = hop_attn_work_alloc(n, d, b);
  gsl_rng *r =
      hop_rng_alloc(c->seed, hop_rng_key((uint64_t)j->task, (uint64_t)lround(j->load * 1000),
                                         (uint64_t)j->seed, RNG_RECALL));
  int st = x && vals && q && p && out && sc && y && w && r ? HOP_OK
           : hop_error_code()                              ? hop_error_code()
                              : HOP_RAISE(HOP_ENOMEM, "recall: out of memory");
  hop_attn_keys k;
  if (!st) {
    for (size_t i = 0; i < n; i++) {
      double scale = j->task == 1 ? gsl_ran_flat(r, 0.5, 1.5) : 1.0;
      gsl_ran_dir_nd(r, d, x + i * d);
      for (size_t l = 0; l < d; l++) x[i * d + l] *= scale;
      gsl_ran_dir_nd(r, d, vals + i * d);
    }
    for (size_t m = 0; m < 2 * b; m++) { /* validation queries first, then test queries */
      y[m] = gsl_rng_uniform_int(r, n);
      for (size_t l = 0; l < d; l++)
        q[m * d + l] = x[y[m] * d + l] + gsl_ran_gaussian(r, cf->noise / sqrt((double)d));
    }
    st = hop_attn_keys_init(&k, x, n, d);
  }
  for (int h = 0; h < N_HEADS && !st;
       h++) { /* beta chosen on the validation queries: the best, the smallest on ties */
    double best = -1.0;
    for (size_t t = 0; t < cf->tune_betas.n && !st; t++) {
      double acc;
      hop_attn_head hd = make_head(h, cf->tune_betas.v[t], cf, c->res);
      if (!(st = recall_accuracy(&k, &hd, vals, q, y, b, p, out, sc, w, &acc)) && acc > best)
        best = acc, j->beta[h] = hd.beta;
    }
  }
  for (int h = 0; h < N_HEADS && !st; h++) {
    hop_attn_head own = make_head(h, j->beta[h], cf, c->res),
                  lin = make_head(h, j->beta[HOP_ATTN_LINEAR], cf, c->res);
    if (!(st = recall_accuracy(&k, &own, vals, q + b * d, y + b, b, p, out, sc, w, &j->tuned[h])))
      st = recall_accuracy(&k, &lin, vals, q + b * d, y + b, b, p, out, sc, w, &j->shared_beta[h]);
  }
  hop_progress_add(&c->res->prog, 1);
  free(x), free(vals), free(q), free(p), free(out), free(sc), free(y), hop_attn_work_free(w),
      gsl_rng_free(r);
  return st;
}

/* Where head h differs from the linear head: paired differences over the seeds, beyond
 * two standard errors of their mean. */
static void compare_heads(const hop_jobs *q, const config *cf, int task, int shared_beta,
                          char *text, size_t cap) {
  size_t used = 0, nl = cf->loads.n, ns = (size_t)cf->seeds;
  text[0] = '\0';
  for (int h = 1; h < N_HEADS; h++) {
    char helps[128] = "", hurts[128] = "";
    for (size_t l = 0; l < nl; l++) {
      double diff[MAX_SEEDS], mean, sd;
      for (size_t s = 0; s < ns; s++) {
        const recall_job *j = hop_jobs_at((hop_jobs *)q, ((size_t)task * nl + l) * ns + s);
        diff[s] = shared_beta ? j->shared_beta[h] - j->shared_beta[0] : j->tuned[h] - j->tuned[0];
      }
      hop_math_mean_sd(diff, ns, &mean, &sd);
      double se = ns > 1 ? sd / sqrt((double)ns) : INFINITY;
      char *list = mean > 2 * se ? helps : mean < -2 * se ? hurts : NULL;
      if (list)
        snprintf(list + strlen(list), 128 - strlen(list), "%s%g (%+.3f)", *list ? " " : "",
                 cf->loads.v[l], mean);
    }
    used += (size_t)snprintf(text + used, cap > used ? cap - used : 0,
                             "%s%s: better at loads %s; worse at %s", h > 1 ? "; " : "",
                             hop_attn_kind_name((hop_attn_kind)h), *helps ? helps : "none",
                             *hurts ? hurts : "none");
  }
}

static int stage_recall(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  size_t nl = cf->loads.n, ns = (size_t)cf->seeds;
  hop_jobs *q = hop_jobs_new(N_TASKS * nl * ns, sizeof(recall_job));
  hop_file *f = NULL;
  int st = q ? HOP_OK : hop_error_code();
  for (int t = 0; t < N_TASKS && !st; t++)
    for (size_t l = 0; l < nl && !st; l++)
      for (size_t s = 0; s < ns && !st; s++)
        st = hop_jobs_push(q, &(recall_job){.task = t, .load = cf->loads.v[l], .seed = (long)s});
  if (!st) st = hop_jobs_run(q, run_recall, &(shared){cf, res, cli->seed}, (int)cli->threads);
  if (!st && !(f = hop_file_open(
                   cli->out, "recall.csv",
                   "keys,load,n,head,beta_mode,accuracy_mean,accuracy_sd,beta_median,seeds")))
    st = hop_error_code();
  for (int t = 0; t < N_TASKS && !st; t++)
    for (size_t l = 0; l < nl; l++)
      for (int h = 0; h < N_HEADS; h++)
        for (int mode = 0; mode < 2; mode++) {
          double acc[MAX_SEEDS], bet[MAX_SEEDS], mean, sd, bm;
          for (size_t s = 0; s < ns; s++) {
            const recall_job *j = hop_jobs_at(q, ((size_t)t * nl + l) * ns + s);
            acc[s] = mode ? j->shared_beta[h] : j->tuned[h];
            bet[s] = mode ? j->beta[0] : j->beta[h];
          }
          hop_math_mean_sd(acc, ns, &mean, &sd);
          gsl_sort(bet, 1, ns);
          bm = gsl_stats_median_from_sorted_data(bet, 1, ns);
          hop_file_printf(f, "%s,%g,%.0f,%s,%s,%.4f,%.4f,%g,%zu\n", task_names[t], cf->loads.v[l],
                          fmax(1.0, round(cf->loads.v[l] * (double)cf->rdim)),
                          hop_attn_kind_name((hop_attn_kind)h), mode ? "linear_beta" : "own_beta",
                          mean, sd, bm, ns);
        }
  for (int t = 0; t < N_TASKS && !st; t++)
    for (int mode = 0; mode < 2; mode++) {
      char text[600], what[600];
      compare_heads(q, cf, t, mode, text, sizeof text);
      snprintf(what, sizeof what,
               "recall of key-value pairs from noisy keys (%s keys, d = %ld, noise norm %g; %ld "
               "seeds, paired "
               "differences beyond 2 standard errors): non-linear heads (our reconstruction, no "
               "extra learned parameters) "
               "against the linear head, each at %s beta chosen on validation queries",
               t ? "key norms uniform in [0.5, 1.5]" : "unit", cf->rdim, cf->noise, cf->seeds,
               mode ? "the linear head's" : "its own");
      hop_claims_addf(
          x->claims,
          t ? (mode ? "A4-norms-shared" : "A4-norms") : (mode ? "A4-unit-shared" : "A4-unit"), what,
          "non-linear heads improve the model (qualitative)", "beyond paper", "beyond paper", "%s",
          text);
    }
  st = hop_file_finish(&f, 1, st);
  hop_jobs_free(q);
  return st;
}

/* ---- options and main -------------------------------------------------------------- */
/* What the table cannot say: beta range, key sets, the poly head's bound, memory. */
static int check(hop_exp *x) {
  const config *cf = x->cfg;
  const char *bad = NULL;
  if (cf->beta_min >= cf->beta_max)
    bad = "--beta-min must be below --beta-max";
  else if (cf->keys % cf->clusters)
    bad = "--clusters must divide --keys";
  else if (cf->clusters > cf->keys / 2)
    bad = "--clusters must leave at least 2 keys per cluster";
  else if (!(cf->poly_c > 1.5 * 1.5))
    bad =
        "--poly-c must exceed 2.25, the largest squared key norm (recall keys reach norm 1.5): the "
        "poly energy is unbounded below otherwise";
  if (bad) HOP_ERROR(HOP_EINVAL, "%s", bad);
  return HOP_OK;
}

static void results_free(hop_exp *x) {
  results *res = x->res;
  hop_progress_end(&res->prog);
  hop_attn_spline_free(res->spline);
  hop_data_free(&res->ds);
  free(res->ftr), free(res->fte), free(res->proto), free(res->ytr);
}

static void report(hop_exp *x) { fprintf(stderr, "context_wells: results in %s\n", x->cli.out); }

/* The memory the options imply (the frame refuses it beyond the machine, with the
 * numbers): per thread, the well counts' --starts states (three copies of --dim numbers
 * and their weights over --keys) and the recall queries; the landscape's grids. */
static double memory(const hop_exp *x) {
  const config *cf = x->cfg;
  double t = (double)x->cli.threads;
  return (double)cf->starts * (double)(cf->keys + 3 * cf->dim) * 8.0 * t +
         (double)cf->grid * (double)cf->grid * 2 * 8 * 4 * (double)cf->land_betas.n +
         (double)cf->queries * 2 * (double)cf->rdim * 64.0 * 8 * 3 * t;
}

/* The frame's estimate, from the options alone: each stage's count of work times its
 * cost per unit, measured from the stage seconds of a default run (manifest.txt) on
 * the 2-core AMD EPYC of the development machine: descent 0.3 s, well counts 0.9 s,
 * landscape 0.1 s, recall 10.3 s (the frame scales the sum to the run of record). */
static double work(const void *c) {
  const config *cf = c;
  double nd = (double)cf->keys * (double)cf->dim, loads = 0;
  double nb = floor(cf->per_decade * log10(cf->beta_max / cf->beta_min)) + 1;
  for (size_t l = 0; l < cf->loads.n; l++) loads += cf->loads.v[l];
  return 1.5e-6 * (double)cf->points * nd + 1.17e-8 * (double)cf->runs * (double)cf->steps * nd +
         8.6e-8 * nb * (double)cf->starts * nd * fmin(1, (double)cf->max_iter / 1e5) +
         1.8e-8 * (double)cf->land_betas.n * (double)cf->grid * (double)cf->grid * nd +
         2e-4 * (double)cf->images +
         3.19e-9 * (double)cf->seeds * (double)cf->queries * loads * (double)cf->rdim *
             (double)cf->rdim * (double)(cf->tune_betas.n + 1) * 2;
}

/* The stages, in order; each names itself in an error. */
static const hop_exp_stage stages[] = {{"gradient check (A1)", stage_gradient},
                                       {"descent (A2, A4)", stage_descent},
                                       {"well counts (A2)", stage_wells},
                                       {"landscape", stage_landscape},
                                       {"tokens (A3)", stage_tokens},
                                       {"CNN features (A3)", stage_cnn_tokens},
                                       {"recall (A4)", stage_recall}};

int main(int argc, char **argv) {
  config cf;
  hop_opt opts[] = {
      {"points", HOP_OPT_INT, &cf.points, 1, 1e6, "random points of the gradient check (A1)", "100",
       .quick = "20"},
      {"runs", HOP_OPT_INT, &cf.runs, 1, 1e7, "random runs per head of the descent check", "1000",
       .quick = "50"},
      {"steps", HOP_OPT_INT, &cf.steps, 1, 1e6, "largest number of updates per descent run", "200",
       .quick = "50"},
      {"keys", HOP_OPT_INT, &cf.keys, 2, MAX_N, "keys n of the well counts (and gradient, descent)",
       "16", .quick = NULL},
      {"dim", HOP_OPT_INT, &cf.dim, 1, MAX_N, "their dimension d", "8", .quick = NULL},
      {"clusters", HOP_OPT_INT, &cf.clusters, 2, MAX_N,
       "clusters of the clustered key set (must divide --keys)", "4", .quick = NULL},
      {"starts", HOP_OPT_INT, &cf.starts, 1, 1e6, "random starts per beta of the well counts",
       "2000", .quick = "200"},
      {"beta-min", HOP_OPT_DOUBLE, &cf.beta_min, 1e-6, 1e6, "smallest beta of the well counts",
       "0.1", .quick = NULL},
      {"beta-max", HOP_OPT_DOUBLE, &cf.beta_max, 1e-6, 1e6, "largest beta of the well counts",
       "1000", .quick = NULL},
      {"per-decade", HOP_OPT_DOUBLE, &cf.per_decade, 1, 1000, "betas per decade of the well counts",
       "10", .quick = "3"},
      {"tol", HOP_OPT_DOUBLE, &cf.tol, 1e-15, 1e-2,
       "convergence: a step moves the state less than this", "1e-10", .quick = NULL},
      {"merge", HOP_OPT_DOUBLE, &cf.merge, 1e-14, 1e-1,
       "end points closer than this are one fixed point", "1e-6", .quick = NULL},
      {"max-iter", HOP_OPT_INT, &cf.max_iter, 1, 1e8, "cap on updates per start", "100000",
       .quick = "20000"},
      {"grid", HOP_OPT_INT, &cf.grid, 3, 1001, "grid points per side of the 2-D landscape", "121",
       .quick = "21"},
      {"landscape-betas", HOP_OPT_LIST, &cf.land_betas, 1e-3, 1e4, "betas of the 2-D landscape",
       "1,5,40", .quick = NULL},
      {"images", HOP_OPT_INT, &cf.images, 1, 10000, "MNIST test images of the token check (A3)",
       "100", .quick = "5"},
      {"cnn", HOP_OPT_STRING, &cf.cnn, 0, 0,
       "A3 on CNN features: a weights file of bin/cnn_wells (none: not run)",
       "results/cnn_wells/cnn_small_seed0.bin", .quick = "none"},
      {"cnn-train", HOP_OPT_INT, &cf.cnn_train, 10, 60000,
       "MNIST training images whose features are stored (and give the class prototypes)", "1000",
       .quick = "200"},
      {"cnn-betas", HOP_OPT_LIST, &cf.cnn_betas, 1e-3, 1e4,
       "betas of the update on CNN features (unit-length features: beta is the logit scale)",
       "1,16,64", .quick = NULL},
      {"loads", HOP_OPT_LIST, &cf.loads, 0.01, 64, "loads n/d of the recall task (A4)",
       "0.25,0.5,1,2,4,8", .quick = "1,4"},
      {"recall-dim", HOP_OPT_INT, &cf.rdim, 2, 1024, "key and value dimension d of the recall task",
       "32", .quick = "16"},
      {"seeds", HOP_OPT_INT, &cf.seeds, 1, MAX_SEEDS,
       "memories (seeds) per load of the recall task", "10", .quick = "3"},
      {"queries", HOP_OPT_INT, &cf.queries, 1, 100000,
       "validation queries, and as many test queries, per seed", "1000", .quick = "200"},
      {"noise", HOP_OPT_DOUBLE, &cf.noise, 0, 10,
       "norm of the Gaussian noise added to a key to make a query", "1.2", .quick = NULL},
      {"tune-betas", HOP_OPT_LIST, &cf.tune_betas, 1e-3, 1e4,
       "betas tried on the validation queries", "0.5,1,2,4,8,16,32,64,128", .quick = "1,8,64"},
      {"poly-c", HOP_OPT_DOUBLE, &cf.poly_c, 1e-6, 1e6,
       "c of the poly head (must exceed the largest squared key norm)", "4", .quick = NULL},
      {"rbf-sigma", HOP_OPT_DOUBLE, &cf.rbf_sigma, 1e-3, 1e3, "width s of the rbf head", "1",
       .quick = NULL},
  };
  hop_exp_desc d = {HOP_EXP_DESC("context_wells", 2385, opts, &cf, results, stages),
                    .summary =
                        "Attention as the stationary points of a Hopfield energy; context wells; "
                        "non-linear heads "
                        "(A1-A4).",
                    .check = check,
                    .load = load_tokens_data,
                    .data_what = "MNIST (A3)",
                    .report = report,
                    .free = results_free,
                    .work = work,
                    .memory = memory,
                    .record_seconds = 4.9};
  return hop_exp_main(&d, argc, argv);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* capacity.c: storage capacity of the classical Hopfield network.
 *
 * Question. Where does retrieval in a Hebbian Hopfield network collapse as the load
 * alpha = P/N grows, do finite-size curves cross near alpha_c = 0.138, and how do
 * synchronous and asynchronous updates differ (fixed points, 2-cycles, energy)?
 * Claims C1, C2 and C6; source: J. El Khoury, "New research in Hopfield Networks: A
 * short intro" (blog post, Medium, 2023), an introduction to classical, modern and
 * simplicial Hopfield networks ("capacity 0.138 N", synchronous vs asynchronous
 * updates), after J. J. Hopfield, PNAS 79:2554 (1982) and D. J. Amit, H. Gutfreund &
 * H. Sompolinsky, Ann. Phys. 173:30 (1987) for 0.138.
 *
 * Method (lib/memory/hop_classical.h).
 *   Patterns  xi^mu in {+1,-1}^N, mu = 1..P, independent and unbiased.
 *   Weights   W = (1/N) sum_mu xi^mu xi^mu^T, W_ii = 0            (Hebb)
 *   Energy    E(s) = -1/2 s^T W s
 *   Async     pick i (random order each sweep): s_i <- sgn(h_i), h = W s; a tie keeps
 *             s_i, so each update changes E by -2|h_i|/N <= 0; run to a sweep with
 *             no flip (fixed point) or --max-sweeps.
 *   Sync      s(t+1) = sgn(W s(t)) for all i at once; the end is a fixed point, a
 *             2-cycle s(t+1) = s(t-1) != s(t), or --sync-max-steps. E may rise; the
 *             two-step function L(t) = -(1/N) s(t+1)^T C s(t) = -(1/N) sum_i |h_i(t)|
 *             cannot (Goles & Fogelman-Soulie 1985), so cycles longer than 2 cannot occur.
 *   Protocol  start from each stored pattern with a fraction f of its bits flipped
 *             (--flips, exactly round(f N) bits); overlap m = (1/N) s . xi^mu at the end;
 *             retrieved if m >= theta for theta in --thresholds (first = primary).
 *             Trials (independent pattern sets) per N: max(--min-trials,
 *             ceil(--budget / N)); error bars are standard errors over trials.
 *   Capacity  alpha_50(N): the load where the retrieved fraction falls through 1/2
 *             (linear interpolation on the alpha grid); alpha_c(inf) from the fit
 *             alpha_50(N) = a + b N^(-e) (gsl_fit_linear, e = --fit-exponent); and
 *             the crossing of the curves of the two largest N.
 *   Why theta = 0.9 is primary: at alpha_c the retrieval state still has m = 0.967
 *             (Amit, Gutfreund & Sompolinsky 1987), so 0.138 marks where states with
 *             m ~ 0.97 vanish; theta = 0.99 measures the earlier onset of > 0.5 %
 *             errors. Both are reported.
 *
 * Exactness and determinism: couplings and fields are integers held exactly in float
 * (P N < 2^24), every start has its own random stream (seed, N, alpha, trial, flip,
 * pattern), and sums are reduced in a fixed order: the CSVs are byte-identical for a
 * given seed whatever --threads is.
 *
 * Outputs (results/capacity/): retrieval_trials.csv, retrieval.csv, alpha50.csv,
 * alpha_c.csv, sync.csv, energy_traces.csv, claims.csv, manifest.txt.
 * Command: bin/capacity [--quick] [--seed N] [--threads N] (see --help).
 */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "hop_classical.h"
#include "hop_exp.h"
#include "hop_error.h"
#include "hop_claims.h"
#include "hop_file.h"
#include "hop_jobs.h"
#include "hop_math.h"
#include "hop_progress.h"
#include "hop_rng.h"

/* This program's random streams (the last argument of hop_rng_key; the values are part
 * of the results of record). */
enum {
  RNG_PATTERNS = 0x101, /* the patterns of one trial */
  RNG_FLIPS = 0x102,    /* the bits flipped in the starts of one trial */
  RNG_START = 0x103,    /* the update order of one start */
  RNG_TRACE = 0x104,    /* the traced start of the energy figure */
};

#define MAX_LIST      HOP_CLI_LIST_MAX
#define ALPHA_C_PAPER 0.138
#define ALPHA_C_TOL   0.01

typedef struct {
  hop_cli_numbers sizes;      /* N values, increasing */
  hop_cli_numbers flips;      /* flipped fractions of the starts */
  hop_cli_numbers thr;        /* overlap thresholds, thr[0] primary */
  hop_cli_numbers sync_sizes; /* N values with the synchronous comparison */
  double alpha_min, alpha_max, alpha_step;
  long budget, min_trials, max_sweeps, sync_max_steps, trace_n;
  double fit_exponent, trace_flip;
  size_t n_alpha; /* loads on the grid (derived) */
} config;

/* Results of one start. */
typedef struct {
  double m;       /* final overlap with the pattern (async) */
  int sweeps;     /* async sweeps run */
  int converged;  /* async reached a fixed point */
  int rises;      /* async sweeps after which E was higher (must stay 0) */
  int violations; /* async end state not a fixed point of sgn(h) although converged */
  int sync_end;   /* 0 fixed point, 2 two-cycle, -1 step cap */
  int sync_rise;  /* E rose at some synchronous step */
  int sync_lrise; /* L rose at some synchronous step (must stay 0) */
  int same;       /* sync fixed point == async fixed point */
} start_result;

/* Per-thread scratch, allocated once per N. */
typedef struct {
  float *s, *h;     /* (n) async state and its fields */
  float *a, *b, *c; /* (n) synchronous states t-1, t, t+1 (rotated) */
  float *hs;        /* (n) synchronous fields */
  size_t *order;    /* (n) async update order */
  gsl_rng *r;       /* re-seeded per start */
} scratch;

/* Asynchronous dynamics from w->s (fields w->h) to a fixed point or the cap. */
static void run_async(const hop_classical *net, scratch *w, long max_sweeps, start_result *out) {
  size_t n = net->n;
  for (size_t i = 0; i < n; i++) w->order[i] = i;
  double e = hop_classical_energy_h(n, w->s, w->h);
  out->sweeps = out->converged = out->rises = out->violations = 0;
  for (long k = 0; k < max_sweeps; k++) {
    gsl_ran_shuffle(w->r, w->order, n, sizeof w->order[0]);
    size_t flips = hop_classical_async_sweep(net, w->s, w->h, w->order);
    double e2 = hop_classical_energy_h(n, w->s, w->h);
    out->rises += e2 > e;
    e = e2;
    out->sweeps++;
    if (flips == 0) {
      out->converged = 1;
      break;
    }
  }
  if (out->converged)
    for (size_t i = 0; i < n; i++) out->violations += w->s[i] * w->h[i] < 0.0f;
}

/* Synchronous dynamics from start (fields h0); compares its fixed point with the
 * async end state in w->s. */
static void run_sync(const hop_classical *net, scratch *w, const float *start, const float *h0,
                     long max_steps, start_result *out) {
  size_t n = net->n;
  float *before = w->a, *cur = w->b, *next = w->c;
  memcpy(cur, start, n * sizeof *cur);
  memcpy(w->hs, h0, n * sizeof *w->hs);
  double e = hop_classical_energy_h(n, cur, w->hs), l_last = INFINITY;
  int have_before = 0;
  out->sync_end = -1;
  out->sync_rise = out->sync_lrise = out->same = 0;
  for (long k = 0; k < max_steps; k++) {
    double l = 0.0; /* L(t) = -(1/N) s(t+1).C s(t) = -(1/N) sum_i |h_i(t)| */
    for (size_t i = 0; i < n; i++) l += fabsf(w->hs[i]);
    l = -l / (double)n;
    out->sync_lrise |= l > l_last;
    l_last = l;
    size_t changed = hop_classical_sync_step(net, cur, next, w->hs);
    double e2 = hop_classical_energy_h(n, next, w->hs);
    out->sync_rise |= e2 > e;
    e = e2;
    if (changed == 0) {
      out->sync_end = 0;
      out->same = out->converged && !memcmp(next, w->s, n * sizeof *next);
      return;
    }
    if (have_before && !memcmp(next, before, n * sizeof *next)) {
      out->sync_end = 2;
      return;
    }
    float *t = before;
    before = cur;
    cur = next;
    next = t;
    have_before = 1;
  }
}

/* Aggregates of one (N, alpha, flip) cell over trials. */
typedef struct {
  size_t p; /* patterns stored */
  long trials, starts;
  double *frac;  /* (trials, MAX_LIST) per-trial retrieved fraction per threshold */
  double *mover; /* (trials) per-trial mean overlap */
  double sweeps; /* total async sweeps */
  long unconverged, rises, async_sweeps, violations, converged;
  long sync_runs, sync_fixed, sync_cycle2, sync_cap, sync_erise, sync_lrise, sync_same;
} cell;

/* Mean and standard error over trials (GSL's mean and sd; 0 error for one trial). */
static void mean_se(const double *x, size_t stride, long n, double *buf, double *mean, double *se) {
  for (long t = 0; t < n; t++) buf[t] = x[(size_t)t * stride];
  double sd;
  hop_math_mean_sd(buf, (size_t)n, mean, &sd);
  *se = n > 1 ? sd / sqrt((double)n) : 0.0;
}

static void random_flips(gsl_rng *r, float *s, size_t n, size_t k, size_t *idx, size_t *pick) {
  for (size_t i = 0; i < n; i++) idx[i] = i;
  gsl_ran_choose(r, pick, k, idx, n, sizeof *idx);
  for (size_t j = 0; j < k; j++) s[pick[j]] = -s[pick[j]];
}

static scratch *scratch_alloc(size_t n, int threads, uint64_t seed) {
  scratch *w = calloc((size_t)threads, sizeof *w);
  if (!w) return NULL;
  for (int t = 0; t < threads; t++) {
    float *block = malloc(6 * n * sizeof *block);
    w[t].order = malloc(n * sizeof *w[t].order);
    w[t].r = hop_rng_alloc(seed, 0);
    if (!block || !w[t].order || !w[t].r) return NULL; /* process exits on NULL */
    w[t].s = block;
    w[t].h = block + n;
    w[t].a = block + 2 * n;
    w[t].b = block + 3 * n;
    w[t].c = block + 4 * n;
    w[t].hs = block + 5 * n;
  }
  return w;
}

static void scratch_free(scratch *w, int threads) {
  if (!w) return;
  for (int t = 0; t < threads; t++) {
    free(w[t].s);
    free(w[t].order);
    gsl_rng_free(w[t].r);
  }
  free(w);
}

/* Energy traces of one start under both rules (figure C6 / C2). */
static int write_traces(const config *cf, uint64_t seed, hop_file *f) {
  const double alphas[2] = {0.08, 0.20};
  size_t n = (size_t)cf->trace_n;
  hop_classical *net = hop_classical_alloc(n);
  size_t pmax = (size_t)lround(0.20 * (double)n);
  float *xi = malloc(pmax * n * sizeof *xi), *h0 = malloc(n * sizeof *h0);
  float *st = malloc(n * sizeof *st);
  size_t *idx = malloc(2 * n * sizeof *idx);
  scratch *w = scratch_alloc(n, 1, seed);
  int status = HOP_OK;
  if (!net || !xi || !h0 || !st || !idx || !w) {
    status = HOP_RAISE(HOP_ENOMEM, "traces: out of memory");
    goto done;
  }
  for (int a = 0; a < 2; a++) {
    size_t p = (size_t)lround(alphas[a] * (double)n);
    hop_rng_reseed(w->r, seed, hop_rng_key(n, (uint64_t)a, 0, RNG_TRACE));
    hop_rng_pm1(w->r, xi, p * n);
    if ((status = hop_classical_store(net, xi, p))) goto done;
    memcpy(st, xi, n * sizeof *st); /* pattern 0 with a fraction trace_flip flipped */
    random_flips(w->r, st, n, (size_t)lround(cf->trace_flip * (double)n), idx, idx + n);
    hop_classical_fields(net, st, 1, h0);
    /* async: every flip and every sweep end */
    memcpy(w->s, st, n * sizeof *st);
    memcpy(w->h, h0, n * sizeof *h0);
    for (size_t i = 0; i < n; i++) w->order[i] = i;
    hop_file_printf(f, "%.2f,async,0,%.6f\n", alphas[a], hop_classical_energy_h(n, w->s, w->h));
    for (long k = 0; k < cf->max_sweeps; k++) {
      gsl_ran_shuffle(w->r, w->order, n, sizeof *w->order);
      size_t flips = 0;
      for (size_t u = 0; u < n; u++) {
        int fl = hop_classical_async_update(net, w->s, w->h, w->order[u]);
        flips += (size_t)fl;
        if (fl || u + 1 == n)
          hop_file_printf(f, "%.2f,async,%.6f,%.6f\n", alphas[a],
                          (double)k + (double)(u + 1) / (double)n,
                          hop_classical_energy_h(n, w->s, w->h));
      }
      if (!flips) break;
    }
    /* sync: E(t) and L(t) */
    float *cur = w->a, *next = w->b;
    memcpy(cur, st, n * sizeof *st);
    memcpy(w->hs, h0, n * sizeof *h0);
    hop_file_printf(f, "%.2f,sync,0,%.6f\n", alphas[a], hop_classical_energy_h(n, cur, w->hs));
    for (long k = 0; k < cf->sync_max_steps && k < 40; k++) {
      double l = 0.0;
      for (size_t i = 0; i < n; i++) l += fabsf(w->hs[i]);
      hop_file_printf(f, "%.2f,sync_L,%ld,%.6f\n", alphas[a], k, -l / (double)n);
      size_t changed = hop_classical_sync_step(net, cur, next, w->hs);
      hop_file_printf(f, "%.2f,sync,%ld,%.6f\n", alphas[a], k + 1,
                      hop_classical_energy_h(n, next, w->hs));
      float *t = cur;
      cur = next;
      next = t;
      if (!changed) break;
    }
  }
done:
  hop_classical_free(net);
  free(xi);
  free(h0);
  free(st);
  free(idx);
  scratch_free(w, 1);
  return status;
}

typedef struct {
  double a50_largest, fit, fit_se, cross, a50_99, a50_flip, flip_noisy;
} capacity_estimates;

/* What later stages need from the trials. */
typedef struct {
  cell *cells;            /* (sizes, n_alpha, flips) */
  long max_trials;        /* most trials of any N */
  capacity_estimates est; /* stage 4, for the summary line */
} results;

static cell *cell_at(const results *res, const config *cf, size_t ni, size_t ai, size_t fi) {
  return &res->cells[(ni * cf->n_alpha + ai) * cf->flips.n + fi];
}
static double alpha_at(const config *cf, size_t ai) {
  return cf->alpha_min + (double)ai * cf->alpha_step;
}
static long trials_of(const config *cf, double n) {
  long t = (long)ceil((double)cf->budget / n);
  return t > cf->min_trials ? t : cf->min_trials;
}

/* Work of the trials, in the progress units (trials x alpha N^3 / 10^6) per flip. */
static double trial_work(const config *cf) {
  double w = 0;
  for (size_t ni = 0; ni < cf->sizes.n; ni++)
    for (size_t ai = 0; ai < cf->n_alpha; ai++)
      w += (double)trials_of(cf, cf->sizes.v[ni]) *
           ceil(alpha_at(cf, ai) * pow(cf->sizes.v[ni], 3) / 1e6);
  return w * (double)cf->flips.n;
}

/* The defaults of the option table. */
#define DEF_SIZES      "100,200,500,1000,2000"
#define DEF_ALPHA_MIN  "0.05"
#define DEF_ALPHA_MAX  "0.25"
#define DEF_ALPHA_STEP "0.01"
#define DEF_FLIPS      "0,0.1"
#define DEF_BUDGET     "10000"
#define DEF_MIN_TRIALS "3"

static size_t loads(const config *cf) {
  return (size_t)floor((cf->alpha_max - cf->alpha_min) / cf->alpha_step + 1e-9) + 1;
}

/* The frame's estimate: the trials' work from the options alone (the default run of
 * record took 79.3 s on 2 threads, results/capacity/manifest.txt). */
static double work(const void *c) {
  config cf = *(const config *)c;
  cf.n_alpha = loads(&cf);
  return trial_work(&cf);
}

/* ---- stage 1: options ------------------------------------------------------------- */

/* What the option table cannot say: sizes in order, the load grid, exact fields; then the
 * run's own estimate. */
static int check(hop_exp *x) {
  config *cf = x->cfg;
  for (size_t i = 0; i < cf->sizes.n; i++)
    if (i && cf->sizes.v[i] <= cf->sizes.v[i - 1]) { /* whole numbers: HOP_OPT_INTS */
      HOP_ERROR(HOP_EINVAL, "option --sizes: whole numbers in increasing order");
    }
  if (cf->alpha_max < cf->alpha_min) {
    HOP_ERROR(HOP_EINVAL, "option --alpha-max: %g is below --alpha-min %g", cf->alpha_max,
              cf->alpha_min);
  }
  cf->n_alpha = loads(cf);
  if (cf->n_alpha > 2000) {
    HOP_ERROR(HOP_EINVAL, "option --alpha-step: %zu loads is too many", cf->n_alpha);
  }
  for (size_t i = 0; i < cf->sizes.n; i++) {
    double pn = alpha_at(cf, cf->n_alpha - 1) * cf->sizes.v[i] * cf->sizes.v[i];
    if (pn >= 16777216.0) {
      HOP_ERROR(HOP_EINVAL, "option --sizes: N = %g at alpha %g exceeds P N < 2^24 (exact fields)",
                cf->sizes.v[i], cf->alpha_max);
    }
  }
  return HOP_OK;
}

/* ---- stage 2: the trials ------------------------------------------------------------ */

/* One start of one trial, run as a job: its pattern index in, its result out. */
typedef struct {
  size_t mu;
  start_result res;
} start_job;

/* What every start of one (trial, flip) shares; read-only inside the jobs. */
typedef struct {
  const hop_classical *net;
  scratch *ws;               /* (threads) per-thread scratch */
  const float *xi, *st, *hf; /* (p, n) patterns, starts and their fields */
  const config *cf;
  uint64_t seed, n, ai, t, fi;
  int do_sync;
} start_ctx;

static int run_start(void *job, size_t index, int thread, void *ctx) {
  (void)index;
  start_job *j = job;
  const start_ctx *c = ctx;
  scratch *w = &c->ws[thread];
  size_t n = c->n, mu = j->mu;
  hop_rng_reseed(w->r, c->seed, hop_rng_key(c->n, c->ai << 32 | c->t, c->fi << 32 | mu, RNG_START));
  memcpy(w->s, c->st + mu * n, n * sizeof *w->s);
  memcpy(w->h, c->hf + mu * n, n * sizeof *w->h);
  run_async(c->net, w, c->cf->max_sweeps, &j->res);
  j->res.m = hop_classical_overlap(w->s, c->xi + mu * n, n);
  j->res.sync_end = 0;
  if (c->do_sync)
    run_sync(c->net, w, c->st + mu * n, c->hf + mu * n, c->cf->sync_max_steps, &j->res);
  return HOP_OK;
}

/* Adds the starts of one trial (in pattern order) to its cell and writes the trial row. */
static void reduce_trial(const config *cf, hop_jobs *q, size_t p, int do_sync, cell *c,
                         hop_file *ftrial, size_t n, size_t fi, long t) {
  double frac[MAX_LIST] = {0}, msum = 0.0, swsum = 0.0;
  long unconv = 0;
  size_t n_thr = cf->thr.n;
  for (size_t mu = 0; mu < p; mu++) {
    const start_result *q1 = &((start_job *)hop_jobs_at(q, mu))->res;
    for (size_t h = 0; h < n_thr; h++) frac[h] += q1->m >= cf->thr.v[h] - 1e-12;
    msum += q1->m;
    swsum += q1->sweeps;
    unconv += !q1->converged;
    c->rises += q1->rises;
    c->async_sweeps += q1->sweeps;
    c->violations += q1->violations;
    c->converged += q1->converged;
    if (do_sync) {
      c->sync_runs++;
      c->sync_fixed += q1->sync_end == 0;
      c->sync_cycle2 += q1->sync_end == 2;
      c->sync_cap += q1->sync_end == -1;
      c->sync_erise += q1->sync_rise;
      c->sync_lrise += q1->sync_lrise;
      c->sync_same += q1->same;
    }
  }
  hop_file_printf(ftrial, "%zu,%.4f,%zu,%g,%ld", n, (double)p / (double)n, p, cf->flips.v[fi], t);
  for (size_t h = 0; h < n_thr; h++) {
    frac[h] /= (double)p;
    c->frac[(size_t)c->trials * MAX_LIST + h] = frac[h];
    hop_file_printf(ftrial, ",%.6f", frac[h]);
  }
  double mm = msum / (double)p;
  hop_file_printf(ftrial, ",%.6f,%.4f,%ld\n", mm, swsum / (double)p, unconv);
  c->mover[c->trials] = mm;
  c->p = p;
  c->trials++;
  c->starts += (long)p;
  c->sweeps += swsum;
  c->unconverged += unconv;
}

/* Every trial of one N: patterns, flipped starts, the starts as jobs, the reduction. */
static int trials_of_size(const hop_cli *cli, const config *cf, results *res, size_t ni,
                          int threads, hop_file *ftrial, hop_progress *prog) {
  size_t n = (size_t)cf->sizes.v[ni];
  long trials = trials_of(cf, (double)n);
  int do_sync = 0;
  for (size_t i = 0; i < cf->sync_sizes.n; i++) do_sync |= cf->sync_sizes.v[i] == (double)n;
  size_t pmax = (size_t)lround(alpha_at(cf, cf->n_alpha - 1) * (double)n);
  pmax = pmax ? pmax : 1;
  hop_classical *net = hop_classical_alloc(n);
  float *xi = malloc(pmax * n * sizeof *xi), *st = malloc(pmax * n * sizeof *st);
  float *hf = malloc(pmax * n * sizeof *hf);
  size_t *idx = malloc(2 * n * sizeof *idx);
  hop_jobs *q = hop_jobs_new(pmax, sizeof(start_job));
  scratch *ws = scratch_alloc(n, threads, cli->seed);
  gsl_rng *r = hop_rng_alloc(cli->seed, 0);
  int status = HOP_OK;
  if (!net || !xi || !st || !hf || !idx || !q || !ws || !r) {
    status = HOP_RAISE(HOP_ENOMEM, "trials at N = %zu: out of memory", n);
    goto done;
  }
  for (size_t ai = 0; ai < cf->n_alpha && !status; ai++) {
    double alpha = alpha_at(cf, ai);
    size_t p = (size_t)lround(alpha * (double)n);
    p = p ? p : 1;
    for (long t = 0; t < trials && !status; t++) {
      hop_rng_reseed(r, cli->seed, hop_rng_key(n, ai, (uint64_t)t, RNG_PATTERNS));
      hop_rng_pm1(r, xi, p * n);
      if ((status = hop_classical_store(net, xi, p))) break;
      for (size_t fi = 0; fi < cf->flips.n && !status; fi++) {
        hop_rng_reseed(r, cli->seed, hop_rng_key(n, ai << 32 | (uint64_t)t, fi, RNG_FLIPS));
        memcpy(st, xi, p * n * sizeof *st);
        size_t k = (size_t)lround(cf->flips.v[fi] * (double)n);
        for (size_t mu = 0; mu < p; mu++) random_flips(r, st + mu * n, n, k, idx, idx + n);
        hop_classical_fields(net, st, p, hf);
        hop_jobs_clear(q);
        for (size_t mu = 0; mu < p && !status; mu++)
          status = hop_jobs_push(q, &(start_job){.mu = mu});
        start_ctx ctx = {net, ws, xi, st, hf, cf, cli->seed, n, ai, (uint64_t)t, fi, do_sync};
        if (!status) status = hop_jobs_run(q, run_start, &ctx, threads);
        if (!status)
          reduce_trial(cf, q, p, do_sync, cell_at(res, cf, ni, ai, fi), ftrial, n, fi, t);
      }
      hop_progress_add(prog, (size_t)ceil(alpha * (double)n * (double)n * (double)n / 1e6));
    }
  }
done:
  hop_classical_free(net);
  free(xi);
  free(st);
  free(hf);
  free(idx);
  hop_jobs_free(q);
  scratch_free(ws, threads);
  gsl_rng_free(r);
  return status;
}

/* All trials; writes retrieval_trials.csv and fills res->cells. */
static int run_trials(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  size_t n_cells = cf->sizes.n * cf->n_alpha * cf->flips.n;
  res->max_trials = trials_of(cf, cf->sizes.v[0]); /* the smallest N has the most trials */
  res->cells = calloc(n_cells, sizeof *res->cells);
  if (!res->cells) return HOP_RAISE(HOP_ENOMEM, "%zu cells", n_cells);
  for (size_t ni = 0; ni < cf->sizes.n; ni++)
    for (size_t k = 0; k < cf->n_alpha * cf->flips.n; k++) {
      cell *c = &res->cells[ni * cf->n_alpha * cf->flips.n + k];
      long trials = trials_of(cf, cf->sizes.v[ni]);
      c->frac = malloc((size_t)trials * MAX_LIST * sizeof *c->frac);
      c->mover = malloc((size_t)trials * sizeof *c->mover);
      if (!c->frac || !c->mover) return HOP_RAISE(HOP_ENOMEM, "per-trial results");
    }
  int threads = 1;
#ifdef _OPENMP
  threads = omp_get_max_threads();
#endif
  hop_file *ftrial = hop_file_open(cli->out, "retrieval_trials.csv", NULL);
  if (!ftrial) return hop_error_code();
  hop_file_printf(ftrial, "N,alpha,P,flip,trial");
  for (size_t k = 0; k < cf->thr.n; k++) hop_file_printf(ftrial, ",frac_m%g", cf->thr.v[k]);
  hop_file_printf(ftrial, ",mean_overlap,mean_sweeps,unconverged\n");
  size_t total = 0;
  for (size_t ni = 0; ni < cf->sizes.n; ni++) {
    double n = cf->sizes.v[ni];
    for (size_t ai = 0; ai < cf->n_alpha; ai++)
      total += (size_t)trials_of(cf, n) * (size_t)ceil(alpha_at(cf, ai) * n * n * n / 1e6);
  }
  hop_progress prog;
  hop_progress_start(&prog, stderr, "capacity", total);
  int status = HOP_OK;
  for (size_t ni = 0; ni < cf->sizes.n && !status; ni++)
    status = trials_of_size(cli, cf, res, ni, threads, ftrial, &prog);
  hop_progress_end(&prog);
  return hop_file_finish(&ftrial, 1, status);
}

/* ---- stage 3: the aggregated curves (retrieval.csv) ------------------------------- */

static int write_retrieval(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_file *fr = hop_file_open(cli->out, "retrieval.csv", NULL);
  double *buf = malloc((size_t)res->max_trials * sizeof *buf);
  if (!fr || !buf) {
    hop_file_discard(fr);
    free(buf);
    return fr ? HOP_RAISE(HOP_ENOMEM, "retrieval buffer") : hop_error_code();
  }
  hop_file_printf(fr, "N,alpha,P,flip,trials,starts");
  for (size_t h = 0; h < cf->thr.n; h++)
    hop_file_printf(fr, ",frac_m%g,se_m%g", cf->thr.v[h], cf->thr.v[h]);
  hop_file_printf(fr, ",mean_overlap,se_overlap,mean_sweeps,unconverged\n");
  for (size_t fi = 0; fi < cf->flips.n; fi++)
    for (size_t ni = 0; ni < cf->sizes.n; ni++)
      for (size_t ai = 0; ai < cf->n_alpha; ai++) {
        const cell *c = cell_at(res, cf, ni, ai, fi);
        double m, se;
        hop_file_printf(fr, "%g,%.4f,%zu,%g,%ld,%ld", cf->sizes.v[ni],
                        (double)c->p / cf->sizes.v[ni], c->p, cf->flips.v[fi], c->trials,
                        c->starts);
        for (size_t h = 0; h < cf->thr.n; h++) {
          mean_se(c->frac + h, MAX_LIST, c->trials, buf, &m, &se);
          hop_file_printf(fr, ",%.6f,%.6f", m, se);
        }
        mean_se(c->mover, 1, c->trials, buf, &m, &se);
        hop_file_printf(fr, ",%.6f,%.6f,%.4f,%ld\n", m, se, c->sweeps / (double)c->starts,
                        c->unconverged);
      }
  free(buf);
  return hop_file_close(fr);
}

/* ---- stage 4: capacity estimates (alpha50.csv, alpha_c.csv; claims C1) ------------- */

/* alpha_50 of every N and the fits of one (threshold, flip); rows into fa and fc. */
static void estimate_one(const config *cf, const results *res, size_t h, size_t fi, double *x,
                         double *curve, double *buf, double *a50, double *fit, double *fit_se,
                         double *cross, hop_file *fa, hop_file *fc) {
  size_t n_sizes = cf->sizes.n, n_alpha = cf->n_alpha;
  double fx[MAX_LIST], se;
  for (size_t ni = 0; ni < n_sizes; ni++) {
    for (size_t ai = 0; ai < n_alpha; ai++) {
      const cell *c = cell_at(res, cf, ni, ai, fi);
      x[ai] = alpha_at(cf, ai);
      mean_se(c->frac + h, MAX_LIST, c->trials, buf, &curve[ni * n_alpha + ai], &se);
    }
    a50[ni] = hop_math_crossing_down(x, curve + ni * n_alpha, n_alpha, 0.5);
    hop_file_printf(fa, "%g,%g,%g,%.5f\n", cf->thr.v[h], cf->flips.v[fi], cf->sizes.v[ni], a50[ni]);
    fx[ni] = pow(cf->sizes.v[ni], -cf->fit_exponent);
  }
  hop_math_fit ft; /* over the sizes where alpha_50 was found */
  hop_math_linear_fit(fx, a50, n_sizes, 3, &ft);
  *cross = NAN;
  if (n_sizes >= 2)
    *cross = hop_math_curve_crossing(x, curve + (n_sizes - 1) * n_alpha,
                                     curve + (n_sizes - 2) * n_alpha, n_alpha, a50[n_sizes - 1]);
  hop_file_printf(fc, "%g,%g,%zu,%.5f,%.5f,%.5f,%.5f,%g,%g,%.5f,%g\n", cf->thr.v[h],
                  cf->flips.v[fi], ft.n, ft.a, ft.se_a, ft.b, *cross,
                  n_sizes >= 2 ? cf->sizes.v[n_sizes - 2] : NAN, cf->sizes.v[n_sizes - 1],
                  a50[n_sizes - 1], cf->fit_exponent);
  *fit = ft.a;
  *fit_se = ft.se_a;
}

static void claims_c1(const config *cf, const capacity_estimates *e, hop_claims *cl) {
  char d[512], m[256], pv[64], tol[32];
  size_t n_sizes = cf->sizes.n;
  double nl = cf->sizes.v[n_sizes - 1];
  snprintf(tol, sizeof tol, "%g", ALPHA_C_TOL);
  snprintf(pv, sizeof pv, "%g", ALPHA_C_PAPER);
  snprintf(
      d, sizeof d,
      "classical Hebbian network: load at which half the stored patterns are "
      "retrieved (overlap >= %g from the pattern itself) at finite N = %g (the paper states only "
      "the N -> infinity value)",
      cf->thr.v[0], nl);
  snprintf(m, sizeof m, "%.4f", e->a50_largest);
  hop_claims_add(cl, "C1-finite", d, "-", m, "-", "beyond paper");
  snprintf(d, sizeof d,
           "the same, extrapolated to N -> infinity by alpha_50(N) = a + b N^-%g over "
           "N = %s",
           cf->fit_exponent, cf->sizes.text);
  snprintf(m, sizeof m, "%.4f +- %.4f", e->fit, e->fit_se);
  hop_claims_add(cl, "C1", d, pv, m, tol, hop_claims_verdict(e->fit, ALPHA_C_PAPER, ALPHA_C_TOL));
  snprintf(d, sizeof d,
           "finite-size curves cross near alpha_c: where the N = %g curve falls below "
           "the N = %g curve",
           nl, n_sizes >= 2 ? cf->sizes.v[n_sizes - 2] : NAN);
  snprintf(m, sizeof m, "%.4f", e->cross);
  hop_claims_add(cl, "C1-cross", d, pv, m, tol,
                 hop_claims_verdict(e->cross, ALPHA_C_PAPER, ALPHA_C_TOL));
  snprintf(d, sizeof d, "strict criterion: half-retrieval load with overlap >= 0.99 at N = %g", nl);
  snprintf(m, sizeof m, "%.4f", e->a50_99);
  hop_claims_add(cl, "C1-0.99", d, "-", m, "-", "beyond paper");
  if (!isnan(e->flip_noisy)) {
    snprintf(d, sizeof d, "half-retrieval load from starts with %g of the bits flipped at N = %g",
             e->flip_noisy, nl);
    snprintf(m, sizeof m, "%.4f", e->a50_flip);
    hop_claims_add(cl, "C1-noisy", d, "-", m, "-", "beyond paper");
  }
}

static int estimate_capacity(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  capacity_estimates *e = &res->est;
  size_t n_sizes = cf->sizes.n, n_alpha = cf->n_alpha, prim_flip = 0;
  *e = (capacity_estimates){NAN, NAN, NAN, NAN, NAN, NAN, NAN};
  for (size_t fi = 0; fi < cf->flips.n; fi++)
    if (cf->flips.v[fi] == 0.0) prim_flip = fi;
  double *xs = malloc(n_alpha * sizeof *xs), *curve = malloc(n_sizes * n_alpha * sizeof *curve);
  double *buf = malloc((size_t)res->max_trials * sizeof *buf), a50[MAX_LIST];
  hop_file *fa = hop_file_open(cli->out, "alpha50.csv", "threshold,flip,N,alpha50");
  hop_file *fc = hop_file_open(cli->out, "alpha_c.csv",
                               "threshold,flip,sizes_fitted,alpha_inf,alpha_inf_se,slope,"
                               "crossing,N_small,N_large,alpha50_largest,exponent");
  int status = !xs || !curve || !buf ? HOP_RAISE(HOP_ENOMEM, "capacity estimates")
               : !fa || !fc          ? hop_error_code()
                                     : 0;
  for (size_t h = 0; h < cf->thr.n && !status; h++)
    for (size_t fi = 0; fi < cf->flips.n; fi++) {
      double fit, fit_se, cross;
      estimate_one(cf, res, h, fi, xs, curve, buf, a50, &fit, &fit_se, &cross, fa, fc);
      if (h == 0 && fi == prim_flip) {
        e->a50_largest = a50[n_sizes - 1];
        e->fit = fit;
        e->fit_se = fit_se;
        e->cross = cross;
      }
      if (cf->thr.v[h] == 0.99 && fi == prim_flip) e->a50_99 = a50[n_sizes - 1];
      if (h == 0 && fi != prim_flip && isnan(e->flip_noisy)) {
        e->a50_flip = a50[n_sizes - 1];
        e->flip_noisy = cf->flips.v[fi];
      }
    }
  free(xs);
  free(curve);
  free(buf);
  if ((status = hop_file_finish((hop_file *[]){fa, fc}, 2, status))) return status;
  claims_c1(cf, e, x->claims);
  return HOP_OK;
}

/* ---- stage 5: synchronous vs asynchronous (sync.csv; claims C2, C6) ---------------- */

typedef struct {
  long async_rises, async_sweeps, violations, converged, sync_runs, sync_erise, sync_lrise,
      sync_cap, sync_fixed, sync_cycle;
  double best_cycle, best_cycle_alpha, best_cycle_n, best_cycle_flip;
} sync_totals;

static void claims_c2_c6(const sync_totals *s, hop_claims *cl) {
  char d[512], m[256];
  snprintf(d, sizeof d,
           "same fixed points: converged asynchronous end states that are not fixed "
           "under the synchronous rule (s_i h_i < 0)");
  snprintf(m, sizeof m, "%ld of %ld", s->violations, s->converged);
  hop_claims_add(cl, "C2-fixed", d, "0", m, "0",
                 s->violations == 0 && s->converged > 0 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d,
           "synchronous updates can fall into 2-cycles: largest fraction of "
           "synchronous runs ending in a 2-cycle (N = %g, alpha = %.2f, flip %g); "
           "cycles longer than 2 or unfinished runs: %ld",
           s->best_cycle_n, s->best_cycle_alpha, s->best_cycle_flip, s->sync_cap);
  snprintf(m, sizeof m, "%.3f (%ld 2-cycles, %ld fixed points in %ld runs)", s->best_cycle,
           s->sync_cycle, s->sync_fixed, s->sync_runs);
  hop_claims_add(cl, "C2-cycles", d, "> 0 (qualitative)", m, "-",
                 s->best_cycle > 0 && s->sync_cap == 0 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d,
           "energy monotone only for asynchronous updates: synchronous runs in which "
           "E rose at some step (the two-step function L rose in %ld)",
           s->sync_lrise);
  snprintf(m, sizeof m, "%ld of %ld", s->sync_erise, s->sync_runs);
  hop_claims_add(cl, "C2-energy", d, "> 0 (qualitative)", m, "-",
                 s->sync_erise > 0 && s->sync_lrise == 0 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d,
           "asynchronous energy never increases: sweeps after which E was higher, "
           "over every run of the experiment");
  snprintf(m, sizeof m, "%ld of %ld", s->async_rises, s->async_sweeps);
  hop_claims_add(cl, "C6", d, "0", m, "0",
                 s->async_rises == 0 && s->async_sweeps > 0 ? "reproduced" : "not reproduced");
}

static int write_sync(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_file *fs = hop_file_open(cli->out, "sync.csv",
                               "N,alpha,P,flip,runs,frac_fixed,frac_cycle2,frac_cap,"
                               "frac_energy_rise,frac_lyapunov_rise,frac_same_fixed_point");
  if (!fs) return hop_error_code();
  sync_totals s = {
      .best_cycle = -1.0, .best_cycle_alpha = NAN, .best_cycle_n = NAN, .best_cycle_flip = NAN};
  for (size_t ni = 0; ni < cf->sizes.n; ni++)
    for (size_t fi = 0; fi < cf->flips.n; fi++)
      for (size_t ai = 0; ai < cf->n_alpha; ai++) {
        const cell *c = cell_at(res, cf, ni, ai, fi);
        s.async_rises += c->rises;
        s.async_sweeps += c->async_sweeps;
        s.violations += c->violations;
        s.converged += c->converged;
        if (!c->sync_runs) continue;
        double runs = (double)c->sync_runs;
        hop_file_printf(fs, "%g,%.4f,%zu,%g,%ld,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", cf->sizes.v[ni],
                        (double)c->p / cf->sizes.v[ni], c->p, cf->flips.v[fi], c->sync_runs,
                        c->sync_fixed / runs, c->sync_cycle2 / runs, c->sync_cap / runs,
                        c->sync_erise / runs, c->sync_lrise / runs, c->sync_same / runs);
        s.sync_runs += c->sync_runs;
        s.sync_erise += c->sync_erise;
        s.sync_lrise += c->sync_lrise;
        s.sync_cap += c->sync_cap;
        s.sync_fixed += c->sync_fixed;
        s.sync_cycle += c->sync_cycle2;
        if (c->sync_cycle2 / runs > s.best_cycle) {
          s.best_cycle = c->sync_cycle2 / runs;
          s.best_cycle_alpha = (double)c->p / cf->sizes.v[ni];
          s.best_cycle_n = cf->sizes.v[ni];
          s.best_cycle_flip = cf->flips.v[fi];
        }
      }
  int status = hop_file_close(fs);
  if (!status) claims_c2_c6(&s, x->claims);
  return status;
}

/* ---- stage 6: energy traces (energy_traces.csv) ------------------------------------ */

static int energy_traces(hop_exp *x) {
  const hop_cli *cli = &x->cli;
  hop_file *ft = hop_file_open(cli->out, "energy_traces.csv", "alpha,rule,t,energy");
  if (!ft) return hop_error_code();
  return hop_file_finish(&ft, 1, write_traces(x->cfg, cli->seed, ft));
}

static void results_free(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  if (res->cells)
    for (size_t k = 0; k < cf->sizes.n * cf->n_alpha * cf->flips.n; k++) {
      free(res->cells[k].frac);
      free(res->cells[k].mover);
    }
  free(res->cells);
}

static void report(hop_exp *x) {
  const config *cf = x->cfg;
  const capacity_estimates *e = &((results *)x->res)->est;
  fprintf(
      stderr,
      "capacity: alpha_50(N=%g) = %.4f, extrapolated %.4f +- %.4f, crossing %.4f; results in %s\n",
      cf->sizes.v[cf->sizes.n - 1], e->a50_largest, e->fit, e->fit_se, e->cross, x->cli.out);
}

/* The stages, in order; each names itself in an error. */
static const hop_exp_stage stages[] = {{"trials", run_trials},
                                       {"retrieval.csv", write_retrieval},
                                       {"capacity estimates", estimate_capacity},
                                       {"sync.csv", write_sync},
                                       {"energy traces", energy_traces}};

int main(int argc, char **argv) {
  config cf;
  hop_opt opts[] = {
      {"sizes", HOP_OPT_INTS, &cf.sizes, 10, 10000, "network sizes N (increasing)", DEF_SIZES,
       .quick = "100,200,300", .paper = "100,200,500,1000,2000,5000"},
      {"alpha-min", HOP_OPT_DOUBLE, &cf.alpha_min, 1e-3, 1.0, "smallest load P/N", DEF_ALPHA_MIN,
       .quick = NULL},
      {"alpha-max", HOP_OPT_DOUBLE, &cf.alpha_max, 1e-3, 1.0, "largest load P/N", DEF_ALPHA_MAX,
       .quick = NULL},
      {"alpha-step", HOP_OPT_DOUBLE, &cf.alpha_step, 1e-4, 1.0, "load step", DEF_ALPHA_STEP,
       .quick = "0.02"},
      {"flips", HOP_OPT_LIST, &cf.flips, 0.0, 0.5, "fractions of bits flipped in the starts",
       DEF_FLIPS, .quick = NULL},
      {"thresholds", HOP_OPT_LIST, &cf.thr, 0.01, 1.0,
       "overlaps counted as retrieval (first: primary)", "0.9,0.95,0.99", .quick = NULL},
      {"budget", HOP_OPT_INT, &cf.budget, 1, 1e9, "trials per N = max(min-trials, budget/N)",
       DEF_BUDGET, .quick = "900", .paper = "50000"},
      {"min-trials", HOP_OPT_INT, &cf.min_trials, 1, 1e6, "fewest trials per N", DEF_MIN_TRIALS,
       .quick = NULL},
      {"max-sweeps", HOP_OPT_INT, &cf.max_sweeps, 1, 1e6, "cap on asynchronous sweeps", "100",
       .quick = NULL},
      {"sync-sizes", HOP_OPT_LIST, &cf.sync_sizes, 10, 10000,
       "sizes with the synchronous comparison (subset of --sizes)", "100,500", .quick = "100",
       .paper = "100,500,1000"},
      {"sync-max-steps", HOP_OPT_INT, &cf.sync_max_steps, 3, 1e6, "cap on synchronous steps", "200",
       .quick = NULL},
      {"fit-exponent", HOP_OPT_DOUBLE, &cf.fit_exponent, 0.05, 3.0,
       "finite-size fit alpha_50(N) = a + b N^-e", "0.5", .quick = NULL},
      {"trace-n", HOP_OPT_INT, &cf.trace_n, 10, 4000, "N of the energy traces", "500",
       .quick = "100"},
      {"trace-flip", HOP_OPT_DOUBLE, &cf.trace_flip, 0.0, 0.5,
       "flipped fraction of the traced start", "0.3", .quick = NULL},
  };
  hop_exp_desc d = {
      HOP_EXP_DESC("capacity", 2385, opts, &cf, results, stages),
      .summary =
          "Storage capacity of the classical Hopfield network: retrieval vs load alpha = P/N,\n"
          "synchronous vs asynchronous updates, energy traces (claims C1, C2, C6).",
      .check = check,
      .report = report,
      .free = results_free,
      .work = work,
      .record_seconds = 79.3};
  return hop_exp_main(&d, argc, argv);
}

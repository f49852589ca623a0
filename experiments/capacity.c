/* capacity.c: storage capacity of the classical Hopfield network.
 *
 * Question. Where does retrieval in a Hebbian Hopfield network collapse as the load
 * alpha = P/N grows, do finite-size curves cross near alpha_c = 0.138, and how do
 * synchronous and asynchronous updates differ (fixed points, 2-cycles, energy)?
 * Claims C1, C2 and C6 of shared/specs/capacity.md; source: shared/seeds/
 * 002_9aa8d3f79c2f1813.txt (the introduction to classical, modern and simplicial
 * Hopfield networks: "capacity 0.138 N", synchronous vs asynchronous updates),
 * which cites Hopfield 1982 and Amit, Gutfreund & Sompolinsky 1985 (0.138).
 *
 * Method (lib/hop_classical.h).
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
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "hop_classical.h"
#include "hop_cli.h"
#include "hop_error.h"
#include "hop_claims.h"
#include "hop_file.h"
#include "hop_manifest.h"
#include "hop_progress.h"
#include "hop_rng.h"

#define MAX_LIST 16
#define ALPHA_C_PAPER 0.138
#define ALPHA_C_TOL 0.01

typedef struct {
  double sizes[MAX_LIST];      /* N values */
  size_t n_sizes;
  double flips[MAX_LIST];      /* flipped fractions of the starts */
  size_t n_flips;
  double thr[MAX_LIST];        /* overlap thresholds, thr[0] primary */
  size_t n_thr;
  double sync_sizes[MAX_LIST]; /* N values with the synchronous comparison */
  size_t n_sync;
  double alpha_min, alpha_max, alpha_step;
  long budget, min_trials, max_sweeps, sync_max_steps, trace_n;
  double fit_exponent, trace_flip;
} config;

/* Results of one start. */
typedef struct {
  double m;          /* final overlap with the pattern (async) */
  int sweeps;        /* async sweeps run */
  int converged;     /* async reached a fixed point */
  int rises;         /* async sweeps after which E was higher (must stay 0) */
  int violations;    /* async end state not a fixed point of sgn(h) although converged */
  int sync_end;      /* 0 fixed point, 2 two-cycle, -1 step cap */
  int sync_rise;     /* E rose at some synchronous step */
  int sync_lrise;    /* L rose at some synchronous step (must stay 0) */
  int same;          /* sync fixed point == async fixed point */
} start_result;

/* Per-thread scratch, allocated once per N. */
typedef struct {
  float *s, *h;       /* (n) async state and its fields */
  float *a, *b, *c;   /* (n) synchronous states t-1, t, t+1 (rotated) */
  float *hs;          /* (n) synchronous fields */
  size_t *order;      /* (n) async update order */
  gsl_rng *r;         /* re-seeded per start */
} scratch;

static uint64_t key(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e) {
  return hop_rng_derive(hop_rng_derive(hop_rng_derive(hop_rng_derive(a, b), c), d), e);
}

static int in_list(const double *v, size_t n, double x) {
  for (size_t i = 0; i < n; i++)
    if (v[i] == x) return 1;
  return 0;
}

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
  size_t p;                      /* patterns stored */
  long trials, starts;
  double fs[MAX_LIST], fss[MAX_LIST]; /* sum and sum of squares of per-trial fractions */
  double ms, mss;                /* same for the per-trial mean overlap */
  double sweeps;                 /* total async sweeps */
  long unconverged, rises, async_sweeps, violations, converged;
  long sync_runs, sync_fixed, sync_cycle2, sync_cap, sync_erise, sync_lrise, sync_same;
} cell;

static double mean_of(double s, long n) { return n ? s / (double)n : NAN; }
static double se_of(double s, double ss, long n) {
  if (n < 2) return 0.0;
  double m = s / (double)n, v = (ss - (double)n * m * m) / (double)(n - 1);
  return v > 0 ? sqrt(v / (double)n) : 0.0;
}

/* First downward crossing of 1/2 by frac over x (n points), linearly interpolated. */
static double crossing_half(const double *x, const double *frac, size_t n) {
  for (size_t i = 0; i + 1 < n; i++)
    if (frac[i] >= 0.5 && frac[i + 1] < 0.5)
      return x[i] + (frac[i] - 0.5) / (frac[i] - frac[i + 1]) * (x[i + 1] - x[i]);
  return NAN;
}

/* Where the curve of the larger N (fl) falls below that of the smaller N (fs): the
 * downward sign change of fl - fs nearest to near. */
static double curve_crossing(const double *x, const double *fl, const double *fs, size_t n,
                             double near) {
  double best = NAN;
  for (size_t i = 0; i + 1 < n; i++) {
    double d0 = fl[i] - fs[i], d1 = fl[i + 1] - fs[i + 1];
    if (d0 > 0 && d1 < 0) {
      double c = x[i] + d0 / (d0 - d1) * (x[i + 1] - x[i]);
      if (isnan(best) || fabs(c - near) < fabs(best - near)) best = c;
    }
  }
  return best;
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

static int fail(const char *what) {
  fprintf(stderr, "capacity: %s: %s\n", what, hop_error_message());
  return 1;
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
    hop_rng_reseed(w->r, seed, key(n, 7000 + (uint64_t)a, 0, 0, 0));
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
          hop_file_printf(f, "%.2f,async,%.6f,%.6f\n", alphas[a], (double)k + (double)(u + 1) / (double)n,
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

int main(int argc, char **argv) {
  gsl_set_error_handler_off(); /* GSL errors come back as statuses, never abort */
  config cf = {.alpha_min = 0.05, .alpha_max = 0.25, .alpha_step = 0.01, .budget = 10000,
               .min_trials = 3, .max_sweeps = 100, .sync_max_steps = 200, .trace_n = 500,
               .fit_exponent = 0.5, .trace_flip = 0.3};
  const char *sizes = "100,200,500,1000,2000", *flips = "0,0.1", *thresholds = "0.9,0.95,0.99",
             *sync_sizes = "100,500";
  hop_opt opts[] = {
      {"sizes", HOP_OPT_STRING, &sizes, 0, 0, "network sizes N (comma list)", 0, ""},
      {"alpha-min", HOP_OPT_DOUBLE, &cf.alpha_min, 1e-3, 1.0, "smallest load P/N", 0, ""},
      {"alpha-max", HOP_OPT_DOUBLE, &cf.alpha_max, 1e-3, 1.0, "largest load P/N", 0, ""},
      {"alpha-step", HOP_OPT_DOUBLE, &cf.alpha_step, 1e-4, 1.0, "load step", 0, ""},
      {"flips", HOP_OPT_STRING, &flips, 0, 0, "fractions of bits flipped in the starts", 0, ""},
      {"thresholds", HOP_OPT_STRING, &thresholds, 0, 0,
       "overlaps counted as retrieval (first: primary)", 0, ""},
      {"budget", HOP_OPT_INT, &cf.budget, 1, 1e9, "trials per N = max(min-trials, budget/N)", 0, ""},
      {"min-trials", HOP_OPT_INT, &cf.min_trials, 1, 1e6, "fewest trials per N", 0, ""},
      {"max-sweeps", HOP_OPT_INT, &cf.max_sweeps, 1, 1e6, "cap on asynchronous sweeps", 0, ""},
      {"sync-sizes", HOP_OPT_STRING, &sync_sizes, 0, 0,
       "sizes with the synchronous comparison (subset of --sizes)", 0, ""},
      {"sync-max-steps", HOP_OPT_INT, &cf.sync_max_steps, 3, 1e6, "cap on synchronous steps", 0, ""},
      {"fit-exponent", HOP_OPT_DOUBLE, &cf.fit_exponent, 0.05, 3.0,
       "finite-size fit alpha_50(N) = a + b N^-e", 0, ""},
      {"trace-n", HOP_OPT_INT, &cf.trace_n, 10, 4000, "N of the energy traces", 0, ""},
      {"trace-flip", HOP_OPT_DOUBLE, &cf.trace_flip, 0.0, 0.5, "flipped fraction of the traced start", 0, ""},
  };
  size_t nopts = sizeof opts / sizeof opts[0];
  hop_cli cli;
  hop_cli_init(&cli, "capacity",
               "Storage capacity of the classical Hopfield network: retrieval vs load alpha = P/N,\n"
               "synchronous vs asynchronous updates, energy traces (claims C1, C2, C6).",
               2385);
  int rc = hop_cli_main(&cli, argc, argv, opts, nopts);
  if (rc >= 0) return rc;
  if (cli.quick) { /* seconds: used by tests and CI; explicit options still win */
    if (!opts[0].set) sizes = "100,200,300";
    if (!opts[3].set) cf.alpha_step = 0.02;
    if (!opts[6].set) cf.budget = 900;
    if (!opts[9].set) sync_sizes = "100";
    if (!opts[12].set) cf.trace_n = 100;
  }
  if (!(cf.n_sizes = hop_cli_list(sizes, "sizes", 10, 4000, cf.sizes, MAX_LIST)) ||
      !(cf.n_flips = hop_cli_list(flips, "flips", 0.0, 0.5, cf.flips, MAX_LIST)) ||
      !(cf.n_thr = hop_cli_list(thresholds, "thresholds", 0.01, 1.0, cf.thr, MAX_LIST)) ||
      !(cf.n_sync = hop_cli_list(sync_sizes, "sync-sizes", 10, 4000, cf.sync_sizes, MAX_LIST))) {
    fprintf(stderr, "capacity: %s\n", hop_error_message());
    return 2;
  }
  for (size_t i = 0; i < cf.n_sizes; i++)
    if (cf.sizes[i] != floor(cf.sizes[i]) || (i && cf.sizes[i] <= cf.sizes[i - 1])) {
      fprintf(stderr, "capacity: option --sizes: whole numbers in increasing order\n");
      return 2;
    }
  if (cf.alpha_max < cf.alpha_min) {
    fprintf(stderr, "capacity: option --alpha-max: %g is below --alpha-min %g\n", cf.alpha_max,
            cf.alpha_min);
    return 2;
  }
  size_t n_alpha = (size_t)floor((cf.alpha_max - cf.alpha_min) / cf.alpha_step + 1e-9) + 1;
  if (n_alpha > 2000) {
    fprintf(stderr, "capacity: option --alpha-step: %zu loads is too many\n", n_alpha);
    return 2;
  }
  for (size_t i = 0; i < cf.n_sizes; i++) {
    double pn = (cf.alpha_min + (double)(n_alpha - 1) * cf.alpha_step) * cf.sizes[i] * cf.sizes[i];
    if (pn >= 16777216.0) {
      fprintf(stderr, "capacity: option --sizes: N = %g at alpha %g exceeds P N < 2^24 (exact "
                      "fields)\n", cf.sizes[i], cf.alpha_max);
      return 2;
    }
  }
  size_t n_flips = cf.n_flips, n_thr = cf.n_thr, n_sizes = cf.n_sizes;
  int threads = 1;
#ifdef _OPENMP
  threads = omp_get_max_threads();
#endif

  /* ---- the retrieval experiment ---- */
  cell *cells = calloc(n_sizes * n_alpha * n_flips, sizeof *cells);
  if (!cells) return fail("allocation");
  hop_file *ftrial = hop_file_open(cli.out, "retrieval_trials.csv", NULL);
  if (!ftrial) return fail("output");
  hop_file_printf(ftrial, "N,alpha,P,flip,trial");
  for (size_t k = 0; k < n_thr; k++) hop_file_printf(ftrial, ",frac_m%g", cf.thr[k]);
  hop_file_printf(ftrial, ",mean_overlap,mean_sweeps,unconverged\n");

  size_t total = 0;
  for (size_t ni = 0; ni < n_sizes; ni++) {
    double n = cf.sizes[ni];
    long trials = (long)ceil((double)cf.budget / n);
    trials = trials > cf.min_trials ? trials : cf.min_trials;
    for (size_t ai = 0; ai < n_alpha; ai++)
      total += (size_t)trials * (size_t)ceil((cf.alpha_min + (double)ai * cf.alpha_step) * n * n * n / 1e6);
  }
  hop_progress prog;
  hop_progress_start(&prog, stderr, "capacity", total);
  for (size_t ni = 0; ni < n_sizes; ni++) {
    size_t n = (size_t)cf.sizes[ni];
    long trials = (long)ceil((double)cf.budget / (double)n);
    trials = trials > cf.min_trials ? trials : cf.min_trials;
    int do_sync = in_list(cf.sync_sizes, cf.n_sync, (double)n);
    size_t pmax = (size_t)lround((cf.alpha_min + (double)(n_alpha - 1) * cf.alpha_step) * (double)n);
    pmax = pmax ? pmax : 1;
    hop_classical *net = hop_classical_alloc(n);
    float *xi = malloc(pmax * n * sizeof *xi), *st = malloc(pmax * n * sizeof *st);
    float *hf = malloc(pmax * n * sizeof *hf);
    size_t *idx = malloc(2 * n * sizeof *idx);
    start_result *res = malloc(pmax * sizeof *res);
    scratch *ws = scratch_alloc(n, threads, cli.seed);
    gsl_rng *r = hop_rng_alloc(cli.seed, 0);
    if (!net || !xi || !st || !hf || !idx || !res || !ws || !r) {
      hop_file_discard(ftrial);
      return fail("allocation");
    }
    for (size_t ai = 0; ai < n_alpha; ai++) {
      double alpha = cf.alpha_min + (double)ai * cf.alpha_step;
      size_t p = (size_t)lround(alpha * (double)n);
      p = p ? p : 1;
      for (long t = 0; t < trials; t++) {
        hop_rng_reseed(r, cli.seed, key(n, ai, (uint64_t)t, UINT64_MAX, 0));
        hop_rng_pm1(r, xi, p * n);
        if (hop_classical_store(net, xi, p)) {
          hop_file_discard(ftrial);
          return fail("store");
        }
        for (size_t fi = 0; fi < n_flips; fi++) {
          cell *c = &cells[(ni * n_alpha + ai) * n_flips + fi];
          hop_rng_reseed(r, cli.seed, key(n, ai, (uint64_t)t, UINT64_MAX - 1, fi));
          memcpy(st, xi, p * n * sizeof *st);
          size_t k = (size_t)lround(cf.flips[fi] * (double)n);
          for (size_t mu = 0; mu < p; mu++) random_flips(r, st + mu * n, n, k, idx, idx + n);
          hop_classical_fields(net, st, p, hf);
#pragma omp parallel for schedule(dynamic, 1)
          for (size_t mu = 0; mu < p; mu++) {
            int th = 0;
#ifdef _OPENMP
            th = omp_get_thread_num();
#endif
            scratch *w = &ws[th];
            hop_rng_reseed(w->r, cli.seed, key(n, ai, (uint64_t)t, fi, mu));
            memcpy(w->s, st + mu * n, n * sizeof *w->s);
            memcpy(w->h, hf + mu * n, n * sizeof *w->h);
            run_async(net, w, cf.max_sweeps, &res[mu]);
            res[mu].m = hop_classical_overlap(w->s, xi + mu * n, n);
            res[mu].sync_end = 0;
            if (do_sync) run_sync(net, w, st + mu * n, hf + mu * n, cf.sync_max_steps, &res[mu]);
          }
          /* reduce in a fixed order */
          double frac[MAX_LIST] = {0}, msum = 0.0, swsum = 0.0;
          long unconv = 0;
          for (size_t mu = 0; mu < p; mu++) {
            const start_result *q = &res[mu];
            for (size_t h = 0; h < n_thr; h++) frac[h] += q->m >= cf.thr[h] - 1e-12;
            msum += q->m;
            swsum += q->sweeps;
            unconv += !q->converged;
            c->rises += q->rises;
            c->async_sweeps += q->sweeps;
            c->violations += q->violations;
            c->converged += q->converged;
            if (do_sync) {
              c->sync_runs++;
              c->sync_fixed += q->sync_end == 0;
              c->sync_cycle2 += q->sync_end == 2;
              c->sync_cap += q->sync_end == -1;
              c->sync_erise += q->sync_rise;
              c->sync_lrise += q->sync_lrise;
              c->sync_same += q->same;
            }
          }
          hop_file_printf(ftrial, "%zu,%.4f,%zu,%g,%ld", n, (double)p / (double)n, p, cf.flips[fi], t);
          for (size_t h = 0; h < n_thr; h++) {
            frac[h] /= (double)p;
            c->fs[h] += frac[h];
            c->fss[h] += frac[h] * frac[h];
            hop_file_printf(ftrial, ",%.6f", frac[h]);
          }
          double mm = msum / (double)p;
          hop_file_printf(ftrial, ",%.6f,%.4f,%ld\n", mm, swsum / (double)p, unconv);
          c->p = p;
          c->trials++;
          c->starts += (long)p;
          c->ms += mm;
          c->mss += mm * mm;
          c->sweeps += swsum;
          c->unconverged += unconv;
        }
        hop_progress_add(&prog, (size_t)ceil(alpha * (double)n * (double)n * (double)n / 1e6));
      }
    }
    hop_classical_free(net);
    free(xi);
    free(st);
    free(hf);
    free(idx);
    free(res);
    scratch_free(ws, threads);
    gsl_rng_free(r);
  }
  hop_progress_end(&prog);
  if (hop_file_close(ftrial)) return fail("output");

  /* ---- aggregated curves ---- */
  hop_file *fr = hop_file_open(cli.out, "retrieval.csv", NULL);
  if (!fr) return fail("output");
  hop_file_printf(fr, "N,alpha,P,flip,trials,starts");
  for (size_t h = 0; h < n_thr; h++) hop_file_printf(fr, ",frac_m%g,se_m%g", cf.thr[h], cf.thr[h]);
  hop_file_printf(fr, ",mean_overlap,se_overlap,mean_sweeps,unconverged\n");
  for (size_t fi = 0; fi < n_flips; fi++)
    for (size_t ni = 0; ni < n_sizes; ni++)
      for (size_t ai = 0; ai < n_alpha; ai++) {
        const cell *c = &cells[(ni * n_alpha + ai) * n_flips + fi];
        hop_file_printf(fr, "%g,%.4f,%zu,%g,%ld,%ld", cf.sizes[ni], (double)c->p / cf.sizes[ni], c->p,
                        cf.flips[fi], c->trials, c->starts);
        for (size_t h = 0; h < n_thr; h++)
          hop_file_printf(fr, ",%.6f,%.6f", mean_of(c->fs[h], c->trials),
                          se_of(c->fs[h], c->fss[h], c->trials));
        hop_file_printf(fr, ",%.6f,%.6f,%.4f,%ld\n", mean_of(c->ms, c->trials),
                        se_of(c->ms, c->mss, c->trials), c->sweeps / (double)c->starts,
                        c->unconverged);
      }
  if (hop_file_close(fr)) return fail("output");

  /* ---- capacity estimates ---- */
  double *x = malloc(n_alpha * sizeof *x), *curve = malloc(n_sizes * n_alpha * sizeof *curve);
  double a50[MAX_LIST];
  double prim_a50_largest = NAN, prim_fit = NAN, prim_fit_se = NAN, prim_cross = NAN,
         a50_99 = NAN, a50_flip = NAN, flip_noisy = NAN;
  size_t prim_flip = 0;
  for (size_t fi = 0; fi < n_flips; fi++)
    if (cf.flips[fi] == 0.0) prim_flip = fi;
  hop_file *fa = hop_file_open(cli.out, "alpha50.csv", "threshold,flip,N,alpha50");
  hop_file *fc = hop_file_open(cli.out, "alpha_c.csv",
                               "threshold,flip,sizes_fitted,alpha_inf,alpha_inf_se,slope,"
                               "crossing,N_small,N_large,alpha50_largest,exponent");
  if (!x || !curve || !fa || !fc) return fail("output");
  for (size_t h = 0; h < n_thr; h++)
    for (size_t fi = 0; fi < n_flips; fi++) {
      double fx[MAX_LIST], fy[MAX_LIST];
      size_t nf = 0;
      for (size_t ni = 0; ni < n_sizes; ni++) {
        for (size_t ai = 0; ai < n_alpha; ai++) {
          const cell *c = &cells[(ni * n_alpha + ai) * n_flips + fi];
          x[ai] = cf.alpha_min + (double)ai * cf.alpha_step;
          curve[ni * n_alpha + ai] = mean_of(c->fs[h], c->trials);
        }
        a50[ni] = crossing_half(x, curve + ni * n_alpha, n_alpha);
        hop_file_printf(fa, "%g,%g,%g,%.5f\n", cf.thr[h], cf.flips[fi], cf.sizes[ni], a50[ni]);
        if (!isnan(a50[ni])) {
          fx[nf] = pow(cf.sizes[ni], -cf.fit_exponent);
          fy[nf++] = a50[ni];
        }
      }
      double c0 = NAN, c1 = NAN, cov00 = NAN, cov01, cov11, sumsq;
      if (nf >= 3) gsl_fit_linear(fx, 1, fy, 1, nf, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
      double cross = NAN;
      if (n_sizes >= 2)
        cross = curve_crossing(x, curve + (n_sizes - 1) * n_alpha, curve + (n_sizes - 2) * n_alpha,
                               n_alpha, a50[n_sizes - 1]);
      hop_file_printf(fc, "%g,%g,%zu,%.5f,%.5f,%.5f,%.5f,%g,%g,%.5f,%g\n", cf.thr[h], cf.flips[fi],
                      nf, c0, sqrt(cov00), c1, cross, n_sizes >= 2 ? cf.sizes[n_sizes - 2] : NAN,
                      cf.sizes[n_sizes - 1], a50[n_sizes - 1], cf.fit_exponent);
      if (h == 0 && fi == prim_flip) {
        prim_a50_largest = a50[n_sizes - 1];
        prim_fit = c0;
        prim_fit_se = sqrt(cov00);
        prim_cross = cross;
      }
      if (cf.thr[h] == 0.99 && fi == prim_flip) a50_99 = a50[n_sizes - 1];
      if (h == 0 && fi != prim_flip && isnan(flip_noisy)) {
        a50_flip = a50[n_sizes - 1];
        flip_noisy = cf.flips[fi];
      }
    }
  if (hop_file_close(fa) || hop_file_close(fc)) return fail("output");

  /* ---- synchronous vs asynchronous ---- */
  hop_file *fs = hop_file_open(cli.out, "sync.csv",
                               "N,alpha,P,flip,runs,frac_fixed,frac_cycle2,frac_cap,"
                               "frac_energy_rise,frac_lyapunov_rise,frac_same_fixed_point");
  if (!fs) return fail("output");
  long async_rises = 0, async_sweeps = 0, violations = 0, converged = 0, sync_runs = 0,
       sync_erise = 0, sync_lrise = 0, sync_cap = 0, sync_fixed = 0, sync_cycle = 0;
  double best_cycle = -1.0, best_cycle_alpha = NAN, best_cycle_n = NAN, best_cycle_flip = NAN;
  for (size_t ni = 0; ni < n_sizes; ni++)
    for (size_t fi = 0; fi < n_flips; fi++)
      for (size_t ai = 0; ai < n_alpha; ai++) {
        const cell *c = &cells[(ni * n_alpha + ai) * n_flips + fi];
        async_rises += c->rises;
        async_sweeps += c->async_sweeps;
        violations += c->violations;
        converged += c->converged;
        if (!c->sync_runs) continue;
        double runs = (double)c->sync_runs;
        hop_file_printf(fs, "%g,%.4f,%zu,%g,%ld,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", cf.sizes[ni],
                        (double)c->p / cf.sizes[ni], c->p, cf.flips[fi], c->sync_runs,
                        c->sync_fixed / runs, c->sync_cycle2 / runs, c->sync_cap / runs,
                        c->sync_erise / runs, c->sync_lrise / runs, c->sync_same / runs);
        sync_runs += c->sync_runs;
        sync_erise += c->sync_erise;
        sync_lrise += c->sync_lrise;
        sync_cap += c->sync_cap;
        sync_fixed += c->sync_fixed;
        sync_cycle += c->sync_cycle2;
        if (c->sync_cycle2 / runs > best_cycle) {
          best_cycle = c->sync_cycle2 / runs;
          best_cycle_alpha = (double)c->p / cf.sizes[ni];
          best_cycle_n = cf.sizes[ni];
          best_cycle_flip = cf.flips[fi];
        }
      }
  if (hop_file_close(fs)) return fail("output");

  hop_file *ft = hop_file_open(cli.out, "energy_traces.csv", "alpha,rule,t,energy");
  if (!ft || write_traces(&cf, cli.seed, ft) || hop_file_close(ft)) return fail("energy traces");

  /* ---- claims ---- */
  hop_claims *cl = hop_claims_new("capacity");
  char d[512], m[256], pv[64], tol[32];
  double nl = cf.sizes[n_sizes - 1];
  snprintf(tol, sizeof tol, "%g", ALPHA_C_TOL);
  snprintf(pv, sizeof pv, "%g", ALPHA_C_PAPER);
  snprintf(d, sizeof d, "classical Hebbian network: load at which half the stored patterns are "
                        "retrieved (overlap >= %g from the pattern itself) at finite N = %g (the paper states only "
                        "the N -> infinity value)", cf.thr[0], nl);
  snprintf(m, sizeof m, "%.4f", prim_a50_largest);
  hop_claims_add(cl, "C1-finite", d, "-", m, "-", "beyond paper");
  snprintf(d, sizeof d, "the same, extrapolated to N -> infinity by alpha_50(N) = a + b N^-%g over "
                        "N = %s", cf.fit_exponent, sizes);
  snprintf(m, sizeof m, "%.4f +- %.4f", prim_fit, prim_fit_se);
  hop_claims_add(cl, "C1", d, pv, m, tol, hop_claims_verdict(prim_fit, ALPHA_C_PAPER, ALPHA_C_TOL));
  snprintf(d, sizeof d, "finite-size curves cross near alpha_c: where the N = %g curve falls below "
                        "the N = %g curve", nl, n_sizes >= 2 ? cf.sizes[n_sizes - 2] : NAN);
  snprintf(m, sizeof m, "%.4f", prim_cross);
  hop_claims_add(cl, "C1-cross", d, pv, m, tol, hop_claims_verdict(prim_cross, ALPHA_C_PAPER, ALPHA_C_TOL));
  snprintf(d, sizeof d, "strict criterion: half-retrieval load with overlap >= 0.99 at N = %g", nl);
  snprintf(m, sizeof m, "%.4f", a50_99);
  hop_claims_add(cl, "C1-0.99", d, "-", m, "-", "beyond paper");
  if (!isnan(flip_noisy)) {
    snprintf(d, sizeof d, "half-retrieval load from starts with %g of the bits flipped at N = %g",
             flip_noisy, nl);
    snprintf(m, sizeof m, "%.4f", a50_flip);
    hop_claims_add(cl, "C1-noisy", d, "-", m, "-", "beyond paper");
  }
  snprintf(d, sizeof d, "same fixed points: converged asynchronous end states that are not fixed "
                        "under the synchronous rule (s_i h_i < 0)");
  snprintf(m, sizeof m, "%ld of %ld", violations, converged);
  hop_claims_add(cl, "C2-fixed", d, "0", m, "0", violations == 0 && converged > 0 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "synchronous updates can fall into 2-cycles: largest fraction of "
                        "synchronous runs ending in a 2-cycle (N = %g, alpha = %.2f, flip %g); "
                        "cycles longer than 2 or unfinished runs: %ld", best_cycle_n,
           best_cycle_alpha, best_cycle_flip, sync_cap);
  snprintf(m, sizeof m, "%.3f (%ld 2-cycles, %ld fixed points in %ld runs)", best_cycle,
           sync_cycle, sync_fixed, sync_runs);
  hop_claims_add(cl, "C2-cycles", d, "> 0 (qualitative)", m, "-",
                 best_cycle > 0 && sync_cap == 0 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "energy monotone only for asynchronous updates: synchronous runs in which "
                        "E rose at some step (the two-step function L rose in %ld)", sync_lrise);
  snprintf(m, sizeof m, "%ld of %ld", sync_erise, sync_runs);
  hop_claims_add(cl, "C2-energy", d, "> 0 (qualitative)", m, "-",
                 sync_erise > 0 && sync_lrise == 0 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "asynchronous energy never increases: sweeps after which E was higher, "
                        "over every run of the experiment");
  snprintf(m, sizeof m, "%ld of %ld", async_rises, async_sweeps);
  hop_claims_add(cl, "C6", d, "0", m, "0", async_rises == 0 && async_sweeps > 0 ? "reproduced" : "not reproduced");
  if (hop_claims_write(cl, cli.out)) return fail("claims");
  hop_claims_free(cl);
  free(x);
  free(curve);
  free(cells);
  if (hop_manifest_write(&cli, NULL, 0)) return fail("manifest");
  fprintf(stderr, "capacity: alpha_50(N=%g) = %.4f, extrapolated %.4f +- %.4f, crossing %.4f; "
                  "results in %s\n", nl, prim_a50_largest, prim_fit, prim_fit_se, prim_cross, cli.out);
  return 0;
}

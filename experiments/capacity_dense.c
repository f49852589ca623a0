/* SPDX-License-Identifier: GPL-3.0-or-later */
/* capacity_dense.c: storage capacity of dense, exponential and simplicial Hopfield
 * networks (claims C3, C4, C5 and C6 for these models; part 2 of `capacity`).
 *
 * Question: does the capacity of a dense associative memory with F(x) = x^n grow like
 * N^(n-1) (Krotov & Hopfield, "Dense Associative Memory for Pattern Recognition", NeurIPS
 * 2016, arXiv:1606.01164), exponentially with F = exp (Demircigil, Heusel, Loewe, Upgang
 * & Vermet, "On a model of associative memory with huge storage capacity", J. Stat. Phys.
 * 168:288, 2017, arXiv:1702.01929; the "2^(N/2)" of the source, J. El Khoury, "New
 * research in Hopfield Networks: A short intro", blog post, 2023), and does a simplicial
 * network store more than the pairwise one at an equal number of weights (Burns & Fukai,
 * "Simplicial Hopfield networks", ICLR 2023, arXiv:2305.05179)?
 *
 * Models (lib/memory/hop_dam.h, hop_simplicial.h): +-1 neurons, P random patterns.
 *   dense   E = -sum_mu F(xi^mu . s); s_i <- sgn(sum_mu [F(a_mu + xi_i^mu) - F(a_mu - xi_i^mu)]),
 *           a_mu = xi^mu . s - xi_i^mu s_i (Krotov & Hopfield, Eq. 3 and Sec. 2)
 *   simplicial  E = -sum_{sigma in K} w(sigma) s_sigma, w(sigma) = (1/N) sum_mu prod_{i in sigma} xi_i^mu
 *           (the same 1/N for every order: our choice, the paper's text was not available)
 * Protocol (as the classical part): start from a stored pattern with round(f N) bits
 * flipped (f = 0 and 0.1), asynchronous sweeps in a fresh random order to a fixed point
 * (or --max-sweeps); retrieved when the overlap with the pattern is >= the threshold
 * (0.9, 0.95, 0.99; primary 0.99). Per (model, N, f) the load P grows geometrically;
 * at each P, --trials sets of patterns; in each, the first min(P, --samples) patterns
 * give the fraction retrieved, and every pattern is tried while all have been retrieved
 * ("all retrieved": the no-error capacity). Capacities: P_half where the mean fraction
 * falls through 1/2, P_all where the fraction of trials with every pattern retrieved
 * falls through 1/2 (both interpolated linearly in P).
 * Theory: Krotov & Hopfield's no-error capacity K = N^(n-1) / (2 (2n-3)!! ln N), so a
 * log-log slope of P_all over small N falls short of n - 1 unless the ln N is put back:
 * fitted on P and on P ln N. Exponential: Demircigil et al. retrieve exp(alpha N)
 * patterns from rho N flipped bits when alpha < I(1 - 2 rho)/2, I(x) = ((1+x) ln(1+x) +
 * (1-x) ln(1-x))/2; rho -> 0 gives ln 2 / 2 (2^(N/2)). Fit ln P = a + b N. With
 * --exp0-max-n (default 12, 16 under --scale paper) the sizes up to it also start from
 * the stored pattern itself (rho = 0), where the bound is ln 2 / 2 exactly (claim
 * C4-rho0). Those loads run far past the capacity before retrieval fails (the last load
 * was 10,512, 27,276 and 125,351 at N = 12, 14, 16 here, about e^(0.62 N); the estimate
 * uses this), so larger N is left out: N = 20 would pass --p-max 10^6. At these N we
 * think P_all is set by near-duplicates (two of P patterns within one flip of each other,
 * expected P^2 (N + 1) / 2^(N+1) times: 0.46 at N = 12, P = 17), not by the bound.
 * Rectified F = x^3 (x >= 0, else 0; --rect-sizes): the same search and fits as x^3,
 * against x^3's law (claims C3-rect-half, C3-rect-all).
 * Simplicial: N = 100 and C(N,2) = 4950 weights split over edges, triangles and
 * tetrahedra (random subsets), and a diluted budget of 2475 edges or triangles. Two
 * readings of the weights per order (--sx-norms): 1/N for every order (the source's
 * formula, ours by default), or each order k scaled by 1/sqrt(d_k), d_k its simplices per
 * neuron, so that every order adds the same crosstalk variance to the field. Only mixes of
 * more than one order differ (a common factor leaves sgn(h) alone), so the second reading
 * runs those alone: claims C5-edges+triangles-variance and C5-thirds-variance.
 * Outputs (results/capacity_dense/): dense_retrieval.csv, dense_capacity.csv,
 * dense_fits.csv (the rectified x^3's rows last), simplicial.csv, simplicial_capacity.csv,
 * simplicial_norms.csv, energy.csv, claims.csv, manifest.txt. Command: bin/capacity_dense [--quick] [--seed N] [--threads N] (--help). */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hop_claims.h"
#include "hop_exp.h"
#include "hop_dam.h"
#include "hop_error.h"
#include "hop_file.h"
#include "hop_jobs.h"
#include "hop_math.h"
#include "hop_progress.h"
#include "hop_rng.h"
#include "hop_simplicial.h"

/* This program's random streams (the last argument of hop_rng_key; the values are part
 * of the results of record). */
enum {
  RNG_DENSE = 0x301,       /* patterns, flips and orders of one trial */
  RNG_COMPLEX = 0x302,     /* the random simplicial complex of one seed */
  RNG_DENSE_TRACE = 0x303, /* the traced start of each model */
};

enum { N_THR = 3, MAX_POINTS = 400, N_MIXES = 7 };
static const double thresholds[N_THR] = {0.9, 0.95, 0.99}; /* the classical part's; primary last */

typedef struct {
  hop_cli_numbers orders, sizes[3], exp_sizes, flips, exp_flips, rect_sizes;
  hop_cli_names sx_norms;
  long trials, samples, max_sweeps, p_max, sx_n, sx_seeds, exp0_max_n;
  double growth;
} config;

typedef struct {
  hop_progress prog;
} results;

/* The readings of the weights per order (--sx-norms; hop_simplicial.h): 1/N for every
 * order, or each order scaled to the same field variance. Only mixes of more than one
 * order differ, so the readings after the first run those mixes alone. */
static const char *const norm_names[] = {"uniform", "variance", NULL};
static const int multi_order[] = {1, 3}; /* edges+triangles, thirds */
enum { N_MULTI = 2 };

static size_t sx_job_count(const config *cf) {
  size_t per = cf->flips.n * (size_t)cf->sx_seeds;
  return (N_MIXES + N_MULTI * (cf->sx_norms.n - 1)) * per;
}

/* A start: pattern mu with k random bits flipped, run to a fixed point; returns the
 * overlap with the pattern. */
typedef struct {
  size_t n;
  signed char *s, *xi;
  size_t *order, *pick;
  gsl_rng *r;
} scratch;

/* Scratch for starts of n neurons and up to cap patterns, with its own generator. */
static scratch scratch_new(size_t n, size_t cap) {
  return (scratch){n,
                   malloc(n),
                   malloc(cap * n),
                   malloc(n * sizeof(size_t)),
                   malloc(n * sizeof(size_t)),
                   gsl_rng_alloc(gsl_rng_mt19937)};
}
static int scratch_ok(const scratch *w) { return w->s && w->xi && w->order && w->pick && w->r; }
static void scratch_free(scratch *w) {
  free(w->s), free(w->xi), free(w->order), free(w->pick), gsl_rng_free(w->r);
}

static void start_state(scratch *w, const signed char *pattern, size_t k) {
  memcpy(w->s, pattern, w->n);
  for (size_t i = 0; i < w->n; i++) w->order[i] = i;
  gsl_ran_choose(w->r, w->pick, k, w->order, w->n, sizeof *w->order);
  for (size_t q = 0; q < k; q++) w->s[w->pick[q]] = (signed char)-w->s[w->pick[q]];
}

/* ---- dense and exponential: retrieval against P -------------------------------- */
typedef struct {
  hop_dam_f f;
  size_t n;
  double flip;
  int part; /* 0: C3 (x^n), 1: C4 (exp) */
  /* results */
  size_t points;
  double p[MAX_POINTS], frac[MAX_POINTS][N_THR], all[MAX_POINTS][N_THR];
  double cap_half[N_THR], cap_all[N_THR];
  int capped; /* the grid reached --p-max before the fraction fell */
} dense_job;

typedef struct {
  const config *cf;
  results *res;
  unsigned long seed;
} shared;

/* One trial: fraction retrieved over the sampled patterns, and whether all were. */
static int dense_trial(const dense_job *j, const config *cf, hop_dam *d, scratch *w, size_t p,
                       double *frac, int *all) {
  size_t n = j->n, k = (size_t)lround(j->flip * (double)n),
         tested = p < (size_t)cf->samples ? p : (size_t)cf->samples;
  int st = hop_dam_store(d, w->xi, p);
  if (st) return st;
  for (int t = 0; t < N_THR; t++) frac[t] = 0.0, all[t] = 1;
  for (size_t mu = 0; mu < p; mu++) {
    int any_all = 0;
    for (int t = 0; t < N_THR; t++) any_all |= all[t];
    if (mu >= tested && !any_all) break; /* every "all" already failed: nothing left to learn */
    start_state(w, w->xi + mu * n, k);
    if ((st = hop_dam_set_state(d, w->s))) return st;
    for (long sw = 0; sw < cf->max_sweeps; sw++) {
      gsl_ran_shuffle(w->r, w->order, n, sizeof *w->order);
      if (!hop_dam_async_sweep(d, w->order)) break;
    }
    double m = hop_math_overlap_pm1(hop_dam_state(d), w->xi + mu * n, n);
    for (int t = 0; t < N_THR; t++) {
      int ok = m >= thresholds[t] - 1e-12;
      if (mu < tested) frac[t] += ok / (double)tested;
      all[t] &= ok;
    }
  }
  return HOP_OK;
}

static int run_dense(void *job, size_t index, int thread, void *ctx) {
  (void)index, (void)thread;
  dense_job *j = job;
  const shared *c = ctx;
  const config *cf = c->cf;
  size_t n = j->n, pmax = (size_t)cf->p_max;
  scratch w = scratch_new(n, pmax);
  hop_dam *d = hop_dam_alloc(n, pmax, j->f);
  int st = d ? HOP_OK : hop_error_code();
  if (!st && !scratch_ok(&w)) st = HOP_RAISE(HOP_ENOMEM, "dense: out of memory");
  uint64_t model = (uint64_t)j->f.kind * 16 + (uint64_t)j->f.n;
  int low = 0;
  for (size_t p = 1; p <= pmax && j->points < MAX_POINTS && !st && low < 2;) {
    double frac[N_THR], all[N_THR] = {0};
    double fsum[N_THR] = {0};
    for (long t = 0; t < cf->trials && !st; t++) {
      int a[N_THR];
      double fr[N_THR];
      hop_rng_reseed(w.r, c->seed,
                     hop_rng_key(model * 100000 + n, p * 1000 + (uint64_t)lround(j->flip * 100),
                                 (uint64_t)t, RNG_DENSE));
      for (size_t q = 0; q < p * n; q++) w.xi[q] = gsl_rng_uniform(w.r) < 0.5 ? -1 : 1;
      st = dense_trial(j, cf, d, &w, p, fr, a);
      for (int q = 0; q < N_THR; q++) fsum[q] += fr[q], all[q] += a[q];
    }
    for (int q = 0; q < N_THR; q++)
      frac[q] = fsum[q] / (double)cf->trials, all[q] /= (double)cf->trials;
    j->p[j->points] = (double)p;
    memcpy(j->frac[j->points], frac, sizeof frac);
    memcpy(j->all[j->points], all, sizeof all);
    j->points++;
    low = frac[N_THR - 1] < 0.1 && all[N_THR - 1] == 0 ? low + 1 : 0;
    size_t next = (size_t)ceil((double)p * cf->growth);
    p = next > p ? next : p + 1;
  }
  j->capped = low < 2;
  for (int q = 0; q < N_THR && !st; q++) {
    double fr[MAX_POINTS], al[MAX_POINTS];
    for (size_t k = 0; k < j->points; k++) fr[k] = j->frac[k][q], al[k] = j->all[k][q];
    j->cap_half[q] = hop_math_crossing_down(j->p, fr, j->points, 0.5);
    j->cap_all[q] = hop_math_crossing_down(j->p, al, j->points, 0.5);
  }
  hop_progress_add(&c->res->prog, 1);
  hop_dam_free(d), scratch_free(&w);
  return st;
}

static double entropy_i(double x) { /* (1 - x) ln(1 - x) -> 0 as x -> 1 (rho = 0) */
  return 0.5 * ((1 + x) * log1p(x) + (x < 1 ? (1 - x) * log1p(-x) : 0));
}

/* 1 when the exponential network's size N also runs from the stored pattern (rho = 0). */
static int exp0(const config *cf, double n) { return n <= (double)cf->exp0_max_n; }

static size_t exp0_count(const config *cf) {
  size_t k = 0;
  for (size_t s = 0; s < cf->exp_sizes.n; s++) k += exp0(cf, cf->exp_sizes.v[s]);
  return k;
}

/* The rectified x^3 network's jobs (--rect-sizes), one per size and flip. */
static size_t rect_count(const config *cf) { return cf->rect_sizes.n * cf->flips.n; }

/* The dense jobs: every order n at its sizes and flips, then the exponential network,
 * then its rho = 0 runs (--exp0-max-n), then the rectified x^3 (--rect-sizes). */
static hop_jobs *dense_queue(const config *cf) {
  size_t total = cf->exp_sizes.n * cf->exp_flips.n + exp0_count(cf) + rect_count(cf);
  for (size_t o = 0; o < cf->orders.n; o++)
    total += cf->sizes[(int)cf->orders.v[o] - 2].n * cf->flips.n;
  hop_jobs *q = hop_jobs_new(total, sizeof(dense_job));
  int st = q ? HOP_OK : hop_error_code();
  for (size_t o = 0; o < cf->orders.n && !st; o++) {
    int n = (int)cf->orders.v[o];
    for (size_t s = 0; s < cf->sizes[n - 2].n && !st; s++)
      for (size_t fl = 0; fl < cf->flips.n && !st; fl++)
        st = hop_jobs_push(q, &(dense_job){.f = {HOP_DAM_POLY, n},
                                           .n = (size_t)cf->sizes[n - 2].v[s],
                                           .flip = cf->flips.v[fl]});
  }
  for (size_t s = 0; s < cf->exp_sizes.n && !st; s++)
    for (size_t fl = 0; fl < cf->exp_flips.n && !st; fl++)
      st = hop_jobs_push(q, &(dense_job){.f = {HOP_DAM_EXP, 0},
                                         .n = (size_t)cf->exp_sizes.v[s],
                                         .flip = cf->exp_flips.v[fl],
                                         .part = 1});
  for (size_t s = 0; s < cf->exp_sizes.n && !st; s++)
    if (exp0(cf, cf->exp_sizes.v[s]))
      st = hop_jobs_push(
          q, &(dense_job){
                 .f = {HOP_DAM_EXP, 0}, .n = (size_t)cf->exp_sizes.v[s], .flip = 0, .part = 1});
  for (size_t s = 0; s < cf->rect_sizes.n && !st; s++)
    for (size_t fl = 0; fl < cf->flips.n && !st; fl++)
      st = hop_jobs_push(q, &(dense_job){.f = {HOP_DAM_RECT, 3},
                                         .n = (size_t)cf->rect_sizes.v[s],
                                         .flip = cf->flips.v[fl]});
  if (st) hop_jobs_free(q);
  return st ? NULL : q;
}

/* dense_retrieval.csv and dense_capacity.csv rows of every job. */
static void write_dense_rows(const config *cf, hop_jobs *q, hop_file *fr, hop_file *fc) {
  for (size_t k = 0; k < hop_jobs_count(q); k++) {
    const dense_job *j = hop_jobs_at(q, k);
    const char *name = hop_dam_f_name(j->f);
    for (size_t pt = 0; pt < j->points; pt++)
      hop_file_printf(fr, "%s,%zu,%g,%.0f,%ld,%.4f,%.4f,%.4f,%.3f,%.3f,%.3f\n", name, j->n, j->flip,
                      j->p[pt], cf->trials, j->frac[pt][0], j->frac[pt][1], j->frac[pt][2],
                      j->all[pt][0], j->all[pt][1], j->all[pt][2]);
    double law = j->f.kind != HOP_DAM_EXP
                     ? pow((double)j->n, j->f.n - 1) /
                           (2 * hop_math_double_factorial(2 * j->f.n - 3) * log((double)j->n))
                     : NAN;
    for (int t = 0; t < N_THR; t++)
      hop_file_printf(fc, "%s,%zu,%g,%g,%.4g,%.4g,%d,%.4g\n", name, j->n, j->flip, thresholds[t],
                      j->cap_half[t], j->cap_all[t], j->capped, law);
  }
}

/* C3 at order n: the slopes of P_half and of P_all ln N (v = 0, 2) against n - 1. */
static void claims_c3(hop_exp *x, int n, const double *slope, const double *err) {
  const config *cf = x->cfg;
  char id[32], desc[400];
  for (int v = 0; v < 3; v += 2) {
    double tol = fmax(2 * err[v], 0.1 * (n - 1));
    snprintf(id, sizeof id, "C3-n%d-%s", n, v ? "all" : "half");
    snprintf(desc, sizeof desc,
             "dense F = x^%d: log-log slope of %s against N (%s, starts at the stored patterns, "
             "overlap >= 0.99, N = %s)",
             n,
             v ? "P ln N at the no-error capacity P_all (Krotov & Hopfield's law "
                 "N^(n-1) / (2 (2n-3)!! ln N))"
               : "the capacity P_half (half the patterns retrieved)",
             v ? "fitted on P ln N" : "fitted on P", cf->sizes[n - 2].text);
    hop_claims_addf(x->claims, id, desc,
                    n == 2   ? "1 (n - 1)"
                    : n == 3 ? "2 (n - 1)"
                             : "3 (n - 1)",
                    "max(2 SE, 10 % of n - 1)", hop_claims_verdict(slope[v], n - 1, tol),
                    "%.3f +- %.3f (on P alone: %.3f +- %.3f)", slope[v], err[v],
                    v ? slope[1] : slope[0], v ? err[1] : err[0]);
  }
}

/* C3 for the rectified x^3 (--rect-sizes): the slope of P_half against n - 1 = 2, the
 * law of x^3, with its capacity against x^3's at the largest size both ran. */
static void claim_c3_rect(hop_exp *x, hop_jobs *q, const double *slope, const double *err) {
  const config *cf = x->cfg;
  double n_both = 0, rect = NAN, poly = NAN;
  for (size_t k = 0; k < hop_jobs_count(q); k++) {
    const dense_job *j = hop_jobs_at(q, k);
    if (j->f.kind != HOP_DAM_RECT || j->flip != 0.0 || (double)j->n <= n_both) continue;
    for (size_t l = 0; l < hop_jobs_count(q); l++) {
      const dense_job *o = hop_jobs_at(q, l);
      if (o->f.kind == HOP_DAM_POLY && o->f.n == 3 && o->flip == 0.0 && o->n == j->n)
        n_both = (double)j->n, rect = j->cap_half[N_THR - 1], poly = o->cap_half[N_THR - 1];
    }
  }
  char desc[400];
  for (int v = 0; v < 3; v += 2) {
    snprintf(desc, sizeof desc,
             "rectified F = x^3 for x >= 0, else 0: log-log slope of %s against N (starts at the "
             "stored patterns, overlap >= 0.99, N = %s), against the law of x^3",
             v ? "P ln N at the no-error capacity P_all" : "the capacity P_half",
             cf->rect_sizes.text);
    hop_claims_addf(x->claims, v ? "C3-rect-all" : "C3-rect-half", desc, "2 (n - 1)",
                    "max(2 SE, 10 % of n - 1)",
                    hop_claims_verdict(slope[v], 2, fmax(2 * err[v], 0.2)),
                    "%.3f +- %.3f; P_half %.4g against x^3's %.4g at N = %.0f", slope[v], err[v],
                    rect, poly, n_both);
  }
}

/* C3: log-log slopes of P_half, P_all and P_all ln N of one model per flip and threshold
 * (dense_fits.csv); claims at the primary threshold from the stored patterns. */
static void fits_model(hop_exp *x, hop_jobs *q, hop_file *f, hop_dam_f model) {
  const config *cf = x->cfg;
  int n = model.n;
  for (size_t fl = 0; fl < cf->flips.n; fl++)
    for (int t = 0; t < N_THR; t++) {
      double lx[64], yh[64], ya[64], yal[64], slope[3], err[3];
      size_t m = 0;
      for (size_t k = 0; k < hop_jobs_count(q) && m < 64; k++) {
        const dense_job *j = hop_jobs_at(q, k);
        if (j->f.kind != model.kind || j->f.n != n || j->flip != cf->flips.v[fl]) continue;
        lx[m] = log((double)j->n), yh[m] = log(j->cap_half[t]), ya[m] = log(j->cap_all[t]);
        yal[m] = log(j->cap_all[t] * log((double)j->n)), m++;
      }
      const char *what[3] = {"half", "all", "all"}, *on[3] = {"P", "P", "P_lnN"};
      const double *ys[3] = {yh, ya, yal};
      for (int v = 0; v < 3; v++) {
        hop_math_fit ft;
        hop_math_linear_fit(lx, ys[v], m, 2, &ft);
        slope[v] = ft.b, err[v] = ft.se_b;
        hop_file_printf(f, "%s,%g,%g,%s,%s,%.4f,%.4f,%.4f,%zu,%d\n", hop_dam_f_name(model),
                        cf->flips.v[fl], thresholds[t], what[v], on[v], ft.b, ft.se_b, ft.a, ft.n,
                        n - 1);
      }
      if (t == N_THR - 1 && cf->flips.v[fl] == 0.0)
        model.kind == HOP_DAM_POLY ? claims_c3(x, n, slope, err) : claim_c3_rect(x, q, slope, err);
    }
}

static void fits_c3(hop_exp *x, hop_jobs *q, hop_file *f) {
  const config *cf = x->cfg;
  for (size_t o = 0; o < cf->orders.n; o++)
    fits_model(x, q, f, (hop_dam_f){HOP_DAM_POLY, (int)cf->orders.v[o]});
}

/* C4: the exponential network's growth b against 2 SE, ln 2 / 2 and Demircigil et al.'s
 * bound at flip rho. */
static void claims_c4(hop_exp *x, double rho, double bound, const hop_math_fit *fh,
                      const hop_math_fit *fa) {
  const config *cf = x->cfg;
  double ba = fa->b, sea = fa->se_b;
  char desc[400];
  snprintf(
      desc, sizeof desc,
      "exponential F: ln P_all = a + b N over N = %s from %g %% flipped bits, overlap >= 0.99: "
      "capacity exponential in N (b > 2 SE)",
      cf->exp_sizes.text, 100 * rho);
  hop_claims_addf(x->claims, "C4", desc, "exponential in N", "b > 2 SE",
                  hop_claims_above(ba, 2 * sea),
                  "b = %.3f +- %.3f over %zu sizes (P_half: b = %.3f +- %.3f)", ba, sea, fa->n,
                  fh->b, fh->se_b);
  snprintf(desc, sizeof desc,
           "the same b against ln 2 / 2 = 0.347, the rho -> 0 limit of Demircigil et al.'s bound "
           "(the source's 2^(N/2))");
  hop_claims_addf(x->claims, "C4-ln2", desc, "0.347", "|b - 0.347| <= 2 SE",
                  hop_claims_within_se(ba, log(2) / 2, sea, 2), "%.3f +- %.3f", ba, sea);
  snprintf(desc, sizeof desc,
           "the same b against Demircigil et al.'s bound at rho = %g: exp(alpha N) patterns are "
           "retrievable for alpha < I(1 - 2 rho) / 2 = %.3f, so b should not fall below it",
           rho, bound);
  hop_claims_addf(x->claims, "C4-bound", desc, "b >= I(1 - 2 rho)/2", "b + 2 SE >= bound",
                  hop_claims_at_least(ba + 2 * sea, bound), "%.3f +- %.3f against %.3f", ba, sea,
                  bound);
}

/* C4 at rho = 0 (--exp0-max-n; --scale paper): starting from the stored pattern itself,
 * Demircigil et al.'s bound is ln 2 / 2, the value the source's 2^(N/2) names. */
static void claim_c4_rho0(hop_exp *x, const hop_math_fit *fa) {
  const config *cf = x->cfg;
  char desc[300];
  snprintf(desc, sizeof desc,
           "exponential F from the stored pattern itself (rho = 0), N <= %ld, overlap >= 0.99: "
           "ln P_all grows at least at Demircigil et al.'s ln 2 / 2",
           cf->exp0_max_n);
  hop_claims_addf(x->claims, "C4-rho0", desc, "b >= 0.347", "b + 2 SE >= 0.347",
                  hop_claims_at_least(fa->b + 2 * fa->se_b, log(2) / 2),
                  "%.3f +- %.3f over %zu sizes", fa->b, fa->se_b, fa->n);
}

/* C4: ln P = a + b N for the exponential network (dense_fits.csv), claims at the first
 * flip and the primary threshold. */
static void fits_c4(hop_exp *x, hop_jobs *q, hop_file *f) {
  const config *cf = x->cfg;
  size_t nfl = cf->exp_flips.n + (exp0_count(cf) > 0); /* the rho = 0 runs last */
  for (size_t fl = 0; fl < nfl; fl++)
    for (int t = 0; t < N_THR; t++) {
      double rho = fl < cf->exp_flips.n ? cf->exp_flips.v[fl] : 0;
      double nx[64], yh[64], ya[64];
      size_t m = 0;
      for (size_t k = 0; k < hop_jobs_count(q) && m < 64; k++) {
        const dense_job *j = hop_jobs_at(q, k);
        if (j->f.kind != HOP_DAM_EXP || j->flip != rho) continue;
        nx[m] = (double)j->n, yh[m] = log(j->cap_half[t]), ya[m] = log(j->cap_all[t]), m++;
      }
      double bound = entropy_i(1 - 2 * rho) / 2;
      hop_math_fit fh, fa;
      hop_math_linear_fit(nx, yh, m, 2, &fh);
      hop_file_printf(f, "exp,%g,%g,half,lnP,%.4f,%.4f,%.4f,%zu,%.4f\n", rho, thresholds[t], fh.b,
                      fh.se_b, fh.a, fh.n, bound);
      hop_math_linear_fit(nx, ya, m, 2, &fa);
      hop_file_printf(f, "exp,%g,%g,all,lnP,%.4f,%.4f,%.4f,%zu,%.4f\n", rho, thresholds[t], fa.b,
                      fa.se_b, fa.a, fa.n, bound);
      if (t == N_THR - 1 && fl == 0) claims_c4(x, rho, bound, &fh, &fa);
      if (t == N_THR - 1 && rho == 0) claim_c4_rho0(x, &fa);
    }
}

static int stage_dense(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  size_t units =
      cf->exp_sizes.n * cf->exp_flips.n + exp0_count(cf) + rect_count(cf) + sx_job_count(cf);
  for (size_t o = 0; o < cf->orders.n; o++)
    units += cf->sizes[(int)cf->orders.v[o] - 2].n * cf->flips.n;
  hop_progress_start(&res->prog, stderr, "capacity_dense", units); /* ended by stage_energy */
  hop_jobs *q = dense_queue(cf);
  hop_file *f[3] = {NULL, NULL, NULL};
  int st = q ? hop_jobs_run(q, run_dense, &(shared){cf, res, x->cli.seed}, (int)x->cli.threads)
             : hop_error_code();
  const char *out = x->cli.out;
  if (!st &&
      (!(f[0] = hop_file_open(
             out, "dense_retrieval.csv",
             "model,N,flip,P,trials,frac_0.9,frac_0.95,frac_0.99,all_0.9,all_0.95,all_0.99")) ||
       !(f[1] = hop_file_open(out, "dense_capacity.csv",
                              "model,N,flip,threshold,P_half,P_all,capped,no_error_law")) ||
       !(f[2] = hop_file_open(
             out, "dense_fits.csv",
             "model,flip,threshold,measure,fit,slope,slope_se,intercept,points,reference"))))
    st = hop_error_code();
  if (!st) write_dense_rows(cf, q, f[0], f[1]), fits_c3(x, q, f[2]), fits_c4(x, q, f[2]);
  if (!st && rect_count(cf)) fits_model(x, q, f[2], (hop_dam_f){HOP_DAM_RECT, 3});
  st = hop_file_finish(f, 3, st);
  hop_jobs_free(q);
  return st;
}

/* ---- C5: simplicial against pairwise at equal weights ---------------------------- */
static const char *const mix_names[N_MIXES] = {
    "pairwise",   "edges+triangles", "triangles",        "thirds",
    "tetrahedra", "diluted-edges",   "diluted-triangles"};
/* fractions of the budget per order; the diluted mixes have half the budget */
static const double mix_parts[N_MIXES][3] = {
    {1, 0, 0}, {0.5, 0.5, 0}, {0, 1, 0},  {1.0 / 3, 1.0 / 3, 1.0 / 3},
    {0, 0, 1}, {0.5, 0, 0},   {0, 0.5, 0}};

typedef struct {
  int mix, seed, norm;
  double flip;
  /* results */
  double cap_half[N_THR], cap_all[N_THR];
  size_t points;
} sx_job;

static int run_simplicial(void *job, size_t index, int thread, void *ctx) {
  (void)index, (void)thread;
  sx_job *j = job;
  const shared *c = ctx;
  const config *cf = c->cf;
  size_t n = (size_t)cf->sx_n, budget = n * (n - 1) / 2, counts[3], pcap = 4 * n;
  for (int k = 0; k < 3; k++) counts[k] = (size_t)lround(mix_parts[j->mix][k] * (double)budget);
  gsl_rng *cr =
      hop_rng_alloc(c->seed, hop_rng_key((uint64_t)j->mix, (uint64_t)j->seed, 0, RNG_COMPLEX));
  hop_simplicial *net = cr ? hop_simplicial_alloc(n, counts, cr) : NULL;
  scratch w = scratch_new(n, pcap);
  int st = net ? HOP_OK : hop_error_code();
  if (net && j->norm == 1) hop_simplicial_equalise(net);
  if (!st && !scratch_ok(&w)) st = HOP_RAISE(HOP_ENOMEM, "simplicial: out of memory");
  double ps[MAX_POINTS], fr[N_THR][MAX_POINTS], al[N_THR][MAX_POINTS];
  int low = 0;
  size_t k = (size_t)lround(j->flip * (double)n);
  for (size_t p = 1; p <= pcap && j->points < MAX_POINTS && !st && low < 3; p++) {
    hop_rng_reseed(w.r, c->seed,
                   hop_rng_key((uint64_t)j->mix * 1000 + (uint64_t)j->seed, p,
                               (uint64_t)lround(j->flip * 100), RNG_DENSE));
    for (size_t q = 0; q < p * n; q++) w.xi[q] = gsl_rng_uniform(w.r) < 0.5 ? -1 : 1;
    if ((st = hop_simplicial_store(net, w.xi, p))) break;
    double frac[N_THR] = {0};
    int all[N_THR] = {1, 1, 1};
    for (size_t mu = 0; mu < p; mu++) {
      start_state(&w, w.xi + mu * n, k);
      for (long sw = 0; sw < cf->max_sweeps; sw++) {
        gsl_ran_shuffle(w.r, w.order, n, sizeof *w.order);
        if (!hop_simplicial_async_sweep(net, w.s, w.order)) break;
      }
      double m = hop_math_overlap_pm1(w.s, w.xi + mu * n, n);
      for (int t = 0; t < N_THR; t++) {
        int ok = m >= thresholds[t] - 1e-12;
        frac[t] += ok / (double)p;
        all[t] &= ok;
      }
    }
    ps[j->points] = (double)p;
    for (int t = 0; t < N_THR; t++) fr[t][j->points] = frac[t], al[t][j->points] = all[t];
    j->points++;
    low = frac[N_THR - 1] < 0.1 ? low + 1 : 0;
  }
  for (int t = 0; t < N_THR && !st; t++) {
    j->cap_half[t] = hop_math_crossing_down(ps, fr[t], j->points, 0.5);
    j->cap_all[t] = 0; /* the largest P up to which every P had all patterns retrieved */
    for (size_t q = 0; q < j->points && al[t][q]; q++) j->cap_all[t] = ps[q];
  }
  hop_progress_add(&c->res->prog, 1);
  hop_simplicial_free(net), gsl_rng_free(cr), scratch_free(&w);
  return st;
}

/* The capacities P_half at the primary threshold and flip 0 of one mix and reading, one a
 * seed, from the job list (the first reading: every mix; the others: multi_order). */
static const sx_job *sx_at(const config *cf, hop_jobs *q, int mix, int norm, size_t fl, size_t s) {
  size_t nf = cf->flips.n, ns = (size_t)cf->sx_seeds, at = ((size_t)mix * nf + fl) * ns + s;
  if (norm > 0) {
    int m = mix == multi_order[0] ? 0 : 1;
    at = N_MIXES * nf * ns + (((size_t)(norm - 1) * N_MULTI + (size_t)m) * nf + fl) * ns + s;
  }
  return hop_jobs_at(q, at);
}

/* C5 of one mix under one reading: paired over the seeds against the pairwise network
 * with the same budget (the diluted triangles against the diluted edges), from flip 0. */
static void claim_c5(hop_exp *x, hop_jobs *q, int m, int norm, size_t fl) {
  const config *cf = x->cfg;
  size_t ns = (size_t)cf->sx_seeds, n = (size_t)cf->sx_n, budget = n * (n - 1) / 2;
  int ref = m == 6 ? 5 : 0;
  double diff[64] = {0}, h[64] = {0}, r[64] = {0}, md, sd, mh, sh, mr, sr;
  for (size_t s = 0; s < ns; s++) {
    h[s] = sx_at(cf, q, m, norm, fl, s)->cap_half[N_THR - 1];
    r[s] = sx_at(cf, q, ref, 0, fl, s)->cap_half[N_THR - 1], diff[s] = h[s] - r[s];
  }
  hop_math_mean_sd(diff, ns, &md, &sd);
  hop_math_mean_sd(h, ns, &mh, &sh);
  hop_math_mean_sd(r, ns, &mr, &sr);
  double se = ns > 1 ? sd / sqrt((double)ns) : INFINITY,
         weights = round((mix_parts[m][0] + mix_parts[m][1] + mix_parts[m][2]) * budget);
  char id[48], desc[500], reading[80] = "";
  int which = cf->sx_norms.v[norm]; /* today's 1/N keeps the ids of record */
  snprintf(id, sizeof id, "C5-%s%s%s", m == 6 ? "diluted" : mix_names[m], which ? "-" : "",
           which ? norm_names[which] : "");
  if (which == 1) snprintf(reading, sizeof reading, ", each order scaled to equal field variance");
  snprintf(desc, sizeof desc,
           "simplicial, N = %zu, %s (%.0f weights%s): capacity P_half (overlap >= 0.99, starts "
           "at the stored patterns) against %s with as many weights; %zu seeds, paired",
           n, mix_names[m], weights, reading,
           ref ? "random edges" : "the pairwise network (all edges)", ns);
  hop_claims_addf(x->claims, id, desc, "simplicial stores more at equal weights (Burns & Fukai)",
                  "ratio > 1 by more than 2 SE", md > 2 * se ? "reproduced" : "not reproduced",
                  "ratio %.2f (%.2f +- %.2f against %.2f +- %.2f)", mh / mr, mh, sh, mr, sr);
}

/* simplicial.csv and simplicial_capacity.csv: every mix of the first reading. */
static void write_sx_rows(const config *cf, hop_jobs *q, hop_file *f0, hop_file *f1) {
  size_t ns = (size_t)cf->sx_seeds, nf = cf->flips.n, n = (size_t)cf->sx_n;
  double budget = (double)(n * (n - 1) / 2), base_half[HOP_CLI_LIST_MAX][N_THR],
         base_all[HOP_CLI_LIST_MAX][N_THR]; /* the pairwise network per flip */
  for (int m = 0; m < N_MIXES; m++)
    for (size_t fl = 0; fl < nf; fl++)
      for (int t = 0; t < N_THR; t++) {
        double h[64], a[64], mh, sh, ma, sa;
        for (size_t s = 0; s < ns; s++) {
          const sx_job *j = sx_at(cf, q, m, 0, fl, s);
          h[s] = j->cap_half[t], a[s] = j->cap_all[t];
          hop_file_printf(f0, "%s,%.0f,%.0f,%.0f,%g,%zu,%g,%.4g,%.0f\n", mix_names[m],
                          round(mix_parts[m][0] * budget), round(mix_parts[m][1] * budget),
                          round(mix_parts[m][2] * budget), j->flip, s, thresholds[t], h[s], a[s]);
        }
        hop_math_mean_sd(h, ns, &mh, &sh);
        hop_math_mean_sd(a, ns, &ma, &sa);
        if (m == 0) base_half[fl][t] = mh, base_all[fl][t] = ma;
        double weights = round((mix_parts[m][0] + mix_parts[m][1] + mix_parts[m][2]) * budget);
        hop_file_printf(f1, "%s,%.0f,%g,%g,%.3f,%.3f,%.2f,%.2f,%.3f,%.3f,%zu\n", mix_names[m],
                        weights, cf->flips.v[fl], thresholds[t], mh, sh, ma, sa,
                        mh / base_half[fl][t], ma / base_all[fl][t], ns);
      }
}

/* simplicial_norms.csv: the mixes of more than one order under every reading, paired
 * against the pairwise network at the primary threshold. */
static void write_norm_rows(const config *cf, hop_jobs *q, hop_file *f) {
  size_t ns = (size_t)cf->sx_seeds;
  for (size_t r = 0; r < cf->sx_norms.n; r++)
    for (int k = 0; k < N_MULTI; k++)
      for (size_t fl = 0; fl < cf->flips.n; fl++) {
        double h[64], d[64], mh, sh, md, sd, mp, sp;
        for (size_t s = 0; s < ns; s++) {
          h[s] = sx_at(cf, q, multi_order[k], (int)r, fl, s)->cap_half[N_THR - 1];
          d[s] = sx_at(cf, q, 0, 0, fl, s)->cap_half[N_THR - 1];
        }
        hop_math_mean_sd(d, ns, &mp, &sp);
        for (size_t s = 0; s < ns; s++) d[s] = h[s] - d[s];
        hop_math_mean_sd(h, ns, &mh, &sh);
        hop_math_mean_sd(d, ns, &md, &sd);
        hop_file_printf(f, "%s,%s,%g,%g,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%zu\n",
                        mix_names[multi_order[k]], norm_names[cf->sx_norms.v[r]], cf->flips.v[fl],
                        thresholds[N_THR - 1], mh, sh, mp, md, ns > 1 ? sd / sqrt((double)ns) : 0,
                        mh / mp, ns);
      }
}

static int stage_simplicial(hop_exp *x) {
  const config *cf = x->cfg;
  const hop_cli *cli = &x->cli;
  size_t ns = (size_t)cf->sx_seeds, nf = cf->flips.n;
  hop_jobs *q = hop_jobs_new(sx_job_count(cf), sizeof(sx_job));
  hop_file *f[3] = {NULL, NULL, NULL};
  int st = q ? HOP_OK : hop_error_code(), norm0 = cf->sx_norms.v[0];
  for (int m = 0; m < N_MIXES && !st; m++) /* the first reading, every mix (sx_at) */
    for (size_t fl = 0; fl < nf && !st; fl++)
      for (size_t s = 0; s < ns && !st; s++)
        st = hop_jobs_push(
            q, &(sx_job){.mix = m, .seed = (int)s, .norm = norm0, .flip = cf->flips.v[fl]});
  for (size_t r = 1; r < cf->sx_norms.n; r++) /* the others, mixes of more than one order */
    for (int k = 0; k < N_MULTI && !st; k++)
      for (size_t fl = 0; fl < nf && !st; fl++)
        for (size_t s = 0; s < ns && !st; s++)
          st = hop_jobs_push(q, &(sx_job){.mix = multi_order[k],
                                          .seed = (int)s,
                                          .norm = cf->sx_norms.v[r],
                                          .flip = cf->flips.v[fl]});
  if (!st)
    st = hop_jobs_run(q, run_simplicial, &(shared){cf, x->res, cli->seed}, (int)cli->threads);
  if (!st &&
      (!(f[0] = hop_file_open(cli->out, "simplicial.csv",
                              "mix,edges,triangles,tetrahedra,flip,seed,threshold,P_half,P_all")) ||
       !(f[1] = hop_file_open(cli->out, "simplicial_capacity.csv",
                              "mix,weights,flip,threshold,P_half_mean,P_half_sd,"
                              "P_all_mean,P_all_sd,ratio_half,ratio_all,seeds")) ||
       !(f[2] = hop_file_open(cli->out, "simplicial_norms.csv",
                              "mix,norm,flip,threshold,P_half_mean,P_half_sd,pairwise_P_half,"
                              "diff_mean,diff_se,ratio,seeds"))))
    st = hop_error_code();
  if (!st) write_sx_rows(cf, q, f[0], f[1]), write_norm_rows(cf, q, f[2]);
  for (size_t fl = 0; fl < nf && !st; fl++) {
    if (cf->flips.v[fl] != 0.0) continue;
    for (int m = 1; m < N_MIXES; m++)
      if (m != 5) claim_c5(x, q, m, 0, fl);
    for (size_t r = 1; r < cf->sx_norms.n; r++)
      for (int k = 0; k < N_MULTI; k++) claim_c5(x, q, multi_order[k], (int)r, fl);
  }
  st = hop_file_finish(f, 3, st);
  hop_jobs_free(q);
  return st;
}

/* ---- C6: energy traces of every model ------------------------------------------- */
static int stage_energy(hop_exp *x) {
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_progress_end(&res->prog);
  enum { MODELS = 6, NT = 40, SXN = 100 };
  static const hop_dam_f models[5] = {
      {HOP_DAM_POLY, 2}, {HOP_DAM_POLY, 3}, {HOP_DAM_POLY, 4}, {HOP_DAM_RECT, 3}, {HOP_DAM_EXP, 0}};
  static const size_t loads[MODELS] = {6, 60, 400, 60, 400, 30}; /* near each model's transition */
  hop_file *f = hop_file_open(cli->out, "energy.csv", "model,N,P,update,energy,normalised");
  scratch w = {0,
               malloc(SXN),
               malloc(400 * SXN),
               malloc(SXN * sizeof(size_t)),
               malloc(SXN * sizeof(size_t)),
               NULL};
  double *trace = malloc((3 * SXN + 1) * sizeof *trace);
  int st = f && w.s && w.xi && w.order && w.pick && trace ? HOP_OK
           : hop_error_code()                             ? hop_error_code()
                              : HOP_RAISE(HOP_ENOMEM, "traces: out of memory");
  double worst = -INFINITY;
  for (int md = 0; md < MODELS && !st; md++) {
    size_t n = md < 5 ? NT : SXN, p = loads[md], len = 0;
    w.n = n;
    w.r = hop_rng_alloc(cli->seed, hop_rng_key((uint64_t)md, 0, 0, RNG_DENSE_TRACE));
    for (size_t q = 0; q < p * n; q++) w.xi[q] = gsl_rng_uniform(w.r) < 0.5 ? -1 : 1;
    start_state(&w, w.xi, (size_t)lround(0.3 * (double)n));
    hop_dam *d = NULL;
    hop_simplicial *sx = NULL;
    size_t thirds[3] = {1650, 1650, 1650};
    if (md < 5) {
      if (!(d = hop_dam_alloc(n, p, models[md])) || (st = hop_dam_store(d, w.xi, p)) ||
          (st = hop_dam_set_state(d, w.s)))
        st = st ? st : hop_error_code();
    } else if (!(sx = hop_simplicial_alloc(n, thirds, w.r)) ||
               (st = hop_simplicial_store(sx, w.xi, p)))
      st = st ? st : hop_error_code();
    for (size_t u = 0; u <= 3 * n && !st; u++) { /* three sweeps of single-neuron updates */
      if (u % n == 0) gsl_ran_shuffle(w.r, w.order, n, sizeof *w.order);
      trace[len++] = d ? hop_dam_energy(d) : hop_simplicial_energy(sx, w.s);
      if (u == 3 * n) break;
      if (d)
        hop_dam_async_update(d, w.order[u % n]);
      else
        hop_simplicial_async_update(sx, w.s, w.order[u % n]);
    }
    const char *name = md < 5 ? hop_dam_f_name(models[md]) : "simplicial thirds";
    for (size_t u = 0; u < len && !st; u++) {
      double span = trace[0] - trace[len - 1];
      if (u) worst = fmax(worst, trace[u] - trace[u - 1]);
      hop_file_printf(f, "%s,%zu,%zu,%zu,%.10g,%.6f\n", name, n, p, u, trace[u],
                      span > 0 ? (trace[u] - trace[len - 1]) / span : 0.0);
    }
    hop_dam_free(d), hop_simplicial_free(sx), gsl_rng_free(w.r);
    w.r = NULL;
  }
  if (!st)
    hop_claims_addf(x->claims, "C6-dense",
                    "energy traces of the dense (x^2, x^3, x^4, rect x^3, exp) and simplicial "
                    "networks under asynchronous "
                    "updates from 30 % flipped bits: the largest rise of E between two updates",
                    "never increases", "<= 0", hop_claims_at_most(worst, 0), "%.3g", worst);
  st = hop_file_finish(&f, 1, st);
  scratch_free(&w), free(trace); /* its generator was freed with each model */
  return st;
}

/* ---- options and main -------------------------------------------------------------- */
/* What the table cannot say: exact drives, and the memory of the largest load. */
static int check(hop_exp *x) {
  const config *cf = x->cfg;
  char bad[200] = "";
  double rect_top = cf->rect_sizes.n ? cf->rect_sizes.v[cf->rect_sizes.n - 1] : 0;
  if (!*bad && 2.0 * cf->p_max * pow(rect_top, 3) >= 4.6e18)
    snprintf(bad, sizeof bad, "--rect-sizes %g and --p-max %ld: exact drives impossible", rect_top,
             cf->p_max);
  for (int k = 0; k < 3 && !*bad; k++) {
    double bound = 2.0 * cf->p_max * pow(cf->sizes[k].v[cf->sizes[k].n - 1], k + 2);
    if (bound >= 4.6e18)
      snprintf(bad, sizeof bad,
               "N = %g and --p-max %ld give 2 P N^%d = %.3g >= 2^62: exact drives impossible",
               cf->sizes[k].v[cf->sizes[k].n - 1], cf->p_max, k + 2, bound);
  }
  double mem = (double)cf->p_max * 4000.0 * 2 * (double)x->cli.threads;
  if (!*bad && hop_cli_check_memory(mem, 0.8, "--p-max (patterns of every thread)"))
    snprintf(bad, sizeof bad, "%s", hop_error_message());
  if (*bad) HOP_ERROR(HOP_EINVAL, "%s", bad);
  return HOP_OK;
}

static void report(hop_exp *x) { fprintf(stderr, "capacity_dense: results in %s\n", x->cli.out); }

/* The frame's estimate, from the options alone: per (model, N, flip), loads grow by
 * --growth until retrieval fails, a little past the no-error capacity K (the dense
 * network's N^(n-1) / (2 (2n-3)!! ln N), the exponential one's 2^(N/2)), capped at
 * --p-max; a load costs trials x (P N to store + min(P, samples) x 3 sweeps x N x P).
 * The simplicial mixes: seeds x mixes x flips x N^4 (loads up to 4 N, N^2 per update),
 * weighted so that the two stages share the default run as they did in a full run here
 * (stage seconds: dense and exponential 248.0 s, simplicial 20.3 s). */
static double load_work(const config *cf, double n, double k) {
  double pend = fmin((double)cf->p_max, 3 * k + 2), g = cf->growth * cf->growth;
  double s = fmin(pend, (double)cf->samples);
  return (double)cf->trials * (pend * n + 3 * s * n * pend) * g / (g - 1);
}

static double work(const void *c) {
  const config *cf = c;
  double w = 0, nf = (double)cf->flips.n;
  for (size_t o = 0; o < cf->orders.n; o++) {
    int d = (int)cf->orders.v[o];
    for (size_t i = 0; i < cf->sizes[d - 2].n; i++) {
      double n = cf->sizes[d - 2].v[i];
      w += nf *
           load_work(cf, n, pow(n, d - 1) / (2 * hop_math_double_factorial(2 * d - 3) * log(n)));
    }
  }
  for (size_t i = 0; i < cf->exp_sizes.n; i++)
    w +=
        (double)cf->exp_flips.n * load_work(cf, cf->exp_sizes.v[i], pow(2, cf->exp_sizes.v[i] / 2));
  for (size_t i = 0; i < cf->exp_sizes.n; i++) /* rho = 0: loads end near 10512 e^(0.62 (N-12)) */
    if (exp0(cf, cf->exp_sizes.v[i]))
      w += load_work(cf, cf->exp_sizes.v[i], 3504 * exp(0.62 * (cf->exp_sizes.v[i] - 12)));
  for (size_t i = 0; i < cf->rect_sizes.n; i++) /* the rectified x^3, at x^3's law */
    w += nf * load_work(cf, cf->rect_sizes.v[i],
                        pow(cf->rect_sizes.v[i], 2) / (2 * 3 * log(cf->rect_sizes.v[i])));
  double n = (double)cf->sx_n;
  return w + (double)sx_job_count(cf) * 0.14 * n * n * n * n;
}

/* The stages, in order; each names itself in an error. */
static const hop_exp_stage stages[] = {{"dense and exponential networks (C3, C4)", stage_dense},
                                       {"simplicial networks (C5)", stage_simplicial},
                                       {"energy traces (C6)", stage_energy}};

int main(int argc, char **argv) {
  config cf;
  hop_opt opts[] = {
      {"orders", HOP_OPT_INTS, &cf.orders, 2, 4, "powers n of F = x^n (each of 2, 3, 4 once)",
       "2,3,4", .quick = NULL},
      {"sizes2", HOP_OPT_LIST, &cf.sizes[0], 8, 4000, "network sizes N for n = 2",
       "50,100,200,300,400", .quick = "50,100", .paper = "50,100,200,300,400,600,800"},
      {"sizes3", HOP_OPT_LIST, &cf.sizes[1], 8, 1000, "network sizes N for n = 3",
       "16,24,32,40,50,60", .quick = "16,24", .paper = "16,24,32,40,50,60,80"},
      {"sizes4", HOP_OPT_LIST, &cf.sizes[2], 8, 200, "network sizes N for n = 4",
       "10,12,14,16,20,24", .quick = "10,12", .paper = "10,12,14,16,20,24,28"},
      {"exp-sizes", HOP_OPT_LIST, &cf.exp_sizes, 4, 60,
       "network sizes N of the exponential network", "8,10,12,14,16,18,20,22,24,26",
       .quick = "8,10,12"},
      {"flips", HOP_OPT_LIST, &cf.flips, 0, 0.45,
       "fractions of bits flipped in the starts (dense and simplicial)", "0,0.1", .quick = NULL},
      {"exp-flips", HOP_OPT_LIST, &cf.exp_flips, 0.01, 0.45,
       "flipped fractions of the exponential network (first: the claims)", "0.1", .quick = NULL},
      {"rect-sizes", HOP_OPT_LIST, &cf.rect_sizes, 8, 1000,
       "network sizes N of the rectified F = x^3 (x >= 0, else 0)", "16,24,32,40,50,60",
       .quick = "16,24", .paper = "16,24,32,40,50,60,80"},
      {"exp0-max-n", HOP_OPT_INT, &cf.exp0_max_n, 0, 60,
       "largest N of the exponential network also run from the stored pattern (rho = 0; 0: none)",
       "12", .quick = "0", .paper = "16"},
      {"trials", HOP_OPT_INT, &cf.trials, 1, 10000, "pattern sets per load P", "10", .quick = "3",
       .paper = "20"},
      {"samples", HOP_OPT_INT, &cf.samples, 1, 100000,
       "patterns tried per set for the fraction retrieved", "100", .quick = "30"},
      {"growth", HOP_OPT_DOUBLE, &cf.growth, 1.01, 2, "factor between successive loads P", "1.1",
       .quick = "1.3"},
      {"max-sweeps", HOP_OPT_INT, &cf.max_sweeps, 1, 1e6, "cap on asynchronous sweeps", "100",
       .quick = NULL},
      {"p-max", HOP_OPT_INT, &cf.p_max, 2, 1e6, "largest load P tried", "20000", .quick = "2000",
       .paper = "1000000"},
      {"sx-n", HOP_OPT_INT, &cf.sx_n, 10, 1000, "neurons N of the simplicial comparison", "100",
       .quick = "40"},
      {"sx-seeds", HOP_OPT_INT, &cf.sx_seeds, 1, 64,
       "seeds (complex and patterns) per simplicial mix", "10", .quick = "2"},
      {"sx-norms", HOP_OPT_WORDS, &cf.sx_norms, 0, 0,
       "simplicial weights per order: uniform (1/N) or variance (equal field variance); the "
       "first for every mix, the others for the mixes of two or more orders",
       "uniform,variance", .quick = NULL, .names = norm_names},
  };
  hop_exp_desc d = {
      HOP_EXP_DESC("capacity_dense", 2385, opts, &cf, results, stages),
      .summary = "Capacity of dense (x^n), exponential and simplicial Hopfield networks (C3-C6).",
      .check = check,
      .report = report,
      .work = work,
      .record_seconds = 138.0}; /* 99.6 s of record before --rect-sizes and --sx-norms,
                                  * times 258.0 / 205 s, their defaults' runs here (AMD), and
                                  * times 1.10, this model's share of the flip-0 runs */
  return hop_exp_main(&d, argc, argv);
}

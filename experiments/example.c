/* SPDX-License-Identifier: GPL-3.0-or-later */
/* example.c: the template experiment; copy it to experiments/NAME.c with NAME.FIG.gp and
 * tests/smoke/NAME.headers, and make builds, runs and plots it with no Makefile edit.
 * Question: does a classical Hopfield network (Hopfield 1982, PNAS 79:2554) recall its
 * patterns from noisy starts below capacity (load 0.05 < 0.138, Amit, Gutfreund &
 * Sompolinsky 1985)? Method: W = (1/N) sum_mu xi^mu xi^mu^T, W_ii = 0; start from a pattern
 * with a fraction f of its bits flipped; s_i <- sgn(sum_j W_ij s_j) in random order to a
 * fixed point; overlap m = (1/N) s . xi^mu; one job per f. Outputs: recall.csv, claims.csv
 * (E1), manifest.txt. Command: bin/example [--quick] [--seed N] (see --help).
 *
 * The shape of every program (lib/run/hop_exp.h): a config struct filled by the option
 * table, a results struct that the frame allocates, stages that take the frame (hop_exp *)
 * and return a status, claims in their own function, and a main that is the description
 * plus one call. Random streams are keyed by the program's own purposes (RNG_*). */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>
#include "hop_classical.h"
#include "hop_claims.h"
#include "hop_error.h"
#include "hop_exp.h"
#include "hop_file.h"
#include "hop_jobs.h"
#include "hop_rng.h"

enum { N = 200, P = 10 };
enum { RNG_PATTERNS = 0, RNG_JOB = 0x106 }; /* this program's random streams */
#define E1_FLIP     0.1                     /* the claim's start: 10 % of the bits flipped */
#define E1_RECALLED 0.95                    /* "all" recalled, allowing one pattern in 20 */

typedef struct {
  hop_cli_numbers flips; /* fractions of bits flipped */
} config;

typedef struct {
  double flip, overlap, recalled;
} flip_job; /* input; then results */

typedef struct {
  float xi[P * N];    /* the stored patterns */
  hop_classical *net; /* Hebbian network of xi */
  hop_jobs *q;        /* one flip_job per --flips entry, in order */
} results;

typedef struct {
  const results *res;
  unsigned long seed;
} shared;

static int recall(void *job, size_t index, int thread, void *ctx) {
  (void)thread;
  flip_job *j = job;
  const shared *c = ctx;
  float s[N], h[N];
  size_t order[N], pick[N], k = (size_t)lround(j->flip * N);
  gsl_rng *r = hop_rng_alloc(c->seed, hop_rng_key(index, 0, 0, RNG_JOB));
  if (!r) return hop_error_code();
  for (size_t mu = 0; mu < P; mu++) {
    memcpy(s, c->res->xi + mu * N, sizeof s);
    for (size_t i = 0; i < N; i++) order[i] = i;
    gsl_ran_choose(r, pick, k, order, N, sizeof *order);
    for (size_t i = 0; i < k; i++) s[pick[i]] = -s[pick[i]];
    hop_classical_fields(c->res->net, s, 1, h);
    do gsl_ran_shuffle(r, order, N, sizeof *order);
    while (hop_classical_async_sweep(c->res->net, s, h, order));
    double m = hop_classical_overlap(s, c->res->xi + mu * N, N);
    j->overlap += m / P;
    j->recalled += (m >= 0.99) / (double)P;
  }
  gsl_rng_free(r);
  return HOP_OK;
}

/* Stage 1: store P random patterns, then one recall job per flip fraction. */
static int stage_recall(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  gsl_rng *r = hop_rng_alloc(x->cli.seed, RNG_PATTERNS);
  if (!r) return hop_error_code();
  hop_rng_pm1(r, res->xi, P * N);
  gsl_rng_free(r);
  if (!(res->net = hop_classical_alloc(N)) ||
      !(res->q = hop_jobs_new(cf->flips.n, sizeof(flip_job))))
    return hop_error_code();
  int st = hop_classical_store(res->net, res->xi, P);
  for (size_t k = 0; k < cf->flips.n && !st; k++)
    st = hop_jobs_push(res->q, &(flip_job){.flip = cf->flips.v[k]});
  if (st) return st;
  return hop_jobs_run(res->q, recall, &(shared){res, x->cli.seed}, (int)x->cli.threads);
}

static void claim_e1(hop_exp *x, const flip_job *j) {
  hop_claims_addf(x->claims, "E1",
                  "N = 200, P = 10 (load 0.05): fraction of patterns recalled (overlap >= 0.99) "
                  "from 10 % flipped bits",
                  "all (1.0)", ">= 0.95", hop_claims_at_least(j->recalled, E1_RECALLED), "%.2f",
                  j->recalled);
}

/* Stage 2: recall.csv, one row per flip fraction, and the claim at E1_FLIP. */
static int stage_write(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  hop_file *f = hop_file_open(x->cli.out, "recall.csv", "flip,mean_overlap,recalled");
  if (!f) return hop_error_code();
  for (size_t k = 0; k < cf->flips.n; k++) {
    const flip_job *j = hop_jobs_at(res->q, k);
    hop_file_printf(f, "%g,%.4f,%.2f\n", j->flip, j->overlap, j->recalled);
    if (j->flip == E1_FLIP) claim_e1(x, j);
  }
  return hop_file_close(f);
}

static void results_free(hop_exp *x) {
  results *res = x->res;
  hop_classical_free(res->net);
  hop_jobs_free(res->q);
}

/* The frame's estimate, from the options alone: the work of the recall jobs (one per
 * flip fraction), scaled by the frame to the default run of record (.record_seconds). */
static double work(const void *c) { return (double)((const config *)c)->flips.n * P * N * N; }

/* The stages, in order; each names itself in an error. */
static const hop_exp_stage stages[] = {{"recall", stage_recall}, {"recall.csv", stage_write}};

int main(int argc, char **argv) {
  config cf;
  hop_opt opts[] = {{"flips", HOP_OPT_LIST, &cf.flips, 0, 0.5, "fractions of bits flipped",
                     "0,0.1,0.2,0.3,0.4", .quick = "0,0.1"}};
  hop_exp_desc d = {
      HOP_EXP_DESC("example", 2385, opts, &cf, results, stages),
      .summary = "Template: recall of a classical Hopfield network from noisy starts (claim E1).",
      .free = results_free, .work = work, .record_seconds = 0.05};
  return hop_exp_main(&d, argc, argv);
}

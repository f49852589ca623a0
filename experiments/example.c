/* SPDX-License-Identifier: GPL-3.0-or-later */
/* example.c: the template experiment; copy it to experiments/NAME.c with NAME.FIG.gp and
 * tests/smoke/NAME.headers, and make builds, runs and plots it with no Makefile edit.
 * Question: does a classical Hopfield network (Hopfield 1982, PNAS 79:2554) recall its
 * patterns from noisy starts below capacity (load 0.05 < 0.138, Amit, Gutfreund &
 * Sompolinsky 1985)? Method: W = (1/N) sum_mu xi^mu xi^mu^T, W_ii = 0; start from a pattern
 * with a fraction f of its bits flipped; s_i <- sgn(sum_j W_ij s_j) in random order to a
 * fixed point; overlap m = (1/N) s . xi^mu; one job per f. Outputs: recall.csv, claims.csv
 * (E1), manifest.txt. Command: bin/example [--quick] [--seed N] (see --help). */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>
#include "hop_classical.h"
#include "hop_claims.h"
#include "hop_cli.h"
#include "hop_error.h"
#include "hop_file.h"
#include "hop_jobs.h"
#include "hop_manifest.h"
#include "hop_rng.h"

enum { N = 200, P = 10 };
typedef struct { double flip, overlap, recalled; } flip_job; /* input; then results */
typedef struct { const hop_classical *net; const float *xi; unsigned long seed; } shared;

static int recall(void *job, size_t index, int thread, void *ctx) {
  (void)thread;
  flip_job *j = job;
  const shared *c = ctx;
  float s[N], h[N];
  size_t order[N], pick[N], k = (size_t)lround(j->flip * N);
  gsl_rng *r = hop_rng_alloc(c->seed, hop_rng_key(index, 0, 0, HOP_RNG_EXAMPLE));
  if (!r) return hop_error_code();
  for (size_t mu = 0; mu < P; mu++) {
    memcpy(s, c->xi + mu * N, sizeof s);
    for (size_t i = 0; i < N; i++) order[i] = i;
    gsl_ran_choose(r, pick, k, order, N, sizeof *order);
    for (size_t i = 0; i < k; i++) s[pick[i]] = -s[pick[i]];
    hop_classical_fields(c->net, s, 1, h);
    do gsl_ran_shuffle(r, order, N, sizeof *order);
    while (hop_classical_async_sweep(c->net, s, h, order));
    double m = hop_classical_overlap(s, c->xi + mu * N, N);
    j->overlap += m / P;
    j->recalled += (m >= 0.99) / (double)P;
  }
  gsl_rng_free(r);
  return HOP_OK;
}

int main(int argc, char **argv) {
  gsl_set_error_handler_off();
  hop_cli_numbers flips;
  hop_opt opts[] = {{"flips", HOP_OPT_LIST, &flips, 0, 0.5, "fractions of bits flipped", "0,0.1,0.2,0.3,0.4",
                     .quick = "0,0.1"}};
  hop_cli cli;
  hop_cli_init(&cli, "example", "Template: recall of a classical Hopfield network from noisy starts (claim E1).", 2385);
  int rc = hop_cli_main(&cli, argc, argv, opts, 1);
  if (rc >= 0) return rc;
  float xi[P * N];
  gsl_rng *r = hop_rng_alloc(cli.seed, 0);
  hop_rng_pm1(r, xi, P * N);
  hop_classical *net = hop_classical_alloc(N);
  hop_jobs *q = hop_jobs_new(flips.n, sizeof(flip_job));
  hop_claims *cl = hop_claims_new("example");
  int st = !r || !net || !q || !cl || hop_classical_store(net, xi, P);
  for (size_t k = 0; k < flips.n && !st; k++) st = hop_jobs_push(q, &(flip_job){.flip = flips.v[k]});
  if (!st) st = hop_jobs_run(q, recall, &(shared){net, xi, cli.seed}, (int)cli.threads);
  hop_file *f = st ? NULL : hop_file_open(cli.out, "recall.csv", "flip,mean_overlap,recalled");
  for (size_t k = 0; f && k < flips.n; k++) {
    const flip_job *j = hop_jobs_at(q, k);
    hop_file_printf(f, "%g,%.4f,%.2f\n", j->flip, j->overlap, j->recalled);
    if (j->flip == 0.1) {
      char m[32];
      snprintf(m, sizeof m, "%.2f", j->recalled);
      hop_claims_add(cl, "E1", "N = 200, P = 10 (load 0.05): fraction of patterns recalled (overlap >= 0.99) "
                     "from 10 % flipped bits", "all (1.0)", m, ">= 0.95", j->recalled >= 0.95 ? "reproduced" : "not reproduced");
    }
  }
  if (st || hop_file_close(f) || hop_claims_write(cl, cli.out) || hop_manifest_write(&cli, NULL, 0))
    st = fprintf(stderr, "example: %s\n", hop_error_message());
  gsl_rng_free(r), hop_classical_free(net), hop_jobs_free(q), hop_claims_free(cl);
  return st ? 1 : 0;
}

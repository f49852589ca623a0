/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cifar_recall.c: recall of corrupted CIFAR-10 images by modern Hopfield retrieval.
 *
 * Question. A student project (H. Wang, E. Guerrero & A. Gordon Cabello de los Cobos,
 * "Modern Hopfield Networks", unpublished project report) recalls corrupted CIFAR-10 images with a distance-based
 * similarity and reports that it beats "the" modern Hopfield network. Does its recall
 * reproduce (claims R1-R3), how much does the scale beta matter (R4), and how large is
 * the advantage against a correctly configured baseline (R5)?
 *
 * Method (lib/memory/hop_uhn.h, the Universal Hopfield Network form of Millidge et al. 2022).
 *   Memory   X (P, d): P random CIFAR-10 training images, raw pixels 0..255, RGB
 *            (d = 3072, channel planes) or gray (d = 1024, ITU-R 601 luma).
 *   Update   q <- X^T sep(sim(X, q)), repeated up to --max-steps, stopping when
 *            |q_new - q|_2 < --tol (1e-4 in the students' code).
 *   Students sim_i = beta / (1 + |x_i - q|_1), sep = softmax (temperature 1);
 *            their baseline: sim_i = x_i . q on raw pixels with beta = 1, softmax.
 *   Family   dot x.q, cosine x.q/(|x||q|), Euclidean -|x-q|_2, Manhattan -|x-q|_1, each
 *            with softmax(beta s) and beta swept on a log grid.
 *   Corruptions (lib/base/hop_corrupt.h): Gaussian noise clipped to 0..255 (std 5 gray; 10 in
 *            the students' RGB code, 5 in their write-up: both run), half mask (rows
 *            16-31 set to 0), Gaussian blur (--blur-sigma), random pixels (--mask-fraction).
 *   Metrics  per query: MSE on the 0..255 scale; "correct" when the output equals the
 *            stored original to within --correct-tol on every component (the students'
 *            criterion: the output is the original); "identified" when the output is
 *            nearer (L2) to its original than to any other stored image.
 *   Protocol each number is a mean over --seeds draws of the stored set, the queries
 *            (min(P, --queries) stored images, corrupted) and the noise; spread = sd.
 *            For the fair comparison beta is chosen per similarity on validation draws
 *            (other seeds) and reported on test draws: never tuned on what is reported.
 *            The choice: the highest exact-recall fraction; ties (to 1e-9: means that
 *            differ by rounding alone) go to the lower MSE, or to the smaller beta
 *            when the MSEs agree to 1e-9 (relative).
 *   Classical Hebbian Hopfield network on binarised gray images (threshold 128) as the
 *            historic baseline (lib/memory/hop_classical.h), asynchronous updates to a fixed point.
 *
 * Data: data/cifar-10 (official) when present, else data/cifar-10-jpeg75 (the
 * approximate JPEG-75 copy; results say which, manifest.txt records checksums).
 * Outputs (results/cifar_recall/): students.csv, students_summary.csv, beta_sweep.csv
 * (test draws), beta_sweep_validation.csv, best_beta.csv, accuracy_vs_p.csv, classical.csv, grid_r1.csv, grid_r2.csv,
 * grid_r2_std10.csv, grid_r3.csv (rows: original, corrupted, L1-score recall, dot
 * baseline recall), claims.csv, manifest.txt, speed.txt (timings: not compared across runs).
 * Command: bin/cifar_recall [--quick] [--seed N] [--threads N] (see --help).
 */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hop_classical.h"
#include "hop_exp.h"
#include "hop_corrupt.h"
#include "hop_data.h"
#include "hop_norm.h"
#include "hop_error.h"
#include "hop_math.h"
#include "hop_claims.h"
#include "hop_file.h"
#include "hop_grid.h"
#include "hop_jobs.h"
#include "hop_progress.h"
#include "hop_rng.h"
#include "hop_uhn.h"

/* This program's random streams (the last argument of hop_rng_key; the values are part
 * of the results of record). */
enum {
  RNG_DRAW_GRAY = 1, /* stored set, queries and corruption, gray */
  RNG_DRAW_RGB = 3,  /* the same, RGB */
  RNG_CLASSICAL = 7, /* draws of the classical baseline */
};

#define MAXL      HOP_CLI_LIST_MAX
#define BATCH     100
#define STUDENT_P 100 /* the students' setting: P = 100 stored images */

typedef enum { C_NOISE, C_HALF, C_BLUR, C_PIXELS } corruption;
static const char *const corruption_names[] = {"noise", "half", "blur", "pixels", NULL};
static const char *const sim_names[] = {"dot", "cosine", "euclidean", "manhattan", "l1score", NULL};
static const char *const copy_names[] = {"auto", "official", "approx", NULL};
enum { COPY_AUTO, COPY_OFFICIAL, COPY_APPROX };

typedef struct {
  hop_cli_numbers sizes;               /* P of accuracy vs P */
  hop_cli_names sims;                  /* hop_uhn_sim values */
  hop_cli_names corrs;                 /* corruption values */
  hop_cli_numbers beta_rgb, beta_gray; /* the students' L1-score betas */
  long seeds, queries, max_steps, grid_points;
  double tol, blur_sigma, mask_fraction, correct_tol;
  int cifar; /* COPY_* */
} config;

/* One colour representation of the whole training set. */
typedef struct {
  const char *name; /* "rgb" or "gray" */
  size_t channels, d;
  float *all; /* (n, d) pixels 0..255 */
  size_t n;
  double noise; /* default noise std of the fair comparison */
} colour;

typedef struct {
  double correct, identified, mse; /* fractions and mean MSE over the queries */
} score;

/* Buffers for one run, sized for the largest P. */
typedef struct {
  float *x;        /* (pmax, d) stored patterns */
  float *q, *orig; /* (BATCH, d) queries and their originals */
  size_t *idx, *scratch;
  float *tmp; /* (h*w) blur scratch */
  float *s;   /* (BATCH, pmax) similarities for identification */
} buffers;

/* Corrupt one image (channels, 32, 32) in place. */
static int corrupt(float *img, const colour *c, corruption k, double sigma, const config *cf,
                   gsl_rng *r, buffers *b) {
  switch (k) {
    case C_NOISE: return hop_corrupt_noise(img, c->d, r, sigma, 0.0f, 255.0f);
    case C_HALF: hop_corrupt_half(img, c->channels, 32, 32, 0.0f, NULL); return HOP_OK;
    case C_BLUR: return hop_corrupt_blur(img, c->channels, 32, 32, cf->blur_sigma, b->tmp);
    case C_PIXELS:
      return hop_corrupt_pixels(img, c->channels, 32, 32, r, cf->mask_fraction, 0.0f, NULL,
                                b->scratch);
  }
  return HOP_EINVAL;
}

/* Store P random training images (draw `draw`), corrupt min(P, queries) of them, retrieve,
 * score. When grid is not NULL the first 8 originals, corrupted and recalled images are
 * copied there ((3, 8, d), scaled to [0, 1]). */
static int run(const colour *c, size_t p, corruption k, double sigma, const hop_uhn_params *par,
               const config *cf, uint64_t seed, uint64_t draw, buffers *b, score *out,
               float *grid) {
  gsl_rng *r = hop_rng_alloc(
      seed, hop_rng_key(draw, p, (uint64_t)k, c->channels == 3 ? RNG_DRAW_RGB : RNG_DRAW_GRAY));
  if (!r) return hop_error_code();
  size_t d = c->d, nq = p < (size_t)cf->queries ? p : (size_t)cf->queries;
  for (size_t i = 0; i < c->n; i++) b->idx[i] = i;
  gsl_ran_shuffle(r, b->idx, c->n, sizeof *b->idx); /* the first p are stored */
  for (size_t i = 0; i < p; i++) memcpy(b->x + i * d, c->all + b->idx[i] * d, d * sizeof *b->x);
  hop_uhn *m = hop_uhn_alloc(b->x, p, d);
  hop_uhn_work *w = m ? hop_uhn_work_alloc(m, BATCH) : NULL;
  hop_uhn_params ide = {
      .sim = HOP_UHN_SIM_EUCLIDEAN, .sep = HOP_UHN_SEP_MAX, .beta = 1, .max_steps = 1};
  int status = m && w ? HOP_OK : hop_error_code();
  double correct = 0, ident = 0, mse = 0;
  for (size_t q0 = 0; q0 < nq && !status; q0 += BATCH) {
    size_t nb = nq - q0 < BATCH ? nq - q0 : BATCH;
    for (size_t k2 = 0; k2 < nb; k2++) { /* stored image q0 + k2 (a random one) */
      memcpy(b->orig + k2 * d, b->x + (q0 + k2) * d, d * sizeof *b->q);
      memcpy(b->q + k2 * d, b->orig + k2 * d, d * sizeof *b->q);
      if ((status = corrupt(b->q + k2 * d, c, k, sigma, cf, r, b))) break;
      if (grid && q0 == 0 && k2 < 8)
        for (size_t j = 0; j < d; j++) {
          grid[(0 * 8 + k2) * d + j] = b->orig[k2 * d + j] / 255.0f;
          grid[(1 * 8 + k2) * d + j] = b->q[k2 * d + j] / 255.0f;
        }
    }
    if (status || (status = hop_uhn_retrieve(m, b->q, nb, par, NULL, NULL, w))) break;
    if ((status = hop_uhn_similarity(m, b->q, nb, &ide, b->s, w))) break;
    for (size_t k2 = 0; k2 < nb; k2++) {
      const float *o = b->orig + k2 * d, *y = b->q + k2 * d;
      double e = 0.0, worst = 0.0;
      for (size_t j = 0; j < d; j++) {
        double diff = (double)y[j] - o[j];
        e += diff * diff;
        worst = fmax(worst, fabs(diff));
      }
      if (!isfinite(e)) worst = INFINITY;
      mse += e / (double)d;
      correct += worst < cf->correct_tol;
      ident += hop_math_argmax_f(b->s + k2 * p, p) == q0 + k2;
      if (grid && q0 == 0 && k2 < 8)
        for (size_t j = 0; j < d; j++) grid[(2 * 8 + k2) * d + j] = y[j] / 255.0f;
    }
  }
  out->correct = correct / (double)nq;
  out->identified = ident / (double)nq;
  out->mse = mse / (double)nq;
  hop_uhn_work_free(w);
  hop_uhn_free(m);
  gsl_rng_free(r);
  return status;
}

/* Mean and sd of seeds runs. */
typedef struct {
  double correct, correct_sd, identified, mse, mse_sd;
} summary;

/* One draw of run_seeds, as a job: its draw index in, its score out. */
typedef struct {
  uint64_t draw;
  score sc;
} draw_job;

/* What the draws of one setting share (read by the jobs). */
typedef struct {
  const colour *c;
  size_t p;
  corruption k;
  double sigma;
  const hop_uhn_params *par;
  const config *cf;
  uint64_t seed;
  buffers *b;
} draw_ctx;

static int run_draw(void *job, size_t index, int thread, void *ctx) {
  (void)index;
  (void)thread;
  draw_job *j = job;
  const draw_ctx *x = ctx;
  return run(x->c, x->p, x->k, x->sigma, x->par, x->cf, x->seed, j->draw, x->b, &j->sc, NULL);
}

/* cf->seeds draws (draw0, draw0 + 1, ...) of one setting through the job runner, one at a
 * time: each draw's retrieval is itself multithreaded (sgemm) and shares the buffers. */
static int run_seeds(const colour *c, size_t p, corruption k, double sigma,
                     const hop_uhn_params *par, const config *cf, uint64_t seed, uint64_t draw0,
                     buffers *b, hop_jobs *q, summary *sm, hop_file *rows, const char *tag) {
  double a[64], m[64], id = 0;
  long n = cf->seeds;
  hop_jobs_clear(q);
  for (long s = 0; s < n; s++) {
    int st = hop_jobs_push(q, &(draw_job){.draw = draw0 + (uint64_t)s});
    if (st) return st;
  }
  draw_ctx ctx = {c, p, k, sigma, par, cf, seed, b};
  int st = hop_jobs_run(q, run_draw, &ctx, 1);
  if (st) return st;
  for (long s = 0; s < n; s++) {
    const score *sc = &((draw_job *)hop_jobs_at(q, (size_t)s))->sc;
    a[s] = sc->correct;
    m[s] = sc->mse;
    id += sc->identified;
    if (rows)
      hop_file_printf(rows, "%s,%s,%s,%g,%zu,%s,%g,%ld,%ld,%.4f,%.4f,%.3f\n", tag, c->name,
                      corruption_names[k], k == C_NOISE ? sigma : 0.0, p,
                      hop_uhn_sim_name(par->sim), par->beta, (long)par->max_steps, s, sc->correct,
                      sc->identified, sc->mse);
  }
  hop_math_mean_sd(a, (size_t)n, &sm->correct, &sm->correct_sd);
  hop_math_mean_sd(m, (size_t)n, &sm->mse, &sm->mse_sd);
  sm->identified = id / (double)n;
  return HOP_OK;
}

/* log10 range of beta per similarity (raw 0..255 pixels; see the paper section). */
static void beta_range(hop_uhn_sim s, double *lo, double *hi) {
  static const double r[5][2] = {{-9, -3}, {0, 6}, {-4, 1}, {-6, 0}, {2, 8}};
  *lo = r[s][0];
  *hi = r[s][1];
}

/* The students' settings: one summary remembered per row for the claims. */
typedef struct {
  const char *colour;
  corruption k;
  double sigma, beta;
  size_t p;
  hop_uhn_sim sim;
  summary sm;
} setting;

/* What later stages need: the data, the buffers, the students' summaries, the validated
 * betas and their test accuracies, the claims. */
typedef struct {
  hop_dataset ds;
  int official;   /* the official CIFAR-10 (1) or the approximate JPEG-75 copy (0) */
  size_t pmax;    /* largest P */
  colour cols[2]; /* gray, rgb */
  buffers b;
  hop_jobs *draws;            /* job queue of run_seeds */
  float *grid, *grid2;        /* (4, 8, 3072), (3, 8, 3072) image-grid scratch */
  setting st[9 * (MAXL + 1)]; /* plan rows x (betas + baseline) */
  size_t nst;
  double best_beta[2][4][5], best_test[2][4][5], l1_range[2];
  double classical_correct[2];
  hop_claims *claims;
  hop_progress prog;
} results;

static const setting *find(const results *res, const char *colour, corruption k, double sigma,
                           size_t p, hop_uhn_sim sim, double beta) {
  for (size_t i = 0; i < res->nst; i++) {
    const setting *v = &res->st[i];
    if (!strcmp(v->colour, colour) && v->k == k && v->sigma == sigma && v->p == p &&
        v->sim == sim && v->beta == beta)
      return v;
  }
  return NULL;
}

/* ---- stage 1: options ------------------------------------------------------------- */

/* ---- stage 2: data (exit status 2 on a missing copy or a bad size) ------------------ */

static int load(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  int official = hop_data_present(HOP_DATA_CIFAR);
  if (cf->cifar == COPY_OFFICIAL && !official)
    HOP_ERROR(HOP_EINVAL,
              "option --cifar: the official CIFAR-10 is not in %s (run make data where it can be "
              "downloaded)",
              hop_data_dir());
  if (cf->cifar == COPY_APPROX) official = 0;
  res->official = official;
  /* what the run needs: 32 x 32 RGB images (checked by the catalogue), at least the
   * students' 100 images and the largest P of --sizes */
  res->pmax = STUDENT_P;
  for (size_t i = 0; i < cf->sizes.n; i++)
    res->pmax = (size_t)cf->sizes.v[i] > res->pmax ? (size_t)cf->sizes.v[i] : res->pmax;
  char why[96];
  snprintf(why, sizeof why, "P = %zu (the students' %d images and --sizes)", res->pmax, STUDENT_P);
  /* --quick: the first 10,000 training images (the first batch) */
  return hop_exp_open(x, official ? HOP_DATA_CIFAR : HOP_DATA_CIFAR_JPEG75, HOP_DATA_TRAIN,
                      x->cli.quick ? 10000 : 0, res->pmax, why, &res->ds);
}

/* The two representations and the buffers. */
static int prepare(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_dataset *ds = &res->ds;
  size_t pmax = res->pmax;
  res->cols[0] = (colour){.name = "gray", .channels = 1, .d = 1024, .n = ds->n, .noise = 5.0};
  res->cols[1] = (colour){.name = "rgb", .channels = 3, .d = 3072, .n = ds->n, .noise = 10.0};
  res->cols[0].all = malloc(ds->n * 1024 * sizeof(float));
  res->cols[1].all = malloc(ds->n * 3072 * sizeof(float));
  buffers *b = &res->b;
  b->x = malloc(pmax * 3072 * sizeof *b->x);
  b->q = malloc(BATCH * 3072 * sizeof *b->q);
  b->orig = malloc(BATCH * 3072 * sizeof *b->orig);
  b->idx = malloc(ds->n * sizeof *b->idx);
  b->scratch = malloc(1024 * sizeof *b->scratch);
  b->tmp = malloc(1024 * sizeof *b->tmp);
  b->s = malloc(BATCH * pmax * sizeof *b->s);
  res->grid = malloc(4 * 8 * 3072 * sizeof *res->grid);
  res->grid2 = malloc(3 * 8 * 3072 * sizeof *res->grid2);
  res->draws = hop_jobs_new((size_t)cf->seeds, sizeof(draw_job));
  if (!res->cols[0].all || !res->cols[1].all || !b->x || !b->q || !b->orig || !b->idx ||
      !b->scratch || !b->tmp || !b->s || !res->grid || !res->grid2 || !res->draws)
    return HOP_RAISE(HOP_ENOMEM, "buffers for P up to %zu", pmax);
  hop_norm_gray(ds, res->cols[0].all);
  for (size_t k = 0; k < ds->n * 1024; k++) res->cols[0].all[k] *= 255.0f;
  for (size_t k = 0; k < ds->n * 3072; k++) res->cols[1].all[k] = ds->x[k];
  /* progress units ~ work: one per P = 100 run, P / 100 per accuracy-vs-P run */
  size_t n_students = 3 * (cf->beta_rgb.n + 1) + 2 * (cf->beta_gray.n + 1) + (cf->beta_gray.n + 1) +
                      (cf->beta_rgb.n + 1) + (cf->beta_rgb.n + 1) + (cf->beta_gray.n + 1);
  size_t units_p = 0;
  for (size_t i = 0; i < cf->sizes.n; i++) units_p += 1 + (size_t)cf->sizes.v[i] / 100;
  size_t total = n_students + 4 + 2 * cf->corrs.n * cf->sims.n * (size_t)cf->grid_points * 2 +
                 2 * cf->corrs.n * cf->sims.n * units_p + 1;
  hop_progress_start(&res->prog, stderr, "cifar_recall", total);
  return HOP_OK;
}

/* ---- stage 3: the students' settings (students*.csv; claims R1-R3) ---------------- */

static int claims_students(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  hop_claims *cl = x->claims;
  char d[600], m[300], which[80];
  snprintf(which, sizeof which, "%s CIFAR-10",
           res->official ? "official" : "approximate (JPEG-75)");
  double bhi = cf->beta_rgb.v[cf->beta_rgb.n - 1], blo = cf->beta_rgb.v[0],
         bg = cf->beta_gray.v[cf->beta_gray.n - 1];
  const setting *r1 = find(res, "rgb", C_NOISE, 5, 100, HOP_UHN_SIM_L1SCORE, bhi);
  const setting *r1b = find(res, "rgb", C_NOISE, 10, 100, HOP_UHN_SIM_L1SCORE, bhi);
  const setting *r1d = find(res, "rgb", C_NOISE, 5, 100, HOP_UHN_SIM_DOT, 1.0);
  const setting *r2 = find(res, "rgb", C_NOISE, 5, 100, HOP_UHN_SIM_L1SCORE, blo);
  const setting *r2b = find(res, "rgb", C_NOISE, 10, 100, HOP_UHN_SIM_L1SCORE, blo);
  const setting *r3 = find(res, "gray", C_HALF, 0, 100, HOP_UHN_SIM_L1SCORE, bg);
  if (!r1 || !r1b || !r1d || !r2 || !r2b || !r3)
    return HOP_RAISE(
        HOP_EINVAL,
        "a setting of claims R1-R3 was not run (the students' plan and the claims disagree)");
  snprintf(d, sizeof d,
           "100 RGB images, noise std 5, L1 score beta = %g, up to %ld steps: exact recall "
           "(fraction of queries recalled to within %g of every pixel; %s)",
           bhi, cf->max_steps, cf->correct_tol, which);
  snprintf(m, sizeof m, "%.3f +- %.3f", r1->sm.correct, r1->sm.correct_sd);
  hop_claims_add(cl, "R1", d, "almost every image (>= 0.95)", m, ">= 0.95",
                 r1->sm.correct >= 0.95 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "the same with noise std 10 (the students' code)");
  snprintf(m, sizeof m, "%.3f +- %.3f", r1b->sm.correct, r1b->sm.correct_sd);
  hop_claims_add(cl, "R1-std10", d, "almost every image (>= 0.95)", m, ">= 0.95",
                 r1b->sm.correct >= 0.95 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d,
           "their baseline, dot product on raw pixels with beta = 1, same queries: exact "
           "recall fraction (identified: %.3f)",
           r1d->sm.identified);
  snprintf(m, sizeof m, "%.3f +- %.3f", r1d->sm.correct, r1d->sm.correct_sd);
  hop_claims_add(cl, "R1-baseline", d, "fails (<= 0.05)", m, "<= 0.05",
                 r1d->sm.correct <= 0.05 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d,
           "beta = %g instead of %g: recall degrades (exact fraction at least 0.2 lower, "
           "MSE higher); MSE %.1f vs %.1f",
           blo, bhi, r2->sm.mse, r1->sm.mse);
  snprintf(m, sizeof m, "%.3f vs %.3f", r2->sm.correct, r1->sm.correct);
  hop_claims_add(cl, "R2", d, "blended images", m, "drop >= 0.2",
                 r2->sm.correct <= r1->sm.correct - 0.2 && r2->sm.mse > r1->sm.mse
                     ? "reproduced"
                     : "not reproduced");
  snprintf(d, sizeof d, "the same with noise std 10 (the students' code); MSE %.1f vs %.1f",
           r2b->sm.mse, r1b->sm.mse);
  snprintf(m, sizeof m, "%.3f vs %.3f", r2b->sm.correct, r1b->sm.correct);
  hop_claims_add(cl, "R2-std10", d, "blended images", m, "drop >= 0.2",
                 r2b->sm.correct <= r1b->sm.correct - 0.2 && r2b->sm.mse > r1b->sm.mse
                     ? "reproduced"
                     : "not reproduced");
  snprintf(d, sizeof d,
           "100 gray images, half mask, beta = %g, 1 step: partial recall (some but not "
           "almost all exact: exact < 0.95, identified > 0.05); identified %.3f",
           bg, r3->sm.identified);
  snprintf(m, sizeof m, "%.3f +- %.3f", r3->sm.correct, r3->sm.correct_sd);
  hop_claims_add(
      cl, "R3", d, "partial recall", m, "0.05 < . < 0.95",
      r3->sm.correct < 0.95 && r3->sm.identified > 0.05 ? "reproduced" : "not reproduced");
  return HOP_OK;
}

static int students(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_file *fs = hop_file_open(
      cli->out, "students.csv",
      "part,colour,corruption,sigma,P,similarity,beta,max_steps,seed,correct,identified,mse");
  hop_file *fss = hop_file_open(cli->out, "students_summary.csv",
                                "colour,corruption,sigma,P,similarity,beta,max_steps,seeds,correct,"
                                "correct_sd,identified,mse,mse_sd");
  int status = fs && fss ? HOP_OK : hop_error_code();
  struct {
    size_t c;
    corruption k;
    double sigma;
    size_t p;
    long steps;
  } plan[] = {{1, C_NOISE, 5, 100, cf->max_steps},
              {1, C_NOISE, 10, 100, cf->max_steps},
              {1, C_NOISE, 5, 20, cf->max_steps},
              {0, C_NOISE, 5, 20, 1},
              {0, C_NOISE, 5, 100, 1},
              {0, C_HALF, 0, 100, 1},
              {1, C_HALF, 0, 100, cf->max_steps},
              {1, C_BLUR, 0, 100, cf->max_steps},
              {0, C_BLUR, 0, 100, 1}};
  for (size_t pi = 0; pi < sizeof plan / sizeof plan[0] && !status; pi++) {
    const colour *c = &res->cols[plan[pi].c];
    const hop_cli_numbers *betas = plan[pi].c ? &cf->beta_rgb : &cf->beta_gray;
    size_t nb = betas->n;
    for (size_t bi = 0; bi <= nb && !status; bi++) { /* bi == nb: their dot baseline, beta 1 */
      hop_uhn_params par = {.sim = bi < nb ? HOP_UHN_SIM_L1SCORE : HOP_UHN_SIM_DOT,
                            .sep = HOP_UHN_SEP_SOFTMAX,
                            .beta = bi < nb ? betas->v[bi] : 1.0,
                            .max_steps = (size_t)plan[pi].steps,
                            .tol = cf->tol};
      setting *s = &res->st[res->nst++];
      memset(s, 0, sizeof *s);
      s->colour = c->name;
      s->k = plan[pi].k;
      s->sigma = plan[pi].sigma;
      s->beta = par.beta;
      s->p = plan[pi].p;
      s->sim = par.sim;
      status = run_seeds(c, plan[pi].p, plan[pi].k, plan[pi].sigma, &par, cf, cli->seed, 0, &res->b,
                         res->draws, &s->sm, fs, "students");
      hop_file_printf(fss, "%s,%s,%g,%zu,%s,%g,%ld,%ld,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                      corruption_names[plan[pi].k], plan[pi].sigma, plan[pi].p,
                      hop_uhn_sim_name(par.sim), par.beta, plan[pi].steps, cf->seeds, s->sm.correct,
                      s->sm.correct_sd, s->sm.identified, s->sm.mse, s->sm.mse_sd);
      hop_progress_add(&res->prog, 1);
    }
  }
  if ((status = hop_file_finish((hop_file *[]){fs, fss}, 2, status))) return status;
  return claims_students(x);
}

/* ---- stage 4: image grids (grid_r*.csv) -------------------------------------------- */

/* R1 (RGB, noise 5, largest beta), R2 (RGB, noise 5, smallest beta), R3 (gray, half
 * mask, largest beta); rows original, corrupted, L1-score recall, dot baseline. */
static int grids(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  struct {
    const char *name;
    size_t c;
    corruption k;
    double sigma, beta;
    long steps;
  } g4[4] = {{"grid_r1.csv", 1, C_NOISE, 5, cf->beta_rgb.v[cf->beta_rgb.n - 1], cf->max_steps},
             {"grid_r2.csv", 1, C_NOISE, 5, cf->beta_rgb.v[0], cf->max_steps},
             {"grid_r2_std10.csv", 1, C_NOISE, 10, cf->beta_rgb.v[0], cf->max_steps},
             {"grid_r3.csv", 0, C_HALF, 0, cf->beta_gray.v[cf->beta_gray.n - 1], 1}};
  int status = HOP_OK;
  for (int g = 0; g < 4 && !status; g++) {
    const colour *c = &res->cols[g4[g].c];
    score sc;
    hop_uhn_params l1 = {.sim = HOP_UHN_SIM_L1SCORE,
                         .sep = HOP_UHN_SEP_SOFTMAX,
                         .beta = g4[g].beta,
                         .max_steps = (size_t)g4[g].steps,
                         .tol = cf->tol};
    hop_uhn_params dot = l1;
    dot.sim = HOP_UHN_SIM_DOT;
    dot.beta = 1.0;
    if ((status =
             run(c, 100, g4[g].k, g4[g].sigma, &l1, cf, cli->seed, 0, &res->b, &sc, res->grid)) ||
        (status =
             run(c, 100, g4[g].k, g4[g].sigma, &dot, cf, cli->seed, 0, &res->b, &sc, res->grid2)))
      break;
    memcpy(res->grid + 3 * 8 * c->d, res->grid2 + 2 * 8 * c->d, 8 * c->d * sizeof *res->grid);
    status = hop_grid_write(cli->out, g4[g].name, res->grid, 32, c->channels, 32, 32, 8, 1);
    hop_progress_add(&res->prog, 1);
  }
  return status;
}

/* ---- stage 5: fair comparison, beta swept per similarity (claims R4, R5) ----------- */

static void claims_sweep(hop_exp *x) {
  const config *cf = x->cfg;
  const results *res = x->res;
  hop_claims *cl = x->claims;
  char d[600], m[300];
  int have_noise = 0;
  for (size_t ki = 0; ki < cf->corrs.n; ki++) have_noise |= cf->corrs.v[ki] == C_NOISE;
  if (have_noise) {
    snprintf(d, sizeof d,
             "scale greatly influences performance: range of the exact-recall fraction of "
             "the L1 score over the beta sweep (noise, P = 100), RGB / gray");
    snprintf(m, sizeof m, "%.3f / %.3f", res->l1_range[1], res->l1_range[0]);
    hop_claims_add(
        cl, "R4", d, "large (>= 0.5)", m, ">= 0.5",
        res->l1_range[1] >= 0.5 && res->l1_range[0] >= 0.5 ? "reproduced" : "not reproduced");
  }
  for (int ci = 0; ci < 2; ci++)
    for (size_t ki = 0; ki < cf->corrs.n; ki++) {
      corruption k = (corruption)cf->corrs.v[ki];
      hop_uhn_sim bestsim = HOP_UHN_SIM_DOT;
      double bestv = -1;
      int have_l1 = 0;
      for (size_t si = 0; si < cf->sims.n; si++) {
        hop_uhn_sim sim = (hop_uhn_sim)cf->sims.v[si];
        if (sim == HOP_UHN_SIM_L1SCORE) {
          have_l1 = 1;
          continue;
        }
        if (res->best_test[ci][k][sim] > bestv) {
          bestv = res->best_test[ci][k][sim];
          bestsim = sim;
        }
      }
      if (!have_l1 || bestv < 0) continue;
      char id[40];
      snprintf(id, sizeof id, "R5-%s-%s", res->cols[ci].name, corruption_names[k]);
      snprintf(d, sizeof d,
               "fair comparison, %s, %s, P = 100, beta chosen on validation draws: exact "
               "recall of the L1 score vs the best other similarity (%s)",
               res->cols[ci].name, corruption_names[k], hop_uhn_sim_name(bestsim));
      snprintf(m, sizeof m, "%.3f vs %.3f (difference %+.3f)",
               res->best_test[ci][k][HOP_UHN_SIM_L1SCORE], bestv,
               res->best_test[ci][k][HOP_UHN_SIM_L1SCORE] - bestv);
      hop_claims_add(cl, id, d, "-", m, "-", "beyond paper");
    }
}

/* The beta grid of one (colour, corruption, similarity): validation picks, test reports. */
static int sweep_one(const hop_cli *cli, const config *cf, results *res, int ci, corruption k,
                     hop_uhn_sim sim, hop_file *fb, hop_file *fbv, hop_file *fbest) {
  const colour *c = &res->cols[ci];
  double lo, hi, bv = -1, bmse = INFINITY, bb = NAN, amin = INFINITY, amax = -INFINITY;
  summary btest = {0};
  int status = HOP_OK;
  beta_range(sim, &lo, &hi);
  for (long gi = 0; gi < cf->grid_points && !status; gi++) {
    double beta = pow(10.0, lo + (hi - lo) * (double)gi / (double)(cf->grid_points - 1));
    hop_uhn_params par = {.sim = sim,
                          .sep = HOP_UHN_SEP_SOFTMAX,
                          .beta = beta,
                          .max_steps = (size_t)cf->max_steps,
                          .tol = cf->tol};
    summary val, test;
    if ((status = run_seeds(c, 100, k, c->noise, &par, cf, cli->seed, 1000, &res->b, res->draws,
                            &val, NULL, "")) ||
        (status = run_seeds(c, 100, k, c->noise, &par, cf, cli->seed, 2000, &res->b, res->draws,
                            &test, NULL, "")))
      break;
    hop_file_printf(fbv, "%s,%s,%s,%.6g,validation,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                    corruption_names[k], hop_uhn_sim_name(sim), beta, val.correct, val.correct_sd,
                    val.identified, val.mse, val.mse_sd);
    hop_file_printf(fb, "%s,%s,%s,%.6g,test,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                    corruption_names[k], hop_uhn_sim_name(sim), beta, test.correct, test.correct_sd,
                    test.identified, test.mse, test.mse_sd);
    /* Means that differ by rounding alone are equal here: an accuracy tie (to 1e-9) goes
     * to the lower MSE, an MSE tie (to 1e-9 relative; a saturated retrieval gives the
     * same MSE at every larger beta) to the smaller beta. */
    int better = val.correct > bv + 1e-9, tie = fabs(val.correct - bv) <= 1e-9;
    if (better || (tie && val.mse < bmse * (1.0 - 1e-9))) {
      bv = val.correct;
      bmse = val.mse;
      bb = beta;
      btest = test;
    }
    amin = fmin(amin, test.correct);
    amax = fmax(amax, test.correct);
    hop_progress_add(&res->prog, 2);
  }
  res->best_beta[ci][k][sim] = bb;
  res->best_test[ci][k][sim] = btest.correct;
  if (sim == HOP_UHN_SIM_L1SCORE && k == C_NOISE) res->l1_range[ci] = amax - amin;
  hop_file_printf(fbest, "%s,%s,%s,%.6g,%.4f,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                  corruption_names[k], hop_uhn_sim_name(sim), bb, bv, btest.correct,
                  btest.correct_sd, btest.identified, btest.mse, btest.mse_sd);
  return status;
}

static int beta_sweep(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  const char *sweep_header =
      "colour,corruption,similarity,beta,split,correct,correct_sd,identified,mse,mse_sd";
  hop_file *f[3] = {hop_file_open(cli->out, "beta_sweep.csv", sweep_header),
                    hop_file_open(cli->out, "beta_sweep_validation.csv", sweep_header),
                    hop_file_open(cli->out, "best_beta.csv",
                                  "colour,corruption,similarity,best_beta,val_correct,test_correct,"
                                  "test_correct_sd,test_identified,test_mse,test_mse_sd")};
  int status = f[0] && f[1] && f[2] ? HOP_OK : hop_error_code();
  for (int ci = 0; ci < 2 && !status; ci++)
    for (size_t ki = 0; ki < cf->corrs.n && !status; ki++)
      for (size_t si = 0; si < cf->sims.n && !status; si++)
        status = sweep_one(cli, cf, res, ci, (corruption)cf->corrs.v[ki],
                           (hop_uhn_sim)cf->sims.v[si], f[0], f[1], f[2]);
  if (!(status = hop_file_finish(f, 3, status))) claims_sweep(x);
  return status;
}

/* ---- stage 6: accuracy vs P at each similarity's validated beta -------------------- */

static int accuracy_vs_p(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  hop_file *fp =
      hop_file_open(cli->out, "accuracy_vs_p.csv",
                    "colour,corruption,similarity,beta,P,correct,correct_sd,identified,mse,mse_sd");
  int status = fp ? HOP_OK : hop_error_code();
  for (int ci = 0; ci < 2 && !status; ci++)
    for (size_t ki = 0; ki < cf->corrs.n && !status; ki++)
      for (size_t si = 0; si < cf->sims.n && !status; si++)
        for (size_t pi = 0; pi < cf->sizes.n && !status; pi++) {
          const colour *c = &res->cols[ci];
          corruption k = (corruption)cf->corrs.v[ki];
          hop_uhn_sim sim = (hop_uhn_sim)cf->sims.v[si];
          size_t p = (size_t)cf->sizes.v[pi];
          hop_uhn_params par = {.sim = sim,
                                .sep = HOP_UHN_SEP_SOFTMAX,
                                .beta = res->best_beta[ci][k][sim],
                                .max_steps = (size_t)cf->max_steps,
                                .tol = cf->tol};
          summary sm;
          if ((status = run_seeds(c, p, k, c->noise, &par, cf, cli->seed, 3000, &res->b, res->draws,
                                  &sm, NULL, "")))
            break;
          hop_file_printf(fp, "%s,%s,%s,%.6g,%zu,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                          corruption_names[k], hop_uhn_sim_name(sim), par.beta, p, sm.correct,
                          sm.correct_sd, sm.identified, sm.mse, sm.mse_sd);
          hop_progress_add(&res->prog, 1 + p / 100);
        }
  return hop_file_finish(&fp, 1, status);
}

/* ---- stage 7: speed of one batched retrieval step against its two sgemm calls ------ */

static int speed(hop_exp *x) {
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  const colour *c = &res->cols[1];
  buffers *b = &res->b;
  size_t pmax = res->pmax;
  for (size_t i = 0; i < pmax; i++) memcpy(b->x + i * c->d, c->all + i * c->d, c->d * sizeof *b->x);
  memcpy(b->q, c->all, BATCH * c->d * sizeof *b->q);
  hop_uhn *m = hop_uhn_alloc(b->x, pmax, c->d);
  hop_uhn_work *w = m ? hop_uhn_work_alloc(m, BATCH) : NULL;
  if (!w) {
    hop_uhn_free(m);
    return hop_error_code();
  }
  hop_uhn_params par = {
      .sim = HOP_UHN_SIM_DOT, .sep = HOP_UHN_SEP_SOFTMAX, .beta = 1e-6, .max_steps = 1};
  double tg = INFINITY, tr = INFINITY;
  for (int rep = 0; rep < 3; rep++) {
    double t0 = hop_cli_now();
    hop_math_gemm_f(BATCH, pmax, c->d, 1.0f, b->q, b->x, 1, 0.0f, b->s);
    hop_math_gemm_f(BATCH, c->d, pmax, 1.0f, b->s, b->x, 0, 0.0f, b->orig);
    double t1 = hop_cli_now();
    hop_uhn_step(m, b->q, BATCH, &par, NULL, NULL, w);
    double t2 = hop_cli_now();
    tg = fmin(tg, t1 - t0);
    tr = fmin(tr, t2 - t1);
  }
  hop_uhn_work_free(w);
  hop_uhn_free(m);
  double gf = 4.0 * BATCH * (double)pmax * (double)c->d / 1e9;
  hop_file *fsp = hop_file_open(cli->out, "speed.txt", NULL);
  if (!fsp) return hop_error_code();
  hop_file_printf(fsp,
                  "batched retrieval, P = %zu RGB images, %d queries, %ld threads\n"
                  "cblas_sgemm (the two products alone): %.1f GFlop/s\n"
                  "retrieval step (dot, softmax, projection): %.1f GFlop/s = %.0f %% of sgemm\n",
                  pmax, BATCH, cli->threads, gf / tg, gf / tr, 100.0 * tg / tr);
  fprintf(stderr, "cifar_recall: sgemm %.1f GFlop/s, retrieval %.1f GFlop/s (%.0f %%) at P = %zu\n",
          gf / tg, gf / tr, 100.0 * tg / tr, pmax);
  hop_progress_add(&res->prog, 1);
  return hop_file_close(fsp);
}

/* ---- stage 8: classical Hebbian network on binarised gray images (claim R-classical) */

/* One draw of the classical baseline: P patterns stored, each recalled from its
 * corrupted version; one row of classical.csv. Returns the exact-recall fraction. */
static int classical_draw(const hop_cli *cli, const config *cf, results *res, size_t p,
                          corruption k, long sd, hop_classical *net, float *xi, float *s, float *h,
                          float *img, size_t *order, hop_file *fc, double *correct_frac) {
  const colour *c = &res->cols[0];
  const size_t n = 1024;
  buffers *b = &res->b;
  gsl_rng *r =
      hop_rng_alloc(cli->seed, hop_rng_key(4000 + (uint64_t)sd, p, (uint64_t)k, RNG_CLASSICAL));
  if (!r) return hop_error_code();
  for (size_t i = 0; i < c->n; i++) b->idx[i] = i;
  gsl_ran_shuffle(r, b->idx, c->n, sizeof *b->idx);
  for (size_t mu = 0; mu < p; mu++)
    for (size_t j = 0; j < n; j++)
      xi[mu * n + j] = c->all[b->idx[mu] * n + j] > 127.5f ? 1.0f : -1.0f;
  int status = hop_classical_store(net, xi, p);
  double correct = 0, overlap = 0, mse = 0;
  for (size_t mu = 0; mu < p && !status; mu++) {
    const float *orig = c->all + b->idx[mu] * n;
    memcpy(img, orig, n * sizeof *img);
    if ((status = corrupt(img, c, k, c->noise, cf, r, b))) break;
    for (size_t j = 0; j < n; j++) s[j] = img[j] > 127.5f ? 1.0f : -1.0f;
    hop_classical_fields(net, s, 1, h);
    for (size_t j = 0; j < n; j++) order[j] = j;
    for (int sw = 0; sw < 100; sw++) {
      gsl_ran_shuffle(r, order, n, sizeof *order);
      if (!hop_classical_async_sweep(net, s, h, order)) break;
    }
    double m = hop_classical_overlap(s, xi + mu * n, n), e = 0;
    for (size_t j = 0; j < n; j++) {
      double y = s[j] > 0 ? 255.0 : 0.0;
      e += (y - orig[j]) * (y - orig[j]);
    }
    correct += m == 1.0;
    overlap += m;
    mse += e / (double)n;
  }
  gsl_rng_free(r);
  if (status) return status;
  hop_file_printf(fc, "%zu,%s,%ld,%.4f,%.4f,%.1f\n", p, corruption_names[k], sd,
                  correct / (double)p, overlap / (double)p, mse / (double)p);
  *correct_frac = correct / (double)p;
  return HOP_OK;
}

static int classical(hop_exp *x) {
  const config *cf = x->cfg;
  results *res = x->res;
  const hop_cli *cli = &x->cli;
  const size_t n = 1024, ps[2] = {20, 100};
  hop_file *fc =
      hop_file_open(cli->out, "classical.csv", "P,corruption,seed,correct,mean_overlap,mse");
  hop_classical *net = hop_classical_alloc(n);
  float *xi = malloc(100 * n * sizeof *xi), *s = malloc(n * sizeof *s), *h = malloc(n * sizeof *h);
  float *img = malloc(n * sizeof *img);
  size_t *order = malloc(n * sizeof *order);
  int status = !fc ? hop_error_code()
               : !net || !xi || !s || !h || !img || !order
                   ? HOP_RAISE(HOP_ENOMEM, "classical baseline")
                   : 0;
  for (int pi = 0; pi < 2 && !status; pi++)
    for (int kk = 0; kk < 2 && !status; kk++) {
      corruption k = kk ? C_HALF : C_NOISE;
      double acc_sum = 0, frac = 0;
      for (long sd = 0; sd < cf->seeds && !status; sd++) {
        status = classical_draw(cli, cf, res, ps[pi], k, sd, net, xi, s, h, img, order, fc, &frac);
        if (!status && k == C_NOISE) acc_sum += frac;
      }
      if (k == C_NOISE) res->classical_correct[pi] = acc_sum / (double)cf->seeds;
    }
  hop_classical_free(net);
  free(xi);
  free(s);
  free(h);
  free(img);
  free(order);
  if ((status = hop_file_finish(&fc, 1, status))) return status;
  char d[600], m[300];
  snprintf(d, sizeof d,
           "classical Hebbian network on binarised gray images, noise std 5: fraction "
           "recalled exactly (binarised original), P = 20 / 100");
  snprintf(m, sizeof m, "%.3f / %.3f", res->classical_correct[0], res->classical_correct[1]);
  hop_claims_add(x->claims, "R-classical", d, "-", m, "-", "beyond paper");
  return HOP_OK;
}

static void results_free(hop_exp *x) {
  results *res = x->res;
  hop_progress_end(&res->prog);
  free(res->cols[0].all);
  free(res->cols[1].all);
  free(res->b.x);
  free(res->b.q);
  free(res->b.orig);
  free(res->b.idx);
  free(res->b.scratch);
  free(res->b.tmp);
  free(res->b.s);
  free(res->grid);
  free(res->grid2);
  hop_jobs_free(res->draws);
  hop_data_free(&res->ds);
}

static void report(hop_exp *x) {
  const config *cf = x->cfg;
  const setting *r1 =
      find(x->res, "rgb", C_NOISE, 5, 100, HOP_UHN_SIM_L1SCORE, cf->beta_rgb.v[cf->beta_rgb.n - 1]);
  const setting *r1d = find(x->res, "rgb", C_NOISE, 5, 100, HOP_UHN_SIM_DOT, 1.0);
  fprintf(stderr, "cifar_recall: R1 %.3f, baseline %.3f; results in %s\n", r1->sm.correct,
          r1d->sm.correct, x->cli.out);
}

/* The frame's estimate, from the options alone: a retrieval costs min(P, --queries)
 * queries x P x d per step, --seeds times; the sweep (2 colours x corruptions x
 * similarities x betas x 2 splits) and the students' settings at P = 100, accuracy vs P
 * at each P (at most the 50,000 images); the classical baseline a fixed cost per seed.
 * Weighted by the stage seconds of a full run here (accuracy vs P 440.6 s, beta sweep
 * 52.9 s, students 2.1 s, classical 0.4 s of 502.2 s): a query at P = 100 costs 2.8 times
 * its share of the large-P arithmetic. */
static double draws_work(const config *cf, double p) {
  return (double)cf->seeds * fmin(p, (double)cf->queries) * p * (double)cf->max_steps;
}

static double work(const void *c) {
  const config *cf = c;
  double cases = 2.0 * (double)cf->corrs.n * (double)cf->sims.n;
  double w =
      2.8 *
      (cases * (double)cf->grid_points * 2 + (double)(cf->beta_rgb.n + cf->beta_gray.n + 4) * 5) *
      draws_work(cf, STUDENT_P);
  for (size_t i = 0; i < cf->sizes.n; i++) w += cases * draws_work(cf, fmin(cf->sizes.v[i], 50000));
  return w + 8e5 * (double)cf->seeds; /* the classical baseline */
}

/* The stages, in order; each names itself in an error. */
static const hop_exp_stage stages[] = {
    {"allocation", prepare},          {"students' settings", students}, {"image grids", grids},
    {"beta sweep", beta_sweep},       {"accuracy vs P", accuracy_vs_p}, {"speed", speed},
    {"classical baseline", classical}};

int main(int argc, char **argv) {
  config cf;
  hop_opt opts[] = {
      {"sizes", HOP_OPT_INTS, &cf.sizes, 1, 1e9, "numbers P of stored images (accuracy vs P)",
       "20,100,1000,10000,50000", .quick = "20,100,1000",
       .paper = "20,50,100,200,500,1000,2000,5000,10000,20000,50000"},
      {"similarities", HOP_OPT_WORDS, &cf.sims, 0, 0, "similarities of the fair comparison",
       "dot,cosine,euclidean,manhattan,l1score", .quick = NULL, .names = sim_names},
      {"corruptions", HOP_OPT_WORDS, &cf.corrs, 0, 0, "corruptions of the fair comparison",
       "noise,half,blur", .quick = NULL, .names = corruption_names},
      {"beta-rgb", HOP_OPT_LIST, &cf.beta_rgb, 1e-30, 1e30, "the students' L1-score betas, RGB",
       "1e5,1e6", .quick = NULL},
      {"beta-gray", HOP_OPT_LIST, &cf.beta_gray, 1e-30, 1e30, "the students' L1-score betas, gray",
       "1e4,1e5", .quick = NULL},
      {"seeds", HOP_OPT_INT, &cf.seeds, 1, 64, "draws (stored set, queries, noise) per number", "3",
       .quick = "2", .paper = "10"},
      {"queries", HOP_OPT_INT, &cf.queries, 1, 1e6, "corrupted queries per draw (at most P)", "100",
       .quick = "20"},
      {"max-steps", HOP_OPT_INT, &cf.max_steps, 1, 1000, "retrieval steps (students' RGB setting)",
       "5", .quick = NULL},
      {"tol", HOP_OPT_DOUBLE, &cf.tol, 0, 1e9, "stop when |q_new - q|_2 < tol", "1e-4",
       .quick = NULL},
      {"beta-points", HOP_OPT_INT, &cf.grid_points, 2, 200, "betas per similarity in the sweep",
       "13", .quick = "4"},
      {"blur-sigma", HOP_OPT_DOUBLE, &cf.blur_sigma, 1e-3, 10, "Gaussian blur sigma (pixels)", "1",
       .quick = NULL},
      {"mask-fraction", HOP_OPT_DOUBLE, &cf.mask_fraction, 0, 1, "hidden pixels of 'pixels'", "0.5",
       .quick = NULL},
      {"correct-tol", HOP_OPT_DOUBLE, &cf.correct_tol, 1e-9, 255,
       "max |output - original| of a correct recall", "0.5", .quick = NULL},
      {"cifar", HOP_OPT_WORD, &cf.cifar, 0, 0, "the CIFAR-10 copy (auto: official if present)",
       "auto", .quick = NULL, .names = copy_names},
  };
  hop_exp_desc d = {
      HOP_EXP_DESC("cifar_recall", 2385, opts, &cf, results, stages),
      .summary =
          "Recall of corrupted CIFAR-10 images by modern Hopfield retrieval: the students'\n"
          "setting, a fair comparison of similarities, accuracy vs P (claims R1-R5).",
      .load = load,
      .data_what = "CIFAR-10",
      .report = report,
      .free = results_free,
      .work = work,
      .record_seconds = 230.7};
  return hop_exp_main(&d, argc, argv);
}

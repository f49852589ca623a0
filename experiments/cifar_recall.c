/* cifar_recall.c: recall of corrupted CIFAR-10 images by modern Hopfield retrieval.
 *
 * Question. A student project (shared/seeds/001, "Modern Hopfield Networks"; spec
 * shared/specs/cifar_recall.md) recalls corrupted CIFAR-10 images with a distance-based
 * similarity and reports that it beats "the" modern Hopfield network. Does its recall
 * reproduce (claims R1-R3), how much does the scale beta matter (R4), and how large is
 * the advantage against a correctly configured baseline (R5)?
 *
 * Method (lib/hop_uhn.h, the Universal Hopfield Network form of Millidge et al. 2022).
 *   Memory   X (P, d): P random CIFAR-10 training images, raw pixels 0..255, RGB
 *            (d = 3072, channel planes) or gray (d = 1024, ITU-R 601 luma).
 *   Update   q <- X^T sep(sim(X, q)), repeated up to --max-steps, stopping when
 *            |q_new - q|_2 < --tol (1e-4 in the students' code).
 *   Students sim_i = beta / (1 + |x_i - q|_1), sep = softmax (temperature 1);
 *            their baseline: sim_i = x_i . q on raw pixels with beta = 1, softmax.
 *   Family   dot x.q, cosine x.q/(|x||q|), Euclidean -|x-q|_2, Manhattan -|x-q|_1, each
 *            with softmax(beta s) and beta swept on a log grid.
 *   Corruptions (lib/hop_corrupt.h): Gaussian noise clipped to 0..255 (std 5 gray; 10 in
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
 *   Classical Hebbian Hopfield network on binarised gray images (threshold 128) as the
 *            historic baseline (lib/hop_classical.h), asynchronous updates to a fixed point.
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
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hop_classical.h"
#include "hop_cli.h"
#include "hop_corrupt.h"
#include "hop_data.h"
#include "hop_norm.h"
#include "hop_error.h"
#include "hop_math.h"
#include "hop_claims.h"
#include "hop_file.h"
#include "hop_grid.h"
#include "hop_manifest.h"
#include "hop_progress.h"
#include "hop_rng.h"
#include "hop_uhn.h"

#define MAXL 16
#define BATCH 100

typedef enum { C_NOISE, C_HALF, C_BLUR, C_PIXELS } corruption;
static const char *corruption_names[] = {"noise", "half", "blur", "pixels"};

typedef struct {
  double sizes[MAXL];
  size_t n_sizes;
  hop_uhn_sim sims[5];
  size_t n_sims;
  corruption corrs[4];
  size_t n_corrs;
  double beta_rgb[MAXL], beta_gray[MAXL]; /* the students' L1-score betas */
  size_t n_beta_rgb, n_beta_gray;
  long seeds, queries, max_steps, grid_points;
  double tol, blur_sigma, mask_fraction, correct_tol;
  const char *cifar;
} config;

/* One colour representation of the whole training set. */
typedef struct {
  const char *name; /* "rgb" or "gray" */
  size_t channels, d;
  float *all;       /* (n, d) pixels 0..255 */
  size_t n;
  double noise;     /* default noise std of the fair comparison */
} colour;

typedef struct {
  double correct, identified, mse; /* fractions and mean MSE over the queries */
} score;

/* Buffers for one run, sized for the largest P. */
typedef struct {
  float *x;            /* (pmax, d) stored patterns */
  float *q, *orig;     /* (BATCH, d) queries and their originals */
  size_t *idx, *scratch;
  float *tmp;          /* (h*w) blur scratch */
  float *s;            /* (BATCH, pmax) similarities for identification */
} buffers;

static int fail(const char *what) {
  fprintf(stderr, "cifar_recall: %s: %s\n", what, hop_error_message());
  return 1;
}

/* Corrupt one image (channels, 32, 32) in place. */
static int corrupt(float *img, const colour *c, corruption k, double sigma, const config *cf,
                   gsl_rng *r, buffers *b) {
  switch (k) {
  case C_NOISE: return hop_corrupt_noise(img, c->d, r, sigma, 0.0f, 255.0f);
  case C_HALF: hop_corrupt_half(img, c->channels, 32, 32, 0.0f, NULL); return HOP_OK;
  case C_BLUR: return hop_corrupt_blur(img, c->channels, 32, 32, cf->blur_sigma, b->tmp);
  case C_PIXELS:
    return hop_corrupt_pixels(img, c->channels, 32, 32, r, cf->mask_fraction, 0.0f, NULL, b->scratch);
  }
  return HOP_EINVAL;
}

/* Store P random training images (draw `draw`), corrupt min(P, queries) of them, retrieve,
 * score. When grid is not NULL the first 8 originals, corrupted and recalled images are
 * copied there ((3, 8, d), scaled to [0, 1]). */
static int run(const colour *c, size_t p, corruption k, double sigma, const hop_uhn_params *par,
               const config *cf, uint64_t seed, uint64_t draw, buffers *b, score *out, float *grid) {
  gsl_rng *r = hop_rng_alloc(seed, hop_rng_key(draw, p, (uint64_t)k, c->channels));
  if (!r) return hop_error_code();
  size_t d = c->d, nq = p < (size_t)cf->queries ? p : (size_t)cf->queries;
  for (size_t i = 0; i < c->n; i++) b->idx[i] = i;
  gsl_ran_shuffle(r, b->idx, c->n, sizeof *b->idx); /* the first p are stored */
  for (size_t i = 0; i < p; i++) memcpy(b->x + i * d, c->all + b->idx[i] * d, d * sizeof *b->x);
  hop_uhn *m = hop_uhn_alloc(b->x, p, d);
  hop_uhn_work *w = m ? hop_uhn_work_alloc(m, BATCH) : NULL;
  hop_uhn_params ide = {.sim = HOP_UHN_SIM_EUCLIDEAN, .sep = HOP_UHN_SEP_MAX, .beta = 1, .max_steps = 1};
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
      size_t best = 0;
      const float *srow = b->s + k2 * p;
      for (size_t i = 1; i < p; i++)
        if (srow[i] > srow[best]) best = i;
      ident += best == q0 + k2;
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

static int run_seeds(const colour *c, size_t p, corruption k, double sigma,
                     const hop_uhn_params *par, const config *cf, uint64_t seed, uint64_t draw0,
                     buffers *b, summary *sm, hop_file *rows, const char *tag) {
  double a[64], m[64], id = 0;
  long n = cf->seeds;
  for (long s = 0; s < n; s++) {
    score sc;
    int st = run(c, p, k, sigma, par, cf, seed, draw0 + (uint64_t)s, b, &sc, NULL);
    if (st) return st;
    a[s] = sc.correct;
    m[s] = sc.mse;
    id += sc.identified;
    if (rows)
      hop_file_printf(rows, "%s,%s,%s,%g,%zu,%s,%g,%ld,%ld,%.4f,%.4f,%.3f\n", tag, c->name,
                      corruption_names[k], k == C_NOISE ? sigma : 0.0, p, hop_uhn_sim_name(par->sim),
                      par->beta, (long)par->max_steps, s, sc.correct, sc.identified, sc.mse);
  }
  double ma = 0, mm = 0, va = 0, vm = 0;
  for (long s = 0; s < n; s++) {
    ma += a[s] / (double)n;
    mm += m[s] / (double)n;
  }
  for (long s = 0; s < n; s++) {
    va += (a[s] - ma) * (a[s] - ma);
    vm += (m[s] - mm) * (m[s] - mm);
  }
  sm->correct = ma;
  sm->mse = mm;
  sm->identified = id / (double)n;
  sm->correct_sd = n > 1 ? sqrt(va / (double)(n - 1)) : 0;
  sm->mse_sd = n > 1 ? sqrt(vm / (double)(n - 1)) : 0;
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

static const setting *find(const setting *v, size_t n, const char *colour, corruption k,
                           double sigma, size_t p, hop_uhn_sim sim, double beta) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(v[i].colour, colour) && v[i].k == k && v[i].sigma == sigma && v[i].p == p &&
        v[i].sim == sim && v[i].beta == beta)
      return &v[i];
  return NULL;
}

int main(int argc, char **argv) {
  gsl_set_error_handler_off(); /* GSL errors come back as statuses, never abort */
  config cf = {.seeds = 3, .queries = 100, .max_steps = 5, .grid_points = 13, .tol = 1e-4,
               .blur_sigma = 1.0, .mask_fraction = 0.5, .correct_tol = 0.5, .cifar = "auto"};
  const char *sizes = "20,100,1000,10000,50000", *sims = "dot,cosine,euclidean,manhattan,l1score",
             *corrs = "noise,half,blur", *beta_rgb = "1e5,1e6", *beta_gray = "1e4,1e5";
  hop_opt opts[] = {
      {"sizes", HOP_OPT_STRING, &sizes, 0, 0, "numbers P of stored images (accuracy vs P)", 0, ""},
      {"similarities", HOP_OPT_STRING, &sims, 0, 0, "dot,cosine,euclidean,manhattan,l1score", 0, ""},
      {"corruptions", HOP_OPT_STRING, &corrs, 0, 0, "of the fair comparison: noise,half,blur,pixels", 0, ""},
      {"beta-rgb", HOP_OPT_STRING, &beta_rgb, 0, 0, "the students' L1-score betas, RGB", 0, ""},
      {"beta-gray", HOP_OPT_STRING, &beta_gray, 0, 0, "the students' L1-score betas, gray", 0, ""},
      {"seeds", HOP_OPT_INT, &cf.seeds, 1, 64, "draws (stored set, queries, noise) per number", 0, ""},
      {"queries", HOP_OPT_INT, &cf.queries, 1, 1e6, "corrupted queries per draw (at most P)", 0, ""},
      {"max-steps", HOP_OPT_INT, &cf.max_steps, 1, 1000, "retrieval steps (students' RGB setting)", 0, ""},
      {"tol", HOP_OPT_DOUBLE, &cf.tol, 0, 1e9, "stop when |q_new - q|_2 < tol", 0, ""},
      {"beta-points", HOP_OPT_INT, &cf.grid_points, 2, 200, "betas per similarity in the sweep", 0, ""},
      {"blur-sigma", HOP_OPT_DOUBLE, &cf.blur_sigma, 1e-3, 10, "Gaussian blur sigma (pixels)", 0, ""},
      {"mask-fraction", HOP_OPT_DOUBLE, &cf.mask_fraction, -1e300, 1e300, "hidden pixels of 'pixels' (0..1)", 0, ""},
      {"correct-tol", HOP_OPT_DOUBLE, &cf.correct_tol, 1e-9, 255, "max |output - original| of a correct recall", 0, ""},
      {"cifar", HOP_OPT_STRING, &cf.cifar, 0, 0, "auto (official if present), official, approx", 0, ""},
  };
  size_t nopts = sizeof opts / sizeof opts[0];
  hop_cli cli;
  hop_cli_init(&cli, "cifar_recall",
               "Recall of corrupted CIFAR-10 images by modern Hopfield retrieval: the students'\n"
               "setting, a fair comparison of similarities, accuracy vs P (claims R1-R5).",
               2385);
  int rc = hop_cli_main(&cli, argc, argv, opts, nopts);
  if (rc >= 0) return rc;
  if (cli.quick) {
    if (!opts[0].set) sizes = "20,100,1000";
    if (!opts[5].set) cf.seeds = 2;
    if (!opts[6].set) cf.queries = 20;
    if (!opts[9].set) cf.grid_points = 4;
  }
  /* ---- validate everything before reading data or writing anything ---- */
  if (!(cf.mask_fraction >= 0 && cf.mask_fraction <= 1)) {
    fprintf(stderr, "cifar_recall: option --mask-fraction: %g is outside [0, 1]\n", cf.mask_fraction);
    return 2;
  }
  int tmp[9];
  if (!(cf.n_sims = hop_cli_words(sims, "similarities", (const char *const[]){"dot", "cosine", "euclidean", "manhattan", "l1score"}, 5, tmp, 5)) ||
      !(cf.n_corrs = hop_cli_words(corrs, "corruptions", corruption_names, 4, tmp + 5, 4))) {
    fprintf(stderr, "cifar_recall: %s\n", hop_error_message());
    return 2;
  }
  for (size_t i = 0; i < cf.n_sims; i++) cf.sims[i] = (hop_uhn_sim)tmp[i];
  for (size_t i = 0; i < cf.n_corrs; i++) cf.corrs[i] = (corruption)tmp[5 + i];
  if (!(cf.n_sizes = hop_cli_list(sizes, "sizes", 1, 1e9, cf.sizes, MAXL)) ||
      !(cf.n_beta_rgb = hop_cli_list(beta_rgb, "beta-rgb", 1e-300, 1e300, cf.beta_rgb, MAXL)) ||
      !(cf.n_beta_gray = hop_cli_list(beta_gray, "beta-gray", 1e-300, 1e300, cf.beta_gray, MAXL))) {
    fprintf(stderr, "cifar_recall: %s\n", hop_error_message());
    return 2;
  }
  if (strcmp(cf.cifar, "auto") && strcmp(cf.cifar, "official") && strcmp(cf.cifar, "approx")) {
    fprintf(stderr, "cifar_recall: option --cifar: '%s' is not auto, official or approx\n", cf.cifar);
    return 2;
  }
  char probe[512], paths[5][512];
  const char *pp[5];
  hop_data_path(probe, sizeof probe, "cifar-10/data_batch_1.bin");
  FILE *pf = fopen(probe, "rb");
  int official = pf != NULL;
  if (pf) fclose(pf);
  if (!strcmp(cf.cifar, "official") && !official) {
    fprintf(stderr, "cifar_recall: option --cifar: the official CIFAR-10 is not in %s (run make data where it can be downloaded)\n", hop_data_dir());
    return 2;
  }
  if (!strcmp(cf.cifar, "approx")) official = 0;
  const char *copy = official ? "cifar-10" : "cifar-10-jpeg75";
  for (int k = 0; k < 5; k++) {
    char rel[64];
    snprintf(rel, sizeof rel, "%s/data_batch_%d.bin", copy, k + 1);
    hop_data_path(paths[k], sizeof paths[k], rel);
    pp[k] = paths[k];
  }
  hop_dataset ds;
  size_t n_batches = cli.quick ? 1 : 5; /* --quick: the first 10,000 training images */
  if (hop_data_cifar_load(pp, n_batches, 0, &ds)) {
    fprintf(stderr, "cifar_recall: CIFAR-10 missing or unreadable (run make data): %s\n", hop_error_message());
    return 2;
  }
  size_t pmax = 100;
  for (size_t i = 0; i < cf.n_sizes; i++) {
    if (cf.sizes[i] != floor(cf.sizes[i]) || cf.sizes[i] > (double)ds.n) {
      fprintf(stderr, "cifar_recall: option --sizes: P = %g is not a whole number of at most the %zu training images\n", cf.sizes[i], ds.n);
      hop_data_free(&ds);
      return 2;
    }
    pmax = (size_t)cf.sizes[i] > pmax ? (size_t)cf.sizes[i] : pmax;
  }
  /* ---- the two representations ---- */
  colour cols[2] = {{.name = "gray", .channels = 1, .d = 1024, .n = ds.n, .noise = 5.0},
                    {.name = "rgb", .channels = 3, .d = 3072, .n = ds.n, .noise = 10.0}};
  cols[0].all = malloc(ds.n * 1024 * sizeof(float));
  cols[1].all = malloc(ds.n * 3072 * sizeof(float));
  buffers b = {0};
  b.x = malloc(pmax * 3072 * sizeof *b.x);
  b.q = malloc(BATCH * 3072 * sizeof *b.q);
  b.orig = malloc(BATCH * 3072 * sizeof *b.orig);
  b.idx = malloc(ds.n * sizeof *b.idx);
  b.scratch = malloc(1024 * sizeof *b.scratch);
  b.tmp = malloc(1024 * sizeof *b.tmp);
  b.s = malloc(BATCH * pmax * sizeof *b.s);
  float *grid = malloc(4 * 8 * 3072 * sizeof *grid), *grid2 = malloc(3 * 8 * 3072 * sizeof *grid2);
  if (!cols[0].all || !cols[1].all || !b.x || !b.q || !b.orig || !b.idx || !b.scratch || !b.tmp ||
      !b.s || !grid || !grid2)
    return fail("allocation");
  hop_norm_gray(&ds, cols[0].all);
  for (size_t k = 0; k < ds.n * 1024; k++) cols[0].all[k] *= 255.0f;
  for (size_t k = 0; k < ds.n * 3072; k++) cols[1].all[k] = ds.x[k];
  int status = HOP_OK;
  hop_progress prog;
  size_t n_students = 3 * (cf.n_beta_rgb + 1) + 2 * (cf.n_beta_gray + 1) + (cf.n_beta_gray + 1) +
                      (cf.n_beta_rgb + 1) + (cf.n_beta_rgb + 1) + (cf.n_beta_gray + 1);
  /* progress units ~ work: one per P = 100 run, P / 100 per accuracy-vs-P run */
  size_t units_p = 0;
  for (size_t i = 0; i < cf.n_sizes; i++) units_p += 1 + (size_t)cf.sizes[i] / 100;
  size_t total = n_students + 4 + 2 * cf.n_corrs * cf.n_sims * (size_t)cf.grid_points * 2 +
                 2 * cf.n_corrs * cf.n_sims * units_p + 1;
  hop_progress_start(&prog, stderr, "cifar_recall", total);

  /* ---- A. the students' settings ---- */
  hop_file *fs = hop_file_open(cli.out, "students.csv",
                               "part,colour,corruption,sigma,P,similarity,beta,max_steps,seed,correct,identified,mse");
  hop_file *fss = hop_file_open(cli.out, "students_summary.csv",
                                "colour,corruption,sigma,P,similarity,beta,max_steps,seeds,correct,correct_sd,identified,mse,mse_sd");
  if (!fs || !fss) return fail("output");
  setting st[9 * (MAXL + 1)]; /* plan rows x (betas + baseline) */
  size_t nst = 0;
  struct { size_t c; corruption k; double sigma; size_t p; long steps; } plan[] = {
      {1, C_NOISE, 5, 100, cf.max_steps}, {1, C_NOISE, 10, 100, cf.max_steps},
      {1, C_NOISE, 5, 20, cf.max_steps},
      {0, C_NOISE, 5, 20, 1},             {0, C_NOISE, 5, 100, 1},
      {0, C_HALF, 0, 100, 1},             {1, C_HALF, 0, 100, cf.max_steps},
      {1, C_BLUR, 0, 100, cf.max_steps},  {0, C_BLUR, 0, 100, 1}};
  for (size_t pi = 0; pi < sizeof plan / sizeof plan[0] && !status; pi++) {
    const colour *c = &cols[plan[pi].c];
    const double *betas = plan[pi].c ? cf.beta_rgb : cf.beta_gray;
    size_t nb = plan[pi].c ? cf.n_beta_rgb : cf.n_beta_gray;
    for (size_t bi = 0; bi <= nb && !status; bi++) { /* bi == nb: their dot baseline, beta 1 */
      hop_uhn_params par = {.sim = bi < nb ? HOP_UHN_SIM_L1SCORE : HOP_UHN_SIM_DOT, .sep = HOP_UHN_SEP_SOFTMAX,
                            .beta = bi < nb ? betas[bi] : 1.0, .max_steps = (size_t)plan[pi].steps,
                            .tol = cf.tol};
      setting *s = &st[nst++];
      memset(s, 0, sizeof *s);
      s->colour = c->name;
      s->k = plan[pi].k;
      s->sigma = plan[pi].sigma;
      s->beta = par.beta;
      s->p = plan[pi].p;
      s->sim = par.sim;
      status = run_seeds(c, plan[pi].p, plan[pi].k, plan[pi].sigma, &par, &cf, cli.seed, 0, &b,
                         &s->sm, fs, "students");
      hop_file_printf(fss, "%s,%s,%g,%zu,%s,%g,%ld,%ld,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                      corruption_names[plan[pi].k], plan[pi].sigma, plan[pi].p,
                      hop_uhn_sim_name(par.sim), par.beta, plan[pi].steps, cf.seeds, s->sm.correct,
                      s->sm.correct_sd, s->sm.identified, s->sm.mse, s->sm.mse_sd);
      hop_progress_add(&prog, 1);
    }
  }
  if (status || hop_file_close(fs) || hop_file_close(fss)) return fail("students' settings");

  /* grids: R1 (RGB, noise 5, largest beta), R2 (RGB, noise 5, smallest beta), R3 (gray,
   * half mask, largest beta); rows original, corrupted, L1-score recall, dot baseline */
  struct { const char *name; size_t c; corruption k; double sigma, beta; long steps; } grids[4] = {
      {"grid_r1.csv", 1, C_NOISE, 5, cf.beta_rgb[cf.n_beta_rgb - 1], cf.max_steps},
      {"grid_r2.csv", 1, C_NOISE, 5, cf.beta_rgb[0], cf.max_steps},
      {"grid_r2_std10.csv", 1, C_NOISE, 10, cf.beta_rgb[0], cf.max_steps},
      {"grid_r3.csv", 0, C_HALF, 0, cf.beta_gray[cf.n_beta_gray - 1], 1}};
  for (int g = 0; g < 4 && !status; g++) {
    const colour *c = &cols[grids[g].c];
    score sc;
    hop_uhn_params l1 = {.sim = HOP_UHN_SIM_L1SCORE, .sep = HOP_UHN_SEP_SOFTMAX, .beta = grids[g].beta,
                         .max_steps = (size_t)grids[g].steps, .tol = cf.tol};
    hop_uhn_params dot = l1;
    dot.sim = HOP_UHN_SIM_DOT;
    dot.beta = 1.0;
    if ((status = run(c, 100, grids[g].k, grids[g].sigma, &l1, &cf, cli.seed, 0, &b, &sc, grid)) ||
        (status = run(c, 100, grids[g].k, grids[g].sigma, &dot, &cf, cli.seed, 0, &b, &sc, grid2)))
      break;
    memcpy(grid + 3 * 8 * c->d, grid2 + 2 * 8 * c->d, 8 * c->d * sizeof *grid);
    status = hop_grid_write(cli.out, grids[g].name, grid, 32, c->channels, 32, 32, 8, 1);
    hop_progress_add(&prog, 1);
  }
  if (status) return fail("image grids");

  /* ---- B. fair comparison: beta swept per similarity, chosen on validation draws ---- */
  const char *sweep_header = "colour,corruption,similarity,beta,split,correct,correct_sd,identified,mse,mse_sd";
  hop_file *fb = hop_file_open(cli.out, "beta_sweep.csv", sweep_header);
  hop_file *fbv = hop_file_open(cli.out, "beta_sweep_validation.csv", sweep_header);
  hop_file *fbest = hop_file_open(cli.out, "best_beta.csv",
                                  "colour,corruption,similarity,best_beta,val_correct,test_correct,test_correct_sd,test_identified,test_mse,test_mse_sd");
  if (!fb || !fbv || !fbest) return fail("output");
  double best_beta[2][4][5] = {{{0}}}, best_test[2][4][5] = {{{0}}}, l1_range[2] = {0, 0};
  for (int ci = 0; ci < 2 && !status; ci++)
    for (size_t ki = 0; ki < cf.n_corrs && !status; ki++)
      for (size_t si = 0; si < cf.n_sims && !status; si++) {
        const colour *c = &cols[ci];
        corruption k = cf.corrs[ki];
        hop_uhn_sim sim = cf.sims[si];
        double lo, hi, bv = -1, bmse = INFINITY, bb = NAN, amin = INFINITY, amax = -INFINITY;
        summary btest = {0};
        beta_range(sim, &lo, &hi);
        for (long gi = 0; gi < cf.grid_points && !status; gi++) {
          double beta = pow(10.0, lo + (hi - lo) * (double)gi / (double)(cf.grid_points - 1));
          hop_uhn_params par = {.sim = sim, .sep = HOP_UHN_SEP_SOFTMAX, .beta = beta,
                                .max_steps = (size_t)cf.max_steps, .tol = cf.tol};
          summary val, test;
          if ((status = run_seeds(c, 100, k, c->noise, &par, &cf, cli.seed, 1000, &b, &val, NULL, "")) ||
              (status = run_seeds(c, 100, k, c->noise, &par, &cf, cli.seed, 2000, &b, &test, NULL, "")))
            break;
          hop_file_printf(fbv, "%s,%s,%s,%.6g,validation,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                          corruption_names[k], hop_uhn_sim_name(sim), beta, val.correct, val.correct_sd,
                          val.identified, val.mse, val.mse_sd);
          hop_file_printf(fb, "%s,%s,%s,%.6g,test,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                          corruption_names[k], hop_uhn_sim_name(sim), beta, test.correct, test.correct_sd,
                          test.identified, test.mse, test.mse_sd);
          if (val.correct > bv || (val.correct == bv && val.mse < bmse)) {
            bv = val.correct;
            bmse = val.mse;
            bb = beta;
            btest = test;
          }
          amin = fmin(amin, test.correct);
          amax = fmax(amax, test.correct);
          hop_progress_add(&prog, 2);
        }
        best_beta[ci][k][sim] = bb;
        best_test[ci][k][sim] = btest.correct;
        if (sim == HOP_UHN_SIM_L1SCORE && k == C_NOISE) l1_range[ci] = amax - amin;
        hop_file_printf(fbest, "%s,%s,%s,%.6g,%.4f,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                        corruption_names[k], hop_uhn_sim_name(sim), bb, bv, btest.correct,
                        btest.correct_sd, btest.identified, btest.mse, btest.mse_sd);
      }
  if (status || hop_file_close(fb) || hop_file_close(fbv) || hop_file_close(fbest)) return fail("beta sweep");

  /* ---- C. accuracy vs P at each similarity's validated beta, every corruption ---- */
  hop_file *fp = hop_file_open(cli.out, "accuracy_vs_p.csv",
                               "colour,corruption,similarity,beta,P,correct,correct_sd,identified,mse,mse_sd");
  if (!fp) return fail("output");
  int have_noise = 0;
  for (size_t ki = 0; ki < cf.n_corrs; ki++) have_noise |= cf.corrs[ki] == C_NOISE;
  for (int ci = 0; ci < 2 && !status; ci++)
    for (size_t ki = 0; ki < cf.n_corrs && !status; ki++)
      for (size_t si = 0; si < cf.n_sims && !status; si++)
        for (size_t pi = 0; pi < cf.n_sizes && !status; pi++) {
          const colour *c = &cols[ci];
          corruption k = cf.corrs[ki];
          hop_uhn_sim sim = cf.sims[si];
          size_t p = (size_t)cf.sizes[pi];
          hop_uhn_params par = {.sim = sim, .sep = HOP_UHN_SEP_SOFTMAX, .beta = best_beta[ci][k][sim],
                                .max_steps = (size_t)cf.max_steps, .tol = cf.tol};
          summary sm;
          if ((status = run_seeds(c, p, k, c->noise, &par, &cf, cli.seed, 3000, &b, &sm, NULL, "")))
            break;
          hop_file_printf(fp, "%s,%s,%s,%.6g,%zu,%.4f,%.4f,%.4f,%.3f,%.3f\n", c->name,
                          corruption_names[k], hop_uhn_sim_name(sim), par.beta, p, sm.correct,
                          sm.correct_sd, sm.identified, sm.mse, sm.mse_sd);
          hop_progress_add(&prog, 1 + p / 100);
        }
  if (status || hop_file_close(fp)) return fail("accuracy vs P");

  /* ---- speed: one batched dot-product retrieval step at the largest P (RGB) against the
   * two sgemm calls it contains, on the same shapes ---- */
  {
    const colour *c = &cols[1];
    for (size_t i = 0; i < pmax; i++) memcpy(b.x + i * c->d, c->all + i * c->d, c->d * sizeof *b.x);
    memcpy(b.q, c->all, BATCH * c->d * sizeof *b.q);
    hop_uhn *m = hop_uhn_alloc(b.x, pmax, c->d);
    hop_uhn_work *w = m ? hop_uhn_work_alloc(m, BATCH) : NULL;
    if (!w) return fail("speed");
    hop_uhn_params par = {.sim = HOP_UHN_SIM_DOT, .sep = HOP_UHN_SEP_SOFTMAX, .beta = 1e-6, .max_steps = 1};
    double tg = INFINITY, tr = INFINITY;
    for (int rep = 0; rep < 3; rep++) {
      double t0 = hop_cli_now();
      hop_math_gemm_f(BATCH, pmax, c->d, 1.0f, b.q, b.x, 1, 0.0f, b.s);
      hop_math_gemm_f(BATCH, c->d, pmax, 1.0f, b.s, b.x, 0, 0.0f, b.orig);
      double t1 = hop_cli_now();
      hop_uhn_step(m, b.q, BATCH, &par, NULL, NULL, w);
      double t2 = hop_cli_now();
      tg = fmin(tg, t1 - t0);
      tr = fmin(tr, t2 - t1);
    }
    double gf = 4.0 * BATCH * (double)pmax * (double)c->d / 1e9;
    hop_file *fsp = hop_file_open(cli.out, "speed.txt", NULL);
    if (!fsp) return fail("output");
    hop_file_printf(fsp, "batched retrieval, P = %zu RGB images, %d queries, %ld threads\n"
                         "cblas_sgemm (the two products alone): %.1f GFlop/s\n"
                         "retrieval step (dot, softmax, projection): %.1f GFlop/s = %.0f %% of sgemm\n",
                    pmax, BATCH, cli.threads, gf / tg, gf / tr, 100.0 * tg / tr);
    fprintf(stderr, "cifar_recall: sgemm %.1f GFlop/s, retrieval %.1f GFlop/s (%.0f %%) at P = %zu\n",
            gf / tg, gf / tr, 100.0 * tg / tr, pmax);
    if (hop_file_close(fsp)) return fail("output");
    hop_uhn_work_free(w);
    hop_uhn_free(m);
    hop_progress_add(&prog, 1);
  }

  /* ---- D. classical Hebbian network on binarised gray images ---- */
  hop_file *fc = hop_file_open(cli.out, "classical.csv", "P,corruption,seed,correct,mean_overlap,mse");
  if (!fc) return fail("output");
  double classical_correct[2] = {0, 0};
  {
    const colour *c = &cols[0];
    const size_t n = 1024, ps[2] = {20, 100};
    hop_classical *net = hop_classical_alloc(n);
    float *xi = malloc(100 * n * sizeof *xi), *s = malloc(n * sizeof *s), *h = malloc(n * sizeof *h);
    float *img = malloc(n * sizeof *img);
    size_t *order = malloc(n * sizeof *order);
    if (!net || !xi || !s || !h || !img || !order) return fail("allocation");
    for (int pi = 0; pi < 2 && !status; pi++)
      for (int kk = 0; kk < 2 && !status; kk++) {
        corruption k = kk ? C_HALF : C_NOISE;
        double acc_sum = 0;
        for (long sd = 0; sd < cf.seeds && !status; sd++) {
          gsl_rng *r = hop_rng_alloc(cli.seed, hop_rng_key(4000 + (uint64_t)sd, ps[pi], (uint64_t)k, 7));
          for (size_t i = 0; i < c->n; i++) b.idx[i] = i;
          gsl_ran_shuffle(r, b.idx, c->n, sizeof *b.idx);
          for (size_t mu = 0; mu < ps[pi]; mu++)
            for (size_t j = 0; j < n; j++) xi[mu * n + j] = c->all[b.idx[mu] * n + j] > 127.5f ? 1.0f : -1.0f;
          if ((status = hop_classical_store(net, xi, ps[pi]))) break;
          double correct = 0, overlap = 0, mse = 0;
          for (size_t mu = 0; mu < ps[pi]; mu++) {
            const float *orig = c->all + b.idx[mu] * n;
            memcpy(img, orig, n * sizeof *img);
            if ((status = corrupt(img, c, k, c->noise, &cf, r, &b))) break;
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
          hop_file_printf(fc, "%zu,%s,%ld,%.4f,%.4f,%.1f\n", ps[pi], corruption_names[k], sd,
                          correct / (double)ps[pi], overlap / (double)ps[pi], mse / (double)ps[pi]);
          if (k == C_NOISE) acc_sum += correct / (double)ps[pi];
          gsl_rng_free(r);
        }
        if (k == C_NOISE) classical_correct[pi] = acc_sum / (double)cf.seeds;
      }
    hop_classical_free(net);
    free(xi);
    free(s);
    free(h);
    free(img);
    free(order);
  }
  if (status || hop_file_close(fc)) return fail("classical baseline");
  hop_progress_end(&prog);

  /* ---- claims ---- */
  hop_claims *cl = hop_claims_new("cifar_recall");
  char d[600], m[300], which[80];
  snprintf(which, sizeof which, "%s CIFAR-10", official ? "official" : "approximate (JPEG-75)");
  double bhi = cf.beta_rgb[cf.n_beta_rgb - 1], blo = cf.beta_rgb[0], bg = cf.beta_gray[cf.n_beta_gray - 1];
  const setting *r1 = find(st, nst, "rgb", C_NOISE, 5, 100, HOP_UHN_SIM_L1SCORE, bhi);
  const setting *r1b = find(st, nst, "rgb", C_NOISE, 10, 100, HOP_UHN_SIM_L1SCORE, bhi);
  const setting *r1d = find(st, nst, "rgb", C_NOISE, 5, 100, HOP_UHN_SIM_DOT, 1.0);
  const setting *r2 = find(st, nst, "rgb", C_NOISE, 5, 100, HOP_UHN_SIM_L1SCORE, blo);
  const setting *r2b = find(st, nst, "rgb", C_NOISE, 10, 100, HOP_UHN_SIM_L1SCORE, blo);
  const setting *r3 = find(st, nst, "gray", C_HALF, 0, 100, HOP_UHN_SIM_L1SCORE, bg);
  snprintf(d, sizeof d, "100 RGB images, noise std 5, L1 score beta = %g, up to %ld steps: exact recall "
           "(fraction of queries recalled to within %g of every pixel; %s)", bhi, cf.max_steps, cf.correct_tol, which);
  snprintf(m, sizeof m, "%.3f +- %.3f", r1->sm.correct, r1->sm.correct_sd);
  hop_claims_add(cl, "R1", d, "almost every image (>= 0.95)", m, ">= 0.95",
                 r1->sm.correct >= 0.95 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "the same with noise std 10 (the students' code)");
  snprintf(m, sizeof m, "%.3f +- %.3f", r1b->sm.correct, r1b->sm.correct_sd);
  hop_claims_add(cl, "R1-std10", d, "almost every image (>= 0.95)", m, ">= 0.95",
                 r1b->sm.correct >= 0.95 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "their baseline, dot product on raw pixels with beta = 1, same queries: exact "
           "recall fraction (identified: %.3f)", r1d->sm.identified);
  snprintf(m, sizeof m, "%.3f +- %.3f", r1d->sm.correct, r1d->sm.correct_sd);
  hop_claims_add(cl, "R1-baseline", d, "fails (<= 0.05)", m, "<= 0.05",
                 r1d->sm.correct <= 0.05 ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "beta = %g instead of %g: recall degrades (exact fraction at least 0.2 lower, "
           "MSE higher); MSE %.1f vs %.1f", blo, bhi, r2->sm.mse, r1->sm.mse);
  snprintf(m, sizeof m, "%.3f vs %.3f", r2->sm.correct, r1->sm.correct);
  hop_claims_add(cl, "R2", d, "blended images", m, "drop >= 0.2",
                 r2->sm.correct <= r1->sm.correct - 0.2 && r2->sm.mse > r1->sm.mse ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "the same with noise std 10 (the students' code); MSE %.1f vs %.1f", r2b->sm.mse,
           r1b->sm.mse);
  snprintf(m, sizeof m, "%.3f vs %.3f", r2b->sm.correct, r1b->sm.correct);
  hop_claims_add(cl, "R2-std10", d, "blended images", m, "drop >= 0.2",
                 r2b->sm.correct <= r1b->sm.correct - 0.2 && r2b->sm.mse > r1b->sm.mse ? "reproduced" : "not reproduced");
  snprintf(d, sizeof d, "100 gray images, half mask, beta = %g, 1 step: partial recall (some but not "
           "almost all exact: exact < 0.95, identified > 0.05); identified %.3f", bg, r3->sm.identified);
  snprintf(m, sizeof m, "%.3f +- %.3f", r3->sm.correct, r3->sm.correct_sd);
  hop_claims_add(cl, "R3", d, "partial recall", m, "0.05 < . < 0.95",
                 r3->sm.correct < 0.95 && r3->sm.identified > 0.05 ? "reproduced" : "not reproduced");
  if (have_noise) {
    snprintf(d, sizeof d, "scale greatly influences performance: range of the exact-recall fraction of "
             "the L1 score over the beta sweep (noise, P = 100), RGB / gray");
    snprintf(m, sizeof m, "%.3f / %.3f", l1_range[1], l1_range[0]);
    hop_claims_add(cl, "R4", d, "large (>= 0.5)", m, ">= 0.5",
                   l1_range[1] >= 0.5 && l1_range[0] >= 0.5 ? "reproduced" : "not reproduced");
  }
  for (int ci = 0; ci < 2; ci++)
    for (size_t ki = 0; ki < cf.n_corrs; ki++) {
      corruption k = cf.corrs[ki];
      hop_uhn_sim bestsim = HOP_UHN_SIM_DOT;
      double bestv = -1;
      int have_l1 = 0;
      for (size_t si = 0; si < cf.n_sims; si++) {
        hop_uhn_sim sim = cf.sims[si];
        if (sim == HOP_UHN_SIM_L1SCORE) {
          have_l1 = 1;
          continue;
        }
        if (best_test[ci][k][sim] > bestv) {
          bestv = best_test[ci][k][sim];
          bestsim = sim;
        }
      }
      if (!have_l1 || bestv < 0) continue;
      char id[40];
      snprintf(id, sizeof id, "R5-%s-%s", cols[ci].name, corruption_names[k]);
      snprintf(d, sizeof d, "fair comparison, %s, %s, P = 100, beta chosen on validation draws: exact "
               "recall of the L1 score vs the best other similarity (%s)", cols[ci].name,
               corruption_names[k], hop_uhn_sim_name(bestsim));
      snprintf(m, sizeof m, "%.3f vs %.3f (difference %+.3f)", best_test[ci][k][HOP_UHN_SIM_L1SCORE], bestv,
               best_test[ci][k][HOP_UHN_SIM_L1SCORE] - bestv);
      hop_claims_add(cl, id, d, "-", m, "-", "beyond paper");
    }
  snprintf(d, sizeof d, "classical Hebbian network on binarised gray images, noise std 5: fraction "
           "recalled exactly (binarised original), P = 20 / 100");
  snprintf(m, sizeof m, "%.3f / %.3f", classical_correct[0], classical_correct[1]);
  hop_claims_add(cl, "R-classical", d, "-", m, "-", "beyond paper");
  if (hop_claims_write(cl, cli.out)) return fail("claims");
  hop_claims_free(cl);
  if (hop_manifest_write(&cli, pp, n_batches)) return fail("manifest");
  free(cols[0].all);
  free(cols[1].all);
  free(b.x);
  free(b.q);
  free(b.orig);
  free(b.idx);
  free(b.scratch);
  free(b.tmp);
  free(b.s);
  free(grid);
  free(grid2);
  hop_data_free(&ds);
  fprintf(stderr, "cifar_recall: R1 %.3f, baseline %.3f; results in %s\n", r1->sm.correct, r1d->sm.correct, cli.out);
  return 0;
}

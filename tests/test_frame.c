/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: the program frame (hop_exp), keyed tables (hop_table), the verdict rules of
 * hop_claims, and the shared numerics of hop_math (linear fit, double factorial, +-1
 * overlap, sgemm squared distances). Independent values were computed with Python's
 * statistics module and the textbook least-squares formulas (given where used). */
#include "helpers.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hop_claims.h"
#include "hop_error.h"
#include "hop_exp.h"
#include "hop_file.h"
#include "hop_math.h"
#include "hop_table.h"

/* ---- hop_exp ------------------------------------------------------------------------ */

typedef struct {
  long fail_at;
} frame_cfg;
typedef struct {
  int ran[3];
} frame_res;

static int stage_write(hop_exp *x) {
  ((frame_res *)x->res)->ran[0] = 1;
  hop_file *f = hop_file_open(x->cli.out, "a.csv", "a");
  hop_claims_add(x->claims, "T1", "a test claim", "1", "1", "0", hop_claims_if(1));
  return hop_file_close(f);
}
static int stage_maybe_fail(hop_exp *x) {
  ((frame_res *)x->res)->ran[1] = 1;
  return ((frame_cfg *)x->cfg)->fail_at == 2 ? HOP_RAISE(HOP_EDOM, "boom at 2.385") : HOP_OK;
}
static int stage_last(hop_exp *x) {
  ((frame_res *)x->res)->ran[2] = 1;
  return HOP_OK;
}
static int check_opts(hop_exp *x) {
  return ((frame_cfg *)x->cfg)->fail_at == 9
             ? HOP_RAISE(HOP_EINVAL, "option --fail-at: 9 is refused here")
             : HOP_OK;
}
static int load_data(hop_exp *x) {
  return ((frame_cfg *)x->cfg)->fail_at == 7 ? HOP_RAISE(HOP_EFORMAT, "data/x.bin: truncated")
                                             : HOP_OK;
}

/* The cost: work 1 + fail-at (1 at the default); fail-at 8 asks for 10^18 bytes. */
static double work_of(const void *c) { return 1.0 + (double)((const frame_cfg *)c)->fail_at; }
static double memory_of(const hop_exp *x) {
  return ((const frame_cfg *)x->cfg)->fail_at == 8 ? 1e18 : 0;
}

/* Run the frame with --out dir/out --fail-at n [flag], stderr into dir/err; returns the
 * status. */
static int run_frame_with(const char *dir, const char *fail_at, const char *flag, char *err,
                          size_t n) {
  frame_cfg cf;
  hop_opt opts[] = {
      {"fail-at", HOP_OPT_INT, &cf.fail_at, 0, 10, "stage that fails", "0", .quick = NULL}};
  static const hop_exp_stage stages[] = {
      {"first", stage_write}, {"second", stage_maybe_fail}, {"third", stage_last}};
  hop_exp_desc d = {.name = "frametest",
                    .summary = "frame test",
                    .seed = 2385,
                    .opts = opts,
                    .n_opts = 1,
                    .cfg = &cf,
                    .res_size = sizeof(frame_res),
                    .check = check_opts,
                    .load = load_data,
                    .data_what = "test data",
                    .stages = stages,
                    .n_stages = 3,
                    .cfg_size = sizeof cf,
                    .work = work_of,
                    .memory = memory_of,
                    .record_seconds = 10};
  char out[256], errp[256];
  snprintf(out, sizeof out, "%s/out", dir);
  snprintf(errp, sizeof errp, "%s/err", dir);
  char *argv[] = {"frametest",     "--out",       out,          "--fail-at",
                  (char *)fail_at, "--threads=2", (char *)flag, NULL};
  fflush(stderr);
  int saved = dup(2);
  cr_assert(freopen(errp, "w", stderr));
  int rc = hop_exp_main(&d, flag ? 7 : 6, argv);
  fflush(stderr);
  dup2(saved, 2), close(saved);
  file_read(errp, err, n);
  return rc;
}

static int run_frame(const char *dir, const char *fail_at, char *err, size_t n) {
  return run_frame_with(dir, fail_at, NULL, err, n);
}

static int staging_left(const char *dir) {
  char cmd[300], buf[16];
  snprintf(cmd, sizeof cmd, "ls -a %s | grep -c staging", dir);
  FILE *p = popen(cmd, "r");
  int n = p && fgets(buf, sizeof buf, p) ? atoi(buf) : -1;
  if (p) pclose(p);
  return n;
}

Test(frame, a_complete_run_writes_csv_claims_and_manifest) {
  char dir[64], err[2048], p[300];
  tmpdir_make(dir, sizeof dir);
  cr_assert_eq(run_frame(dir, "0", err, sizeof err), HOP_EXIT_OK, "%s", err);
  const char *files[] = {"a.csv", "claims.csv", "manifest.txt"};
  for (int k = 0; k < 3; k++) {
    snprintf(p, sizeof p, "%s/out/%s", dir, files[k]);
    cr_assert(file_exists(p), "%s missing", p);
  }
  cr_assert_eq(staging_left(dir), 0);
}

Test(frame, a_failing_stage_names_itself_and_swaps_nothing_in) {
  char dir[64], err[2048], marker[300], p[300];
  tmpdir_make(dir, sizeof dir);
  cr_assert_eq(run_frame(dir, "0", err, sizeof err), HOP_EXIT_OK); /* a previous complete run */
  file_write(dir, "out/mine.txt", "x", 1, marker, sizeof marker);
  cr_assert_eq(run_frame(dir, "2", err, sizeof err), HOP_EXIT_RUN);
  cr_assert(strstr(err, "frametest: second: boom at 2.385"), "message: %s", err);
  cr_assert(file_exists(marker), "the previous result directory was replaced");
  snprintf(p, sizeof p, "%s/out/a.csv", dir);
  cr_assert(file_exists(p));
  cr_assert_eq(staging_left(dir), 0, "a staging directory was left behind");
}

Test(frame, check_and_load_failures_exit_2_and_3_before_any_stage) {
  char dir[64], err[2048], p[300];
  tmpdir_make(dir, sizeof dir);
  snprintf(p, sizeof p, "%s/out", dir);
  cr_assert_eq(run_frame(dir, "9", err, sizeof err), HOP_EXIT_USAGE);
  cr_assert(strstr(err, "frametest: option --fail-at: 9 is refused here"), "message: %s", err);
  cr_assert(!file_exists(p), "a refused option wrote %s", p);
  cr_assert_eq(run_frame(dir, "7", err, sizeof err), HOP_EXIT_DATA);
  cr_assert(strstr(err, "frametest: test data: data/x.bin: truncated"), "message: %s", err);
  cr_assert(!file_exists(p));
  cr_assert_eq(run_frame(dir, "11", err, sizeof err), HOP_EXIT_USAGE, "out of the table's range");
  cr_assert_eq(staging_left(dir), 0);
}

/* The cost before the run: the estimate scales the record's seconds by work / work at the
 * defaults (here 11 x), --estimate prints it and writes nothing, and a memory request
 * beyond the machine exits 2 with the numbers before anything is staged. */
Test(frame, the_cost_is_said_before_the_run_and_refused_beyond_the_machine) {
  char dir[64], err[2048], p[300];
  tmpdir_make(dir, sizeof dir);
  snprintf(p, sizeof p, "%s/out", dir);
  cr_assert_eq(run_frame_with(dir, "10", "--estimate", err, sizeof err), HOP_EXIT_OK, "%s", err);
  const char *want =
      "estimate is 110 s on 2 threads (0.0611 core-hours), far beyond the 10 s of the default run";
  cr_assert(strstr(err, want), "want '%s' in: %s", want, err);
  cr_assert(!file_exists(p), "--estimate wrote %s", p);
  cr_assert_eq(run_frame_with(dir, "0", "--estimate", err, sizeof err), HOP_EXIT_OK);
  cr_assert(strstr(err, "estimated run time") && !strstr(err, "WARNING"), "%s", err);
  cr_assert_eq(run_frame(dir, "8", err, sizeof err), HOP_EXIT_USAGE);
  cr_assert(strstr(err, "GiB") && strstr(err, "this run (its options)"), "%s", err);
  cr_assert(!file_exists(p));
  cr_assert_eq(staging_left(dir), 0);
}

/* ---- hop_table ---------------------------------------------------------------------- */

typedef struct {
  int part, model;
  size_t n;
  double value;
  long count;
} row;
static const char *const models[] = {"alpha", "beta"};
static const hop_col cols[] = {HOP_MARK(row, part), HOP_NAMED(row, model, "model", 1, models, 2),
                               HOP_KEY(row, n, "N", HOP_COL_SIZE, NULL),
                               HOP_VAL(row, value, "value", HOP_COL_DOUBLE, "%.4f"),
                               HOP_VAL(row, count, "count", HOP_COL_LONG, NULL)};

static hop_table *sample_table(void) {
  hop_table *t = hop_table_new(16, sizeof(row), cols, 5);
  cr_assert_not_null(t, "%s", hop_error_message());
  /* group (alpha, 10) gets 2.385, 1.5, 4.25, 3.125, 0.75 interleaved with the others */
  const row rows[] = {{0, 0, 10, 2.385, 1}, {0, 1, 10, 9.0, 2},  {0, 0, 10, 1.5, 3},
                      {0, 0, 20, 7.0, 4},   {0, 0, 10, 4.25, 5}, {0, 0, 10, 3.125, 6},
                      {1, 0, 10, 100.0, 7}, {0, 0, 10, 0.75, 8}};
  for (size_t k = 0; k < sizeof rows / sizeof *rows; k++)
    cr_assert_eq(hop_table_push(t, &rows[k]), HOP_OK);
  return t;
}

static int part0(const void *r, const void *ctx) {
  (void)ctx;
  return ((const row *)r)->part == 0;
}

Test(table, grouped_statistics_match_independent_values) {
  hop_table *t = sample_table();
  hop_table_group g[8];
  size_t ng;
  static const char *const keys[] = {"model", "N"};
  cr_assert_eq(hop_table_group_by(t, keys, 2, "value", part0, NULL, g, 8, &ng), HOP_OK, "%s",
               hop_error_message());
  cr_assert_eq(ng, 3, "groups in order of first row: (alpha,10) (beta,10) (alpha,20)");
  cr_assert_eq(g[0].first, 0);
  cr_assert_eq(g[1].first, 1);
  cr_assert_eq(g[2].first, 3);
  cr_assert_eq(g[0].n, 5, "the part-1 row is not kept");
  /* Python: statistics.mean / stdev of [2.385, 1.5, 4.25, 3.125, 0.75] */
  cr_assert_float_eq(g[0].mean, 2.402, 1e-12);
  cr_assert_float_eq(g[0].sd, 1.3675553005271852, 1e-12);
  cr_assert_eq(g[0].min, 0.75);
  cr_assert_eq(g[0].max, 4.25);
  cr_assert_eq(g[1].n, 1);
  cr_assert_eq(g[1].sd, 0.0);
  cr_assert_eq(g[1].mean, 9.0);
  /* all rows, by the hidden part marker too */
  static const char *const keys3[] = {"part", "model", "N"};
  cr_assert_eq(hop_table_group_by(t, keys3, 3, "count", NULL, NULL, g, 8, &ng), HOP_OK);
  cr_assert_eq(ng, 4);
  cr_assert_eq(g[3].first, 6);
  cr_assert_eq(g[3].mean, 7.0);
  /* errors: a value column as a key, an unknown column, too many groups */
  static const char *const bad[] = {"value"};
  cr_assert_eq(hop_table_group_by(t, bad, 1, "value", NULL, NULL, g, 8, &ng), HOP_EINVAL);
  cr_assert_eq(hop_table_group_by(t, keys, 2, "nope", NULL, NULL, g, 8, &ng), HOP_EINVAL);
  cr_assert_eq(hop_table_group_by(t, keys, 2, "value", NULL, NULL, g, 2, &ng), HOP_EBADLEN);
  hop_table_free(t);
}

Test(table, find_by_key) {
  hop_table *t = sample_table();
  row probe = {0, 0, 20, 0, 0};
  cr_assert_eq(hop_table_find(t, &probe, 0), 3);
  cr_assert_eq(hop_table_find(t, &probe, 4), 8, "none after row 4: the count");
  probe = (row){1, 0, 10, -1, -1}; /* values do not matter, the part marker does */
  cr_assert_eq(hop_table_find(t, &probe, 0), 6);
  cr_assert_eq(hop_table_value(t, hop_table_row(t, 6), "count"), 7.0);
  hop_table_free(t);
}

Test(table, header_always_matches_the_rows) {
  char dir[64], path[300], text[1024];
  tmpdir_make(dir, sizeof dir);
  hop_table *t = sample_table();
  cr_assert_eq(hop_table_write(t, dir, "t.csv", part0, NULL), HOP_OK, "%s", hop_error_message());
  snprintf(path, sizeof path, "%s/t.csv", dir);
  file_read(path, text, sizeof text);
  const char *want =
      "model,N,value,count\nalpha,10,2.3850,1\nbeta,10,9.0000,2\nalpha,10,1.5000,3\n";
  cr_assert(!strncmp(text, want, strlen(want)), "got:\n%s", text);
  /* every line has as many fields as the header */
  size_t fields = 0, lines = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
    size_t f = 1;
    for (char *c = line; *c; c++) f += *c == ',';
    if (!lines) fields = f;
    cr_assert_eq(f, fields, "line %zu: %s", lines, line);
  }
  cr_assert_eq(lines, 8, "header and the 7 part-0 rows");
  /* a name index outside the column's names is an error, not a stray read */
  row r = {0, 5, 1, 0, 0};
  cr_assert_eq(hop_table_push(t, &r), HOP_OK);
  cr_assert_eq(hop_table_write(t, dir, "u.csv", NULL, NULL), HOP_EINVAL);
  snprintf(path, sizeof path, "%s/u.csv", dir);
  cr_assert(!file_exists(path), "a failed table left a file");
  hop_table_free(t);
  hop_col outside = HOP_VAL(row, count, "x", HOP_COL_LONG, NULL);
  outside.offset = sizeof(row);
  cr_assert_null(hop_table_new(4, sizeof(row), &outside, 1));
}

/* ---- verdict rules ---------------------------------------------------------------------- */

Test(claims, each_rule_at_its_boundary) {
  const char *yes = "reproduced", *no = "not reproduced";
  cr_assert_str_eq(hop_claims_if(1), yes);
  cr_assert_str_eq(hop_claims_if(0), no);
  cr_assert_str_eq(hop_claims_verdict(1.75, 1.5, 0.25), yes, "|m - p| = tol holds");
  cr_assert_str_eq(hop_claims_verdict(1.25, 1.5, 0.25), yes);
  cr_assert_str_eq(hop_claims_verdict(nextafter(1.75, 2), 1.5, 0.25), no);
  cr_assert_str_eq(hop_claims_verdict(NAN, 1.5, 0.25), no);
  cr_assert_str_eq(hop_claims_within_se(2.5, 2.0, 0.25, 2), yes, "exactly 2 SE");
  cr_assert_str_eq(hop_claims_within_se(nextafter(2.5, 3), 2.0, 0.25, 2), no);
  cr_assert_str_eq(hop_claims_within_se(2.0, 2.0, NAN, 2), no, "no standard error, no verdict");
  cr_assert_str_eq(hop_claims_at_most(0.5, 0.5), yes);
  cr_assert_str_eq(hop_claims_at_most(nextafter(0.5, 1), 0.5), no);
  cr_assert_str_eq(hop_claims_at_least(0.95, 0.95), yes);
  cr_assert_str_eq(hop_claims_at_least(0.94, 0.95), no);
  cr_assert_str_eq(hop_claims_above(0.0, 0.0), no, "a sign is strict");
  cr_assert_str_eq(hop_claims_above(1e-300, 0.0), yes);
  cr_assert_str_eq(hop_claims_below(15, 15), no);
  cr_assert_str_eq(hop_claims_below(14.99, 15), yes);
  cr_assert_str_eq(hop_claims_at_least(NAN, 0), no);
  cr_assert_str_eq(hop_claims_below(NAN, 0), no);
}

/* ---- shared numerics ------------------------------------------------------------------ */

Test(numerics, linear_fit_against_the_textbook_formulas) {
  /* Python, textbook least squares: a = 1.7536436474627992, b = 1.106447920640977,
   * se(a) = 0.18725045792062872, se(b) = 0.04164335749780686 */
  double x[] = {1.0, 2.0, NAN, 3.5, 4.0, 6.25, INFINITY, 7.0},
         y[] = {2.9, 4.1, 1.0, 5.3, 6.2, 8.9, 3.0, 9.4};
  hop_math_fit f;
  hop_math_linear_fit(x, y, 8, 3, &f);
  cr_assert_eq(f.n, 6, "the NaN and infinite points are left out");
  cr_assert_float_eq(f.a, 1.7536436474627992, 1e-12);
  cr_assert_float_eq(f.b, 1.106447920640977, 1e-12);
  cr_assert_float_eq(f.se_a, 0.18725045792062872, 1e-12);
  cr_assert_float_eq(f.se_b, 0.04164335749780686, 1e-12);
  hop_math_linear_fit(x, y, 8, 7, &f);
  cr_assert(isnan(f.a) && isnan(f.b) && f.n == 6, "fewer points than asked: no fit");
  double x2[] = {1.0, 3.0}, y2[] = {2.385, 3.385};
  hop_math_linear_fit(x2, y2, 2, 2, &f);
  cr_assert_float_eq(f.b, 0.5, 1e-15);
  cr_assert(isnan(f.se_b), "two points leave no degree of freedom for an error");
}

Test(numerics, double_factorial_and_overlap) {
  cr_assert_eq(hop_math_double_factorial(-1), 1.0);
  cr_assert_eq(hop_math_double_factorial(0), 1.0);
  cr_assert_eq(hop_math_double_factorial(1), 1.0);
  cr_assert_eq(hop_math_double_factorial(7), 105.0);
  cr_assert_eq(hop_math_double_factorial(8), 384.0);
  cr_assert_eq(hop_math_double_factorial(21), 13749310575.0);
  signed char a[5] = {1, -1, 1, 1, -1}, b[5] = {1, 1, 1, -1, -1};
  cr_assert_eq(hop_math_overlap_pm1(a, b, 5), 0.2);
  cr_assert_eq(hop_math_overlap_pm1(a, a, 5), 1.0);
}

Test(numerics, sgemm_squared_distances_match_the_direct_sum) {
  enum { N = 7, M = 5, D = 13 };
  float x[N * D], c[M * D], cn[M], out[N * M], rank[N * M];
  for (int k = 0; k < N * D; k++) x[k] = (float)sin(2.385 * k);
  for (int k = 0; k < M * D; k++) c[k] = (float)cos(1.5 * k);
  hop_math_row_sqnorms_f(M, D, c, cn);
  hop_math_sqdist_f(N, M, D, x, c, cn, 1, out);
  hop_math_sqdist_f(N, M, D, x, c, cn, 0, rank);
  for (int i = 0; i < N; i++) {
    double xn = 0;
    for (int t = 0; t < D; t++) xn += (double)x[i * D + t] * x[i * D + t];
    for (int j = 0; j < M; j++) {
      double d = 0;
      for (int t = 0; t < D; t++)
        d += ((double)x[i * D + t] - c[j * D + t]) * ((double)x[i * D + t] - c[j * D + t]);
      cr_assert_float_eq(out[i * M + j], d, 1e-4 * (1 + d), "(%d, %d): %g vs %g", i, j,
                         out[i * M + j], d);
      cr_assert_float_eq(rank[i * M + j] + xn, d, 1e-4 * (1 + d),
                         "the ranking form leaves out |x|^2");
    }
  }
  cr_assert(out[0] > 0.1, "a distance that is not trivially zero");
}

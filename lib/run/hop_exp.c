/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_exp.c: the program frame (one process; hop_exp.h says where a backend hooks in). */
#include "hop_exp.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hop_error.h"
#include "hop_file.h"
#include "hop_manifest.h"

int hop_exp_dataset(hop_exp *x, const char *path) {
  if (x->n_files == HOP_EXP_MAX_FILES)
    HOP_ERROR(HOP_EBADLEN, "more than %d dataset files", HOP_EXP_MAX_FILES);
  int n = snprintf(x->files[x->n_files], sizeof x->files[0], "%s", path);
  if (n < 0 || (size_t)n >= sizeof x->files[0])
    HOP_ERROR(HOP_ERANGE, "dataset path '%s' too long", path);
  x->n_files++;
  return HOP_OK;
}

int hop_exp_open(hop_exp *x, hop_data_set set, int part, size_t max_n, size_t min_n,
                 const char *why, hop_dataset *out) {
  hop_data_part p;
  int st = hop_data_open(set, part, max_n, min_n, why, &p);
  for (size_t k = 0; k < p.n_files && !st; k++) st = hop_exp_dataset(x, p.files[k]);
  if (st) return hop_data_part_free(&p), st;
  *out = p.d;
  return HOP_OK;
}

int hop_exp_writer(const hop_exp *x) {
  (void)x;
  return 1;
}

void hop_exp_estimate(const hop_exp *x, double work) {
  double budget = x->desc->record_seconds * HOP_EXP_RECORD_THREADS / (double)x->cli.threads;
  if (x->work0 > 0) hop_cli_estimate(&x->cli, budget * work / x->work0, budget);
}

static int fail(const hop_exp *x, const char *what) {
  fprintf(stderr, "%s: %s: %s\n", x->desc->name, what, hop_error_message());
  return HOP_EXIT_RUN;
}

/* Step 3b: the memory and time the options imply; -1 to go on, else the exit status. */
static int cost(hop_exp *x) {
  const hop_exp_desc *d = x->desc;
  double bytes = d->memory ? d->memory(x) : 0;
  if (bytes > 0 && hop_cli_check_memory(bytes, 0.8, "this run (its options)")) {
    fprintf(stderr, "%s: %s\n", d->name, hop_error_message());
    return HOP_EXIT_USAGE;
  }
  if (d->work && d->record_seconds > 0 && d->cfg_size) {
    void *saved = malloc(d->cfg_size);
    if (!saved) return fail(x, "estimate");
    memcpy(saved, x->cfg, d->cfg_size);
    int st = hop_cli_defaults(d->opts, d->n_opts);
    double w0 = st ? 0 : d->work(x->cfg);
    memcpy(x->cfg, saved, d->cfg_size);
    free(saved);
    if (st) return fail(x, "estimate");
    x->work0 = w0;
    if (!x->cli.quick || x->cli.estimate) hop_exp_estimate(x, d->work(x->cfg));
  }
  if (!x->cli.estimate) return -1;
  if (bytes > 0) fprintf(stderr, "%s: estimated memory %.2f GiB\n", d->name, bytes / 1073741824.0);
  return HOP_EXIT_OK;
}

/* Steps 3-7 of hop_exp.h; returns the exit status. */
static int run(hop_exp *x) {
  const hop_exp_desc *d = x->desc;
  if (d->check && d->check(x)) {
    fprintf(stderr, "%s: %s\n", d->name, hop_error_message());
    return HOP_EXIT_USAGE;
  }
  int rc = cost(x);
  if (rc >= 0) return rc;
  rc = hop_cli_stage(&x->cli);
  if (rc >= 0) return rc;
  if (d->res_size && !(x->res = calloc(1, d->res_size))) {
    HOP_RAISE(HOP_ENOMEM, "%zu bytes of results", d->res_size);
    return fail(x, "setup");
  }
  if (!(x->claims = hop_claims_new(d->name))) return fail(x, "claims");
  x->data_what = d->data_what ? d->data_what : "data";
  if (d->load && d->load(x)) {
    if (x->refused || hop_error_code() == HOP_ETOOBIG)
      return fprintf(stderr, "%s: %s\n", d->name, hop_error_message()), HOP_EXIT_USAGE;
    return hop_error_code() == HOP_ENOMEM ? fail(x, x->data_what)
                                          : hop_cli_fail_data(&x->cli, x->data_what);
  }
  for (size_t k = 0; k < d->n_stages; k++) {
    x->stage = d->stages[k].name;
    double t0 = hop_cli_now();
    if (d->stages[k].run(x)) return fail(x, x->stage);
    size_t used = strlen(x->cli.stage_times), room = sizeof x->cli.stage_times - used;
    snprintf(x->cli.stage_times + used, room, "%s%s: %.1f", used ? "; " : "", x->stage,
             hop_cli_now() - t0);
  }
  x->stage = NULL;
  const char *files[HOP_EXP_MAX_FILES];
  for (size_t k = 0; k < x->n_files; k++) files[k] = x->files[k];
  if (hop_claims_write(x->claims, x->cli.out)) return fail(x, "claims");
  if (hop_manifest_write(&x->cli, files, x->n_files)) return fail(x, "manifest");
  if (hop_file_stage_kept())
    fprintf(stderr, "%s: the previous contents of %s are kept in %s\n", d->name, x->cli.out,
            hop_file_stage_kept());
  if (d->report) d->report(x);
  return HOP_EXIT_OK;
}

int hop_exp_main(const hop_exp_desc *desc, int argc, char **argv) {
  gsl_set_error_handler_off(); /* GSL errors come back as statuses, never abort */
  hop_exp *x = calloc(1, sizeof *x);
  if (!x) {
    fprintf(stderr, "%s: cannot allocate the program frame\n", desc->name);
    return HOP_EXIT_RUN;
  }
  x->desc = desc;
  x->cfg = desc->cfg;
  hop_cli_init(&x->cli, desc->name, desc->summary, desc->seed);
  int rc = hop_cli_start(&x->cli, argc, argv, desc->opts, desc->n_opts);
  if (rc < 0) rc = run(x);
  if (rc != HOP_EXIT_OK) hop_file_stage_abort();
  if (desc->free && x->res) desc->free(x);
  hop_claims_free(x->claims);
  free(x->res);
  free(x);
  return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_exp.c: the program frame (one process; hop_exp.h says where a backend hooks in). */
#include "hop_exp.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>

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

static int fail(const hop_exp *x, const char *what) {
  fprintf(stderr, "%s: %s: %s\n", x->desc->name, what, hop_error_message());
  return HOP_EXIT_RUN;
}

/* Steps 3-7 of hop_exp.h; returns the exit status. */
static int run(hop_exp *x) {
  const hop_exp_desc *d = x->desc;
  if (d->check && d->check(x)) {
    fprintf(stderr, "%s: %s\n", d->name, hop_error_message());
    return HOP_EXIT_USAGE;
  }
  int rc = hop_cli_stage(&x->cli);
  if (rc >= 0) return rc;
  if (d->res_size && !(x->res = calloc(1, d->res_size))) {
    HOP_RAISE(HOP_ENOMEM, "%zu bytes of results", d->res_size);
    return fail(x, "setup");
  }
  if (!(x->claims = hop_claims_new(d->name))) return fail(x, "claims");
  x->data_what = d->data_what ? d->data_what : "data";
  if (d->load && d->load(x))
    return hop_error_code() == HOP_ENOMEM ? fail(x, x->data_what)
                                          : hop_cli_fail_data(&x->cli, x->data_what);
  for (size_t k = 0; k < d->n_stages; k++) {
    x->stage = d->stages[k].name;
    if (d->stages[k].run(x)) return fail(x, x->stage);
  }
  x->stage = NULL;
  const char *files[HOP_EXP_MAX_FILES];
  for (size_t k = 0; k < x->n_files; k++) files[k] = x->files[k];
  if (hop_claims_write(x->claims, x->cli.out)) return fail(x, "claims");
  if (hop_manifest_write(&x->cli, files, x->n_files)) return fail(x, "manifest");
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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_exp.c: the program frame, for one process or the ranks of an MPI run (hop_par.h). */
#include "hop_exp.h"

#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hop_error.h"
#include "hop_file.h"
#include "hop_jobs.h"
#include "hop_manifest.h"
#include "hop_par.h"

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
  return hop_par_rank() == 0;
}

void hop_exp_estimate(const hop_exp *x, double work) {
  double core_seconds = x->desc->record_seconds * HOP_EXP_RECORD_THREADS;
  double budget = core_seconds / (double)x->cli.threads;
  if (x->work0 > 0)
    hop_cli_estimate(&x->cli, budget * work / x->work0, budget,
                     core_seconds * work / x->work0 / 3600);
}

static int fail(const hop_exp *x, const char *what) {
  fprintf(stderr, "%s: %s: %s\n", x->desc->name, what, hop_error_message());
  return HOP_EXIT_RUN;
}

/* Step 3b: the memory and time the options imply; -1 to go on, else the exit status. */
static int cost(hop_exp *x) {
  const hop_exp_desc *d = x->desc;
  double bytes = d->memory ? d->memory(x) : 0; /* each rank checks its own host */
  int st = bytes > 0 ? hop_cli_check_memory(bytes, 0.8, "this run (its options)") : HOP_OK;
  if (hop_par_agree(st, NULL)) {
    fprintf(stderr, "%s: %s\n", d->name, hop_error_message());
    return HOP_EXIT_USAGE;
  }
  if (d->work && d->record_seconds > 0 && d->cfg_size) {
    void *saved = malloc(d->cfg_size);
    if (!saved) return fail(x, "estimate");
    memcpy(saved, x->cfg, d->cfg_size);
    st = hop_cli_defaults(d->opts, d->n_opts);
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

/* Append printf text to a growing string (*len its length); 0 when out of memory. */
static int append(char **text, size_t *len, size_t *cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return 0;
  if (*len + (size_t)n + 1 > *cap) {
    size_t c = 2 * (*cap + (size_t)n + 1);
    char *t = realloc(*text, c);
    if (!t) return 0;
    *text = t, *cap = c;
  }
  va_start(ap, fmt);
  vsnprintf(*text + *len, *cap - *len, fmt, ap);
  va_end(ap);
  *len += (size_t)n;
  return 1;
}

/* After the stage that has just run: its seconds; its jobs' seconds, each job in jobs.txt
 * ("jobs:" lines, one per batch) and their sum in the manifest (one line per stage). */
static void record_stage(hop_exp *x, double seconds, size_t *batches_seen) {
  size_t used = strlen(x->cli.stage_times), room = sizeof x->cli.stage_times - used;
  snprintf(x->cli.stage_times + used, room, "%s%s: %.1f", used ? "; " : "", x->stage, seconds);
  const hop_jobs_batch *b;
  size_t n = hop_jobs_log(&b), first = *batches_seen, jobs = 0;
  double sum = 0, longest = 0, wall = 0;
  for (; *batches_seen < n; (*batches_seen)++) {
    const hop_jobs_batch *j = &b[*batches_seen];
    int ok = append(&x->jobs_text, &x->jobs_len, &x->jobs_cap,
                    "jobs: stage=%s; n=%zu; wall=%.6f; threads=%d; seconds=", x->stage, j->n,
                    j->wall, j->threads);
    for (size_t k = 0; ok && k < j->n; k++) {
      ok = append(&x->jobs_text, &x->jobs_len, &x->jobs_cap, "%s%.3g", k ? "," : "", j->seconds[k]);
      sum += j->seconds[k], longest = j->seconds[k] > longest ? j->seconds[k] : longest;
    }
    if (ok) append(&x->jobs_text, &x->jobs_len, &x->jobs_cap, "\n");
    jobs += j->n, wall += j->wall;
  }
  if (n > first)
    append(&x->jobs_sum, &x->sum_len, &x->sum_cap,
           "jobs: stage=%s; batches=%zu; n=%zu; wall=%.3f; seconds=%.3f; longest=%.3f "
           "(each job in jobs.txt)\n",
           x->stage, n - first, jobs, wall, sum, longest);
}

/* jobs.txt: every batch's jobs and their seconds (for planning runs past this machine). */
static int write_jobs(const hop_exp *x) {
  if (!x->jobs_text) return HOP_OK;
  hop_file *f = hop_file_open(x->cli.out, "jobs.txt", NULL);
  if (f) hop_file_printf(f, "%s", x->jobs_text);
  return hop_file_close(f);
}

/* A stage failed on this rank: an error every rank shares ends the run the usual way
 * (HOP_EXIT_RUN); one met here alone ends every rank from here (hop_par.h). */
static int stage_failed(hop_exp *x) {
  if (hop_par_size() > 1 && !hop_par_shared_error()) {
    char m[768];
    snprintf(m, sizeof m, "%s: %s: %s (rank %d)", x->desc->name, x->stage, hop_error_message(),
             hop_par_rank());
    hop_file_stage_abort();
    hop_par_abort(HOP_EXIT_RUN, m);
  }
  hop_par_agree(HOP_EIO, NULL); /* every rank is here with the same error */
  return fail(x, x->stage);
}

/* Steps 5-6: the data, then the stages. -1 to go on, else the exit status. */
static int compute(hop_exp *x) {
  const hop_exp_desc *d = x->desc;
  x->data_what = d->data_what ? d->data_what : "data";
  int st = hop_par_agree(d->load ? d->load(x) : HOP_OK, &x->refused);
  if (st) {
    if (x->refused || st == HOP_ETOOBIG)
      return fprintf(stderr, "%s: %s\n", d->name, hop_error_message()), HOP_EXIT_USAGE;
    return st == HOP_ENOMEM ? fail(x, x->data_what) : hop_cli_fail_data(&x->cli, x->data_what);
  }
  size_t batches = 0;
  const hop_jobs_batch *b;
  batches = hop_jobs_log(&b); /* what load ran is not a stage's */
  for (size_t k = 0; k < d->n_stages; k++) {
    x->stage = d->stages[k].name;
    double t0 = hop_cli_now();
    hop_par_shared(0);
    if (d->stages[k].run(x)) return stage_failed(x);
    if (hop_par_agree(HOP_OK, NULL)) return fail(x, x->stage);
    record_stage(x, hop_cli_now() - t0, &batches);
  }
  x->stage = NULL;
  x->cli.job_times = x->jobs_sum;
  return -1;
}

/* Steps 3-7 of hop_exp.h; returns the exit status. */
static int run(hop_exp *x) {
  const hop_exp_desc *d = x->desc;
  if (hop_par_agree(d->check ? d->check(x) : HOP_OK, NULL)) {
    fprintf(stderr, "%s: %s\n", d->name, hop_error_message());
    return HOP_EXIT_USAGE;
  }
  int rc = cost(x);
  if (rc >= 0) return rc;
  rc = hop_exp_writer(x) ? hop_cli_stage(&x->cli) : -1; /* only the writer stages */
  if (hop_par_size() > 1 && hop_par_bcast(&rc, sizeof rc)) return fail(x, "staging");
  if (rc >= 0) return rc;
  int st = HOP_OK;
  if (d->res_size && !(x->res = calloc(1, d->res_size)))
    st = HOP_RAISE(HOP_ENOMEM, "%zu bytes of results", d->res_size);
  if (!st && !(x->claims = hop_claims_new(d->name))) st = hop_error_code();
  if (hop_par_agree(st, NULL)) return fail(x, "setup");
  if ((rc = compute(x)) >= 0) return rc;
  if (hop_exp_writer(x)) {
    const char *files[HOP_EXP_MAX_FILES];
    for (size_t k = 0; k < x->n_files; k++) files[k] = x->files[k];
    if (write_jobs(x)) return fail(x, "jobs.txt");
    if (hop_claims_write(x->claims, x->cli.out)) return fail(x, "claims");
    if (hop_manifest_write(&x->cli, files, x->n_files)) return fail(x, "manifest");
    if (hop_file_stage_kept())
      fprintf(stderr, "%s: the previous contents of %s are kept in %s\n", d->name, x->cli.out,
              hop_file_stage_kept());
  }
  if (d->report) d->report(x);
  return HOP_EXIT_OK;
}

/* The group of processes, and the threads per rank: the cores of a host are shared by its
 * ranks unless --threads says otherwise (then a warning if that oversubscribes them). */
static int join(hop_exp *x, int *argc, char ***argv) {
  if (hop_par_init(argc, argv)) {
    fprintf(stderr, "%s: %s\n", x->desc->name, hop_error_message());
    return HOP_EXIT_RUN;
  }
  x->cli.ranks = hop_par_size();
  if (x->cli.ranks > 1) {
    long per = x->cli.threads / hop_par_local();
    x->cli.threads = per > 0 ? per : 1;
    hop_par_hosts(x->cli.hosts, sizeof x->cli.hosts);
    hop_file_sink(!hop_exp_writer(x));
  }
  return -1;
}

static void warn_oversubscribed(const hop_exp *x) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN), want = hop_par_local() * x->cli.threads;
  if (x->cli.ranks > 1 && cores > 0 && want > cores)
    fprintf(stderr,
            "%s: WARNING: %d ranks x %ld threads on a host of %ld cores oversubscribe it: the "
            "results are the same, the run slower\n",
            x->desc->name, hop_par_local(), x->cli.threads, cores);
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
  int rc = join(x, &argc, &argv);
  if (rc >= 0) return free(x), rc;
  rc = hop_cli_start(&x->cli, argc, argv, desc->opts, desc->n_opts);
  if (rc < 0) {
    warn_oversubscribed(x);
    rc = run(x);
  }
  if (rc != HOP_EXIT_OK) hop_file_stage_abort();
  if (hop_par_size() > 1) hop_par_bcast(&rc, sizeof rc); /* the writer's status, on every rank */
  if (desc->free && x->res) desc->free(x);
  hop_claims_free(x->claims);
  free(x->jobs_text), free(x->jobs_sum);
  free(x->res);
  free(x);
  hop_par_end();
  return rc;
}

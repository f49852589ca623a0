/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_exp.h: the program frame. An experiment program is a description (hop_exp_desc):
 * its name, purpose and default seed, its option table, its checks, its datasets, its
 * stages in order and the size of its results struct; main() fills one and makes one
 * call, hop_exp_main, which does what every program needs:
 *
 *   1. GSL's error handler off (GSL errors come back as statuses, never abort);
 *   2. parse the options (hop_cli_parse): --help and --version print and exit 0, a bad
 *      option prints one line and exits HOP_EXIT_USAGE;
 *   3. desc->check(x): what the table cannot say (one option against another); an error
 *      exits HOP_EXIT_USAGE;
 *   3b. the cost: desc->memory beyond the machine exits HOP_EXIT_USAGE with the numbers;
 *      desc->work against the defaults' work gives the run's estimate, printed before
 *      every full-size run, with a WARNING when it is over four times the default run's
 *      (in days when it is days); --estimate prints it and exits 0 here;
 *   4. stage --out (hop_file_stage_begin) before any computation;
 *   5. desc->load(x): read and check the datasets (hop_exp_dataset records each file
 *      for the manifest); an error exits HOP_EXIT_DATA with a `make data` hint where
 *      fetching can help (hop_cli_fail_data), except HOP_ENOMEM (HOP_EXIT_RUN), and
 *      HOP_ETOOBIG (data the machine cannot hold) or an option the data cannot satisfy
 *      (x->refused), which exit HOP_EXIT_USAGE;
 *   6. the stages in order; the first failure prints "NAME: STAGE: reason" and exits
 *      HOP_EXIT_RUN, and the staging directory is removed (the previous result
 *      directory stays as it was);
 *   7. jobs.txt, claims.csv (from x->claims), then manifest.txt, which swaps the finished
 *      directory into place; desc->report(x) prints the run's one-line summary;
 *   8. desc->free(x) releases what the stages allocated, in every case.
 *
 * Exit statuses only through HOP_EXIT_* (hop_cli.h). The results struct is allocated
 * (zeroed) by the frame, never static, so that any stage could run as a job.
 *
 * Under MPI (hop_par.h) every rank runs this same frame: the threads per rank default to
 * the host's cores over its ranks; steps 3, 3b, 5 and every stage end in an agreement
 * (hop_par_agree), so an error on any rank ends all of them with the same status and
 * message; only the writer (hop_exp_writer: rank 0) stages --out and writes, the others'
 * files go to a sink; an error one rank meets alone inside a stage ends every rank
 * (hop_par_abort). The manifest records the ranks and hosts, and each stage's jobs
 * (their seconds, each job's in jobs.txt). */
#ifndef HOP_EXP_H
#define HOP_EXP_H

#include <stddef.h>

#include "hop_claims.h"
#include "hop_cli.h"
#include "hop_data.h"

typedef struct hop_exp hop_exp;

/* One stage: its name (in progress and in the error message) and its function, which
 * returns HOP_OK or a library status with the reason recorded (hop_error). */
typedef struct {
  const char *name;
  int (*run)(hop_exp *x);
} hop_exp_stage;

typedef struct {
  const char *name;    /* program name; default --out is results/NAME */
  const char *summary; /* one or two lines for --help */
  unsigned long seed;  /* default --seed */
  hop_opt *opts;       /* the option table (values point into cfg) */
  size_t n_opts;
  void *cfg;                   /* the program's options struct, filled by parsing */
  size_t res_size;             /* bytes of the program's results struct (0: none) */
  int (*check)(hop_exp *x);    /* NULL, or step 3: HOP_OK, or an error naming the option */
  int (*load)(hop_exp *x);     /* NULL, or step 5: HOP_OK, or an error naming the file */
  const char *data_what;       /* what load reads, for its error line ("MNIST"; NULL: "data") */
  const hop_exp_stage *stages; /* step 6, in order */
  size_t n_stages;
  void (*report)(hop_exp *x); /* NULL, or the summary line after a complete run */
  void (*free)(hop_exp *x);   /* NULL, or frees what load and the stages allocated */
  size_t cfg_size;            /* bytes of *cfg (HOP_EXP_DESC), to evaluate work on the defaults */
  /* The cost of a run, computed from the options alone before anything starts (step 3b):
   * work(cfg) in the program's own unit (proportional to seconds; it reads only option
   * fields, never what check derives), calibrated by record_seconds, the wall time of the
   * default run of record on HOP_EXP_RECORD_THREADS threads; memory(x) the peak bytes
   * the options (and the thread count) imply, refused (HOP_EXIT_USAGE, with the numbers) beyond 80 % of the
   * machine's memory. Either may be NULL. */
  double (*work)(const void *cfg);
  double (*memory)(const hop_exp *x);
  double record_seconds;
} hop_exp_desc;

/* The machine of record: 2 cores (README.md, "Budget"). */
#define HOP_EXP_RECORD_THREADS 2.0

/* The fields every description fills the same way: its name and default seed, the option
 * table opts[] and the options struct it fills, the results type, the stage table stages[]:
 * hop_exp_desc d = {HOP_EXP_DESC("name", 2385, opts, &cf, results, stages), .summary = ...}. */
#define HOP_EXP_DESC(NAME, SEED, OPTS, CFG, RES_T, STAGES)                                    \
  .name = NAME, .seed = SEED, .opts = OPTS, .n_opts = sizeof OPTS / sizeof *OPTS, .cfg = CFG, \
  .res_size = sizeof(RES_T), .stages = STAGES, .n_stages = sizeof STAGES / sizeof *STAGES,    \
  .cfg_size = sizeof *(CFG)

#define HOP_EXP_MAX_FILES 32
/* What a stage sees: the parsed command line, the options, its results, the claims. */
struct hop_exp {
  const hop_exp_desc *desc;
  hop_cli cli;           /* cli.out is where files go (the staging directory during a run) */
  void *cfg;             /* desc->cfg */
  void *res;             /* (res_size) zeroed results struct, owned by the frame */
  hop_claims *claims;    /* the program's claims.csv rows */
  const char *stage;     /* the stage running now (NULL outside the stages) */
  const char *data_what; /* what load is reading, for its error line; load may change it */
  double work0;          /* desc->work of the default options (step 3b) */
  int refused;     /* set by load with its error: an option asks for what the data or the machine
                * cannot give (exit HOP_EXIT_USAGE, not HOP_EXIT_DATA) */
  size_t n_files;  /* dataset files recorded by hop_exp_dataset, for the manifest */
  char *jobs_text; /* jobs.txt: a "jobs:" line per hop_jobs_run batch, each job's seconds */
  char *jobs_sum;  /* the manifest's "jobs:" lines, one per stage */
  size_t jobs_len, jobs_cap, sum_len, sum_cap;
  char files[HOP_EXP_MAX_FILES][512];
};

/* Run the program described by desc; returns the exit status (HOP_EXIT_*). */
int hop_exp_main(const hop_exp_desc *desc, int argc, char **argv);

/* Record a dataset file read by load, for the manifest's SHA-256 lines (HOP_EBADLEN
 * past HOP_EXP_MAX_FILES, HOP_ERANGE for a path of 512 bytes or more). */
int hop_exp_dataset(hop_exp *x, const char *path);

/* hop_data_open (the catalogue, hop_data.h) of a dataset part into out, its files recorded
 * for the manifest. */
int hop_exp_open(hop_exp *x, hop_data_set set, int part, size_t max_n, size_t min_n,
                 const char *why, hop_dataset *out);

/* Print the estimate (hop_cli_estimate) of a run whose work, in desc->work's unit, is
 * known only once its data are (a video's frame count): for load. Needs desc->work. */
void hop_exp_estimate(const hop_exp *x, double work);

/* Whether this process writes the result directory (always 1 in a one-process run). */
int hop_exp_writer(const hop_exp *x);

#endif

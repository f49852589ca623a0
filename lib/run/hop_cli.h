/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_cli.h: the common command line of every experiment program.
 *
 * Every experiment accepts --out DIR, --seed N, --quick, --threads N, --force,
 * --estimate, --help and --version, plus its own options described by a table of hop_opt; hop_exp (the program
 * frame) calls hop_cli_start and hop_cli_stage.
 * Parsing never prints: the program prints hop_cli_usage() or the error. */
#ifndef HOP_CLI_H
#define HOP_CLI_H

#include <stdio.h>

/* Value kinds of an option row, and what its value pointer points to. */
typedef enum {
  HOP_OPT_INT,    /* long */
  HOP_OPT_DOUBLE, /* double */
  HOP_OPT_STRING, /* const char * (points into argv or the row's text) */
  HOP_OPT_FLAG,   /* int: 1 when given (default and quick text: "off" or "on") */
  HOP_OPT_LIST,   /* hop_cli_numbers: comma list of numbers, each in [min, max] */
  HOP_OPT_WORDS,  /* hop_cli_names: comma list of words from the row's names */
  HOP_OPT_WORD,   /* int: the index of one word from the row's names */
  HOP_OPT_INTS    /* hop_cli_numbers: comma list of whole numbers, each in [min, max] */
} hop_opt_type;

#define HOP_CLI_LIST_MAX 16
/* A parsed comma list of numbers: v[0..n), and the text it came from. */
typedef struct {
  size_t n;
  double v[HOP_CLI_LIST_MAX];
  const char *text;
} hop_cli_numbers;
/* A parsed comma list of names: their indices v[0..n) in the row's names. */
typedef struct {
  size_t n;
  int v[HOP_CLI_LIST_MAX];
  const char *text;
} hop_cli_names;

/* One row of a program's option table. The default and the --quick value are text,
 * parsed and range-checked by the same parser as the command line, so a bad default
 * is caught too; --help prints both. An option given on the command line wins over
 * both; under --quick a row with a quick text takes it. */
typedef struct {
  const char *name;         /* long name without "--" */
  hop_opt_type type;        /* what value points to (above) */
  void *value;              /* receives the parsed value */
  double min, max;          /* inclusive range of INT, DOUBLE and each LIST entry */
  const char *help;         /* one line */
  const char *def;          /* the default, as text */
  const char *quick;        /* the value under --quick, as text; NULL: the default */
  const char *paper;        /* the value under --scale paper (the source's size where the
                             * default is cut for the 2-core budget); NULL: the default */
  const char *const *names; /* WORDS and WORD: the allowed names, NULL-terminated */
  int set;                  /* filled by the parser: 1 if given on the command line */
  const char *text;         /* filled by the parser: the effective value as text (command
                             * line, quick or default), for claim text and the manifest */
} hop_opt;

typedef struct {
  const char *name;      /* experiment name; default --out is results/<name> */
  const char *summary;   /* one line for --help */
  const char *out;       /* where the run writes: the staging directory of --out DIR during a
                         * run (hop_cli_stage), DIR itself after hop_manifest_write */
  const char *out_final; /* --out DIR as given; NULL until hop_cli_stage stages it */
  unsigned long seed;    /* --seed N */
  int quick;             /* --quick (= --scale quick): small sizes, seconds (tests and CI) */
  int paper;             /* --scale paper: the sources' sizes (rows with a paper text) */
  int force;             /* --force: replace an --out that is not ours, keeping it aside */
  int estimate;          /* --estimate: print the estimate and exit before any work */
  long threads;          /* --threads N (OpenMP and OpenBLAS) */
  int argc;              /* the command line, for the manifest */
  char **argv;
  double t_start; /* monotonic seconds at parse time, for the wall time */
  char out_default[256];
  char seed_def[32], threads_def[32];
  char options[4096]; /* every option row's effective value, "--name=text ...", for the manifest */
  char stage_times[1024]; /* "stage: seconds; ..." of the run's stages, for the manifest */
  int ranks;              /* processes of the run (hop_par.h), for the manifest */
  char hosts[1024];       /* "host:ranks,..." of an MPI run, for the manifest */
  const char *job_times;  /* NULL, or the manifest's "jobs:" lines, one per stage (hop_exp) */
} hop_cli;

enum { HOP_CLI_RUN = 0, HOP_CLI_HELP = 1, HOP_CLI_VERSION = 2 };

/* Exit statuses of every experiment program (README.md, "Exit statuses"). A signal
 * (SIGINT, SIGTERM, SIGHUP) ends the program by the signal's default action, which
 * a shell reports as 128 + the signal number. */
enum {
  HOP_EXIT_OK = 0,
  HOP_EXIT_RUN = 1, /* run-time or I/O error: a computation failed, a result could not be written */
  HOP_EXIT_USAGE = 2, /* a bad option, or a request the machine cannot hold (memory) */
  HOP_EXIT_DATA = 3 /* a dataset is missing, malformed, or does not fit what the experiment needs */
};

/* Print "NAME: what: <the recorded error>" for a dataset and return HOP_EXIT_DATA,
 * suggesting `make data` unless the recorded error is HOP_EINVAL (the data are fine;
 * the options ask for more than it has), the message already says it, or what names
 * an option ("option --weights": a file of the user's, which fetching cannot help). */
int hop_cli_fail_data(const hop_cli *cli, const char *what);

/* Compare a memory request computed up front with the machine (hop_data_fits, which
 * says how): HOP_ETOOBIG with the numbers when it does not fit. hop_cli_stage checks a
 * zero request, so every run fails at once, never spinning inside OpenBLAS, under an
 * address-space limit too tight to start. */
int hop_cli_check_memory(double bytes, double fraction, const char *what);

/* Initialise cli with defaults (seed, threads = available cores). */
void hop_cli_init(hop_cli *cli, const char *name, const char *summary, unsigned long seed);

/* Parse argv, then give every row its value: the command line's, else (under --quick)
 * its quick text, else its default text. On success returns HOP_OK and sets *action to
 * HOP_CLI_RUN, HOP_CLI_HELP or HOP_CLI_VERSION; on a bad option (unknown, given twice,
 * malformed, out of range) returns HOP_EINVAL with a one-line reason in
 * hop_error_message() naming the option. Applies the thread count on HOP_CLI_RUN. */
int hop_cli_parse(hop_cli *cli, int argc, char **argv, hop_opt *opts, size_t nopts, int *action);

/* Give every row its default value (not its quick one) without touching what the
 * command line set in the rows; for an estimate against the default run. */
int hop_cli_defaults(hop_opt *opts, size_t nopts);

/* Usage text with every default and quick value: "--train N  images [10000; quick: 500]". */
void hop_cli_usage(FILE *f, const hop_cli *cli, const hop_opt *opts, size_t nopts);

/* "NAME VERSION (libhopfield ...)" */
void hop_cli_version(FILE *f, const hop_cli *cli);

/* Parse a comma-separated list of numbers into out (at most cap); returns the count,
 * or 0 with an error recorded if the list is malformed, empty, too long, repeats a
 * value or a value lies outside [min, max]. */
size_t hop_cli_list(const char *text, const char *option, double min, double max, double *out,
                    size_t cap);

/* Parse a comma-separated list of names, each one of names[0..n_names), into their
 * indices (at most cap); returns the count, or 0 with an error recorded naming the
 * option and the unknown or repeated word. */
size_t hop_cli_words(const char *text, const char *option, const char *const *names, size_t n_names,
                     int *out, size_t cap);
/* Announce a run's own up-front estimate of its wall time on stderr, and its cost in
 * core-hours when core_hours > 0; when it exceeds budget_seconds (what the defaults take)
 * more than four times, say so plainly before the run starts. */
void hop_cli_estimate(const hop_cli *cli, double seconds, double budget_seconds, double core_hours);

/* Parse argv and print what a program prints before it runs: usage (--help), the
 * version, or a bad option's one line. Returns -1 to go on, otherwise the exit status
 * (HOP_EXIT_OK after --help/--version, HOP_EXIT_USAGE after a bad option). */
int hop_cli_start(hop_cli *cli, int argc, char **argv, hop_opt *opts, size_t nopts);

/* Before any computation: refuse a data directory longer than HOP_DATA_DIR_MAX and an
 * address-space limit too tight to start (a zero request to hop_cli_check_memory), then
 * stage the output directory (hop_file_stage_begin: --out is checked now and replaced
 * only by a complete run, at hop_manifest_write). Returns -1 to go on, otherwise the
 * exit status (HOP_EXIT_USAGE for an unusable --out name, HOP_EXIT_RUN when it cannot be
 * written), with the reason printed. */
int hop_cli_stage(hop_cli *cli);

/* Monotonic seconds. */
double hop_cli_now(void);

#define HOP_VERSION "0.1.0"

#endif

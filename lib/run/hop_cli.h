/* hop_cli.h: the common command line of every experiment program.
 *
 * Every experiment accepts --out DIR, --seed N, --quick, --threads N, --help and
 * --version (DESIGN.md), plus its own options described by a table of hop_opt.
 * Parsing never prints: the program prints hop_cli_usage() or the error. */
#ifndef HOP_CLI_H
#define HOP_CLI_H

#include <stdio.h>

typedef enum { HOP_OPT_INT, HOP_OPT_DOUBLE, HOP_OPT_STRING, HOP_OPT_FLAG } hop_opt_type;

typedef struct {
  const char *name;  /* long name without "--" */
  hop_opt_type type; /* what value points to: long, double, const char *, int */
  void *value;       /* holds the default on entry, the parsed value on return */
  double min, max;   /* inclusive range for INT and DOUBLE (ignored otherwise) */
  const char *help;  /* one line */
  int set;           /* filled by the parser: 1 if given on the command line */
  char def[64];      /* filled by the parser: the default as printed by --help */
} hop_opt;

typedef struct {
  const char *name;     /* experiment name; default --out is results/<name> */
  const char *summary;  /* one line for --help */
  const char *out;      /* --out DIR */
  unsigned long seed;   /* --seed N */
  int quick;            /* --quick: small sizes, seconds (tests and CI) */
  long threads;         /* --threads N (OpenMP and OpenBLAS) */
  int argc;             /* the command line, for the manifest */
  char **argv;
  double t_start;       /* monotonic seconds at parse time, for the wall time */
  char out_default[256];
  char seed_def[32], threads_def[32];
} hop_cli;

enum { HOP_CLI_RUN = 0, HOP_CLI_HELP = 1, HOP_CLI_VERSION = 2 };

/* Initialise cli with defaults (seed, threads = available cores). */
void hop_cli_init(hop_cli *cli, const char *name, const char *summary, unsigned long seed);

/* Parse argv. On success returns HOP_OK and sets *action to HOP_CLI_RUN, HOP_CLI_HELP
 * or HOP_CLI_VERSION; on a bad option returns HOP_EINVAL with a one-line reason in
 * hop_error_message() naming the option. Applies the thread count on HOP_CLI_RUN. */
int hop_cli_parse(hop_cli *cli, int argc, char **argv, hop_opt *opts, size_t nopts, int *action);

/* Usage text with every default. */
void hop_cli_usage(FILE *f, const hop_cli *cli, const hop_opt *opts, size_t nopts);

/* "NAME VERSION (libhopfield ...)" */
void hop_cli_version(FILE *f, const hop_cli *cli);

/* Parse a comma-separated list of numbers into out (at most cap); returns the count,
 * or 0 with an error recorded if the list is malformed, empty, too long or a value
 * lies outside [min, max]. */
size_t hop_cli_list(const char *text, const char *option, double min, double max, double *out,
                    size_t cap);

/* Parse a comma-separated list of names, each one of names[0..n_names), into their
 * indices (at most cap); returns the count, or 0 with an error recorded naming the
 * option and the unknown word. */
size_t hop_cli_words(const char *text, const char *option, const char *const *names, size_t n_names,
                     int *out, size_t cap);
/* Standard handling in main(): parse, print usage/version/error. Returns -1 to go on,
 * otherwise the exit code (0 after --help/--version, 2 after a bad option). */
int hop_cli_main(hop_cli *cli, int argc, char **argv, hop_opt *opts, size_t nopts);

double hop_cli_now(void); /* monotonic seconds */

#define HOP_VERSION "0.1.0"

#endif

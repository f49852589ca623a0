/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_cli.c: common options, usage with defaults, list parsing. */
#define _POSIX_C_SOURCE 200809L
#include "hop_cli.h"
#include "hop_data.h"
#include "hop_error.h"
#include "hop_file.h"
#include "hop_math.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

double hop_cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long available_cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? n : 1;
}

void hop_cli_init(hop_cli *cli, const char *name, const char *summary, unsigned long seed) {
  memset(cli, 0, sizeof *cli);
  cli->name = name;
  cli->summary = summary;
  snprintf(cli->out_default, sizeof cli->out_default, "results/%s", name);
  cli->out = cli->out_default;
  cli->seed = seed;
  cli->threads = available_cores();
  cli->t_start = hop_cli_now();
}

/* Decimal only, as written in a paper: no leading space (strtol skips it), no
 * hexadecimal (strtod reads 0x10 as 16), no inf or nan. */
static int plain_number(const char *t) {
  if (*t == '+' || *t == '-') t++;
  if (!((*t >= '0' && *t <= '9') || *t == '.')) return 0;
  for (; *t; t++)
    if (!strchr("0123456789.eE+-", *t)) return 0;
  return 1;
}

static int parse_long(const char *opt, const char *text, double min, double max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || !plain_number(text))
    HOP_ERROR(HOP_EINVAL, "option --%s: '%s' is not a whole number", opt, text);
  if ((double)v < min || (double)v > max)
    HOP_ERROR(HOP_EINVAL, "option --%s: %ld is outside [%g, %g]", opt, v, min, max);
  *out = v;
  return HOP_OK;
}

static int parse_double(const char *opt, const char *text, double min, double max, double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || *end || !isfinite(v) || !plain_number(text))
    HOP_ERROR(HOP_EINVAL, "option --%s: '%s' is not a finite number", opt, text);
  if (v < min || v > max)
    HOP_ERROR(HOP_EINVAL, "option --%s: %g is outside [%g, %g]", opt, v, min, max);
  *out = v;
  return HOP_OK;
}

size_t hop_cli_list(const char *text, const char *option, double min, double max, double *out,
                    size_t cap) {
  size_t k = 0;
  const char *p = text;
  char item[64];
  while (*p) {
    const char *q = strchr(p, ',');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    if (len == 0 || len >= sizeof item) {
      HOP_RAISE(HOP_EINVAL, "option --%s: malformed list '%s'", option, text);
      return 0;
    }
    if (k == cap) {
      HOP_RAISE(HOP_EINVAL, "option --%s: more than %zu values", option, cap);
      return 0;
    }
    memcpy(item, p, len);
    item[len] = '\0';
    if (parse_double(option, item, min, max, &out[k])) return 0;
    for (size_t j = 0; j < k; j++)
      if (out[j] == out[k]) {
        HOP_RAISE(HOP_EINVAL, "option --%s: %g is repeated in '%s' (each value once)", option,
                  out[k], text);
        return 0;
      }
    k++;
    p = q ? q + 1 : p + len;
    if (q && !*p) {
      HOP_RAISE(HOP_EINVAL, "option --%s: malformed list '%s'", option, text);
      return 0;
    }
  }
  if (k == 0) HOP_RAISE(HOP_EINVAL, "option --%s: empty list", option);
  return k;
}

size_t hop_cli_words(const char *text, const char *option, const char *const *names, size_t n_names,
                     int *out, size_t cap) {
  size_t k = 0;
  const char *p = text;
  while (*p) {
    const char *q = strchr(p, ',');
    size_t len = q ? (size_t)(q - p) : strlen(p), i = 0;
    while (i < n_names && !(strlen(names[i]) == len && !strncmp(p, names[i], len))) i++;
    if (len == 0 || (q && !q[1])) {
      HOP_RAISE(HOP_EINVAL, "option --%s: malformed list '%s'", option, text);
      return 0;
    }
    if (i == n_names) {
      HOP_RAISE(HOP_EINVAL, "option --%s: unknown name '%.*s'", option, (int)len, p);
      return 0;
    }
    if (k == cap) {
      HOP_RAISE(HOP_EINVAL, "option --%s: more than %zu names", option, cap);
      return 0;
    }
    for (size_t j = 0; j < k; j++)
      if (out[j] == (int)i) {
        HOP_RAISE(HOP_EINVAL, "option --%s: '%s' is repeated in '%s' (each name once)", option,
                  names[i], text);
        return 0;
      }
    out[k++] = (int)i;
    p = q ? q + 1 : p + len;
  }
  if (k == 0) HOP_RAISE(HOP_EINVAL, "option --%s: empty list", option);
  return k;
}

static size_t count_names(const char *const *names) {
  size_t n = 0;
  while (names && names[n]) n++;
  return n;
}

/* Parse text into the row's value (text is the command line's, the quick or the default). */
static int parse_value(hop_opt *o, const char *text) {
  const char *name = o->name;
  switch (o->type) {
    case HOP_OPT_INT: return parse_long(name, text, o->min, o->max, (long *)o->value);
    case HOP_OPT_DOUBLE: return parse_double(name, text, o->min, o->max, (double *)o->value);
    case HOP_OPT_STRING:
      if (!*text) HOP_ERROR(HOP_EINVAL, "option --%s: empty value", name);
      *(const char **)o->value = text;
      return HOP_OK;
    case HOP_OPT_FLAG:
      if (strcmp(text, "on") && strcmp(text, "off"))
        HOP_ERROR(HOP_EINVAL, "option --%s: flag value '%s' is not on or off", name, text);
      *(int *)o->value = !strcmp(text, "on");
      return HOP_OK;
    case HOP_OPT_LIST:
    case HOP_OPT_INTS: {
      hop_cli_numbers *l = o->value;
      l->n = hop_cli_list(text, name, o->min, o->max, l->v, HOP_CLI_LIST_MAX);
      l->text = text;
      for (size_t k = 0; o->type == HOP_OPT_INTS && k < l->n; k++)
        if (l->v[k] != floor(l->v[k]))
          HOP_ERROR(HOP_EINVAL, "option --%s: %g is not a whole number", name, l->v[k]);
      return l->n ? HOP_OK : HOP_EINVAL;
    }
    case HOP_OPT_WORDS: {
      hop_cli_names *l = o->value;
      l->n = hop_cli_words(text, name, o->names, count_names(o->names), l->v, HOP_CLI_LIST_MAX);
      l->text = text;
      return l->n ? HOP_OK : HOP_EINVAL;
    }
    case HOP_OPT_WORD: {
      size_t n = count_names(o->names);
      for (size_t k = 0; k < n; k++)
        if (!strcmp(text, o->names[k])) {
          *(int *)o->value = (int)k;
          return HOP_OK;
        }
      char list[256] = "";
      for (size_t k = 0; k < n; k++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", o->names[k]);
      }
      HOP_ERROR(HOP_EINVAL, "option --%s: '%s' is not one of %s", name, text, list);
    }
  }
  HOP_ERROR(HOP_EINVAL, "option --%s: unknown kind %d", name, (int)o->type);
}

int hop_cli_defaults(hop_opt *opts, size_t nopts) {
  for (size_t k = 0; k < nopts; k++)
    if (!opts[k].def || parse_value(&opts[k], opts[k].def)) return hop_error_code();
  return HOP_OK;
}

int hop_cli_parse(hop_cli *cli, int argc, char **argv, hop_opt *opts, size_t nopts, int *action) {
  *action = HOP_CLI_RUN;
  cli->argc = argc;
  cli->argv = argv;
  snprintf(cli->seed_def, sizeof cli->seed_def, "%lu", cli->seed);
  snprintf(cli->threads_def, sizeof cli->threads_def, "%ld", cli->threads);
  const char *given[64] = {0}; /* the command line's text per row */
  if (nopts > sizeof given / sizeof given[0]) HOP_ERROR(HOP_EBADLEN, "more than 64 option rows");
  int seen_common[4] = {0, 0, 0, 0}; /* out, seed, threads, scale */
  int seen_flag[5] = {0, 0, 0, 0, 0};
  for (size_t k = 0; k < nopts; k++) opts[k].set = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
      HOP_ERROR(HOP_EINVAL, "unexpected argument '%s' (options start with --; see --help)", arg);
    char name[64];
    const char *eq = strchr(arg + 2, '=');
    size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
    if (len >= sizeof name) HOP_ERROR(HOP_EINVAL, "unknown option '%s'", arg);
    memcpy(name, arg + 2, len);
    name[len] = '\0';
    /* flags */
    static const char *const flags[] = {"help", "version", "quick", "force", "estimate"};
    int flag = 0;
    while (flag < 5 && strcmp(name, flags[flag])) flag++;
    if (flag < 5) {
      if (eq) HOP_ERROR(HOP_EINVAL, "option --%s takes no value", name);
      if (seen_flag[flag]++) HOP_ERROR(HOP_EINVAL, "option --%s given twice", name);
      if (flag == 0) *action = HOP_CLI_HELP;
      if (flag == 1) *action = HOP_CLI_VERSION;
      if (flag == 2) cli->quick = 1;
      if (flag == 3) cli->force = 1;
      if (flag == 4) cli->estimate = 1;
      continue;
    }
    size_t row = nopts;
    for (size_t k = 0; k < nopts; k++)
      if (!strcmp(opts[k].name, name)) row = k;
    int common = !strcmp(name, "out")       ? 0
                 : !strcmp(name, "seed")    ? 1
                 : !strcmp(name, "threads") ? 2
                 : !strcmp(name, "scale")   ? 3
                                            : -1;
    if (row == nopts && common < 0)
      HOP_ERROR(HOP_EINVAL, "unknown option '--%s' (see --help)", name);
    if ((row < nopts && opts[row].set) || (common >= 0 && seen_common[common]))
      HOP_ERROR(HOP_EINVAL, "option --%s given twice", name);
    if (row < nopts && opts[row].type == HOP_OPT_FLAG) {
      if (eq) HOP_ERROR(HOP_EINVAL, "option --%s takes no value", name);
      given[row] = "on";
      opts[row].set = 1;
      continue;
    }
    const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    if (!val) HOP_ERROR(HOP_EINVAL, "option --%s needs a value", name);
    if (common == 0) {
      if (!*val) HOP_ERROR(HOP_EINVAL, "option --out: empty directory name");
      cli->out = val;
    } else if (common == 1) {
      long v;
      if (parse_long(name, val, 0, 4294967295.0, &v)) return HOP_EINVAL;
      cli->seed = (unsigned long)v;
    } else if (common == 2) {
      if (parse_long(name, val, 1, 256, &cli->threads)) return HOP_EINVAL;
    } else if (common == 3) {
      if (!strcmp(val, "quick"))
        cli->quick = 1;
      else if (!strcmp(val, "paper"))
        cli->paper = 1;
      else if (strcmp(val, "default"))
        HOP_ERROR(HOP_EINVAL, "option --scale: '%s' is not one of quick, default, paper", val);
    } else {
      given[row] = val;
      opts[row].set = 1;
    }
    if (common >= 0) seen_common[common] = 1;
  }
  if (seen_flag[2] && seen_common[3])
    HOP_ERROR(HOP_EINVAL, "--quick is --scale quick: give one of them");
  cli->options[0] = '\0';
  for (size_t k = 0; k < nopts; k++) {
    hop_opt *o = &opts[k];
    const char *preset = cli->quick && o->quick   ? o->quick
                         : cli->paper && o->paper ? o->paper
                                                  : NULL;
    const char *text = given[k] ? given[k] : preset ? preset : o->def;
    size_t used = strlen(cli->options);
    if (text && used < sizeof cli->options)
      snprintf(cli->options + used, sizeof cli->options - used, "%s--%s=%s", used ? " " : "",
               o->name, text);
    if (!text) HOP_ERROR(HOP_EINVAL, "option --%s has no default", o->name);
    o->text = text;
    if (parse_value(o, text)) {
      if (given[k]) return HOP_EINVAL;
      HOP_ERROR(HOP_EINVAL, "option --%s: its %s value '%s' is invalid: %s", o->name,
                !preset      ? "default"
                : cli->quick ? "quick"
                             : "paper",
                text, hop_error_message());
    }
  }
  if (*action == HOP_CLI_RUN) {
#ifdef _OPENMP
    omp_set_num_threads((int)cli->threads);
#endif
    hop_math_blas_threads((int)cli->threads);
  }
  return HOP_OK;
}

void hop_cli_usage(FILE *f, const hop_cli *cli, const hop_opt *opts, size_t nopts) {
  fprintf(f, "usage: %s [options]\n%s\n\ncommon options [default]:\n", cli->name, cli->summary);
  fprintf(f, "  --out DIR          output directory [%s]\n", cli->out_default);
  fprintf(f, "  --seed N           random seed [%s]\n", cli->seed_def);
  fprintf(f, "  --threads N        OpenMP and OpenBLAS threads%s [%s = available cores%s]\n",
          cli->ranks > 1 ? " per rank" : "", cli->threads_def,
          cli->ranks > 1 ? " / ranks on the host" : "");
  fprintf(f,
          "  --scale S          quick, default or paper: option values after 'quick:' (a smoke "
          "run of\n"
          "                     seconds), the defaults, or after 'paper:' (the sources' sizes)\n"
          "  --quick            the same as --scale quick\n");
  fprintf(f,
          "  --force            replace an --out directory that is not a result of %s, keeping "
          "its contents as DIR.replaced-N\n",
          cli->name);
  fprintf(f, "  --estimate         print the run's estimated time and memory, and exit\n");
  fprintf(f, "  --help             this text\n  --version          version and build\n");
  if (nopts) fprintf(f, "\n%s options [default]:\n", cli->name);
  for (size_t k = 0; k < nopts; k++) {
    const hop_opt *o = &opts[k];
    const char *meta = o->type == HOP_OPT_INT      ? " N"
                       : o->type == HOP_OPT_DOUBLE ? " X"
                       : o->type == HOP_OPT_LIST   ? " X,X"
                       : o->type == HOP_OPT_INTS   ? " N,N"
                       : o->type == HOP_OPT_WORDS  ? " W,W"
                       : o->type == HOP_OPT_FLAG   ? ""
                                                   : " S";
    char lhs[64];
    snprintf(lhs, sizeof lhs, "--%s%s", o->name, meta);
    fprintf(f, "  %-18s %s [%s", lhs, o->help, o->def);
    if (o->quick && strcmp(o->quick, o->def)) fprintf(f, "; quick: %s", o->quick);
    if (o->paper && strcmp(o->paper, o->def)) fprintf(f, "; paper: %s", o->paper);
    fprintf(f, "]\n");
    if (o->type == HOP_OPT_WORDS || o->type == HOP_OPT_WORD) {
      fprintf(f, "  %-18s one%s of:", "", o->type == HOP_OPT_WORDS ? " or more" : "");
      for (size_t n = 0; o->names && o->names[n]; n++) fprintf(f, " %s", o->names[n]);
      fprintf(f, "\n");
    }
  }
}

void hop_cli_version(FILE *f, const hop_cli *cli) {
  fprintf(f, "%s %s (libhopfield, %s, %s)\n", cli->name, HOP_VERSION,
#ifdef __VERSION__
          "cc " __VERSION__,
#else
          "cc unknown",
#endif
          hop_math_blas_config());
}

int hop_cli_start(hop_cli *cli, int argc, char **argv, hop_opt *opts, size_t nopts) {
  int action;
  if (hop_cli_parse(cli, argc, argv, opts, nopts, &action)) {
    fprintf(stderr, "%s: %s\n", cli->name, hop_error_message());
    return HOP_EXIT_USAGE;
  }
  if (action == HOP_CLI_HELP) {
    hop_cli_usage(stdout, cli, opts, nopts);
    return HOP_EXIT_OK;
  }
  if (action == HOP_CLI_VERSION) {
    hop_cli_version(stdout, cli);
    return HOP_EXIT_OK;
  }
  return -1;
}

int hop_cli_stage(hop_cli *cli) {
  /* before any computation: a data directory that fits the loaders' path buffers, a
   * process that fits its address-space limit, and a usable --out */
  if (strlen(hop_data_dir()) > HOP_DATA_DIR_MAX) {
    fprintf(stderr,
            "%s: HOPFIELD_DATA_DIR is longer than %d bytes; give a shorter path (a symbolic link "
            "will do)\n",
            cli->name, HOP_DATA_DIR_MAX);
    return HOP_EXIT_USAGE;
  }
  if (hop_cli_check_memory(0, 1.0, cli->name)) {
    fprintf(stderr, "%s: %s\n", cli->name, hop_error_message());
    return HOP_EXIT_USAGE;
  }
  const char *stage;
  if (hop_file_stage_begin(cli->out, cli->name, cli->force, &stage)) {
    fprintf(stderr, "%s: option --out: %s\n", cli->name, hop_error_message());
    return hop_error_code() == HOP_EIO ? HOP_EXIT_RUN : HOP_EXIT_USAGE;
  }
  cli->out_final = cli->out;
  cli->out = stage;
  return -1;
}

int hop_cli_fail_data(const hop_cli *cli, const char *what) {
  fprintf(stderr, "%s: %s: %s%s\n", cli->name, what, hop_error_message(),
          hop_error_code() == HOP_EINVAL || strstr(hop_error_message(), "make data") ||
                  !strncmp(what, "option ", 7)
              ? ""
              : " (run `make data`: it fetches and verifies every dataset)");
  return HOP_EXIT_DATA;
}

int hop_cli_check_memory(double bytes, double fraction, const char *what) {
  return hop_data_fits(bytes, fraction, what);
}

static void duration(char *buf, size_t n, double s) {
  if (s < 120)
    snprintf(buf, n, "%.0f s", s);
  else if (s < 7200)
    snprintf(buf, n, "%.0f min", s / 60);
  else if (s < 172800)
    snprintf(buf, n, "%.1f h", s / 3600);
  else
    snprintf(buf, n, "%.0f days", s / 86400);
}

void hop_cli_estimate(const hop_cli *cli, double seconds, double budget_seconds,
                      double core_hours) {
  char est[32], bud[32], ch[64] = "";
  duration(est, sizeof est, seconds);
  duration(bud, sizeof bud, budget_seconds);
  if (core_hours > 0) snprintf(ch, sizeof ch, " (%.3g core-hours)", core_hours);
  if (seconds > 4 * budget_seconds)
    fprintf(
        stderr,
        "%s: WARNING: this run's own estimate is %s on %ld threads%s, far beyond the %s of the "
        "default run%s\n",
        cli->name, est, cli->threads, ch, bud,
        cli->estimate ? "" : "; it starts now (interrupt it with Ctrl-C: nothing is left behind)");
  else
    fprintf(stderr, "%s: estimated run time %s on %ld threads%s\n", cli->name, est, cli->threads,
            ch);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_dispatch.c: what handing a job to another rank costs (make bench, MPI build).
 *
 * Under `mpirun -n 2` with HOP_JOBS_MANAGER_ONLY=1 (rank 0 only hands out), hop_jobs_run
 * sends every one of JOBS empty jobs to rank 1 and back, one request at a time: the wall
 * time over JOBS is the round trip of an empty job. It is printed beside the median
 * duration of the jobs of each experiment, read from the jobs.txt beside each manifest
 * named on the command line (every job's seconds, lib/run/hop_exp.c), as the ratio that
 * says whether dispatch matters. Without a jobs.txt the manifest's line per stage (its
 * jobs' total seconds over their count) gives the mean instead, and the row says so.
 * Usage: mpirun -n 2 bin/mpi/bench_dispatch results/NAME/manifest.txt ... */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hop_cli.h"
#include "hop_error.h"
#include "hop_jobs.h"
#include "hop_par.h"

enum { JOBS = 20000 };

static int empty(void *job, size_t index, int thread, void *ctx) {
  (void)job, (void)index, (void)thread, (void)ctx;
  return HOP_OK;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The value of "key=" in line (its list's first number), or -1. */
static double field(const char *line, const char *key) {
  const char *p = strstr(line, key);
  return p ? strtod(p + strlen(key), NULL) : -1;
}

/* Every job's seconds in the "jobs:" lines of f (a jobs.txt) into *d, of *room entries
 * (grown as needed); their count. */
static size_t read_jobs(FILE *f, double **d, size_t *room) {
  char *line = NULL;
  size_t len = 0, n = 0;
  while (*d && getline(&line, &len, f) > 0) {
    char *s = strncmp(line, "jobs: ", 6) ? NULL : strstr(line, "seconds=");
    for (char *p = s ? s + 8 : NULL, *end; p && *p && *p != '\n'; p = *end ? end + 1 : end) {
      double v = strtod(p, &end);
      if (end == p) break;
      if (n == *room) {
        double *g = realloc(*d, 2 * *room * sizeof **d);
        if (!g) break;
        *d = g, *room *= 2;
      }
      (*d)[n++] = v;
    }
  }
  free(line);
  return n;
}

/* The median job of the run whose manifest is path (from the jobs.txt beside it), or,
 * without one, the mean from the manifest's stage lines (*mean set); -1 if neither. */
static double typical_job(const char *path, char *name, size_t cap, int *mean) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char *line = NULL;
  size_t len = 0;
  double total = 0, count = 0;
  snprintf(name, cap, "%s", path);
  while (getline(&line, &len, f) > 0) {
    if (!strncmp(line, "experiment: ", 12)) {
      snprintf(name, cap, "%s", line + 12);
      name[strcspn(name, "\n")] = '\0';
    }
    if (!strncmp(line, "jobs: ", 6) && field(line, "n=") > 0 && field(line, "seconds=") >= 0)
      count += field(line, "n="), total += field(line, "seconds=");
  }
  free(line), fclose(f);
  char jobs[4096];
  const char *slash = strrchr(path, '/');
  snprintf(jobs, sizeof jobs, "%.*sjobs.txt", slash ? (int)(slash - path + 1) : 0, path);
  *mean = 0;
  f = fopen(jobs, "r");
  if (!f) return count > 0 ? (*mean = 1, total / count) : -1;
  size_t room = 1024;
  double *d = malloc(room * sizeof *d), med = -1;
  size_t n = read_jobs(f, &d, &room);
  fclose(f);
  if (d && n) {
    qsort(d, n, sizeof *d, cmp_double);
    med = n % 2 ? d[n / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2]);
  }
  free(d);
  return med;
}

int main(int argc, char **argv) {
  if (hop_par_init(&argc, &argv)) return fprintf(stderr, "%s\n", hop_error_message()), 1;
  if (hop_par_size() != 2) {
    if (hop_par_rank() == 0) fprintf(stderr, "bench_dispatch: run it under mpirun -n 2\n");
    hop_par_end();
    return 2;
  }
  hop_jobs *q = hop_jobs_new(JOBS, 8);
  char rec[8] = {0};
  for (size_t k = 0; q && k < JOBS; k++) hop_jobs_push(q, rec);
  double t0 = hop_cli_now();
  int st = q ? hop_jobs_run(q, empty, NULL, 1) : HOP_ENOMEM;
  double trip = (hop_cli_now() - t0) / JOBS;
  hop_jobs_free(q);
  if (hop_par_rank() == 0) {
    if (st) fprintf(stderr, "bench_dispatch: %s\n", hop_error_message());
    printf("dispatch: round trip of an empty job to another rank: %.1f us (%d jobs, 2 ranks)\n",
           1e6 * trip, JOBS);
    for (int i = 1; i < argc; i++) {
      char name[128];
      int mean;
      double t = typical_job(argv[i], name, sizeof name, &mean);
      if (t < 0)
        printf("dispatch: %s: no job durations beside %s\n", name, argv[i]);
      else
        printf("dispatch: %s: %s job %.3g s, %.3g times the round trip%s\n", name,
               mean ? "mean" : "median", t, t / trip, mean ? " (no jobs.txt: the mean)" : "");
    }
  }
  hop_par_end();
  return st ? 1 : 0;
}

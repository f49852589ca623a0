/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_dispatch.c: what handing a job to another rank costs (make bench, MPI build).
 *
 * Under `mpirun -n 2` with HOP_JOBS_MANAGER_ONLY=1 (rank 0 only hands out), hop_jobs_run
 * sends every one of JOBS empty jobs to rank 1 and back, one request at a time: the wall
 * time over JOBS is the round trip of an empty job. It is printed beside the median
 * duration of the jobs of each experiment, read from the manifests named on the command
 * line ("jobs:" lines, lib/run/hop_exp.c), as the ratio that says whether dispatch matters.
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

/* The median of every job's seconds in a manifest's "jobs:" lines; -1 if it has none. */
static double median_job(const char *path, char *name, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = 0, room = 1024;
  double *d = malloc(room * sizeof *d);
  char *line = NULL;
  size_t len = 0;
  snprintf(name, cap, "%s", path);
  while (d && getline(&line, &len, f) > 0) {
    if (!strncmp(line, "experiment: ", 12)) {
      snprintf(name, cap, "%s", line + 12);
      name[strcspn(name, "\n")] = '\0';
    }
    char *s = strncmp(line, "jobs: ", 6) ? NULL : strstr(line, "seconds=");
    for (char *p = s ? s + 8 : NULL, *end; p && *p && *p != '\n'; p = *end ? end + 1 : end) {
      double v = strtod(p, &end);
      if (end == p) break;
      if (n == room) {
        double *g = realloc(d, 2 * room * sizeof *d);
        if (!g) break;
        d = g, room *= 2;
      }
      d[n++] = v;
    }
  }
  free(line), fclose(f);
  double med = -1;
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
      double med = median_job(argv[i], name, sizeof name);
      if (med < 0)
        printf("dispatch: %s: no job durations in %s\n", name, argv[i]);
      else
        printf("dispatch: %s: median job %.3g s, %.3g times the round trip\n", name, med,
               med / trip);
    }
  }
  hop_par_end();
  return st ? 1 : 0;
}

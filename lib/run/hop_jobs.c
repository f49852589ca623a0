/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_jobs.c: the job runner (OpenMP backend). */
#include "hop_jobs.h"
#include "hop_error.h"
#include "hop_math.h"

#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

struct hop_jobs {
  unsigned char *rec; /* (cap, size) records */
  size_t n, cap, size;
  int *status;      /* (cap) status of each job's last run */
  char (*why)[256]; /* (cap) error message of a failed job */
};

hop_jobs *hop_jobs_new(size_t cap, size_t job_size) {
  if (cap == 0 || job_size == 0)
    HOP_ERROR_NULL(HOP_EINVAL, "job queue of %zu records of %zu bytes", cap, job_size);
  if (cap > (size_t)-1 / job_size)
    HOP_ERROR_NULL(HOP_ERANGE, "job queue of %zu x %zu bytes", cap, job_size);
  hop_jobs *q = calloc(1, sizeof *q);
  if (!q) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a job queue");
  q->rec = malloc(cap * job_size);
  q->status = malloc(cap * sizeof *q->status);
  q->why = malloc(cap * sizeof *q->why);
  if (!q->rec || !q->status || !q->why) {
    hop_jobs_free(q);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate %zu job records of %zu bytes", cap, job_size);
  }
  q->cap = cap;
  q->size = job_size;
  return q;
}

void hop_jobs_free(hop_jobs *q) {
  if (!q) return;
  free(q->rec);
  free(q->status);
  free(q->why);
  free(q);
}

int hop_jobs_push(hop_jobs *q, const void *job) {
  if (q->n == q->cap) HOP_ERROR(HOP_EBADLEN, "job queue full (%zu records)", q->cap);
  memcpy(q->rec + q->n * q->size, job, q->size);
  q->n++;
  return HOP_OK;
}

size_t hop_jobs_count(const hop_jobs *q) { return q->n; }

void *hop_jobs_at(hop_jobs *q, size_t k) { return k < q->n ? q->rec + k * q->size : NULL; }

void hop_jobs_clear(hop_jobs *q) { q->n = 0; }

static void run_one(hop_jobs *q, size_t k, hop_jobs_fn fn, void *ctx, int thread) {
  q->status[k] = fn(q->rec + k * q->size, k, thread, ctx);
  if (q->status[k]) {
    strncpy(q->why[k], hop_error_message(), sizeof q->why[k] - 1);
    q->why[k][sizeof q->why[k] - 1] = '\0';
  }
}

int hop_jobs_run(hop_jobs *q, hop_jobs_fn fn, void *ctx, int threads) {
  size_t n = q->n;
  if (threads < 1) HOP_ERROR(HOP_EINVAL, "%d threads", threads);
  if (threads == 1) {
    for (size_t k = 0; k < n; k++) run_one(q, k, fn, ctx, 0);
  } else {
    int blas = hop_math_blas_threads_get();
    hop_math_blas_threads(1);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t k = 0; k < n; k++) {
      int t = 0;
#ifdef _OPENMP
      t = omp_get_thread_num();
#endif
      run_one(q, k, fn, ctx, t);
    }
    hop_math_blas_threads(blas);
  }
  for (size_t k = 0; k < n; k++)
    if (q->status[k]) return HOP_RAISE(q->status[k], "job %zu: %s", k, q->why[k]);
  return HOP_OK;
}

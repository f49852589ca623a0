/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* hop_jobs.c: the job runner: OpenMP within a process, and MPI ranks (hop_par.h) when
 * built with -DHOP_MPI. */
#include "hop_jobs.h"
#include "hop_error.h"
#include "hop_math.h"
#include "hop_par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

struct hop_jobs {
  unsigned char *rec; /* (cap, size) records */
  size_t n, cap, size;
  int *status;      /* (cap) status of each job's last run */
  char (*why)[256]; /* (cap) error message of a failed job */
  const hop_jobs_codec *codec;
  double *seconds; /* (cap) wall seconds of each job's last run */
  int inject;      /* HOP_JOBS_FAIL_RANK names this rank: its jobs fail (tests) */
};

/* The durations of every batch run so far (hop_jobs_log). */
static struct {
  hop_jobs_batch *b;
  size_t n, cap;
} log_;

void hop_jobs_set_codec(hop_jobs *q, const hop_jobs_codec *codec) { q->codec = codec; }

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
  q->seconds = malloc(cap * sizeof *q->seconds);
  if (!q->rec || !q->status || !q->why || !q->seconds) {
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
  free(q->seconds);
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

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void run_one(hop_jobs *q, size_t k, hop_jobs_fn fn, void *ctx, int thread) {
  double t0 = now();
  q->status[k] = q->inject ? HOP_RAISE(HOP_EINVAL, "a failure injected by HOP_JOBS_FAIL_RANK")
                           : fn(q->rec + k * q->size, k, thread, ctx);
  q->seconds[k] = now() - t0;
  if (q->status[k]) {
    strncpy(q->why[k], hop_error_message(), sizeof q->why[k] - 1);
    q->why[k][sizeof q->why[k] - 1] = '\0';
  }
}

/* Run the jobs idx[0..m) here, as a one-process run would run them (hop_jobs.h). */
static void run_batch(hop_jobs *q, const size_t *idx, size_t m, hop_jobs_fn fn, void *ctx,
                      int threads) {
  if (threads == 1) {
    for (size_t i = 0; i < m; i++) run_one(q, idx[i], fn, ctx, 0);
    return;
  }
  int blas = hop_math_blas_threads_get();
  hop_math_blas_threads(1);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (size_t i = 0; i < m; i++) {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    run_one(q, idx[i], fn, ctx, t);
  }
  hop_math_blas_threads(blas);
}

#ifdef HOP_MPI
static int run_ranks(hop_jobs *q, hop_jobs_fn fn, void *ctx, int threads);
#endif

/* Keep the batch's durations for the manifest (a log that cannot grow is cut short). */
static void log_batch(const hop_jobs *q, double wall, int threads) {
  if (log_.n == log_.cap) {
    size_t cap = log_.cap ? 2 * log_.cap : 16;
    hop_jobs_batch *b = realloc(log_.b, cap * sizeof *b);
    if (!b) return;
    log_.b = b, log_.cap = cap;
  }
  double *sec = malloc((q->n ? q->n : 1) * sizeof *sec);
  if (!sec) return;
  memcpy(sec, q->seconds, q->n * sizeof *sec);
  log_.b[log_.n++] = (hop_jobs_batch){q->n, wall, threads, sec};
}

size_t hop_jobs_log(const hop_jobs_batch **batches) {
  *batches = log_.b;
  return log_.n;
}

int hop_jobs_run(hop_jobs *q, hop_jobs_fn fn, void *ctx, int threads) {
  size_t n = q->n;
  if (threads < 1) HOP_ERROR(HOP_EINVAL, "%d threads", threads);
  hop_par_shared(0);
  const char *inject = getenv("HOP_JOBS_FAIL_RANK"); /* fault injection for tests/mpi.sh */
  q->inject = inject && atoi(inject) == hop_par_rank();
  double t0 = now();
#ifdef HOP_MPI
  if (hop_par_size() > 1) {
    int st = run_ranks(q, fn, ctx, threads);
    if (st) return hop_par_shared(1), st;
  } else
#endif
  {
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx) HOP_ERROR(HOP_ENOMEM, "job index of %zu jobs", n);
    for (size_t k = 0; k < n; k++) idx[k] = k;
    run_batch(q, idx, n, fn, ctx, threads);
    free(idx);
  }
  log_batch(q, now() - t0, threads);
  for (size_t k = 0; k < n; k++)
    if (q->status[k]) {
      hop_par_shared(1);
      return HOP_RAISE(q->status[k], "job %zu: %s", k, q->why[k]);
    }
  return HOP_OK;
}

#ifdef HOP_MPI
/* ---- MPI: rank 0 hands out batches; every record comes back, then goes to every rank ---- */
#include <mpi.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

enum { TAG_DONE = 4101, TAG_WORK = 4102 };

/* One record on the wire: index, status, owned bytes, message, the record, owned data. */
typedef struct {
  uint64_t index, owned;
  double seconds;
  int32_t status;
  char why[256];
} wire_head;

static size_t owned_size(const hop_jobs *q, size_t k) {
  return q->codec ? q->codec->size(q->rec + k * q->size) : 0;
}

static size_t wire_size(const hop_jobs *q, size_t k) {
  return sizeof(wire_head) + q->size + owned_size(q, k);
}

static unsigned char *wire_put(const hop_jobs *q, size_t k, unsigned char *p) {
  wire_head h = {
      .index = k, .owned = owned_size(q, k), .seconds = q->seconds[k], .status = q->status[k]};
  memcpy(h.why, q->why[k], sizeof h.why);
  memcpy(p, &h, sizeof h);
  memcpy(p + sizeof h, q->rec + k * q->size, q->size);
  if (h.owned) q->codec->pack(q->rec + k * q->size, p + sizeof h + q->size);
  return p + sizeof h + q->size + h.owned;
}

/* Take one record off the wire into its place; NULL when the bytes are not a record. */
static const unsigned char *wire_get(hop_jobs *q, const unsigned char *p,
                                     const unsigned char *end) {
  wire_head h;
  if ((size_t)(end - p) < sizeof h) return NULL;
  memcpy(&h, p, sizeof h);
  if (h.index >= q->n || (size_t)(end - p) - sizeof h < q->size ||
      (size_t)(end - p) - sizeof h - q->size < h.owned)
    return NULL;
  unsigned char *rec = q->rec + h.index * q->size;
  memcpy(rec, p + sizeof h, q->size);
  q->status[h.index] = h.status;
  q->seconds[h.index] = h.seconds;
  memcpy(q->why[h.index], h.why, sizeof h.why);
  q->why[h.index][sizeof h.why - 1] = '\0';
  if (q->codec) {
    int st = q->codec->unpack(rec, p + sizeof h + q->size, h.owned);
    if (st && !q->status[h.index]) {
      q->status[h.index] = st;
      snprintf(q->why[h.index], sizeof h.why, "%s", hop_error_message());
    }
  }
  return p + sizeof h + q->size + h.owned;
}

/* Rank 0's shared state: the next job to hand out (its own second thread takes from it too). */
typedef struct {
  hop_jobs *q;
  hop_jobs_fn fn;
  void *ctx;
  int threads, omp_threads;
  size_t next;
  pthread_mutex_t lock;
} manager;

static size_t take(manager *m, size_t *idx) {
  pthread_mutex_lock(&m->lock);
  size_t b = 0;
  while (b < (size_t)m->threads && m->next < m->q->n) idx[b++] = m->next++;
  pthread_mutex_unlock(&m->lock);
  return b;
}

static void *rank0_worker(void *arg) {
  manager *m = arg;
#ifdef _OPENMP
  omp_set_num_threads(m->omp_threads); /* the caller's, as the main thread has it */
#endif
  size_t *idx = malloc((size_t)m->threads * sizeof *idx), b;
  if (!idx) return NULL; /* the main thread hands everything to the other ranks */
  while ((b = take(m, idx))) run_batch(m->q, idx, b, m->fn, m->ctx, m->threads);
  free(idx);
  return NULL;
}

/* Between polls that found nothing: yield for the first ones (a quick answer when jobs are
 * short), then sleep 0.1 ms at a time (no core spent waiting when they are long). */
static void pause_briefly(unsigned idle) {
  if (idle < 2000) {
    sched_yield();
    return;
  }
  struct timespec t = {0, 100000};
  nanosleep(&t, NULL);
}

/* Rank 0: serve the other ranks until each has been told to stop. */
static int serve(manager *m, int ranks) {
  hop_jobs *q = m->q;
  uint64_t idx[256];
  unsigned char *buf = NULL;
  size_t cap = 0;
  int active = ranks - 1, st = HOP_OK;
  unsigned idle = 0;
  while (active > 0) {
    int flag = 0, count = 0;
    MPI_Status s;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_DONE, MPI_COMM_WORLD, &flag, &s);
    if (!flag) {
      pause_briefly(idle++);
      continue;
    }
    idle = 0;
    MPI_Get_count(&s, MPI_BYTE, &count);
    if ((size_t)count > cap) {
      unsigned char *nb = realloc(buf, (size_t)count);
      if (!nb)
        st = HOP_RAISE(HOP_ENOMEM, "%d bytes of job results", count);
      else
        buf = nb, cap = (size_t)count;
    }
    MPI_Recv(st ? NULL : buf, st ? 0 : count, MPI_BYTE, s.MPI_SOURCE, TAG_DONE, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    for (const unsigned char *p = buf, *end = buf + count; !st && p && p < end;)
      if (!(p = wire_get(q, p, end)))
        st = HOP_RAISE(HOP_EFORMAT, "malformed job results from rank %d", s.MPI_SOURCE);
    size_t got[256], b = st ? 0 : take(m, got);
    for (size_t i = 0; i < b; i++) idx[i] = got[i];
    MPI_Send(idx, (int)b, MPI_UINT64_T, s.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
    if (b == 0) active--;
  }
  free(buf);
  return st;
}

/* Ranks other than 0: ask, run, send back, until handed nothing. */
static int work(hop_jobs *q, hop_jobs_fn fn, void *ctx, int threads) {
  uint64_t got[256];
  size_t idx[256], m = 0;
  unsigned char *buf = NULL;
  size_t len = 0;
  for (;;) {
    MPI_Send(buf, (int)len, MPI_BYTE, 0, TAG_DONE, MPI_COMM_WORLD);
    free(buf), buf = NULL, len = 0;
    MPI_Status s;
    int count = 0;
    MPI_Recv(got, 256, MPI_UINT64_T, 0, TAG_WORK, MPI_COMM_WORLD, &s);
    MPI_Get_count(&s, MPI_UINT64_T, &count);
    if (count == 0) return HOP_OK;
    m = (size_t)count;
    for (size_t i = 0; i < m; i++) idx[i] = (size_t)got[i];
    run_batch(q, idx, m, fn, ctx, threads);
    for (size_t i = 0; i < m; i++) len += wire_size(q, idx[i]);
    if (len > INT32_MAX || !(buf = malloc(len))) { /* the jobs fail; rank 0 is told so */
      for (size_t i = 0; i < m; i++) {
        q->status[idx[i]] = HOP_ENOMEM;
        snprintf(q->why[idx[i]], sizeof q->why[0], "cannot send %zu bytes of results", len);
        if (q->codec) q->codec->release(q->rec + idx[i] * q->size);
      }
      len = m * (sizeof(wire_head) + q->size);
      if (!(buf = malloc(len))) return HOP_RAISE(HOP_ENOMEM, "job results");
    }
    unsigned char *p = buf;
    for (size_t i = 0; i < m; i++) {
      p = wire_put(q, idx[i], p);
      if (q->codec) q->codec->release(q->rec + idx[i] * q->size);
    }
  }
}

/* Rank 0 sends every record to every rank. */
static int spread(hop_jobs *q) {
  uint64_t len = 0;
  if (hop_par_rank() == 0)
    for (size_t k = 0; k < q->n; k++) len += wire_size(q, k);
  MPI_Bcast(&len, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  unsigned char *buf = malloc(len ? len : 1);
  int ok = buf != NULL, all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all)
    return free(buf), HOP_RAISE(HOP_ENOMEM, "%llu bytes of job records", (unsigned long long)len);
  unsigned char *p = buf;
  if (hop_par_rank() == 0)
    for (size_t k = 0; k < q->n; k++) p = wire_put(q, k, p);
  int st = hop_par_bcast(buf, len);
  if (!st && hop_par_rank() != 0)
    for (const unsigned char *c = buf, *end = buf + len; c && c < end;)
      if (!(c = wire_get(q, c, end))) st = HOP_RAISE(HOP_EFORMAT, "malformed job records");
  free(buf);
  return st;
}

static int run_ranks(hop_jobs *q, hop_jobs_fn fn, void *ctx, int threads) {
  unsigned long long mine[2] = {q->n, (unsigned long long)threads}, lo[2], hi[2];
  MPI_Allreduce(mine, lo, 2, MPI_UNSIGNED_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(mine, hi, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  if (lo[0] != hi[0] || lo[1] != hi[1])
    HOP_ERROR(HOP_EINVAL, "the ranks pushed different batches (%llu to %llu jobs)", lo[0], hi[0]);
  if (threads > 256) threads = 256;
  int st = HOP_OK;
  if (hop_par_rank() == 0) {
    manager m = {.q = q, .fn = fn, .ctx = ctx, .threads = threads, .omp_threads = 1};
#ifdef _OPENMP
    m.omp_threads = omp_get_max_threads();
#endif
    pthread_mutex_init(&m.lock, NULL);
    pthread_t t; /* HOP_JOBS_MANAGER_ONLY=1: rank 0 only hands out (make bench's round trip) */
    const char *only = getenv("HOP_JOBS_MANAGER_ONLY");
    int local = !(only && !strcmp(only, "1")) && pthread_create(&t, NULL, rank0_worker, &m) == 0;
    st = serve(&m, hop_par_size()); /* without a second thread the other ranks do it all */
    if (local) pthread_join(t, NULL);
    pthread_mutex_destroy(&m.lock);
  } else {
    st = work(q, fn, ctx, threads);
  }
  int any = 0;
  MPI_Allreduce(&st, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any) return hop_par_agree(st, NULL);
  return spread(q);
}
#endif

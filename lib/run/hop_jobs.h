/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_jobs.h: one runner for independent jobs (seeds x configurations, starts of a
 * trial), used by every experiment.
 *
 * A job is a plain record of job_size bytes (its inputs, then room for its results),
 * copied in by hop_jobs_push; hop_jobs_run calls fn on every record, in parallel, and
 * the results are read back in push order with hop_jobs_at, so the outcome never
 * depends on scheduling. fn reads shared inputs only through ctx and writes only into
 * its own record, so the same interface fits a backend that ships records to other
 * processes or machines and back; a record that owns memory it allocated (a trained model
 * kept for figures) declares a codec (hop_jobs_set_codec) that serialises it.
 *
 * Backends: OpenMP threads within a process (dynamic schedule, one record at a time);
 * under MPI (hop_par.h) also the ranks: rank 0 hands out batches of `threads` job indices
 * to whichever rank asks next, computing batches itself on a second thread while its main
 * thread serves the others; every rank has pushed the same records (this is checked), so
 * only indices go out and only results come back; then rank 0 sends every record, status
 * and message to every rank. A job runs with the same thread and BLAS settings on any rank
 * as in a one-process run, so its record is the same bytes. */
#ifndef HOP_JOBS_H
#define HOP_JOBS_H

#include <stddef.h>

typedef struct hop_jobs hop_jobs;

/* fn(job, index, thread, ctx): run one job in place (read its inputs, write its
 * results into the record); thread in [0, threads) names the caller's per-thread
 * scratch in ctx. Returns a status (HOP_OK or a library error, recorded as usual). */
typedef int (*hop_jobs_fn)(void *job, size_t index, int thread, void *ctx);

/* What a record owns beyond its job_size bytes, for a backend that moves records between
 * processes (MPI). size: bytes of the owned data; pack: write them to out; unpack: rec
 * holds the sender's bytes (its pointers are the sender's): rebuild the owned data from in
 * (len bytes), setting every owning pointer (HOP_OK, or an error); release: free what rec
 * owns and set its pointers to NULL (a worker, once the record is sent). */
typedef struct {
  size_t (*size)(const void *rec);
  void (*pack)(const void *rec, unsigned char *out);
  int (*unpack)(void *rec, const unsigned char *in, size_t len);
  void (*release)(void *rec);
} hop_jobs_codec;

/* A queue for at most cap records of job_size bytes each. */
hop_jobs *hop_jobs_new(size_t cap, size_t job_size);
void hop_jobs_free(hop_jobs *q);

/* Declare the codec of the records (NULL: they own nothing, the default). */
void hop_jobs_set_codec(hop_jobs *q, const hop_jobs_codec *codec);

/* Copy a record in; HOP_EBADLEN (nothing written) when the queue is full. */
int hop_jobs_push(hop_jobs *q, const void *job);
/* Records pushed so far, and record k (in push order). */
size_t hop_jobs_count(const hop_jobs *q);
void *hop_jobs_at(hop_jobs *q, size_t k);
/* Forget every record (the memory is kept for the next batch). */
void hop_jobs_clear(hop_jobs *q);

/* Run fn on every record with up to threads threads (1: in order on this thread).
 * BLAS threads are this runner's policy, never a job's: with threads > 1 every job runs
 * with one BLAS thread (the jobs are the parallelism, and a job's products do not depend
 * on how many jobs run beside it), and the caller's BLAS thread count is restored
 * afterwards; with threads = 1 the jobs run in order with the caller's BLAS threads (one
 * large job at a time may use them all).
 * Every job runs even when one fails; the status returned is that of the first failed
 * job in push order, with its error message restored for hop_error_message(), on every
 * rank (hop_par_shared_error() says so). Under MPI every rank must call it with the same
 * records and threads. */
int hop_jobs_run(hop_jobs *q, hop_jobs_fn fn, void *ctx, int threads);

/* The log of every batch this process has run (hop_jobs_run), for the manifest and for
 * planning runs on more machines: its jobs, its wall seconds, its threads, and each job's
 * wall seconds in push order (under MPI, measured on whichever rank ran it). */
typedef struct {
  size_t n;
  double wall;
  int threads;
  double *seconds;
} hop_jobs_batch;
size_t hop_jobs_log(const hop_jobs_batch **batches);

#endif

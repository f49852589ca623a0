/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_jobs.h: one runner for independent jobs (seeds x configurations, starts of a
 * trial), used by every experiment.
 *
 * A job is a plain record of job_size bytes (its inputs, then room for its results),
 * copied in by hop_jobs_push; hop_jobs_run calls fn on every record, in parallel, and
 * the results are read back in push order with hop_jobs_at, so the outcome never
 * depends on scheduling. fn reads shared inputs only through ctx and writes only into
 * its own record, so the same interface fits a backend that ships records to other
 * processes or machines (MPI) and back; a record that owns memory it allocated (a
 * trained model kept for figures) would need a serialiser there.
 *
 * Today's backend: OpenMP threads, dynamic schedule, one record at a time. */
#ifndef HOP_JOBS_H
#define HOP_JOBS_H

#include <stddef.h>

typedef struct hop_jobs hop_jobs;

/* fn(job, index, thread, ctx): run one job in place (read its inputs, write its
 * results into the record); thread in [0, threads) names the caller's per-thread
 * scratch in ctx. Returns a status (HOP_OK or a library error, recorded as usual). */
typedef int (*hop_jobs_fn)(void *job, size_t index, int thread, void *ctx);

/* A queue for at most cap records of job_size bytes each. */
hop_jobs *hop_jobs_new(size_t cap, size_t job_size);
void hop_jobs_free(hop_jobs *q);

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
 * job in push order, with its error message restored for hop_error_message(). */
int hop_jobs_run(hop_jobs *q, hop_jobs_fn fn, void *ctx, int threads);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_par.h: the process group of a run: one process (the plain build), or the ranks of
 * an MPI job (the MPI build, compiled with -DHOP_MPI by mpicc; Makefile, "MPI").
 *
 * The contract that keeps an MPI run byte-identical to the one-process run:
 *   - every rank runs the whole program with the same options: the same parsing, the same
 *     data (each rank loads and checks its own copy, so no rank depends on another's
 *     memory and a missing file on one host is found on that host), the same stages;
 *   - the only work that is divided is a hop_jobs_run batch (hop_jobs.h): rank 0 hands its
 *     jobs out one small batch at a time to whoever asks (dynamic, so jobs of unequal length
 *     balance), rank 0 computing too, and every record comes back to rank 0, which then
 *     sends all of them to every rank; every rank leaves hop_jobs_run with the same records
 *     in push order, so what follows is the same on every rank;
 *   - rank 0 is the writer (hop_exp_writer): it alone stages the result directory and
 *     writes CSVs, claims and the manifest; the other ranks' files go nowhere
 *     (hop_file_sink) and their stdout and stderr go to /dev/null, so the run prints
 *     what a one-process run prints;
 *   - an error that every rank meets at the same point (a bad option, a data error on one
 *     rank after load, a failed job on any rank) is agreed (hop_par_agree): every rank
 *     takes the status and message of the lowest failing rank and ends the same way;
 *     an error met by one rank alone in the middle of a stage prints its message on that
 *     rank's own stderr and ends every rank (hop_par_abort; rank 0 removes its staging
 *     directory first when the error is its own); a rank killed outright makes mpirun
 *     end the others. Where mpirun ends rank 0 (another rank's abort, a killed rank,
 *     SIGTERM to mpirun), Open MPI 4.1 sends SIGKILL milliseconds after SIGTERM, often
 *     before rank 0's signal handler has removed the staging directory; the staging
 *     directory's watcher (hop_file.h) removes it then.
 *
 * In the plain build every function is trivial: rank 0 of 1. */
#ifndef HOP_PAR_H
#define HOP_PAR_H

#include <stddef.h>

/* Start the group (MPI_Init_thread with MPI_THREAD_FUNNELED: only the main thread calls
 * MPI) and silence the non-writers' stdout and stderr. HOP_OK, or HOP_EIO with a reason. */
int hop_par_init(int *argc, char ***argv);
/* End the group (MPI_Finalize); every rank must call it. */
void hop_par_end(void);

int hop_par_rank(void);
int hop_par_size(void);
/* Ranks on this host (the shared-memory node), for the threads-per-rank default. */
int hop_par_local(void);
/* "host1:2,host2:1" (the hosts and their rank counts), for the manifest. */
int hop_par_hosts(char *out, size_t cap);

/* Collective: every rank passes its status (HOP_OK or an error with its message recorded,
 * hop_error.h) and *extra (a small flag of the caller's, may be NULL). Returns the status
 * of the lowest failing rank, whose message (and *extra) every rank then holds; HOP_OK
 * when no rank failed. */
int hop_par_agree(int status, int *extra);
/* Whether the error now recorded was agreed by every rank (by hop_par_agree, or by
 * hop_jobs_run, which returns a failed job's status on every rank); hop_par_shared sets it
 * (1) or clears it (0). In the plain build it is always 1. */
int hop_par_shared_error(void);
void hop_par_shared(int shared);
/* Print message on this rank's own stderr (even a silenced one's) and end every rank with
 * exit status code. */
void hop_par_abort(int code, const char *message);

/* Collective: copy len bytes from rank 0's buf into every rank's buf. */
int hop_par_bcast(void *buf, size_t len);

#endif

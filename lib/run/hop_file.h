/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_file.h: atomic results files and result directories.
 *
 * Every file is written to a hidden temporary name in its directory (created with
 * O_EXCL | O_NOFOLLOW, so nothing planted there is followed) and renamed when
 * complete; a run's whole directory is staged and moved into place when the run is
 * complete (hop_file_stage_*), so an interrupted run never leaves a half-written
 * file or directory that looks finished. Errors name the file and strerror(errno). */
#ifndef HOP_FILE_H
#define HOP_FILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct hop_file hop_file;

/* Create directory path and its parents (mode 0777 & ~umask). */
int hop_file_mkdirs(const char *path);

/* Open dir/name for writing through dir/.name.tmp; header (may be NULL) is
 * written as the first line. NULL on failure (error recorded). */
hop_file *hop_file_open(const char *dir, const char *name, const char *header);
/* From now on (on = 1), hop_file_open opens nothing on disk: what is written goes to
 * /dev/null and close reports success. For the processes of a run that are not its writer
 * (hop_par.h), which run the same stages but must leave no file. */
void hop_file_sink(int on);
/* Append printf-formatted text (no newline added). Errors are sticky, reported at close. */
int hop_file_printf(hop_file *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
FILE *hop_file_stream(hop_file *f); /* the underlying stream, for fwrite-style output */
/* Flush, check, rename to the final name and free. On failure the temporary is removed.
 * NULL (a failed hop_file_open) returns the error that open recorded. */
int hop_file_close(hop_file *f);
/* Remove the temporary and free (for an aborted run). NULL is accepted. */
void hop_file_discard(hop_file *f);
/* End the n files of a stage: if status is HOP_OK, close them in order (a failure
 * discards the rest and is returned); otherwise discard them all (NULL entries are
 * accepted) and return status. */
int hop_file_finish(hop_file *const *f, size_t n, int status);

/* The staging directory of a run (one per process): a run writes into a hidden
 * directory next to its output directory, DIR's sibling .BASE.staging-HOST-PID-XXXXXX,
 * which replaces DIR only when the run is complete (the previous run stays intact until
 * then, and is swapped out in one rename where the system allows it).
 *
 * What DIR may be (checked by begin, before any computation): missing, an empty
 * directory, or a result directory of the same program (its manifest.txt begins
 * "experiment: OWNER"). Anything else is refused (HOP_EINVAL, naming what is there)
 * unless force is set; then it is not deleted but kept beside DIR as DIR.replaced-N.
 * A directory that its user cannot write into, or whose mode lets nobody write, is
 * never replaced; nor is a mount point (it cannot be renamed). DIR is checked again at
 * commit: if it changed into something not ours meanwhile, it is kept.
 *
 * Liveness: the run holds a lock (an open-file-description fcntl lock) on the staging
 * directory's .lock file for its whole life; the kernel drops it when the process ends,
 * however it ends. Begin removes the staging directories of this host whose lock nobody
 * holds (runs killed together with their watcher, below); one with no lock file, of
 * another host, or whose lock cannot be tested is kept (never delete in doubt). This
 * holds across PID namespaces (containers) on one kernel. On NFS, fcntl locks are
 * shared between clients when the mount has locking (NFSv4, or v3 with lockd; not under
 * "nolock"), which is why another host's directories are never removed: a dead remote
 * run's directory stays hidden until removed by hand.
 *
 * Begin also arranges that the staging directory is removed at exit and on SIGINT,
 * SIGTERM, SIGHUP, SIGPIPE, SIGXCPU and SIGXFSZ (after which the signal's default action
 * gives the conventional exit status; a signal the caller ignores stays ignored), and
 * when the process is killed outright (SIGKILL, which mpirun sends milliseconds after
 * SIGTERM): a watcher, a child process in a session of its own, waits for the run's end
 * on a pipe and removes the staging directory if its lock file is there and its lock is
 * free. The lock file is removed last, so a removal cut short is still known as a run's.
 * *stage receives the staging path (valid until commit). */
int hop_file_stage_begin(const char *final_dir, const char *owner, int force, const char **stage);
/* Move the finished staging directory into place of DIR. */
int hop_file_stage_commit(void);
/* After a commit under force that replaced something not ours: where it was kept
 * (DIR.replaced-N), for the caller to say; NULL otherwise. */
const char *hop_file_stage_kept(void);
/* Remove the staging directory now (what exit would do). */
void hop_file_stage_abort(void);

/* Write s into f as one CSV field, quoted when it holds a comma, quote or newline. */
int hop_file_csv_field(hop_file *f, const char *s);

#endif

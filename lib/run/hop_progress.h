/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_progress.h: progress of a long run, written to a stream the caller gives.
 * On a terminal: one bar redrawn in place with percentage and ETA. Otherwise
 * (logs, CI): a plain line at each 5 % step and at the end. No allocation. */
#ifndef HOP_PROGRESS_H
#define HOP_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
  FILE *f;            /* where to write (NULL: silent) */
  const char *label;  /* shown before the bar */
  size_t total, done; /* units of work */
  int tty;            /* f is a terminal */
  int last_step;      /* last 5 % step printed (plain mode) */
  double t0, t_last;  /* start and last redraw, monotonic seconds */
} hop_progress;

void hop_progress_start(hop_progress *p, FILE *f, const char *label, size_t total);
/* Safe to call from the threads of hop_jobs_run (one OpenMP critical section). */
void hop_progress_add(hop_progress *p, size_t units);
void hop_progress_end(hop_progress *p);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_progress.c: a progress bar with ETA, or plain lines when not on a terminal. */
#define _POSIX_C_SOURCE 200809L
#include "hop_progress.h"
#include "hop_cli.h"

#include <unistd.h>

void hop_progress_start(hop_progress *p, FILE *f, const char *label, size_t total) {
  p->f = f;
  p->label = label;
  p->total = total ? total : 1;
  p->done = 0;
  p->tty = f && isatty(fileno(f));
  p->last_step = -1;
  p->t0 = p->t_last = hop_cli_now();
}

static void draw(hop_progress *p, int final) {
  double t = hop_cli_now(), el = t - p->t0;
  double frac = (double)p->done / (double)p->total;
  double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
  if (p->tty) {
    if (!final && t - p->t_last < 0.2) return;
    char bar[31];
    int fill = (int)(30 * frac);
    for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(p->f, "\r%s [%s] %3.0f%% %6.1fs elapsed, ETA %6.1fs", p->label, bar, 100 * frac, el,
            eta);
    if (final) fputc('\n', p->f);
  } else {
    int step = (int)(20 * frac);
    if (!final && step == p->last_step) return;
    p->last_step = step;
    fprintf(p->f, "%s: %3.0f%% (%zu/%zu) %.1fs elapsed, ETA %.1fs%s\n", p->label, 100 * frac,
            p->done, p->total, el, eta, final ? " done" : "");
  }
  fflush(p->f);
  p->t_last = t;
}

void hop_progress_add(hop_progress *p, size_t units) {
#pragma omp critical(hop_progress)
  {
    p->done += units;
    if (p->done > p->total) p->done = p->total;
    if (p->f && p->done < p->total) draw(p, 0);
  }
}

void hop_progress_end(hop_progress *p) {
  p->done = p->total;
  if (p->f) draw(p, 1);
}

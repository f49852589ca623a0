/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_manifest.c: manifest.txt. */
#define _POSIX_C_SOURCE 200809L
#include "hop_manifest.h"
#include "hop_error.h"
#include "hop_file.h"
#include "hop_math.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* First line printed by a shell command, or "unknown". */
static void command_line_of(const char *cmd, char *buf, size_t n) {
  snprintf(buf, n, "unknown");
  FILE *p = popen(cmd, "r");
  if (!p) return;
  if (fgets(buf, (int)n, p))
    buf[strcspn(buf, "\n")] = '\0';
  else
    snprintf(buf, n, "unknown");
  if (pclose(p) != 0 || !buf[0]) snprintf(buf, n, "unknown");
}

int hop_manifest_write(hop_cli *cli, const char *const *datasets, size_t n_datasets) {
  hop_file *f = hop_file_open(cli->out, "manifest.txt", NULL);
  if (!f) return hop_error_code();
  char buf[512];
  hop_file_printf(f, "experiment: %s\ncommand:", cli->name);
  for (int i = 0; i < cli->argc; i++) { /* a control character is written as \xHH */
    hop_file_printf(f, " ");
    for (const unsigned char *c = (const unsigned char *)cli->argv[i]; *c; c++)
      hop_file_printf(f, *c < 0x20 || *c == 0x7f ? "\\x%02x" : "%c", *c);
  }
  hop_file_printf(f, "\noptions: %s\nseed: %lu\nquick: %s\nscale: %s\nthreads: %ld\n", cli->options,
                  cli->seed, cli->quick ? "yes" : "no",
                  cli->quick   ? "quick"
                  : cli->paper ? "paper"
                               : "default",
                  cli->threads);
  if (cli->ranks > 1)
    hop_file_printf(f, "ranks: %d (MPI; threads per rank: %ld)\nhosts: %s\n", cli->ranks,
                    cli->threads, cli->hosts);
  /* the code's revision: generated, tracked outputs (results/, paper/paper.md) being
   * rewritten by this very run do not make it "dirty" */
  command_line_of(
      "r=$(git describe --always --abbrev=12 2>/dev/null) && { git diff --quiet HEAD "
      "-- . ':(exclude)results' ':(exclude)paper/paper.md' 2>/dev/null && echo \"$r\" "
      "|| echo \"$r-dirty\"; }",
      buf, sizeof buf);
  hop_file_printf(f, "git revision: %s\n", buf);
#ifdef __VERSION__
  hop_file_printf(f, "compiler: cc %s\n", __VERSION__);
#endif
  hop_file_printf(f, "blas: %s\nlibhopfield: %s\n", hop_math_blas_config(), HOP_VERSION);
  for (size_t i = 0; i < n_datasets; i++) {
    char cmd[4200];
    if (strpbrk(datasets[i], "'\\")) {
      hop_file_printf(f, "dataset: %s sha256=unknown (unsafe name)\n", datasets[i]);
      continue;
    }
    snprintf(cmd, sizeof cmd, "sha256sum '%s' 2>/dev/null", datasets[i]);
    command_line_of(cmd, buf, sizeof buf);
    buf[strcspn(buf, " ")] = '\0';
    hop_file_printf(f, "dataset: %s sha256=%s\n", datasets[i], buf);
  }
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (cli->stage_times[0]) hop_file_printf(f, "stage seconds: %s\n", cli->stage_times);
  if (cli->job_times) hop_file_printf(f, "%s", cli->job_times);
  hop_file_printf(f, "finished: %s\nwall time: %.1f s\n", buf, hop_cli_now() - cli->t_start);
  int st = hop_file_close(f);
  if (st || !cli->out_final) return st;
  if ((st = hop_file_stage_commit())) return st;
  cli->out = cli->out_final;
  return HOP_OK;
}

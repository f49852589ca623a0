/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_manifest.h: manifest.txt: what produced a results directory. */
#ifndef HOP_MANIFEST_H
#define HOP_MANIFEST_H

#include <stddef.h>
#include "hop_cli.h"

/* manifest.txt next to the CSVs: its first line "experiment: NAME" (by which a later run
 * recognises the directory as one it may replace, hop_file.h), the command line (a control
 * character written as \xHH), every option's effective value ("options: --name=value ...",
 * which figures read for their captions), seed, git revision, compiler, BLAS, threads,
 * dataset files with SHA-256 (datasets may be NULL when n_datasets is 0), the seconds of
 * each stage ("stage seconds: NAME: s; ...", filled by hop_exp), the wall time since
 * hop_cli_parse. It is the run's last file: when hop_cli_stage staged the output
 * directory, the finished directory then replaces --out DIR (and cli->out becomes DIR
 * again). */
int hop_manifest_write(hop_cli *cli, const char *const *datasets, size_t n_datasets);

#endif

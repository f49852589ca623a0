/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_manifest.h: manifest.txt: what produced a results directory. */
#ifndef HOP_MANIFEST_H
#define HOP_MANIFEST_H

#include <stddef.h>
#include "hop_cli.h"

/* manifest.txt next to the CSVs: command line, seed, git revision, compiler, BLAS,
 * threads, dataset files with SHA-256 (datasets may be NULL when n_datasets is 0),
 * wall time since hop_cli_parse. */
int hop_manifest_write(const hop_cli *cli, const char *const *datasets, size_t n_datasets);

#endif

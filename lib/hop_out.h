/* hop_out.h: results files: atomic CSV writer, manifest.txt, claims.csv, image grids.
 *
 * Every file is written to a hidden temporary name in its directory and renamed
 * when complete, so an interrupted run never leaves a half-written file that
 * looks finished. */
#ifndef HOP_OUT_H
#define HOP_OUT_H

#include <stddef.h>
#include <stdio.h>
#include "hop_cli.h"

typedef struct hop_file hop_file;

/* Create directory path and its parents (mode 0777 & ~umask). */
int hop_mkdirs(const char *path);

/* Open dir/name for writing through dir/.name.tmp; header (may be NULL) is
 * written as the first line. NULL on failure (error recorded). */
hop_file *hop_file_open(const char *dir, const char *name, const char *header);
/* Append printf-formatted text (no newline added). Errors are sticky, reported at close. */
int hop_file_printf(hop_file *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
FILE *hop_file_stream(hop_file *f); /* the underlying stream, for fwrite-style output */
/* Flush, check, rename to the final name and free. On failure the temporary is removed. */
int hop_file_close(hop_file *f);
/* Remove the temporary and free (for an aborted run). NULL is accepted. */
void hop_file_discard(hop_file *f);

/* Write s into f as one CSV field, quoted when it holds a comma, quote or newline. */
int hop_file_csv_field(hop_file *f, const char *s);

/* claims.csv: experiment, claim_id, description, paper_value, measured_value,
 * tolerance, verdict (verdict one of "reproduced", "not reproduced", "beyond paper"). */
typedef struct hop_claims hop_claims;
hop_claims *hop_claims_new(const char *experiment);
int hop_claims_add(hop_claims *c, const char *id, const char *description,
                   const char *paper_value, const char *measured_value, const char *tolerance,
                   const char *verdict);
int hop_claims_write(const hop_claims *c, const char *dir);
void hop_claims_free(hop_claims *c);
#define HOP_CLAIMS_HEADER \
  "experiment,claim_id,description,paper_value,measured_value,tolerance,verdict"
/* "reproduced" if |measured - paper| <= tol, else "not reproduced" (NaN: not reproduced). */
const char *hop_verdict(double measured, double paper, double tol);

/* manifest.txt next to the CSVs: command line, seed, git revision, compiler, BLAS,
 * threads, dataset files with SHA-256 (datasets may be NULL when n_datasets is 0),
 * wall time since hop_cli_parse. */
int hop_manifest_write(const hop_cli *cli, const char *const *datasets, size_t n_datasets);

/* An image grid as CSV for gnuplot ("plot ... with image" / "with rgbimage"):
 * images is (k, channels, h, w) with values in [0, 1] (clipped), channels 1 or 3,
 * laid out in rows of ncols tiles separated by pad pixels of background 1.0.
 * Columns: x,y,v (gray) or x,y,r,g,b (RGB), 0..255, y = 0 at the top row. */
int hop_grid_write(const char *dir, const char *name, const float *images, size_t k,
                   size_t channels, size_t h, size_t w, size_t ncols, size_t pad);

#endif

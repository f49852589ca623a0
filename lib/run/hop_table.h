/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_table.h: keyed result tables, grown out of hop_jobs.
 *
 * A table is a queue of plain records (a C struct, rec_size bytes, no pointers, so a
 * record can travel to another process and back) described by a column list: each
 * column names one field of the record (its offset and type) and says whether it is a
 * key. The same list gives the CSV header and the row format, so the two can never
 * drift apart.
 *
 * Records are pushed in order, run as jobs (hop_table_run is hop_jobs_run over the
 * records: the contract of hop_jobs.h holds, results are read back in push order),
 * found by their key columns, and grouped by any subset of the key columns, with mean,
 * sd (GSL, through hop_math_mean_sd), min, max and count of one value column. Groups
 * come in the order of their first row, so a table pushed in a fixed order gives the
 * same groups, and the same CSV bytes, whatever the thread count.
 *
 * Column types and what the field is:
 *   HOP_COL_INT    int            (default format "%d")
 *   HOP_COL_LONG   long           ("%ld")
 *   HOP_COL_SIZE   size_t         ("%zu")
 *   HOP_COL_DOUBLE double         ("%g")
 *   HOP_COL_NAME   int, an index into the column's names (written as names[v]) */
#ifndef HOP_TABLE_H
#define HOP_TABLE_H

#include <stddef.h>

#include "hop_jobs.h"

typedef enum { HOP_COL_INT, HOP_COL_LONG, HOP_COL_SIZE, HOP_COL_DOUBLE, HOP_COL_NAME } hop_col_type;

typedef struct {
  const char *name;         /* CSV header of the column, and its name for group-by */
  hop_col_type type;        /* what the field is (above) */
  size_t offset;            /* offsetof(record, field) */
  int key;                  /* 0: a value; 1: a key (find, group-by); 2: a key kept out of
                             * the CSV (a marker such as which part of a run a row is) */
  const char *fmt;          /* printf format of one value; NULL: the type's default */
  const char *const *names; /* HOP_COL_NAME: names[v] for the field's value v */
  size_t n_names;           /* HOP_COL_NAME: how many names (a value outside is an error) */
} hop_col;

/* Column shorthands: HOP_KEY for a key column, HOP_VAL for a value column, of field
 * FIELD of record type T, written under header NAME with format FMT (NULL: default);
 * HOP_MARK for an int key named after its field and kept out of the CSV; HOP_NAMED for a
 * HOP_COL_NAME column (KEY 0 or 1). */
#define HOP_KEY(T, FIELD, NAME, TYPE, FMT) \
  { NAME, TYPE, offsetof(T, FIELD), 1, FMT, NULL, 0 }
#define HOP_VAL(T, FIELD, NAME, TYPE, FMT) \
  { NAME, TYPE, offsetof(T, FIELD), 0, FMT, NULL, 0 }
#define HOP_MARK(T, FIELD) \
  { #FIELD, HOP_COL_INT, offsetof(T, FIELD), 2, NULL, NULL, 0 }
#define HOP_NAMED(T, FIELD, NAME, KEY, NAMES, N_NAMES) \
  { NAME, HOP_COL_NAME, offsetof(T, FIELD), KEY, NULL, NAMES, N_NAMES }

typedef struct hop_table hop_table;

/* A table of at most cap records of rec_size bytes, described by cols[0..n_cols) (the
 * list is copied; names arrays must outlive the table). NULL with an error recorded for
 * a column outside the record or an empty list. */
hop_table *hop_table_new(size_t cap, size_t rec_size, const hop_col *cols, size_t n_cols);
void hop_table_free(hop_table *t);

/* Copy a record in (HOP_EBADLEN when full); the count; record k in push order. */
int hop_table_push(hop_table *t, const void *rec);
size_t hop_table_count(const hop_table *t);
void *hop_table_at(hop_table *t, size_t k);
const void *hop_table_row(const hop_table *t, size_t k);

/* hop_jobs_run over the records (hop_jobs.h). */
int hop_table_run(hop_table *t, hop_jobs_fn fn, void *ctx, int threads);

/* The first row, at or after from, whose key columns all equal probe's (a record of the
 * same type); hop_table_count(t) when there is none. */
size_t hop_table_find(const hop_table *t, const void *probe, size_t from);

/* One group: rows whose named key columns are equal. */
typedef struct {
  size_t first;    /* its first row */
  size_t n;        /* rows in it */
  double mean, sd; /* of the value column over its rows (sd 0 for one row) */
  double min, max;
} hop_table_group;

/* Group the rows that pass keep (NULL: all; keep(row, ctx) != 0 keeps) by the key
 * columns named in keys[0..n_keys), in the order of each group's first row, with the
 * statistics of column value (any numeric column): out[0..*n_groups), at most cap.
 * HOP_EINVAL for an unknown or non-key column, HOP_EBADLEN for more groups than cap. */
int hop_table_group_by(const hop_table *t, const char *const *keys, size_t n_keys,
                       const char *value, int (*keep)(const void *row, const void *ctx),
                       const void *ctx, hop_table_group *out, size_t cap, size_t *n_groups);

/* A numeric column's value in a row, as a double (HOP_COL_NAME: its index). */
double hop_table_value(const hop_table *t, const void *row, const char *col);

/* Write every row that passes keep (NULL: all) as dir/file (hop_file: atomic), with the
 * header built from the column names. */
int hop_table_write(const hop_table *t, const char *dir, const char *file,
                    int (*keep)(const void *row, const void *ctx), const void *ctx);

/* The header line the columns give ("a,b,c"), into buf (HOP_EBADLEN when it does not fit). */
int hop_table_header(const hop_table *t, char *buf, size_t n);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_table.c: keyed result tables (see hop_table.h). */
#include "hop_table.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hop_error.h"
#include "hop_file.h"
#include "hop_math.h"

struct hop_table {
  hop_jobs *q;   /* the records */
  hop_col *cols; /* (n_cols) copied column list */
  size_t n_cols, rec_size;
};

static size_t width(hop_col_type t) {
  switch (t) {
    case HOP_COL_LONG: return sizeof(long);
    case HOP_COL_SIZE: return sizeof(size_t);
    case HOP_COL_DOUBLE: return sizeof(double);
    default: return sizeof(int);
  }
}

hop_table *hop_table_new(size_t cap, size_t rec_size, const hop_col *cols, size_t n_cols) {
  if (n_cols == 0) HOP_ERROR_NULL(HOP_EINVAL, "a table needs at least one column");
  for (size_t c = 0; c < n_cols; c++) {
    if (cols[c].offset + width(cols[c].type) > rec_size)
      HOP_ERROR_NULL(HOP_EINVAL, "column %s lies outside a record of %zu bytes", cols[c].name,
                     rec_size);
    if (cols[c].type == HOP_COL_NAME && (!cols[c].names || !cols[c].n_names))
      HOP_ERROR_NULL(HOP_EINVAL, "column %s has no names", cols[c].name);
  }
  hop_table *t = calloc(1, sizeof *t);
  if (!t) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a table");
  t->cols = malloc(n_cols * sizeof *t->cols);
  t->q = hop_jobs_new(cap, rec_size);
  if (!t->cols || !t->q) {
    hop_table_free(t);
    return NULL;
  }
  memcpy(t->cols, cols, n_cols * sizeof *cols);
  t->n_cols = n_cols;
  t->rec_size = rec_size;
  return t;
}

void hop_table_free(hop_table *t) {
  if (!t) return;
  hop_jobs_free(t->q);
  free(t->cols);
  free(t);
}

int hop_table_push(hop_table *t, const void *rec) { return hop_jobs_push(t->q, rec); }
size_t hop_table_count(const hop_table *t) { return hop_jobs_count(t->q); }
void *hop_table_at(hop_table *t, size_t k) { return hop_jobs_at(t->q, k); }
const void *hop_table_row(const hop_table *t, size_t k) { return hop_jobs_at(t->q, k); }

int hop_table_run(hop_table *t, hop_jobs_fn fn, void *ctx, int threads) {
  return hop_jobs_run(t->q, fn, ctx, threads);
}

static const hop_col *column(const hop_table *t, const char *name) {
  for (size_t c = 0; c < t->n_cols; c++)
    if (!strcmp(t->cols[c].name, name)) return &t->cols[c];
  return NULL;
}

static double value_of(const hop_col *c, const void *row) {
  const unsigned char *p = (const unsigned char *)row + c->offset;
  switch (c->type) {
    case HOP_COL_LONG: return (double)*(const long *)p;
    case HOP_COL_SIZE: return (double)*(const size_t *)p;
    case HOP_COL_DOUBLE: return *(const double *)p;
    default: return (double)*(const int *)p;
  }
}

double hop_table_value(const hop_table *t, const void *row, const char *col) {
  const hop_col *c = column(t, col);
  return c ? value_of(c, row) : NAN;
}

/* Whether two rows agree on column c (bytes of the field: exact, NaN = NaN bitwise). */
static int same(const hop_col *c, const void *a, const void *b) {
  return !memcmp((const unsigned char *)a + c->offset, (const unsigned char *)b + c->offset,
                 width(c->type));
}

size_t hop_table_find(const hop_table *t, const void *probe, size_t from) {
  size_t n = hop_table_count(t);
  for (size_t k = from; k < n; k++) {
    const void *row = hop_table_row(t, k);
    size_t c = 0;
    while (c < t->n_cols && (!t->cols[c].key || same(&t->cols[c], row, probe))) c++;
    if (c == t->n_cols) return k;
  }
  return n;
}

static int same_keys(const hop_col *const *keys, size_t n_keys, const void *a, const void *b) {
  for (size_t i = 0; i < n_keys; i++)
    if (!same(keys[i], a, b)) return 0;
  return 1;
}

int hop_table_group_by(const hop_table *t, const char *const *keys, size_t n_keys,
                       const char *value, int (*keep)(const void *row, const void *ctx),
                       const void *ctx, hop_table_group *out, size_t cap, size_t *n_groups) {
  const hop_col *kc[16], *vc = column(t, value);
  *n_groups = 0;
  if (n_keys > 16) HOP_ERROR(HOP_EBADLEN, "more than 16 group keys");
  if (!vc) HOP_ERROR(HOP_EINVAL, "no column '%s' to summarise", value);
  for (size_t i = 0; i < n_keys; i++)
    if (!(kc[i] = column(t, keys[i])) || !kc[i]->key)
      HOP_ERROR(HOP_EINVAL, "'%s' is not a key column", keys[i]);
  size_t n = hop_table_count(t), ng = 0;
  size_t *group = malloc((n + 1) * sizeof *group); /* each kept row's group, SIZE_MAX: not kept */
  double *v = malloc((n + 1) * sizeof *v);
  int st = group && v ? HOP_OK : HOP_RAISE(HOP_ENOMEM, "grouping %zu rows", n);
  for (size_t k = 0; k < n && !st; k++) {
    const void *row = hop_table_row(t, k);
    group[k] = SIZE_MAX;
    if (keep && !keep(row, ctx)) continue;
    size_t g = 0;
    while (g < ng && !same_keys(kc, n_keys, hop_table_row(t, out[g].first), row)) g++;
    if (g == ng && ng == cap)
      st = HOP_RAISE(HOP_EBADLEN, "more than %zu groups", cap);
    else if (g == ng)
      out[ng++] = (hop_table_group){.first = k};
    group[k] = g;
  }
  for (size_t g = 0; g < ng && !st;
       g++) { /* the group's values in row order, then GSL's mean and sd */
    size_t m = 0;
    out[g].min = INFINITY, out[g].max = -INFINITY;
    for (size_t k = out[g].first; k < n; k++)
      if (group[k] == g) {
        v[m] = value_of(vc, hop_table_row(t, k));
        out[g].min = fmin(out[g].min, v[m]), out[g].max = fmax(out[g].max, v[m]);
        m++;
      }
    out[g].n = m;
    hop_math_mean_sd(v, m, &out[g].mean, &out[g].sd);
  }
  free(group), free(v);
  if (!st) *n_groups = ng;
  return st;
}

int hop_table_header(const hop_table *t, char *buf, size_t n) {
  size_t used = 0;
  for (size_t c = 0; c < t->n_cols; c++) {
    if (t->cols[c].key == 2) continue;
    int w = snprintf(buf + used, n - used, "%s%s", used ? "," : "", t->cols[c].name);
    if (w < 0 || (size_t)w >= n - used)
      HOP_ERROR(HOP_EBADLEN, "table header longer than %zu bytes", n);
    used += (size_t)w;
  }
  return HOP_OK;
}

static int write_cell(hop_file *f, const hop_col *c, const void *row) {
  const unsigned char *p = (const unsigned char *)row + c->offset;
  switch (c->type) {
    case HOP_COL_LONG: return hop_file_printf(f, c->fmt ? c->fmt : "%ld", *(const long *)p);
    case HOP_COL_SIZE: return hop_file_printf(f, c->fmt ? c->fmt : "%zu", *(const size_t *)p);
    case HOP_COL_DOUBLE: return hop_file_printf(f, c->fmt ? c->fmt : "%g", *(const double *)p);
    case HOP_COL_NAME: {
      int v = *(const int *)p;
      if (v < 0 || (size_t)v >= c->n_names)
        HOP_ERROR(HOP_EINVAL, "column %s: name index %d of %zu", c->name, v, c->n_names);
      return hop_file_printf(f, "%s", c->names[v]);
    }
    default: return hop_file_printf(f, c->fmt ? c->fmt : "%d", *(const int *)p);
  }
}

int hop_table_write(const hop_table *t, const char *dir, const char *file,
                    int (*keep)(const void *row, const void *ctx), const void *ctx) {
  char header[2048];
  int st = hop_table_header(t, header, sizeof header);
  if (st) return st;
  hop_file *f = hop_file_open(dir, file, header);
  if (!f) return hop_error_code();
  for (size_t k = 0; k < hop_table_count(t) && !st; k++) {
    const void *row = hop_table_row(t, k);
    if (keep && !keep(row, ctx)) continue;
    int first = 1;
    for (size_t c = 0; c < t->n_cols && !st; c++) {
      if (t->cols[c].key == 2) continue;
      if (!first) hop_file_printf(f, ",");
      st = write_cell(f, &t->cols[c], row), first = 0;
    }
    hop_file_printf(f, "\n");
  }
  return hop_file_finish(&f, 1, st);
}

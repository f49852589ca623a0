/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_claims.c: the claims ledger. */
#define _POSIX_C_SOURCE 200809L
#include "hop_claims.h"
#include "hop_error.h"
#include "hop_file.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hop_claims {
  char *experiment; /* name written in the first column */
  char **fields;    /* (n, 6) strings: id, description, paper, measured, tolerance, verdict */
  size_t n, cap;    /* rows held, rows allocated */
};

hop_claims *hop_claims_new(const char *experiment) {
  hop_claims *c = calloc(1, sizeof *c);
  if (!c || !(c->experiment = strdup(experiment))) {
    free(c);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate claims");
  }
  return c;
}

int hop_claims_addf(hop_claims *c, const char *id, const char *description, const char *paper_value,
                    const char *tolerance, const char *verdict, const char *measured_fmt, ...) {
  char m[512];
  va_list ap;
  va_start(ap, measured_fmt);
  vsnprintf(m, sizeof m, measured_fmt, ap);
  va_end(ap);
  return hop_claims_add(c, id, description, paper_value, m, tolerance, verdict);
}

int hop_claims_add(hop_claims *c, const char *id, const char *description, const char *paper_value,
                   const char *measured_value, const char *tolerance, const char *verdict) {
  if (strcmp(verdict, "reproduced") && strcmp(verdict, "not reproduced") &&
      strcmp(verdict, "beyond paper"))
    HOP_ERROR(HOP_EINVAL,
              "claim %s: verdict '%s' is not one of reproduced, not reproduced, "
              "beyond paper",
              id, verdict);
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 8;
    char **p = realloc(c->fields, cap * 6 * sizeof *p);
    if (!p) HOP_ERROR(HOP_ENOMEM, "cannot grow claims");
    c->fields = p;
    c->cap = cap;
  }
  const char *src[6] = {id, description, paper_value, measured_value, tolerance, verdict};
  char **row = c->fields + 6 * c->n;
  for (int k = 0; k < 6; k++) {
    row[k] = strdup(src[k]);
    if (!row[k]) {
      while (k--) free(row[k]);
      HOP_ERROR(HOP_ENOMEM, "cannot copy a claim");
    }
  }
  c->n++;
  return HOP_OK;
}

int hop_claims_write(const hop_claims *c, const char *dir) {
  hop_file *f = hop_file_open(dir, "claims.csv", HOP_CLAIMS_HEADER);
  if (!f) return hop_error_code();
  for (size_t i = 0; i < c->n; i++) {
    hop_file_csv_field(f, c->experiment);
    for (int k = 0; k < 6; k++) {
      hop_file_printf(f, ",");
      hop_file_csv_field(f, c->fields[6 * i + k]);
    }
    hop_file_printf(f, "\n");
  }
  return hop_file_close(f);
}

void hop_claims_free(hop_claims *c) {
  if (!c) return;
  for (size_t i = 0; i < 6 * c->n; i++) free(c->fields[i]);
  free(c->fields);
  free(c->experiment);
  free(c);
}

const char *hop_claims_if(int holds) { return holds ? "reproduced" : "not reproduced"; }

const char *hop_claims_verdict(double measured, double paper, double tol) {
  return hop_claims_if(fabs(measured - paper) <= tol);
}

const char *hop_claims_within_se(double measured, double paper, double se, double k) {
  return hop_claims_if(fabs(measured - paper) <= k * se);
}

const char *hop_claims_at_most(double measured, double bound) {
  return hop_claims_if(measured <= bound);
}
const char *hop_claims_at_least(double measured, double bound) {
  return hop_claims_if(measured >= bound);
}
const char *hop_claims_above(double measured, double bound) {
  return hop_claims_if(measured > bound);
}
const char *hop_claims_below(double measured, double bound) {
  return hop_claims_if(measured < bound);
}

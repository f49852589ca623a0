/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_claims.h: the claims ledger: claims.csv rows, one per checked claim, and verdicts. */
#ifndef HOP_CLAIMS_H
#define HOP_CLAIMS_H

#include <stddef.h>

/* claims.csv: experiment, claim_id, description, paper_value, measured_value,
 * tolerance, verdict (verdict one of "reproduced", "not reproduced", "beyond paper"). */
typedef struct hop_claims hop_claims;
hop_claims *hop_claims_new(const char *experiment);
int hop_claims_add(hop_claims *c, const char *id, const char *description, const char *paper_value,
                   const char *measured_value, const char *tolerance, const char *verdict);
/* The same with the measured value printf-formatted (at most 511 characters). */
int hop_claims_addf(hop_claims *c, const char *id, const char *description, const char *paper_value,
                    const char *tolerance, const char *verdict, const char *measured_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;
int hop_claims_write(const hop_claims *c, const char *dir);
void hop_claims_free(hop_claims *c);
#define HOP_CLAIMS_HEADER \
  "experiment,claim_id,description,paper_value,measured_value,tolerance,verdict"
/* Verdicts. Every rule returns "reproduced" when it holds and "not reproduced"
 * otherwise; a NaN measurement never holds. HOP_CLAIMS_BEYOND marks a number the
 * paper does not report. */
#define HOP_CLAIMS_BEYOND "beyond paper"
/* a condition computed by the caller (a count, a conjunction of checks) */
const char *hop_claims_if(int holds);
/* |measured - paper| <= tol */
const char *hop_claims_verdict(double measured, double paper, double tol);
/* |measured - paper| <= k se: within k standard errors */
const char *hop_claims_within_se(double measured, double paper, double se, double k);
/* measured <= bound, measured >= bound */
const char *hop_claims_at_most(double measured, double bound);
const char *hop_claims_at_least(double measured, double bound);
/* measured > bound (with bound 0: a positive sign), measured < bound */
const char *hop_claims_above(double measured, double bound);
const char *hop_claims_below(double measured, double bound);

#endif

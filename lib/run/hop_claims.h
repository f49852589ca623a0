/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_claims.h: the claims ledger: claims.csv rows, one per checked claim, and verdicts. */
#ifndef HOP_CLAIMS_H
#define HOP_CLAIMS_H

#include <stddef.h>

/* claims.csv: experiment, claim_id, description, paper_value, measured_value,
 * tolerance, verdict (verdict one of "reproduced", "not reproduced", "beyond paper"). */
typedef struct hop_claims hop_claims;
hop_claims *hop_claims_new(const char *experiment);
int hop_claims_add(hop_claims *c, const char *id, const char *description,
                   const char *paper_value, const char *measured_value, const char *tolerance,
                   const char *verdict);
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
/* "reproduced" if |measured - paper| <= tol, else "not reproduced" (NaN: not reproduced). */
const char *hop_claims_verdict(double measured, double paper, double tol);

#endif

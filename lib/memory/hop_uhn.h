/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_uhn.h: single-shot associative memory in the Universal Hopfield Network form
 * (Millidge et al. 2022):  q <- X^T sep(sim(X, q)),  X (p, d) the stored patterns.
 *
 * Similarities s_i for stored pattern x_i and query q:
 *   HOP_UHN_SIM_DOT        x_i . q
 *   HOP_UHN_SIM_COSINE     x_i . q / (|x_i| |q|)            (0 when a norm is 0)
 *   HOP_UHN_SIM_EUCLIDEAN  -|x_i - q|_2
 *   HOP_UHN_SIM_MANHATTAN  -|x_i - q|_1
 *   HOP_UHN_SIM_L1SCORE    beta / (1 + |x_i - q|_1)          (the CIFAR students' score,
 *                      as we read their code: beta sits inside the similarity and
 *                      the softmax that follows has inverse temperature 1)
 * Separations w = sep(s):
 *   HOP_UHN_SEP_SOFTMAX    softmax(beta s) (beta = 1 for HOP_UHN_SIM_L1SCORE, see above)
 *   HOP_UHN_SEP_IDENTITY   w = s
 *   HOP_UHN_SEP_POWER      w_i = max(s_i, 0)^k / sum_j max(s_j, 0)^k   (k = power; a uniform
 *                      w when every s_i <= 0)
 *   HOP_UHN_SEP_MAX        one-hot at the largest s_i (first on ties)
 * Projection: q_new = X^T w (the stored patterns themselves: auto-association).
 *
 * Batches of queries go through cblas_sgemm: S = Q X^T, and for the Euclidean
 * similarity |x - q|^2 = |x|^2 + |q|^2 - 2 x.q with the squared norms in double and the
 * product in float (clamped at 0; its error is bounded in tests/test_uhn.c).
 * Iterated retrieval stops when |q_new - q|_2 < tol for every query or after max_steps;
 * components marked in a mask are clamped to their given values throughout.
 * Energy of the dot-product network (Ramsauer et al. 2020):
 *   E(q) = -(1/beta) log sum_i exp(beta x_i.q) + q.q/2 + (1/beta) log p + M^2/2,
 *   M = max_i |x_i|; the softmax/dot update never increases it. */
#ifndef HOP_UHN_H
#define HOP_UHN_H

#include <stddef.h>

typedef enum {
  HOP_UHN_SIM_DOT,
  HOP_UHN_SIM_COSINE,
  HOP_UHN_SIM_EUCLIDEAN,
  HOP_UHN_SIM_MANHATTAN,
  HOP_UHN_SIM_L1SCORE
} hop_uhn_sim;
typedef enum {
  HOP_UHN_SEP_SOFTMAX,
  HOP_UHN_SEP_IDENTITY,
  HOP_UHN_SEP_POWER,
  HOP_UHN_SEP_MAX
} hop_uhn_sep;

typedef struct {
  hop_uhn_sim sim;
  hop_uhn_sep sep;
  double beta;      /* inverse temperature (> 0) */
  double power;     /* k of HOP_UHN_SEP_POWER (> 0) */
  size_t max_steps; /* iterations of retrieval (>= 1) */
  double tol;       /* stop when every |q_new - q|_2 < tol (>= 0) */
} hop_uhn_params;

/* Stored patterns: a view of x (p, d) (not copied: keep it alive) with their norms. */
typedef struct {
  size_t p, d;
  const float *x;  /* (p, d) row-major */
  double *sq;      /* (p) |x_i|^2 */
  double max_norm; /* M = max_i |x_i| */
} hop_uhn;

typedef struct hop_uhn_work hop_uhn_work;

hop_uhn *hop_uhn_alloc(const float *x, size_t p, size_t d);
void hop_uhn_free(hop_uhn *m);
/* Scratch for batches of up to max_batch queries. */
hop_uhn_work *hop_uhn_work_alloc(const hop_uhn *m, size_t max_batch);
void hop_uhn_work_free(hop_uhn_work *w);

/* Name <-> enum ("dot", "cosine", "euclidean", "manhattan", "l1score"; "softmax",
 * "identity", "power", "max"). Returns HOP_EINVAL naming the unknown word. */
int hop_uhn_sim_parse(const char *name, hop_uhn_sim *out);
int hop_uhn_sep_parse(const char *name, hop_uhn_sep *out);
const char *hop_uhn_sim_name(hop_uhn_sim s);
const char *hop_uhn_sep_name(hop_uhn_sep s);
int hop_uhn_params_check(const hop_uhn_params *par);

/* S (b, p) = similarities of the queries q (b, d). */
int hop_uhn_similarity(const hop_uhn *m, const float *q, size_t b, const hop_uhn_params *par,
                       float *s, hop_uhn_work *w);
/* In place: each row of s (b, p) becomes its separation weights. */
int hop_uhn_separate(float *s, size_t b, size_t p, const hop_uhn_params *par);

/* One update of the queries q (b, d) in place. mask (b, d), may be NULL: a nonzero entry
 * keeps that component at its value in q. *moved (may be NULL) gets max_b |q_new - q|_2. */
int hop_uhn_step(const hop_uhn *m, float *q, size_t b, const hop_uhn_params *par,
                 const unsigned char *mask, double *moved, hop_uhn_work *w);

/* Iterated retrieval; *steps (may be NULL) gets the steps taken. */
int hop_uhn_retrieve(const hop_uhn *m, float *q, size_t b, const hop_uhn_params *par,
                     const unsigned char *mask, size_t *steps, hop_uhn_work *w);

/* E(q) of the dot-product network above for one query q (d). */
double hop_uhn_energy(const hop_uhn *m, const float *q, double beta, hop_uhn_work *w);

#endif

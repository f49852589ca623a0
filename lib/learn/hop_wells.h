/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_wells.h: a multi-well Hopfield energy over class prototypes (the classifier of
 * the cnn_wells experiment; Farooq, arXiv:2507.08766, reconstructed from its abstract).
 *
 * Classes c = 0..C-1 own K prototypes ("wells") mu_ck each, in feature space (d).
 * The energy of a state s for class c, with the well count as the class-assignment
 * term (so that classes with more wells are not favoured):
 *     E_c(s) = -(1/beta) log( (1/K) sum_k exp(-beta |s - mu_ck|^2 / 2) )
 * Classification: argmin_c E_c(s). beta -> infinity gives min_k |s - mu_ck|^2 / 2 (the
 * nearest prototype, beta = INFINITY here); beta -> 0 the mean of |s - mu_ck|^2 / 2.
 * The joint energy over all wells,
 *     E(s) = -(1/beta) log( (1/(C K)) sum_{c,k} exp(-beta |s - mu_ck|^2 / 2) ),
 *     grad E(s) = sum_{c,k} p_ck (s - mu_ck),   p = softmax_{c,k}(-beta |s - mu_ck|^2 / 2),
 * is the second reading: gradient descent s <- s - eta grad E(s), 0 < eta <= 1, from the
 * feature, reports the class of the well nearest to where it stops. E is |s|^2/2 minus a
 * convex function of s, so each step with eta <= 1 is a step toward the minimiser of a
 * quadratic upper bound that touches E at s (the concave-convex procedure; eta = 1 is
 * the modern Hopfield update s <- sum p mu): E never increases (tests check it). */
#ifndef HOP_WELLS_H
#define HOP_WELLS_H

#include <stddef.h>

typedef struct {
  size_t classes, k, d; /* C, K, feature dimension */
  float *mu;            /* (C*K, d): well k of class c in row c*K + k */
} hop_wells;

hop_wells *hop_wells_alloc(size_t classes, size_t k, size_t d);
void hop_wells_free(hop_wells *w);
/* HOP_EINVAL unless beta > 0 and (finite or +INFINITY, the nearest-prototype limit), and
 * beta * 2 * max_d2 stays far inside double range (below 1e300). */
int hop_wells_check_beta(double beta, double max_d2);

/* Squared distances d2 (n, C*K) of the n states s (n, d) to every well: |s|^2 - 2 s.mu +
 * |mu|^2 through cblas_sgemm, clipped at 0. Computed once, they serve every beta. */
int hop_wells_dist2(const hop_wells *w, const float *s, size_t n, float *d2);
/* Class energies e (n, C) from d2 at beta (log-sum-exp in double, stable). */
int hop_wells_energy(const hop_wells *w, const float *d2, size_t n, double beta, double *e);
/* argmin_c of e (n, C) into labels (n); the first class on ties. */
void hop_wells_argmin(const double *e, size_t n, size_t classes, unsigned char *labels);

/* Joint energy at s (d); grad (d) may be NULL; scratch (C*K) doubles. beta finite. */
double hop_wells_joint(const hop_wells *w, const float *s, double beta, double *grad,
                       double *scratch);
/* Gradient descent from s0 (d) for at most steps steps, stopping early when |step| <
 * tol; *well receives the well nearest the end point (its class is well / K), *taken the
 * steps done (may be NULL). scratch: C*K + 2d doubles. */
int hop_wells_descend(const hop_wells *w, const float *s0, double beta, double eta, size_t steps,
                      double tol, size_t *well, size_t *taken, double *scratch);

/* The same descent for n states at once in float through sgemm (a step is
 * s <- (1 - eta) s + eta P M, P = softmax(-beta d2 / 2) row by row): s (n, d) is updated in
 * place for exactly `steps` steps, wells (n) receives the nearest well at the end.
 * scratch: n * C * K floats. */
int hop_wells_descend_batch(const hop_wells *w, float *s, size_t n, double beta, double eta,
                            size_t steps, size_t *wells, float *scratch);

#endif

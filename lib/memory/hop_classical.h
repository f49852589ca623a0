/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_classical.h: the classical Hopfield network (Hopfield 1982).
 *
 * N binary neurons s_i in {+1, -1}; P patterns xi^mu stored by the Hebbian rule
 *     W = (1/N) sum_mu xi^mu xi^mu^T,  W_ii = 0,
 * energy  E(s) = -1/2 s^T W s,  update  s_i <- sgn(h_i),  h = W s  (zero threshold).
 *
 * Exactness: the network keeps the integer couplings C = N W (sums of +-1 products)
 * in float, and fields h = C s; both are exact while P*N < 2^24 (checked by
 * hop_classical_store), so every result is independent of BLAS blocking and thread
 * count. A tie (h_i = 0) keeps s_i, which makes every asynchronous update lower E or
 * leave it unchanged: a flip of s_i changes E by -2|h_i|/N.
 *
 * The caller owns the loops (init / iterate / test): fields, then updates
 * (asynchronous: one neuron or one sweep; synchronous: one step), then a test
 * (flips == 0 means a fixed point). No function allocates except *_alloc. */
#ifndef HOP_CLASSICAL_H
#define HOP_CLASSICAL_H

#include <stddef.h>

typedef struct {
  size_t n; /* neurons N */
  size_t p; /* patterns stored (0 after alloc) */
  float *c; /* (n, n) couplings C = sum_mu xi xi^T, zero diagonal, integer-valued; W = C/n */
} hop_classical;

hop_classical *hop_classical_alloc(size_t n);
void hop_classical_free(hop_classical *net);

/* Store xi (p, n) of +-1 values by the Hebbian rule (replaces what was stored).
 * HOP_EINVAL if an entry is not +-1; HOP_ERANGE if p*n >= 2^24 (exactness lost). */
int hop_classical_store(hop_classical *net, const float *xi, size_t p);

/* Fields of m states: h (m, n) = s (m, n) C (cblas_sgemm; exact, see above). */
void hop_classical_fields(const hop_classical *net, const float *s, size_t m, float *h);

/* E = -1/(2N) s.h for a state s (n) and its fields h = C s (n). */
double hop_classical_energy_h(size_t n, const float *s, const float *h);
/* E = -1/2 s^T W s from scratch (O(n^2), no workspace; for tests and traces). */
double hop_classical_energy(const hop_classical *net, const float *s);

/* Asynchronous update of neuron i: s_i <- sgn(h_i) (tie keeps s_i); on a flip the
 * fields h (n) are updated in O(n) so that h = C s stays true. Returns 1 on a flip. */
int hop_classical_async_update(const hop_classical *net, float *s, float *h, size_t i);

/* One asynchronous sweep over the neurons in order (n indices, a permutation).
 * Returns the number of flips (0: s is a fixed point). */
size_t hop_classical_async_sweep(const hop_classical *net, float *s, float *h, const size_t *order);

/* One synchronous step: s_next_i = sgn(h_i) for all i at once (tie keeps s_i), then h
 * is brought up to date with s_next (O(n) per changed neuron). s and s_next (n) must
 * not alias. Returns the number of changed neurons. */
size_t hop_classical_sync_step(const hop_classical *net, const float *s, float *s_next, float *h);

/* Overlap m = (1/n) a.b of two +-1 vectors (n). */
double hop_classical_overlap(const float *a, const float *b, size_t n);

#endif

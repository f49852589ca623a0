/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_dam.h: dense associative memory (Krotov & Hopfield 2016, "Dense Associative
 * Memory for Pattern Recognition", NeurIPS, arXiv:1606.01164) and its exponential
 * version (Demircigil, Heusel, Loewe, Upgang & Vermet 2017, J. Stat. Phys. 168:288,
 * arXiv:1702.01929), on +-1 neurons.
 *
 * P patterns xi^mu (N), state s (N), overlaps m_mu = xi^mu . s (integers in [-N, N]):
 *   E(s) = -sum_mu F(m_mu),
 *   F(x) = x^n (HOP_DAM_POLY), x^n for x >= 0 else 0 (HOP_DAM_RECT), exp(x) (HOP_DAM_EXP).
 * Asynchronous update of neuron i, by the sign of the energy difference:
 *   a_mu = m_mu - xi_i^mu s_i  (the overlap without neuron i),
 *   D_i = sum_mu [F(a_mu + xi_i^mu) - F(a_mu - xi_i^mu)] = sum_mu xi_i^mu g(a_mu),
 *   g(a) = F(a + 1) - F(a - 1);  s_i <- sgn(D_i), a tie (D_i = 0) keeps s_i.
 * E(s_i = +1) - E(s_i = -1) = -D_i, so the update never raises E. A flip of s_i changes
 * every overlap by 2 xi_i^mu s_i(new): one update costs O(P), a sweep O(P N).
 * Synchronous step: every D_i from the same state, then all neurons at once.
 *
 * Exactness: for POLY and RECT, g(a) and D_i are integers summed in int64, exact while
 * 2 P N^n < 2^62 (hop_dam_alloc refuses more), so trajectories do not depend on the
 * machine or thread count; n = 2 gives D_i = 4 sum_{j != i} C_ij s_j, the classical
 * network's field times 4N, hence the same trajectories. For EXP, g(a) = e^a (e - 1/e)
 * and the sign of D_i is that of sum_mu xi_i^mu exp(a_mu - max_nu a_nu) (no overflow),
 * summed in pattern order. Patterns are also kept bit-packed (64 neurons per word), and
 * the overlaps of a new state come from XOR and popcount: m = N - 2 popcount(xi ^ s).
 *
 * F lives here once: hop_dam_F is also the interaction function of the dense sequence
 * networks (hop_seq). */
#ifndef HOP_DAM_H
#define HOP_DAM_H

#include <stddef.h>
#include <stdint.h>

typedef enum { HOP_DAM_POLY, HOP_DAM_RECT, HOP_DAM_EXP } hop_dam_kind;

/* An interaction function: kind and, for POLY and RECT, the power n (1..8). */
typedef struct {
  hop_dam_kind kind;
  int n;
} hop_dam_f;

/* F(x). */
double hop_dam_F(hop_dam_f f, double x);
/* HOP_EINVAL unless kind is known and (POLY, RECT) 1 <= n <= 8. */
int hop_dam_f_check(hop_dam_f f);
/* "x^2", "rect x^3", "exp" (a static buffer per kind and n up to 8). */
const char *hop_dam_f_name(hop_dam_f f);

typedef struct hop_dam hop_dam;

/* A network of n neurons for up to p_max patterns. HOP_ERANGE (with the numbers) when
 * 2 p_max n^power >= 2^62 for POLY/RECT, or when n or p_max exceed 2^24. */
hop_dam *hop_dam_alloc(size_t n, size_t p_max, hop_dam_f f);
void hop_dam_free(hop_dam *d);
/* Store p <= p_max patterns xi (p, n) of +-1 values (copied). The state is unset until
 * hop_dam_set_state. */
int hop_dam_store(hop_dam *d, const signed char *xi, size_t p);
/* Set the state s (n) of +-1 values and compute the overlaps by XOR + popcount. */
int hop_dam_set_state(hop_dam *d, const signed char *s);
const signed char *hop_dam_state(const hop_dam *d); /* (n) */
const int32_t *hop_dam_overlaps(const hop_dam *d);  /* (p) m_mu = xi^mu . s */
size_t hop_dam_patterns(const hop_dam *d);
/* E = -sum_mu F(m_mu) (for EXP this grows like e^N: fine in double for N < 700). */
double hop_dam_energy(const hop_dam *d);
/* D_i of the current state (for tests; POLY/RECT exact, EXP scaled by exp(-max a)). */
double hop_dam_drive(const hop_dam *d, size_t i);
/* Update neuron i; returns 1 on a flip, 0 otherwise. */
int hop_dam_async_update(hop_dam *d, size_t i);
/* One sweep over order (n indices); returns the number of flips. */
size_t hop_dam_async_sweep(hop_dam *d, const size_t *order);
/* One synchronous step; returns the number of changed neurons. */
size_t hop_dam_sync_step(hop_dam *d);

#endif

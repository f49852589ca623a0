/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_seq.h: sequence memories of +-1 neurons: SeqNet, the dense sequence networks
 * (polynomial and exponential DenseNet) of Chaudhry, Zavatone-Veth, Krotov & Pehlevan,
 * "Long Sequence Hopfield Memory", NeurIPS 2023, arXiv:2306.04532, and a temporal-kernel
 * network (our reconstruction of arXiv:2507.01052, 2025, from its abstract only).
 *
 * P patterns xi^1..xi^P of N neurons form a cyclic sequence (xi^{P+1} = xi^1). From a
 * state S, with full overlaps M_k = xi^k . S and self-term-excluded overlaps
 *   m_i^k = (M_k - xi_i^k S_i) / (N - 1),
 * one synchronous step is
 *   S_i(t+1) = sgn h_i,   h_i = sum_k sum_taps w xi_i^{k+o} f(m_i^k),
 * a kernel K(m, k) = w for m = k + o given as a short list of taps (o, w). The delta
 * kernel {(+1, 1)} gives SeqNet (f(x) = x) and DenseNet (f = x^d or exp((N-1)(x-1))).
 * f comes from hop_dam_F (the one home of the interaction functions), applied to the
 * integer a = M_k - xi_i^k S_i: x^d and rectified x^d of m differ from those of a by the
 * positive factor (N-1)^-d, and exp((N-1)(m-1)) = e^{a-(N-1)}; a common positive factor
 * leaves every sign unchanged. A tie (h_i = 0) is returned as 0 and counts as an error.
 *
 * Since xi_i^k S_i = +-1, f(M - x) = A(M) - x B(M) with A = (f(M-1) + f(M+1))/2 and
 * B = (f(M+1) - f(M-1))/2, so h_i = sum_k sum_taps w xi_i^{k+o} (A_k - xi_i^k S_i B_k).
 *
 * Exactness. Patterns are kept bit-packed (64 neurons a word); overlaps are exact
 * integers from XOR + popcount (AVX-512 VPOPCNTDQ or AVX2 where the CPU has it). For x^d and
 * rectified x^d, A and B are integers and h is summed in int64 (or, for whole batches of
 * transitions, by dgemm on integer-valued doubles below 2^53): exact, so results do not
 * depend on thread count, batching or BLAS. hop_seq_alloc refuses sizes where that
 * cannot hold. For exp, terms are scaled by e^{-max_k M_k} (no overflow) and summed in
 * double in pattern order, one neuron by one thread.
 *
 * Certified pruning (exp only): the terms of patterns with M_k < max M - T are not summed
 * but bounded: |their sum| <= sum_taps |w| sum_pruned e^{M_k - max M + 1}. Where the
 * partial field exceeds twice that bound (plus a rounding margin), its sign is the sign
 * of the full sum; otherwise that neuron's field is summed over every pattern. The result
 * is that of the full sum; hop_seq_stats counts the neurons decided each way. */
#ifndef HOP_SEQ_H
#define HOP_SEQ_H

#include "hop_dam.h"

#include <stddef.h>
#include <stdint.h>

/* One tap of a temporal kernel: K(k + offset, k) = weight. */
typedef struct {
  int offset;
  double weight;
} hop_seq_tap;

enum { HOP_SEQ_MAX_TAPS = 33 };

/* The delta kernel {(+1, 1)}: SeqNet / DenseNet. Returns 1. */
size_t hop_seq_kernel_delta(hop_seq_tap *taps);
/* Gaussian around the next pattern: offsets 1-h..1+h, w = exp(-(o-1)^2 / (2 sigma^2)).
 * Returns the number of taps (2h+1), 0 with an error when sigma <= 0, h < 0 or the taps
 * exceed HOP_SEQ_MAX_TAPS. */
size_t hop_seq_kernel_gauss(double sigma, int h, hop_seq_tap *taps);
/* Causal exponential: the next pattern and the `h` before it, offsets 1, 0, ..., 1-h,
 * w = exp(-(1-o) / tau). Returns h+1 taps, 0 with an error as above. */
size_t hop_seq_kernel_causal(double tau, int h, hop_seq_tap *taps);

typedef struct hop_seq hop_seq;

/* A network of n neurons (2..32767) for up to p_max patterns with interaction f and a
 * kernel of ntaps taps (copied). HOP_ERANGE (with the numbers) when exact integer fields
 * are impossible: for x^d, rectified x^d when p_max * (n+1)^d * sum|w| >= 2^62. */
hop_seq *hop_seq_alloc(size_t n, size_t p_max, hop_dam_f f, const hop_seq_tap *taps, size_t ntaps);
void hop_seq_free(hop_seq *s);
/* Store the cyclic sequence xi (p, n) of +-1 values (copied), 1 <= p <= p_max. */
int hop_seq_store(hop_seq *s, const signed char *xi, size_t p);
size_t hop_seq_patterns(const hop_seq *s);
size_t hop_seq_neurons(const hop_seq *s);
/* Pattern k (n values), 0 <= k < p. */
const signed char *hop_seq_pattern(const hop_seq *s, size_t k);

/* The other reading of the overlap: include = 1 uses the full m^k = xi^k . S / N for
 * every neuron (f(M_k) instead of f(M_k - xi_i^k S_i)); 0 (the default) excludes the
 * self term, as Chaudhry et al.'s code does. HOP_EINVAL for other values. */
int hop_seq_set_self(hop_seq *s, int include);
/* Pruning threshold T for exp (in overlap units): -1 (default) chooses
 * T = ln(P sum|w| e) + 30 per state, 0 turns pruning off. HOP_EINVAL below -1. */
int hop_seq_set_prune(hop_seq *s, int t);
/* Neurons decided by the pruned sum (certified) and by the full sum, since the last
 * reset. */
void hop_seq_stats(const hop_seq *s, uint64_t *certified, uint64_t *full);
void hop_seq_stats_reset(hop_seq *s);

/* The full overlaps M_k = xi^k . state, k = 0..p-1, by XOR + popcount. */
int hop_seq_overlaps(hop_seq *s, const signed char *state, int32_t *m);
/* One synchronous step: out_i = sgn h_i (0 for a tie). state and out are n values; state
 * must be +-1. Uses the network's scratch: one call at a time per network. */
int hop_seq_step(hop_seq *s, const signed char *state, signed char *out);
/* The field h (n) of one state, in double (exact integers for x^d when below 2^53; for
 * exp scaled by e^{-max M}). For tests and figures; no pruning. */
int hop_seq_field(hop_seq *s, const signed char *state, double *h);

/* Transitions t = first .. first+count-1 (indices mod p): one step from the stored
 * xi^t, compared with xi^{t+1}; wrong[j] = neurons that differ or tie at t = first+j.
 * With stop_at_error, stops after the first transition with an error (in order) and
 * sets *checked to the transitions reported (that one included); otherwise *checked =
 * count. Runs on the OpenMP threads (one thread inside a parallel region); results are
 * identical for any thread count. */
int hop_seq_transitions(hop_seq *s, size_t first, size_t count, int stop_at_error, uint32_t *wrong,
                        size_t *checked);

/* The overlap pass: AVX-512 VPOPCNTDQ, AVX2 (popcount by nibble lookup) or portable C;
 * each gives the same integers. AUTO, a network's default, takes the widest this CPU has
 * (hop_seq_pass_best); hop_seq_set_pass forces one (tests and benchmarks), HOP_EINVAL
 * when the CPU lacks it. */
typedef enum {
  HOP_SEQ_PASS_AUTO,
  HOP_SEQ_PASS_PLAIN,
  HOP_SEQ_PASS_AVX2,
  HOP_SEQ_PASS_AVX512
} hop_seq_pass;
hop_seq_pass hop_seq_pass_best(void);
int hop_seq_set_pass(hop_seq *s, hop_seq_pass p);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_simplicial.h: simplicial Hopfield networks (Burns & Fukai, "Simplicial Hopfield
 * networks", ICLR 2023, arXiv:2305.05179): setwise interactions on a simplicial complex
 * K of edges, triangles and tetrahedra over N +-1 neurons.
 *   c(sigma) = sum_mu prod_{i in sigma} xi_i^mu  (an integer),  w(sigma) = c(sigma) / N,
 *   E(s) = -sum_{sigma in K} w(sigma) s_sigma,  s_sigma = prod_{i in sigma} s_i,
 *   s_i <- sgn(h_i),  h_i = sum_{sigma containing i} w(sigma) s_{sigma \ i}, a tie keeps s_i.
 * Our normalisation is 1/N for every order (the paper's full text could not be read
 * here). E is linear in s_i with slope -h_i, so an asynchronous update never raises it.
 * h_i is kept as the exact integer N h_i (int64), so trajectories are exact.
 * A second reading (hop_simplicial_equalise) scales each order k by a_k = 1 / sqrt(d_k),
 * d_k = (k + 2) m_k / N the mean number of order-k simplices at a neuron (m_k of them):
 * for random patterns each simplex at i adds crosstalk of variance about P / N^2, so
 * every order present then adds the same field variance. The field is then
 * sum_k a_k (N h_i^(k)), each N h_i^(k) still an exact integer and the sum taken in
 * order k = 0, 1, 2, so trajectories are still reproducible; E scales the same way and
 * still never rises (it stays linear in s_i with slope -h_i). Only complexes of more
 * than one order change: a common factor of every weight leaves sgn(h_i) alone. With every
 * edge and nothing else the network is the classical one: c(ij) = C_ij.
 * Storage: each simplex's vertices (up to 4) and c, and an incidence list per neuron
 * (compressed rows), never a dense N^3 or N^4 tensor. A complex has, per order k
 * (0: edges, 1: triangles, 2: tetrahedra), either every simplex or a random subset of a
 * given size drawn without replacement from the caller's gsl_rng. */
#ifndef HOP_SIMPLICIAL_H
#define HOP_SIMPLICIAL_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

enum { HOP_SIMPLICIAL_ORDERS = 3 };
#define HOP_SIMPLICIAL_ALL ((size_t)-1) /* a count meaning "every simplex of that order" */

typedef struct hop_simplicial hop_simplicial;

/* counts[k]: simplices of k + 2 vertices (or HOP_SIMPLICIAL_ALL). HOP_EINVAL (with the
 * numbers) when a count exceeds C(n, k + 2), HOP_ERANGE when the complex would exceed
 * 2^26 simplices or n exceeds 32768. r may be NULL when every count is 0 or ALL. */
hop_simplicial *hop_simplicial_alloc(size_t n, const size_t counts[HOP_SIMPLICIAL_ORDERS],
                                     gsl_rng *r);
void hop_simplicial_free(hop_simplicial *net);
/* C(n, k) as a double (exact below 2^53). */
double hop_simplicial_choose(size_t n, size_t k);
size_t hop_simplicial_size(const hop_simplicial *net, int order); /* simplices of an order */
/* Vertices of simplex j of an order (order + 2 of them, increasing). */
const int32_t *hop_simplicial_vertices(const hop_simplicial *net, int order, size_t j);
/* The second reading above: a_k = 1 / sqrt(d_k) for every order present (1 for an
 * order with no simplices). hop_simplicial_order_scale gives a_k (1 until then). */
void hop_simplicial_equalise(hop_simplicial *net);
double hop_simplicial_order_scale(const hop_simplicial *net, int order);
/* Store p patterns xi (p, n) of +-1: every c(sigma). */
int hop_simplicial_store(hop_simplicial *net, const signed char *xi, size_t p);
/* E(s); N h_i(s) of the 1/N reading (exact, every a_k ignored); N h_i(s) with the
 * order scales a_k (the field the updates use). */
double hop_simplicial_energy(const hop_simplicial *net, const signed char *s);
int64_t hop_simplicial_field(const hop_simplicial *net, const signed char *s, size_t i);
double hop_simplicial_field_scaled(const hop_simplicial *net, const signed char *s, size_t i);
/* Update neuron i (returns 1 on a flip); one sweep over order (returns the flips). */
int hop_simplicial_async_update(const hop_simplicial *net, signed char *s, size_t i);
size_t hop_simplicial_async_sweep(const hop_simplicial *net, signed char *s, const size_t *order);

#endif

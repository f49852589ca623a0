/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_attn.h: attention as the fixed-point update of a modern Hopfield energy, and
 * non-linear heads (double precision throughout).
 *
 * Keys X (n, d), a state xi (d), inverse temperature beta > 0, a score phi_i(xi) per key:
 *   E(xi) = -(1/beta) log sum_i exp(beta phi_i(xi)) + xi.xi / 2 + (1/beta) log n + M^2 / 2,
 * M = max_i |x_i| (the constant of hop_uhn_energy, so the linear head's E equals it and
 * is >= 0). With p = softmax(beta phi(xi)):
 *   grad E = xi - sum_i p_i grad phi_i(xi).
 * Scores (u_i = x_i . xi):
 *   HOP_ATTN_LINEAR  phi = u                   grad phi = x_i    (Ramsauer et al., ICLR 2021)
 *   HOP_ATTN_POLY    phi = (u + c)^2 / (2c)    grad phi = (u + c)/c x_i   (c > M^2)
 *   HOP_ATTN_SPLINE  phi = g(u)                grad phi = g'(u) x_i
 *                    g: natural cubic spline through knots (GSL cspline), linear beyond
 *                    the end knots (where g'' = 0, so g is C^2 everywhere)
 *   HOP_ATTN_RBF     phi = s^2 exp(-|x_i - xi|^2 / (2 s^2))   grad phi = phi (x_i - xi)/s^2
 * Update (one step of the concave-convex procedure, CCCP; Yuille & Rangarajan 2003):
 *   xi <- (L xi + sum_i p_i grad phi_i(xi)) / (1 + L),
 * with L >= 0 a bound on the negative curvature of phi: (1/beta) log sum exp(beta phi)
 * + (L/2)|xi|^2 is convex, since its Hessian is sum_i p_i Hess phi_i + beta Cov_p(grad phi)
 * + L I and Cov_p is positive semidefinite. So E = [(1+L)/2 |xi|^2] - [that convex part]
 * is a difference of convex functions and the step (the minimiser of the convex part
 * minus the concave part's tangent) never increases E. L = 0 for LINEAR and POLY (phi
 * convex: the step is attention itself, xi <- X^T softmax(beta X xi) for LINEAR);
 * L = max(0, -min g'') M^2 for SPLINE (g'' is piecewise linear, its minimum is at a
 * knot); L = 1 for RBF (Hess phi >= -exp(-r^2/2s^2) I >= -I). Fixed points of every step
 * are the stationary points of E, grad E = 0: xi = sum_i p_i grad phi_i(xi).
 * E is bounded below for every head: phi grows at most linearly in xi (LINEAR, SPLINE),
 * is bounded (RBF), or grows like M^2 |xi|^2 / (2c) < |xi|^2 / 2 (POLY with c > M^2).
 *
 * Self-attention (Vaswani et al. 2017) over n tokens T (n, dm), head h with W_Q, W_K
 * (dm, dk), W_V (dm, dv), W_O (dv, dm): Q = T W_Q, K = T W_K, V = T W_V. The n states
 * xi_a (rows of Q) each have the energy above with keys K (LINEAR, beta = 1/sqrt(dk)
 * in Vaswani's scaling); the total energy is their sum. One CCCP step from Q gives
 * P K with P = softmax_rows(beta Q K^T); attention reads the values with the same
 * weights, P V; multi-head attention is the sum over heads of P_h V_h W_O,h (the
 * concatenation of heads times the stacked W_O). */
#ifndef HOP_ATTN_H
#define HOP_ATTN_H

#include <complex.h>
#include <stddef.h>

typedef enum { HOP_ATTN_LINEAR, HOP_ATTN_POLY, HOP_ATTN_SPLINE, HOP_ATTN_RBF } hop_attn_kind;

typedef struct hop_attn_spline hop_attn_spline;

/* A head: the score and its parameters. */
typedef struct {
  hop_attn_kind kind;
  double beta;                   /* inverse temperature, finite and > 0 */
  double c;                      /* POLY: offset, > M^2 */
  double sigma;                  /* RBF: width s, finite and > 0 */
  const hop_attn_spline *spline; /* SPLINE: the score g */
} hop_attn_head;

/* Keys: a view of x (n, d) (not copied: keep it alive) and M = max_i |x_i|. */
typedef struct {
  size_t n, d;
  const double *x;
  double max_norm;
} hop_attn_keys;

/* Scratch for up to b states over n keys of dimension d. */
typedef struct hop_attn_work hop_attn_work;

/* Sizes: n, d >= 1 and n*d, b*n, b*d below 2^31 (the CBLAS int); HOP_EINVAL or
 * HOP_ERANGE otherwise, before anything is allocated. Entries must be finite (HOP_EDOM). */
int hop_attn_keys_init(hop_attn_keys *k, const double *x, size_t n, size_t d);
hop_attn_work *hop_attn_work_alloc(size_t n, size_t d, size_t b);
void hop_attn_work_free(hop_attn_work *w);

/* The natural cubic spline through (u_k, g_k), k < nk, u strictly increasing, nk >= 3. */
hop_attn_spline *hop_attn_spline_new(const double *u, const double *g, size_t nk);
void hop_attn_spline_free(hop_attn_spline *s);
/* g(u), g'(u), g''(u) of the spline (linear beyond the end knots). */
void hop_attn_spline_eval(const hop_attn_spline *s, double u, double *g, double *dg, double *d2g);

/* Names: "linear", "poly", "spline", "rbf". */
const char *hop_attn_kind_name(hop_attn_kind k);
/* Checks the head against the keys: beta, c > M^2, sigma, a spline present. */
int hop_attn_head_check(const hop_attn_head *h, const hop_attn_keys *k);
/* L of the update above for this head and these keys. */
double hop_attn_curvature(const hop_attn_head *h, const hop_attn_keys *k);

/* p (b, n): softmax(beta phi(xi_a)) for the b states q (b, d) (one sgemm-like dgemm for
 * the dot products). */
int hop_attn_weights(const hop_attn_keys *k, const hop_attn_head *h, const double *q, size_t b,
                     double *p, hop_attn_work *w);
/* *e = E(xi) for one state xi (d). */
int hop_attn_energy(const hop_attn_keys *k, const hop_attn_head *h, const double *xi, double *e,
                    hop_attn_work *w);
/* g (d) = grad E(xi). */
int hop_attn_grad(const hop_attn_keys *k, const hop_attn_head *h, const double *xi, double *g,
                  hop_attn_work *w);
/* One update of the b states q (b, d) in place; *moved (may be NULL) gets the largest
 * |xi_new - xi|_2. */
int hop_attn_step(const hop_attn_keys *k, const hop_attn_head *h, double *q, size_t b,
                  double *moved, hop_attn_work *w);

/* E of the LINEAR head at a complex state xi (d) (the same formula with complex
 * arithmetic; the shift of the log-sum-exp by the largest real part), for the
 * complex-step derivative: dE/dt (xi + t v) at t = 0 is Im E(xi + i h v) / h + O(h^2),
 * free of cancellation, so h = 1e-30 gives it to rounding. z (n) is scratch. */
int hop_attn_energy_complex(const hop_attn_keys *k, double beta, const double complex *xi,
                            double complex *e, double complex *z);

/* One attention head's projections (all row-major). */
typedef struct {
  size_t dk, dv;
  const double *wq, *wk; /* (dm, dk) */
  const double *wv;      /* (dm, dv) */
  const double *wo;      /* (dv, dm) */
} hop_attn_proj;

/* out (n, dm) = sum over the nh heads of P_h V_h W_O,h for tokens t (n, dm), with P_h
 * from one CCCP step of each state (rows of Q_h) on the energy with keys K_h at
 * inverse temperature beta. states (may be NULL) receives each head's updated states
 * P_h K_h, heads one after another (n, dk each). Allocates its scratch (O(n^2 + n dm))
 * once per call. */
int hop_attn_self(const double *t, size_t n, size_t dm, const hop_attn_proj *heads, size_t nh,
                  double beta, double *out, double *states);
/* Total energy of the self-attention states: sum over heads h and tokens a of
 * E_h(xi_{h,a}) with keys K_h = T W_K,h; states as hop_attn_self writes them (nh (n, dk)
 * blocks). Allocates its scratch once per call. */
int hop_attn_self_energy(const double *t, size_t n, size_t dm, const hop_attn_proj *heads,
                         size_t nh, double beta, const double *states, double *e);

#endif

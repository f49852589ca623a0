/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_math.h: numerically stable softmax and log-sum-exp, thin CBLAS helpers, and the
 * small numerics every experiment needs (argmax, mean and sd, crossings of curves).
 *
 * Shapes are stated per function; matrices are flat row-major arrays.
 * Dense algebra goes through CBLAS linked against OpenBLAS. */
#ifndef HOP_MATH_H
#define HOP_MATH_H

#include <stddef.h>

/* log sum_i exp(beta * x_i), x is (n), n >= 1, computed with the max shifted out.
 * +inf entries give +inf; all entries -inf give -inf; a NaN gives HOP_EDOM.
 * Result in *out; returns a status. */
int hop_math_logsumexp(const double *x, size_t n, double beta, double *out);
int hop_math_logsumexp_f(const float *x, size_t n, double beta, double *out);

/* out_i = exp(beta x_i) / sum_j exp(beta x_j), x and out are (n) (may alias).
 * +inf entries share the mass equally; all -inf or a NaN give HOP_EDOM.
 * beta must be finite and >= 0. */
int hop_math_softmax(double *out, const double *x, size_t n, double beta);
int hop_math_softmax_f(float *out, const float *x, size_t n, double beta);

/* Thin CBLAS helpers (row-major; _f single precision, the others double).
 * C (m, n) = alpha * A (m, k) * op(B) + beta * C, op(B) = B (k, n) or B^T with B (n, k). */
void hop_math_gemm_f(size_t m, size_t n, size_t k, float alpha, const float *a, const float *b,
                     int b_transposed, float beta, float *c);

void hop_math_gemm(size_t m, size_t n, size_t k, double alpha, const double *a, const double *b,
                   int b_transposed, double beta, double *c); /* the same in double */

/* G (n, n) = alpha * X^T X for X (p, n), both triangles filled (cblas_ssyrk + mirror). */
void hop_math_gram_f(size_t p, size_t n, float alpha, const float *x, float *g);

/* Index of the largest entry of x (n >= 1); the first one on ties; NaN entries never
 * win (all NaN: 0). */
size_t hop_math_argmax_f(const float *x, size_t n);
size_t hop_math_argmax(const double *x, size_t n);

/* Mean and sample standard deviation of the finite entries of x (stride 1, n entries)
 * through gsl_stats_mean / gsl_stats_sd; sd is 0 with one finite entry, and both are NaN
 * with none. Returns the number of finite entries. */
size_t hop_math_mean_sd(const double *x, size_t n, double *mean, double *sd);

/* The first downward crossing of level by the sampled curve y(x) (n points, x
 * increasing): the x where y falls from >= level to < level, linearly interpolated
 * between the two samples; NaN if it never does. */
double hop_math_crossing_down(const double *x, const double *y, size_t n, double level);

/* Where curve a falls below curve b (both sampled at x, n points): among the downward
 * sign changes of a - b (from > 0 to < 0), linearly interpolated, the one nearest to
 * near; NaN if there is none. */
double hop_math_curve_crossing(const double *x, const double *a, const double *b, size_t n,
                               double near);

/* Least squares y = a + b x (gsl_fit_linear) over the points where both x and y are
 * finite. Standard errors are GSL's (the square roots of its covariance diagonal), NaN
 * with fewer than 3 points; every field but n is NaN when fewer than min_points
 * (at least 2) are finite. */
typedef struct {
  double a, b;       /* intercept, slope */
  double se_a, se_b; /* their standard errors */
  size_t n;          /* points used */
} hop_math_fit;
void hop_math_linear_fit(const double *x, const double *y, size_t n, size_t min_points,
                         hop_math_fit *out);

/* m!! = m (m - 2) (m - 4) ... down to 1 or 2, for m >= -1 ((-1)!! = 0!! = 1); in double,
 * exact up to 2^53. */
double hop_math_double_factorial(int m);

/* Overlap (1/n) sum_i a_i b_i of two +-1 vectors (n >= 1), summed exactly in integers. */
double hop_math_overlap_pm1(const signed char *a, const signed char *b, size_t n);

/* Squared row norms of c (m, d), accumulated in double: cn (m). */
void hop_math_row_sqnorms_f(size_t m, size_t d, const float *c, float *cn);
/* Squared distances of the rows of x (n, d) to the rows of c (m, d) through one
 * cblas_sgemm, with cn = hop_math_row_sqnorms_f of c: out (n, m) =
 * (-2 x_i . c_j + |x_i|^2) + cn_j clamped at 0 when with_x_norm, else -2 x_i . c_j + cn_j
 * (what ranks the rows of c for each x_i, with |x_i|^2 left out, unclamped). */
void hop_math_sqdist_f(size_t n, size_t m, size_t d, const float *x, const float *c,
                       const float *cn, int with_x_norm, float *out);

/* BLAS threading and identity. */
void hop_math_blas_threads(int n);
int hop_math_blas_threads_get(void);
const char *hop_math_blas_config(void); /* e.g. "OpenBLAS 0.3.21 ..." */

/* HOP_OK if every one of the count entries of v is +1 or -1, else HOP_EINVAL naming the
 * first other entry as what[k] (the +-1 patterns and states of the binary memories). */
int hop_math_check_pm1(const signed char *v, size_t count, const char *what);

#endif

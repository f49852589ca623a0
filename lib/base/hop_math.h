/* hop_math.h: numerically stable softmax and log-sum-exp, and thin CBLAS helpers.
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

/* Thin CBLAS helpers (single precision, row-major).
 * C (m, n) = alpha * A (m, k) * op(B) + beta * C, op(B) = B (k, n) or B^T with B (n, k). */
void hop_math_gemm_f(size_t m, size_t n, size_t k, float alpha, const float *a, const float *b,
                int b_transposed, float beta, float *c);

/* G (n, n) = alpha * X^T X for X (p, n), both triangles filled (cblas_ssyrk + mirror). */
void hop_math_gram_f(size_t p, size_t n, float alpha, const float *x, float *g);

/* BLAS threading and identity. */
void hop_math_blas_threads(int n);
const char *hop_math_blas_config(void); /* e.g. "OpenBLAS 0.3.21 ..." */

#endif

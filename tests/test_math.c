/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/base/hop_math (stable softmax / log-sum-exp, CBLAS helpers). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include "hop_error.h"
#include "hop_math.h"

Test(math, logsumexp_analytic_values) {
  double x[3] = {0.5, -1.25, 2.385}, r;
  cr_assert_eq(hop_math_logsumexp(x, 3, 1.0, &r), HOP_OK);
  cr_assert_float_eq(r, log(exp(0.5) + exp(-1.25) + exp(2.385)), 1e-14);
  cr_assert_eq(hop_math_logsumexp(x, 3, 0.0, &r), HOP_OK); /* beta = 0: log n */
  cr_assert_float_eq(r, log(3.0), 1e-15);
  cr_assert_eq(hop_math_logsumexp(x, 3, 3.7, &r), HOP_OK);
  cr_assert_float_eq(r, log(exp(1.85) + exp(-4.625) + exp(8.8245)), 1e-12);
}

Test(math, logsumexp_extreme_inputs) {
  double big[2] = {1000.0, 1000.0}, tiny[2] = {-1000.0, -1000.0}, r;
  cr_assert_eq(hop_math_logsumexp(big, 2, 1.0, &r), HOP_OK); /* naive exp overflows */
  cr_assert_float_eq(r, 1000.0 + log(2.0), 1e-12);
  cr_assert_eq(hop_math_logsumexp(tiny, 2, 1.0, &r), HOP_OK); /* naive exp underflows to log 0 */
  cr_assert_float_eq(r, -1000.0 + log(2.0), 1e-12);
  double mixed[3] = {1e300, -1e300, 0.0};
  cr_assert_eq(hop_math_logsumexp(mixed, 3, 1.0, &r), HOP_OK);
  cr_assert_float_eq(r, 1e300, 1e285);
  double inf[2] = {INFINITY, 1.0}, ninf[2] = {-INFINITY, -INFINITY}, one_ninf[2] = {-INFINITY, 2.0};
  cr_assert_eq(hop_math_logsumexp(inf, 2, 1.0, &r), HOP_OK);
  cr_assert(isinf(r) && r > 0);
  cr_assert_eq(hop_math_logsumexp(ninf, 2, 1.0, &r), HOP_OK);
  cr_assert(isinf(r) && r < 0);
  cr_assert_eq(hop_math_logsumexp(one_ninf, 2, 1.0, &r), HOP_OK);
  cr_assert_float_eq(r, 2.0, 1e-15);
  float f[2] = {88.0f, 88.0f}; /* exp(88) is near FLT_MAX: float-safe accumulation */
  cr_assert_eq(hop_math_logsumexp_f(f, 2, 2.0, &r), HOP_OK);
  cr_assert_float_eq(r, 176.0 + log(2.0), 1e-10);
}

Test(math, logsumexp_and_softmax_errors) {
  double nan_in[2] = {1.0, NAN}, ninf[2] = {-INFINITY, -INFINITY}, r, out[2];
  cr_assert_eq(hop_math_logsumexp(nan_in, 2, 1.0, &r), HOP_EDOM);
  cr_assert_eq(hop_math_logsumexp(nan_in, 0, 1.0, &r), HOP_EINVAL);
  cr_assert_eq(hop_math_logsumexp(ninf, 2, -1.0, &r), HOP_EINVAL);
  cr_assert_eq(hop_math_softmax(out, nan_in, 2, 1.0), HOP_EDOM);
  cr_assert_eq(hop_math_softmax(out, ninf, 2, 1.0), HOP_EDOM);
  cr_assert_eq(hop_math_softmax(out, ninf, 2, INFINITY), HOP_EINVAL);
}

Test(math, softmax_sums_to_one_and_matches_formula) {
  double x[4] = {0.3, -2.1, 1.7, 0.0}, p[4], z = 0.0;
  cr_assert_eq(hop_math_softmax(p, x, 4, 2.385), HOP_OK);
  for (int i = 0; i < 4; i++) z += exp(2.385 * x[i]);
  double s = 0.0;
  for (int i = 0; i < 4; i++) {
    cr_assert_float_eq(p[i], exp(2.385 * x[i]) / z, 1e-15);
    s += p[i];
  }
  cr_assert_float_eq(s, 1.0, 1e-15);
}

Test(math, softmax_extreme_inputs) {
  double big[3] = {1000.0, 999.0, -1000.0}, p[3];
  cr_assert_eq(hop_math_softmax(p, big, 3, 1.0), HOP_OK);
  cr_assert_float_eq(p[0], 1.0 / (1.0 + exp(-1.0)), 1e-15);
  cr_assert_float_eq(p[1], exp(-1.0) / (1.0 + exp(-1.0)), 1e-15);
  cr_assert_eq(p[2], 0.0);
  double inf[3] = {INFINITY, 5.0, INFINITY};
  cr_assert_eq(hop_math_softmax(p, inf, 3, 1.0), HOP_OK);
  cr_assert(p[0] == 0.5 && p[1] == 0.0 && p[2] == 0.5);
  double one_ninf[2] = {-INFINITY, 1.0};
  cr_assert_eq(hop_math_softmax(p, one_ninf, 2, 1.0), HOP_OK);
  cr_assert(p[0] == 0.0 && p[1] == 1.0);
  float f[3] = {3.0e4f, 3.0e4f, 0.0f}, q[3];
  cr_assert_eq(hop_math_softmax_f(q, f, 3, 10.0), HOP_OK);
  cr_assert_float_eq(q[0], 0.5f, 1e-7);
  cr_assert_eq(q[2], 0.0f);
  cr_assert_eq(hop_math_softmax_f(q, f, 3, 0.0), HOP_OK); /* beta = 0: uniform */
  cr_assert_float_eq(q[2], 1.0f / 3.0f, 1e-7);
  /* aliasing out == x is allowed */
  double a[2] = {0.0, log(3.0)};
  cr_assert_eq(hop_math_softmax(a, a, 2, 1.0), HOP_OK);
  cr_assert_float_eq(a[0], 0.25, 1e-15);
}

Test(math, gemm_and_gram_match_naive_loops) {
  enum { M = 5, K = 7, N = 3 };
  float a[M * K], b[K * N], bt[N * K], c[M * N], c2[M * N], g[K * K];
  for (int i = 0; i < M * K; i++) a[i] = (float)sin(1.3 * i + 0.2);
  for (int i = 0; i < K * N; i++) b[i] = (float)cos(0.7 * i - 0.4);
  for (int k = 0; k < K; k++)
    for (int j = 0; j < N; j++) bt[j * K + k] = b[k * N + j];
  hop_math_gemm_f(M, N, K, 1.5f, a, b, 0, 0.0f, c);
  hop_math_gemm_f(M, N, K, 1.5f, a, bt, 1, 0.0f, c2);
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      double s = 0.0;
      for (int k = 0; k < K; k++) s += (double)a[i * K + k] * b[k * N + j];
      cr_assert_float_eq(c[i * N + j], 1.5 * s, 1e-5);
      cr_assert_float_eq(c2[i * N + j], 1.5 * s, 1e-5);
    }
  hop_math_gram_f(M, K, 0.5f, a, g); /* G = 0.5 A^T A, (K, K), both triangles */
  for (int i = 0; i < K; i++)
    for (int j = 0; j < K; j++) {
      double s = 0.0;
      for (int m = 0; m < M; m++) s += (double)a[m * K + i] * a[m * K + j];
      cr_assert_float_eq(g[i * K + j], 0.5 * s, 1e-5);
      cr_assert_eq(g[i * K + j], g[j * K + i]);
    }
}

Test(math, blas_identifies_openblas) {
  cr_assert(strstr(hop_math_blas_config(), "OpenBLAS") != NULL, "BLAS is '%s'",
            hop_math_blas_config());
}

Test(math, argmax_takes_the_first_largest_and_skips_nan) {
  const double d[5] = {NAN, 2.385, -1.0, 2.385, 0.5};
  const float f[4] = {-3.0f, 7.25f, 7.5f, 7.5f};
  cr_assert_eq(hop_math_argmax(d, 5), 1);
  cr_assert_eq(hop_math_argmax_f(f, 4), 2);
  const double nan2[2] = {NAN, NAN};
  cr_assert_eq(hop_math_argmax(nan2, 2), 0);
}

Test(math, mean_and_sd_match_hand_values) {
  /* reference: Python's statistics.mean / statistics.stdev of the same four numbers */
  const double x[6] = {2.385, NAN, 1.5, 4.25, INFINITY, 3.0};
  double m, sd;
  cr_assert_eq(hop_math_mean_sd(x, 6, &m, &sd), 4);
  cr_assert_float_eq(m, 2.78375, 1e-15);
  cr_assert_float_eq(sd, 1.1552299554634133, 1e-15);
  cr_assert_eq(hop_math_mean_sd(x, 1, &m, &sd), 1);
  cr_assert(m == 2.385 && sd == 0.0);
  cr_assert_eq(hop_math_mean_sd(x + 1, 1, &m, &sd), 0);
  cr_assert(isnan(m) && isnan(sd));
}

Test(math, crossings_of_sampled_curves) {
  const double x[4] = {0, 1, 2, 3}, y[4] = {1.0, 0.8, 0.4, 0.1};
  cr_assert_float_eq(hop_math_crossing_down(x, y, 4, 0.5), 1.75, 1e-15);
  cr_assert_float_eq(hop_math_crossing_down(x, y, 4, 0.8), 1.0, 1e-15); /* >= level, then < */
  cr_assert(isnan(hop_math_crossing_down(x, y, 4, 0.05)));
  /* a - b = 1, -1, 1, -1: downward changes at 0.5 and 2.5; the one nearest to near */
  const double a[4] = {2, 0, 2, 0}, b[4] = {1, 1, 1, 1};
  cr_assert_float_eq(hop_math_curve_crossing(x, a, b, 4, 0.0), 0.5, 1e-15);
  cr_assert_float_eq(hop_math_curve_crossing(x, a, b, 4, 2.4), 2.5, 1e-15);
  cr_assert(isnan(hop_math_curve_crossing(x, b, a, 2, 0.0))); /* only an upward change */
}

Test(math, check_pm1_accepts_only_plus_minus_one_and_names_the_entry) {
  signed char ok[5] = {1, -1, -1, 1, 1}, bad[5] = {1, -1, 0, 1, 2};
  cr_assert_eq(hop_math_check_pm1(ok, 5, "pattern"), HOP_OK);
  cr_assert_eq(hop_math_check_pm1(bad, 2, "pattern"), HOP_OK,
               "only the first count entries are read");
  cr_assert_eq(hop_math_check_pm1(bad, 5, "state"), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "state[2] = 0") != NULL, "message: %s",
            hop_error_message());
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* checks.h: the shared checks every model's tests use (Criterion).
 *
 * check_descent   an energy-descent check: many random starts, many steps each; reports
 *                 the largest rise of E between consecutive steps (relative to 1 + |E|)
 *                 and fails when it exceeds the tolerance, or when E never fell at all
 *                 (a "descent" that never moves proves nothing).
 * check_gradient  a random-direction gradient check by central differences (kann's form:
 *                 one function pair per direction instead of one per parameter). It
 *                 fails when the analytic and numerical directional derivatives differ
 *                 by more than the tolerance, and refuses to pass when the directional
 *                 derivative is zero, where any gradient would agree.
 * Both draw from a gsl_rng the caller seeds, so a failure repeats exactly. */
#ifndef TEST_CHECKS_H
#define TEST_CHECKS_H

#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

/* A model under the descent check: start() draws a random state, step() applies one
 * update (returns nonzero on error), energy() evaluates E of the current state. */
typedef struct {
  void (*start)(void *ctx, gsl_rng *r);
  int (*step)(void *ctx);
  double (*energy)(void *ctx);
} check_model;

typedef struct {
  double max_rise; /* largest (E(t+1) - E(t)) / (1 + |E(t)|) over every step; <= 0 ideally */
  double min_fall; /* smallest total fall E(0) - E(end) over the runs */
  size_t steps;    /* steps taken in all */
} check_descent_result;

/* runs starts of steps updates each; fails if a rise exceeds tol or if some run's energy
 * fell by less than min_fall in all. Returns what it saw (for messages or claims). */
static inline check_descent_result check_descent(const char *what, const check_model *mod,
                                                 void *ctx, gsl_rng *r, size_t runs, size_t steps,
                                                 double tol, double min_fall) {
  check_descent_result res = {-INFINITY, INFINITY, 0};
  for (size_t k = 0; k < runs; k++) {
    mod->start(ctx, r);
    double e0 = mod->energy(ctx), e = e0;
    for (size_t s = 0; s < steps; s++) {
      cr_assert_eq(mod->step(ctx), 0, "%s: run %zu step %zu: the update failed", what, k, s);
      double e2 = mod->energy(ctx), rise = (e2 - e) / (1.0 + fabs(e));
      cr_assert(isfinite(e2), "%s: run %zu step %zu: E = %g", what, k, s, e2);
      if (rise > res.max_rise) res.max_rise = rise;
      cr_assert_leq(rise, tol, "%s: run %zu step %zu: E rose %.12g -> %.12g", what, k, s, e, e2);
      e = e2;
      res.steps++;
    }
    if (e0 - e < res.min_fall) res.min_fall = e0 - e;
  }
  cr_assert_geq(res.min_fall, min_fall,
                "%s: some run's energy fell by only %g (wanted >= %g): "
                "the check would be vacuous",
                what, res.min_fall, min_fall);
  return res;
}

/* f(ctx, u, t): the function at x0 + t u, where x0 (n) is the point the caller holds in
 * ctx and u (n) the direction drawn here; g (n): the analytic gradient at x0. Checks
 * directions random unit directions: |fd - g.u| <= tol (|fd| + |g.u|) / 2 + abs_tol, where
 * fd = (f(+eps) - f(-eps)) / 2 eps; fails if |g.u| < min_deriv in any direction.
 * Returns the worst relative error seen. */
static inline double check_gradient(const char *what,
                                    double (*f)(void *ctx, const double *u, double t), void *ctx,
                                    const double *g, size_t n, gsl_rng *r, size_t directions,
                                    double eps, double tol, double abs_tol, double min_deriv) {
  double *u = malloc(n * sizeof *u), worst = 0.0;
  cr_assert_not_null(u);
  for (size_t k = 0; k < directions; k++) {
    double norm = 0.0, an = 0.0;
    for (size_t i = 0; i < n; i++) {
      u[i] = gsl_ran_gaussian(r, 1.0);
      norm += u[i] * u[i];
    }
    norm = sqrt(norm);
    for (size_t i = 0; i < n; i++) {
      u[i] /= norm;
      an += g[i] * u[i];
    }
    double fd = (f(ctx, u, eps) - f(ctx, u, -eps)) / (2.0 * eps);
    f(ctx, u, 0.0); /* leave the caller's state at x0 */
    cr_assert_geq(fabs(an), min_deriv,
                  "%s: direction %zu: directional derivative %.3g is ~0, "
                  "the check would pass for any gradient",
                  what, k, an);
    double err = fabs(fd - an), rel = err / (0.5 * (fabs(fd) + fabs(an)));
    if (rel > worst) worst = rel;
    cr_assert_leq(err, tol * 0.5 * (fabs(fd) + fabs(an)) + abs_tol,
                  "%s: direction %zu: analytic %.12g, central difference %.12g", what, k, an, fd);
  }
  free(u);
  return worst;
}

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_attn.c: Hopfield energy of attention, its gradient and CCCP update, non-linear
 * heads, the complex-step energy and multi-head self-attention. Equations: hop_attn.h. */
#include "hop_attn.h"
#include "hop_error.h"
#include "hop_math.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CBLAS_MAX ((size_t)INT32_MAX)

struct hop_attn_work {
  size_t n, d, b;
  double *phi; /* (b, n) scores, then weights */
  double *a;   /* (b, n) coefficients of the update */
  double *nq;  /* (b, d) new states */
};

struct hop_attn_spline {
  size_t nk;
  double *u, *g;
  gsl_interp *interp;
  double min_d2; /* min over the knots of g'' */
  double g_lo, dg_lo, g_hi, dg_hi;
};

static const char *kind_names[] = {"linear", "poly", "spline", "rbf"};

const char *hop_attn_kind_name(hop_attn_kind k) { return (unsigned)k < 4 ? kind_names[k] : "?"; }

static int sizes_check(size_t n, size_t d, size_t b) {
  if (n == 0 || d == 0 || b == 0)
    HOP_ERROR(HOP_EINVAL, "empty attention: %zu keys of dimension %zu, %zu states", n, d, b);
  if (n > CBLAS_MAX / d || b > CBLAS_MAX / n || b > CBLAS_MAX / d)
    HOP_ERROR(HOP_ERANGE,
              "attention of %zu keys of dimension %zu with %zu states exceeds 2^31 entries", n, d,
              b);
  return HOP_OK;
}

int hop_attn_keys_init(hop_attn_keys *k, const double *x, size_t n, size_t d) {
  int r = sizes_check(n, d, 1);
  if (r) return r;
  double m = 0.0;
  for (size_t i = 0; i < n; i++) {
    double s = 0.0;
    for (size_t j = 0; j < d; j++) {
      if (!isfinite(x[i * d + j]))
        HOP_ERROR(HOP_EDOM, "key %zu, component %zu is not finite", i, j);
      s += x[i * d + j] * x[i * d + j];
    }
    m = fmax(m, sqrt(s));
  }
  *k = (hop_attn_keys){n, d, x, m};
  return HOP_OK;
}

hop_attn_work *hop_attn_work_alloc(size_t n, size_t d, size_t b) {
  if (sizes_check(n, d, b)) return NULL;
  hop_attn_work *w = calloc(1, sizeof *w);
  if (!w) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate attention scratch");
  *w = (hop_attn_work){n,
                       d,
                       b,
                       malloc(b * n * sizeof(double)),
                       malloc(b * n * sizeof(double)),
                       malloc(b * d * sizeof(double))};
  if (!w->phi || !w->a || !w->nq) {
    hop_attn_work_free(w);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate attention scratch for %zu states over %zu keys", b,
                   n);
  }
  return w;
}

void hop_attn_work_free(hop_attn_work *w) {
  if (!w) return;
  free(w->phi);
  free(w->a);
  free(w->nq);
  free(w);
}

hop_attn_spline *hop_attn_spline_new(const double *u, const double *g, size_t nk) {
  if (nk < 3) HOP_ERROR_NULL(HOP_EINVAL, "a cubic spline needs at least 3 knots (got %zu)", nk);
  for (size_t i = 0; i < nk; i++) {
    if (!isfinite(u[i]) || !isfinite(g[i]))
      HOP_ERROR_NULL(HOP_EDOM, "spline knot %zu is not finite", i);
    if (i && !(u[i] > u[i - 1]))
      HOP_ERROR_NULL(HOP_EINVAL, "spline knots must increase (u[%zu] = %g after %g)", i, u[i],
                     u[i - 1]);
  }
  hop_attn_spline *s = calloc(1, sizeof *s);
  if (!s) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a spline");
  s->nk = nk;
  s->u = malloc(nk * sizeof *s->u);
  s->g = malloc(nk * sizeof *s->g);
  s->interp = gsl_interp_alloc(gsl_interp_cspline, nk);
  if (!s->u || !s->g || !s->interp) {
    hop_attn_spline_free(s);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a spline of %zu knots", nk);
  }
  memcpy(s->u, u, nk * sizeof *u);
  memcpy(s->g, g, nk * sizeof *g);
  if (gsl_interp_init(s->interp, s->u, s->g, nk)) {
    hop_attn_spline_free(s);
    HOP_ERROR_NULL(HOP_EINVAL, "GSL could not build the spline");
  }
  s->min_d2 = INFINITY;
  for (size_t i = 0; i < nk; i++)
    s->min_d2 = fmin(s->min_d2, gsl_interp_eval_deriv2(s->interp, s->u, s->g, s->u[i], NULL));
  s->g_lo = g[0];
  s->g_hi = g[nk - 1];
  s->dg_lo = gsl_interp_eval_deriv(s->interp, s->u, s->g, u[0], NULL);
  s->dg_hi = gsl_interp_eval_deriv(s->interp, s->u, s->g, u[nk - 1], NULL);
  return s;
}

void hop_attn_spline_free(hop_attn_spline *s) {
  if (!s) return;
  gsl_interp_free(s->interp);
  free(s->u);
  free(s->g);
  free(s);
}

void hop_attn_spline_eval(const hop_attn_spline *s, double u, double *g, double *dg, double *d2g) {
  if (u <= s->u[0] || u >= s->u[s->nk - 1]) { /* the linear continuation (g'' = 0 at the ends) */
    int lo = u <= s->u[0];
    double u0 = lo ? s->u[0] : s->u[s->nk - 1], slope = lo ? s->dg_lo : s->dg_hi;
    if (g) *g = (lo ? s->g_lo : s->g_hi) + slope * (u - u0);
    if (dg) *dg = slope;
    if (d2g) *d2g = 0.0;
    return;
  }
  if (g) *g = gsl_interp_eval(s->interp, s->u, s->g, u, NULL);
  if (dg) *dg = gsl_interp_eval_deriv(s->interp, s->u, s->g, u, NULL);
  if (d2g) *d2g = gsl_interp_eval_deriv2(s->interp, s->u, s->g, u, NULL);
}

int hop_attn_head_check(const hop_attn_head *h, const hop_attn_keys *k) {
  if (!(h->beta > 0) || !isfinite(h->beta))
    HOP_ERROR(HOP_EINVAL, "beta = %g must be finite and > 0", h->beta);
  switch (h->kind) {
    case HOP_ATTN_LINEAR: return HOP_OK;
    case HOP_ATTN_POLY:
      if (!isfinite(h->c) || !(h->c > k->max_norm * k->max_norm))
        HOP_ERROR(HOP_EINVAL,
                  "poly head: c = %g must exceed M^2 = %g (the largest squared key norm), "
                  "or the energy is unbounded below",
                  h->c, k->max_norm * k->max_norm);
      return HOP_OK;
    case HOP_ATTN_SPLINE:
      if (!h->spline) HOP_ERROR(HOP_EINVAL, "spline head without a spline");
      return HOP_OK;
    case HOP_ATTN_RBF:
      if (!(h->sigma > 0) || !isfinite(h->sigma))
        HOP_ERROR(HOP_EINVAL, "rbf head: sigma = %g must be finite and > 0", h->sigma);
      return HOP_OK;
  }
  HOP_ERROR(HOP_EINVAL, "unknown head kind %d", (int)h->kind);
}

double hop_attn_curvature(const hop_attn_head *h, const hop_attn_keys *k) {
  switch (h->kind) {
    case HOP_ATTN_SPLINE: return fmax(0.0, -h->spline->min_d2) * k->max_norm * k->max_norm;
    case HOP_ATTN_RBF: return 1.0;
    default: return 0.0;
  }
}

static int fits(const hop_attn_keys *k, size_t b, const hop_attn_work *w) {
  if (k->n != w->n || k->d != w->d)
    HOP_ERROR(HOP_EBADLEN, "scratch made for %zu keys of dimension %zu used with %zu of %zu", w->n,
              w->d, k->n, k->d);
  if (b == 0 || b > w->b)
    HOP_ERROR(HOP_EBADLEN, "%zu states do not fit the scratch made for %zu", b, w->b);
  return HOP_OK;
}

/* phi (b, n): the scores of the states q (b, d); a (b, n): the coefficient c_i of the
 * score's gradient, grad phi_i = c_i x_i (dot-product scores) or c_i (x_i - xi) (RBF). */
static void scores(const hop_attn_keys *k, const hop_attn_head *h, const double *q, size_t b,
                   double *phi, double *a) {
  size_t n = k->n, d = k->d;
  if (h->kind == HOP_ATTN_RBF) {
    double s2 = h->sigma * h->sigma;
    for (size_t m = 0; m < b; m++)
      for (size_t i = 0; i < n; i++) {
        double r2 = 0.0;
        for (size_t j = 0; j < d; j++) {
          double t = k->x[i * d + j] - q[m * d + j];
          r2 += t * t;
        }
        double f = s2 * exp(-r2 / (2.0 * s2));
        phi[m * n + i] = f;
        a[m * n + i] = f / s2;
      }
    return;
  }
  hop_math_gemm(b, n, d, 1.0, q, k->x, 1, 0.0, phi); /* U = Q X^T */
  for (size_t m = 0; m < b * n; m++) {
    double u = phi[m];
    switch (h->kind) {
      case HOP_ATTN_POLY:
        phi[m] = (u + h->c) * (u + h->c) / (2.0 * h->c);
        a[m] = (u + h->c) / h->c;
        break;
      case HOP_ATTN_SPLINE: hop_attn_spline_eval(h->spline, u, &phi[m], &a[m], NULL); break;
      default: a[m] = 1.0; break;
    }
  }
}

/* phi (b, n) becomes p = softmax rows; a (b, n) becomes p_i c_i. */
static int weigh(const hop_attn_head *h, size_t b, size_t n, double *phi, double *a) {
  for (size_t m = 0; m < b; m++) {
    int r = hop_math_softmax(phi + m * n, phi + m * n, n, h->beta);
    if (r) return r;
    for (size_t i = 0; i < n; i++) a[m * n + i] *= phi[m * n + i];
  }
  return HOP_OK;
}

/* nq (b, d) = sum_i p_i grad phi_i for each state, from a = p_i c_i. */
static void pull(const hop_attn_keys *k, const hop_attn_head *h, const double *q, size_t b,
                 const double *a, double *nq) {
  size_t n = k->n, d = k->d;
  hop_math_gemm(b, d, n, 1.0, a, k->x, 0, 0.0, nq); /* A X */
  if (h->kind != HOP_ATTN_RBF) return;
  for (size_t m = 0; m < b; m++) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += a[m * n + i];
    for (size_t j = 0; j < d; j++) nq[m * d + j] -= s * q[m * d + j];
  }
}

static int prepare(const hop_attn_keys *k, const hop_attn_head *h, const double *q, size_t b,
                   hop_attn_work *w) {
  int r = hop_attn_head_check(h, k);
  if (r || (r = fits(k, b, w))) return r;
  for (size_t m = 0; m < b * k->d; m++)
    if (!isfinite(q[m]))
      HOP_ERROR(HOP_EDOM, "state %zu, component %zu is not finite", m / k->d, m % k->d);
  scores(k, h, q, b, w->phi, w->a);
  return HOP_OK;
}

int hop_attn_weights(const hop_attn_keys *k, const hop_attn_head *h, const double *q, size_t b,
                     double *p, hop_attn_work *w) {
  int r = prepare(k, h, q, b, w);
  if (r || (r = weigh(h, b, k->n, w->phi, w->a))) return r;
  memcpy(p, w->phi, b * k->n * sizeof *p);
  return HOP_OK;
}

int hop_attn_energy(const hop_attn_keys *k, const hop_attn_head *h, const double *xi, double *e,
                    hop_attn_work *w) {
  int r = prepare(k, h, xi, 1, w);
  double lse, qq = 0.0;
  if (r || (r = hop_math_logsumexp(w->phi, k->n, h->beta, &lse))) return r;
  for (size_t j = 0; j < k->d; j++) qq += xi[j] * xi[j];
  *e = -lse / h->beta + 0.5 * qq + log((double)k->n) / h->beta + 0.5 * k->max_norm * k->max_norm;
  return HOP_OK;
}

int hop_attn_grad(const hop_attn_keys *k, const hop_attn_head *h, const double *xi, double *g,
                  hop_attn_work *w) {
  int r = prepare(k, h, xi, 1, w);
  if (r || (r = weigh(h, 1, k->n, w->phi, w->a))) return r;
  pull(k, h, xi, 1, w->a, w->nq);
  for (size_t j = 0; j < k->d; j++) g[j] = xi[j] - w->nq[j];
  return HOP_OK;
}

int hop_attn_step(const hop_attn_keys *k, const hop_attn_head *h, double *q, size_t b,
                  double *moved, hop_attn_work *w) {
  int r = prepare(k, h, q, b, w);
  if (r || (r = weigh(h, b, k->n, w->phi, w->a))) return r;
  pull(k, h, q, b, w->a, w->nq);
  double L = hop_attn_curvature(h, k), most = 0.0;
  for (size_t m = 0; m < b; m++) {
    double dist = 0.0;
    for (size_t j = 0; j < k->d; j++) {
      double *x = q + m * k->d + j,
             nv = L > 0 ? (L * *x + w->nq[m * k->d + j]) / (1.0 + L) : w->nq[m * k->d + j];
      dist += (nv - *x) * (nv - *x);
      *x = nv;
    }
    most = fmax(most, sqrt(dist));
  }
  if (moved) *moved = most;
  return HOP_OK;
}

int hop_attn_energy_complex(const hop_attn_keys *k, double beta, const double complex *xi,
                            double complex *e, double complex *z) {
  if (!(beta > 0) || !isfinite(beta))
    HOP_ERROR(HOP_EINVAL, "beta = %g must be finite and > 0", beta);
  size_t n = k->n, d = k->d;
  double m = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    double complex s = 0.0;
    for (size_t j = 0; j < d; j++) s += k->x[i * d + j] * xi[j];
    z[i] = beta * s;
    m = fmax(m, creal(z[i]));
  }
  if (!isfinite(m)) HOP_ERROR(HOP_EDOM, "complex energy: a score is not finite");
  double complex s = 0.0, qq = 0.0;
  for (size_t i = 0; i < n; i++) s += cexp(z[i] - m);
  for (size_t j = 0; j < d; j++) qq += xi[j] * xi[j]; /* the analytic square, not |xi_j|^2 */
  *e = -(m + clog(s)) / beta + 0.5 * qq + log((double)n) / beta + 0.5 * k->max_norm * k->max_norm;
  return HOP_OK;
}

static int proj_check(size_t n, size_t dm, const hop_attn_proj *heads, size_t nh, double beta) {
  if (nh == 0) HOP_ERROR(HOP_EINVAL, "self-attention with no head");
  if (!(beta > 0) || !isfinite(beta))
    HOP_ERROR(HOP_EINVAL, "beta = %g must be finite and > 0", beta);
  int r = sizes_check(n, dm, n);
  for (size_t h = 0; h < nh && !r; h++)
    if (!(r = sizes_check(n, heads[h].dk, n))) r = sizes_check(n, heads[h].dv, n);
  return r;
}

/* Q, K, V of head h: (n, dk), (n, dk), (n, dv). */
static void project(const double *t, size_t n, size_t dm, const hop_attn_proj *p, double *q,
                    double *kk, double *v) {
  if (q) hop_math_gemm(n, p->dk, dm, 1.0, t, p->wq, 0, 0.0, q);
  hop_math_gemm(n, p->dk, dm, 1.0, t, p->wk, 0, 0.0, kk);
  if (v) hop_math_gemm(n, p->dv, dm, 1.0, t, p->wv, 0, 0.0, v);
}

int hop_attn_self(const double *t, size_t n, size_t dm, const hop_attn_proj *heads, size_t nh,
                  double beta, double *out, double *states) {
  int r = proj_check(n, dm, heads, nh, beta);
  if (r) return r;
  size_t dmax = 1;
  for (size_t h = 0; h < nh; h++) {
    if (heads[h].dk > dmax) dmax = heads[h].dk;
    if (heads[h].dv > dmax) dmax = heads[h].dv;
  }
  double *q = malloc(n * dmax * sizeof *q), *kk = malloc(n * dmax * sizeof *kk),
         *v = malloc(n * dmax * sizeof *v), *p = malloc(n * n * sizeof *p),
         *hv = malloc(n * dmax * sizeof *hv);
  if (!q || !kk || !v || !p || !hv)
    r = HOP_RAISE(HOP_ENOMEM, "cannot allocate self-attention scratch for %zu tokens", n);
  memset(out, 0, n * dm * sizeof *out);
  for (size_t h = 0; h < nh && !r; h++) {
    const hop_attn_proj *pr = heads + h;
    project(t, n, dm, pr, q, kk, v);
    hop_attn_keys keys;
    hop_attn_work *w = NULL;
    r = hop_attn_keys_init(&keys, kk, n, pr->dk);
    if (!r && !(w = hop_attn_work_alloc(n, pr->dk, n))) r = hop_error_code();
    if (!r)
      r = hop_attn_weights(&keys, &(hop_attn_head){.kind = HOP_ATTN_LINEAR, .beta = beta}, q, n, p,
                           w);
    hop_attn_work_free(w);
    if (r) break;
    if (states) {
      hop_math_gemm(n, pr->dk, n, 1.0, p, kk, 0, 0.0, states); /* P K: the CCCP step */
      states += n * pr->dk;
    }
    hop_math_gemm(n, pr->dv, n, 1.0, p, v, 0, 0.0, hv);         /* P V */
    hop_math_gemm(n, dm, pr->dv, 1.0, hv, pr->wo, 0, 1.0, out); /* + P V W_O */
  }
  free(q), free(kk), free(v), free(p), free(hv);
  return r;
}

int hop_attn_self_energy(const double *t, size_t n, size_t dm, const hop_attn_proj *heads,
                         size_t nh, double beta, const double *states, double *e) {
  int r = proj_check(n, dm, heads, nh, beta);
  if (r) return r;
  double total = 0.0;
  for (size_t h = 0; h < nh && !r; h++) {
    const hop_attn_proj *pr = heads + h;
    double *kk = malloc(n * pr->dk * sizeof *kk);
    hop_attn_work *w = hop_attn_work_alloc(n, pr->dk, 1);
    hop_attn_keys keys;
    if (!kk || !w)
      r = HOP_RAISE(HOP_ENOMEM, "cannot allocate self-attention scratch for %zu tokens", n);
    if (!r) project(t, n, dm, pr, NULL, kk, NULL), r = hop_attn_keys_init(&keys, kk, n, pr->dk);
    for (size_t a = 0; a < n && !r; a++) {
      double ea;
      r = hop_attn_energy(&keys, &(hop_attn_head){.kind = HOP_ATTN_LINEAR, .beta = beta},
                          states + a * pr->dk, &ea, w);
      total += ea;
    }
    states += n * pr->dk;
    free(kk);
    hop_attn_work_free(w);
  }
  if (!r) *e = total;
  return r;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_mhc.c: the Modern Hopfield Classifier: dynamics, energy, local learning, inference
 * by Euler steps and by GSL's adaptive odeiv2. Equations in hop_mhc.h. */
#include "hop_mhc.h"
#include "hop_error.h"
#include "hop_math.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* glibc's vector expf (libmvec, linked through libm) for the weight factor of eq. 3:
 * the training hot loop evaluates one exp per weight per step. */
#pragma omp declare simd notinbranch
float expf(float);

/* The hot loops are built for AVX-512, AVX2 and baseline x86-64 and picked at run time
 * (GCC function multi-versioning); elsewhere they are built once. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOP_MHC_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOP_MHC_CLONES
#endif

struct hop_mhc_work {
  size_t nf, nh;
  float *f;                 /* (nh) softmax(beta h) */
  float *wtv;               /* (nh) W^T v */
  float *wf;                /* (nf) W f */
  float *a;                 /* (nh) per-step weight-update coefficients */
  float *v;                 /* (nf) feature state when the caller does not want it back */
  float *phi;               /* (nh * nf) exp(s |W|) carried along during one image */
  double *y;                /* (nf + nh) ODE state (v, h) */
  float *bv, *bh, *bs, *bf; /* batch inference: (B, nf) v, (B, nh) h, W^T v and f */
  gsl_odeiv2_system sys;
  gsl_odeiv2_driver *driver; /* rkf45, made for the tolerances below on first use */
  double epsabs, epsrel;
  struct { /* what the ODE right-hand side needs */
    const hop_mhc *m;
    double beta;
  } ode;
};

hop_mhc *hop_mhc_alloc(size_t nf, size_t nh, double tau_v, double tau_h) {
  if (nf == 0 || nh < 2)
    HOP_ERROR_NULL(HOP_EINVAL, "MHC needs nf >= 1 and nh >= 2 (%zu, %zu)", nf, nh);
  if (nh > HOP_MHC_MAX_H)
    HOP_ERROR_NULL(HOP_EBADLEN, "MHC with %zu memory neurons: at most %d fit the dynamics' scratch",
                   nh, HOP_MHC_MAX_H);
  if (!(tau_v > 0) || !(tau_h > 0) || isinf(tau_v) || isinf(tau_h))
    HOP_ERROR_NULL(HOP_EINVAL, "time constants %g, %g must be positive", tau_v, tau_h);
  hop_mhc *m = malloc(sizeof *m);
  if (!m) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate an MHC");
  m->nf = nf;
  m->nh = nh;
  m->tau_v = tau_v;
  m->tau_h = tau_h;
  m->w = calloc(nf * nh, sizeof *m->w);
  if (!m->w) {
    free(m);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate %zu x %zu weights", nf, nh);
  }
  return m;
}

typedef struct {
  uint64_t nf, nh;
  double tau_v, tau_h;
} mhc_head;

size_t hop_mhc_encoded_size(const hop_mhc *m) {
  return sizeof(mhc_head) + m->nf * m->nh * sizeof *m->w;
}

void hop_mhc_encode(const hop_mhc *m, unsigned char *out) {
  mhc_head h = {m->nf, m->nh, m->tau_v, m->tau_h};
  memcpy(out, &h, sizeof h);
  memcpy(out + sizeof h, m->w, m->nf * m->nh * sizeof *m->w);
}

hop_mhc *hop_mhc_decode(const unsigned char *in, size_t len) {
  mhc_head h;
  if (len < sizeof h) HOP_ERROR_NULL(HOP_EFORMAT, "an encoded MHC of %zu bytes", len);
  memcpy(&h, in, sizeof h);
  if (h.nh > HOP_MHC_MAX_H || h.nf > (len - sizeof h) / sizeof(float) ||
      len - sizeof h != h.nf * h.nh * sizeof(float))
    HOP_ERROR_NULL(HOP_EFORMAT, "an encoded MHC of %zu bytes announces %llu x %llu weights", len,
                   (unsigned long long)h.nf, (unsigned long long)h.nh);
  hop_mhc *m = hop_mhc_alloc((size_t)h.nf, (size_t)h.nh, h.tau_v, h.tau_h);
  if (m) memcpy(m->w, in + sizeof h, len - sizeof h);
  return m;
}

void hop_mhc_free(hop_mhc *m) {
  if (!m) return;
  free(m->w);
  free(m);
}

void hop_mhc_init(hop_mhc *m, gsl_rng *r, int gaussian, double scale) {
  for (size_t k = 0; k < m->nf * m->nh; k++)
    m->w[k] =
        (float)(gaussian ? gsl_ran_gaussian(r, scale) : scale * (2.0 * gsl_rng_uniform(r) - 1.0));
}

int hop_mhc_params_check(const hop_mhc_params *p) {
  if (!(p->beta > 0) || isinf(p->beta)) HOP_ERROR(HOP_EINVAL, "beta = %g must be > 0", p->beta);
  if (!(p->dt > 0) || isinf(p->dt)) HOP_ERROR(HOP_EINVAL, "dt = %g must be > 0", p->dt);
  if (!(p->eta > 0) || isinf(p->eta)) HOP_ERROR(HOP_EINVAL, "eta = %g must be > 0", p->eta);
  if (p->steps < 1) HOP_ERROR(HOP_EINVAL, "steps = %zu must be >= 1", p->steps);
  if (!(p->h0 >= 0) || isinf(p->h0)) HOP_ERROR(HOP_EINVAL, "h0 = %g must be >= 0", p->h0);
  if (p->reading != HOP_MHC_PRINTED && p->reading != HOP_MHC_DAMPED)
    HOP_ERROR(HOP_EINVAL, "unknown reading %d of eq. 3", (int)p->reading);
  return HOP_OK;
}

/* ---- scratch and the ODE right-hand side ------------------------------------- */

static void softmax_f(const float *h, size_t nh, double beta, float *f) {
  /* h is finite here (it evolves from finite values); hop_math_softmax_f only fails on NaN */
  if (hop_math_softmax_f(f, h, nh, beta))
    for (size_t j = 0; j < nh; j++) f[j] = NAN;
}

/* wtv (nh) = W^T v: one contiguous dot product per class. */
HOP_MHC_CLONES
static void w_t_times(const hop_mhc *m, const float *v, float *wtv) {
  size_t nf = m->nf;
  for (size_t j = 0; j < m->nh; j++) {
    const float *col = m->w + j * nf;
    float s = 0.0f;
    /* vectorised sum: a fixed order of its own, the same on every run */
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < nf; i++) s += col[i] * v[i];
    wtv[j] = s;
  }
}

/* wf (nf) = W f, wtv (nh) = W^T v. */
HOP_MHC_CLONES
static void couple(const hop_mhc *m, const float *v, const float *f, float *wf, float *wtv) {
  size_t nf = m->nf;
  w_t_times(m, v, wtv);
  for (size_t i = 0; i < nf; i++) wf[i] = 0.0f;
  for (size_t j = 0; j < m->nh; j++) {
    const float *col = m->w + j * nf;
    const float fj = f[j];
    for (size_t i = 0; i < nf; i++) wf[i] += fj * col[i];
  }
}

static int ode_rhs(double t, const double y[], double dydt[], void *params) {
  (void)t;
  hop_mhc_work *w = params;
  const hop_mhc *m = w->ode.m;
  size_t nf = m->nf, nh = m->nh;
  double hmax = -INFINITY, z = 0.0;
  for (size_t j = 0; j < nh; j++) hmax = y[nf + j] > hmax ? y[nf + j] : hmax;
  for (size_t j = 0; j < nh; j++) z += exp(w->ode.beta * (y[nf + j] - hmax));
  double fp[HOP_MHC_MAX_H]; /* nh <= HOP_MHC_MAX_H is checked by hop_mhc_alloc */
  for (size_t j = 0; j < nh; j++) fp[j] = exp(w->ode.beta * (y[nf + j] - hmax)) / z;
  for (size_t i = 0; i < nf; i++) dydt[i] = -y[i];
  for (size_t j = 0; j < nh; j++) {
    const float *col = m->w + j * nf;
    double s = 0.0;
    for (size_t i = 0; i < nf; i++) {
      s += (double)col[i] * y[i];
      dydt[i] += (double)col[i] * fp[j];
    }
    dydt[nf + j] = (-y[nf + j] + s) / m->tau_h;
  }
  for (size_t i = 0; i < nf; i++) dydt[i] /= m->tau_v;
  return GSL_SUCCESS;
}

/* HOP_EBADLEN if w was made for another network size. */
static int work_check(const hop_mhc *m, const hop_mhc_work *w) {
  if (w->nf != m->nf || w->nh != m->nh)
    HOP_ERROR(HOP_EBADLEN, "MHC scratch made for (%zu, %zu) passed with a network of (%zu, %zu)",
              w->nf, w->nh, m->nf, m->nh);
  return HOP_OK;
}

hop_mhc_work *hop_mhc_work_alloc(size_t nf, size_t nh) {
  if (nh > HOP_MHC_MAX_H)
    HOP_ERROR_NULL(HOP_EBADLEN, "at most %d memory neurons (%zu)", HOP_MHC_MAX_H, nh);
  hop_mhc_work *w = calloc(1, sizeof *w);
  if (!w) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate MHC scratch");
  w->nf = nf;
  w->nh = nh;
  w->f = malloc(nh * sizeof *w->f);
  w->wtv = malloc(nh * sizeof *w->wtv);
  w->a = malloc(nh * sizeof *w->a);
  w->wf = malloc(nf * sizeof *w->wf);
  w->v = malloc(nf * sizeof *w->v);
  w->phi = malloc(nf * nh * sizeof *w->phi);
  w->y = malloc((nf + nh) * sizeof *w->y);
  w->bv = malloc(HOP_MHC_BATCH * nf * sizeof *w->bv);
  w->bh = malloc(HOP_MHC_BATCH * nh * sizeof *w->bh);
  w->bs = malloc(HOP_MHC_BATCH * nh * sizeof *w->bs);
  w->bf = malloc(HOP_MHC_BATCH * nh * sizeof *w->bf);
  w->sys.function = ode_rhs;
  w->sys.jacobian = NULL;
  w->sys.dimension = nf + nh;
  w->sys.params = w;
  if (!w->f || !w->wtv || !w->a || !w->wf || !w->v || !w->phi || !w->y || !w->bv || !w->bh ||
      !w->bs || !w->bf) {
    hop_mhc_work_free(w);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate MHC scratch");
  }
  return w;
}

void hop_mhc_work_free(hop_mhc_work *w) {
  if (!w) return;
  free(w->f);
  free(w->wtv);
  free(w->a);
  free(w->wf);
  free(w->v);
  free(w->phi);
  free(w->y);
  free(w->bv);
  free(w->bh);
  free(w->bs);
  free(w->bf);
  if (w->driver) gsl_odeiv2_driver_free(w->driver);
  free(w);
}

/* ---- energy and dynamics ------------------------------------------------------ */

double hop_mhc_energy(const hop_mhc *m, const float *v, const float *h, double beta,
                      hop_mhc_work *w) {
  size_t nf = m->nf, nh = m->nh;
  softmax_f(h, nh, beta, w->f);
  double lse, e = 0.0;
  if (hop_math_logsumexp_f(h, nh, beta, &lse)) return NAN;
  for (size_t i = 0; i < nf; i++) e += 0.5 * (double)v[i] * v[i];
  for (size_t j = 0; j < nh; j++) {
    const float *col = m->w + j * nf;
    double s = 0.0;
    for (size_t i = 0; i < nf; i++) s += (double)col[i] * v[i];
    e += (double)h[j] * w->f[j] - s * w->f[j];
  }
  return e - lse / beta;
}

void hop_mhc_step(const hop_mhc *m, float *v, float *h, double beta, double dt, int clamp,
                  hop_mhc_work *w) {
  size_t nf = m->nf, nh = m->nh;
  softmax_f(h, nh, beta, w->f);
  couple(m, v, w->f, w->wf, w->wtv);
  float kv = (float)(dt / m->tau_v), kh = (float)(dt / m->tau_h);
  if (!(clamp & HOP_MHC_CLAMP_V))
    for (size_t i = 0; i < nf; i++) v[i] += kv * (-v[i] + w->wf[i]);
  if (!(clamp & HOP_MHC_CLAMP_H))
    for (size_t j = 0; j < nh; j++) h[j] += kh * (-h[j] + w->wtv[j]);
}

/* The coefficients of one training step: f = softmax(beta h) and a_j = dt eta (t_j - f_j). */
static void train_coefficients(const hop_mhc *m, const float *h, size_t label,
                               const hop_mhc_params *p, hop_mhc_work *w) {
  softmax_f(h, m->nh, p->beta, w->f);
  for (size_t j = 0; j < m->nh; j++)
    w->a[j] = (float)(p->dt * p->eta) * ((j == label ? 1.0f : 0.0f) - w->f[j]);
}

static void h_step(const hop_mhc *m, float *h, const hop_mhc_params *p, const float *wtv) {
  float kh = (float)(p->dt / m->tau_h);
  for (size_t j = 0; j < m->nh; j++) h[j] += kh * (-h[j] + wtv[j]);
}

HOP_MHC_CLONES
void hop_mhc_train_step(hop_mhc *m, const float *x, float *h, size_t label, const hop_mhc_params *p,
                        hop_mhc_work *w) {
  size_t nf = m->nf;
  train_coefficients(m, h, label, p, w);
  w_t_times(m, x, w->wtv);
  const float sign = p->reading == HOP_MHC_PRINTED ? 1.0f : -1.0f;
  for (size_t j = 0; j < m->nh; j++) {
    float *col = m->w + j * nf;
    const float aj = w->a[j];
#pragma omp simd
    for (size_t i = 0; i < nf; i++) col[i] += aj * x[i] * expf(sign * fabsf(col[i]));
  }
  h_step(m, h, p, w->wtv);
}

/* The same step with phi = exp(sign |W|) carried along (see hop_mhc.h). On entry
 * w->wtv holds W^T x for the current W; on return, for the updated W (accumulated in
 * the same pass over the weights). */
HOP_MHC_CLONES
static void train_step_carried(hop_mhc *m, const float *x, float *h, size_t label,
                               const hop_mhc_params *p, hop_mhc_work *w, float sign) {
  size_t nf = m->nf, nh = m->nh;
  train_coefficients(m, h, label, p, w);
  h_step(m, h, p, w->wtv); /* from the current state, before W moves */
  for (size_t j = 0; j < nh; j++) {
    float *col = m->w + j * nf, *phi = w->phi + j * nf;
    const float aj = w->a[j];
    int any = 0;
    float acc = 0.0f;
    /* phi > 0 always: a factor that needs an exact expf is marked -1 and fixed below */
#pragma omp simd reduction(| : any) reduction(+ : acc)
    for (size_t i = 0; i < nf; i++) {
      float old = col[i], d = aj * x[i] * phi[i], nw = old + d;
      float z = (old >= 0.0f ? sign : -sign) * d; /* exponent of the change of phi */
      int bad = ((old >= 0.0f) != (nw >= 0.0f)) | (fabsf(z) > 0.05f);
      float np = phi[i] * (1.0f + z * (1.0f + z * (0.5f + z * (1.0f / 6.0f + z * (1.0f / 24.0f)))));
      phi[i] = bad ? -1.0f : np;
      col[i] = nw;
      acc += nw * x[i];
      any |= bad;
    }
    w->wtv[j] = acc;
    if (any)
      for (size_t i = 0; i < nf; i++)
        if (phi[i] < 0.0f) phi[i] = expf(sign * fabsf(col[i]));
  }
}

static void init_h(gsl_rng *r, double h0, float *h, size_t nh) {
  for (size_t j = 0; j < nh; j++) h[j] = (float)(h0 * (2.0 * gsl_rng_uniform(r) - 1.0));
}

int hop_mhc_train_image(hop_mhc *m, const float *x, size_t label, const hop_mhc_params *p,
                        gsl_rng *r, hop_mhc_work *w) {
  if (label >= m->nh) HOP_ERROR(HOP_EINVAL, "label %zu >= %zu classes", label, m->nh);
  if (work_check(m, w)) return HOP_EBADLEN;
  float h[HOP_MHC_MAX_H];
  init_h(r, p->h0, h, m->nh);
  if (p->exact) {
    for (size_t s = 0; s < p->steps; s++) hop_mhc_train_step(m, x, h, label, p, w);
  } else {
    const float sign = p->reading == HOP_MHC_PRINTED ? 1.0f : -1.0f;
    const size_t n = m->nf * m->nh;
#pragma omp simd
    for (size_t k = 0; k < n; k++) w->phi[k] = expf(sign * fabsf(m->w[k]));
    w_t_times(m, x, w->wtv);
    for (size_t s = 0; s < p->steps; s++) train_step_carried(m, x, h, label, p, w, sign);
  }
  for (size_t j = 0; j < m->nh; j++)
    if (!isfinite(h[j])) HOP_ERROR(HOP_EDOM, "the memory state diverged (h[%zu] = %g)", j, h[j]);
  /* a diverged weight shows up in W^T x, which drives h: check the weights themselves */
  for (size_t k = 0; k < m->nf * m->nh; k++)
    if (!isfinite(m->w[k])) HOP_ERROR(HOP_EDOM, "weight %zu became %g", k, m->w[k]);
  return HOP_OK;
}

size_t hop_mhc_infer(const hop_mhc *m, const float *x, const hop_mhc_params *p, gsl_rng *r,
                     float *v_out, float *h_out, hop_mhc_work *w) {
  size_t nf = m->nf, nh = m->nh;
  float h[HOP_MHC_MAX_H], *v = v_out ? v_out : w->v;
  memcpy(v, x, nf * sizeof *v);
  init_h(r, p->h0, h, nh);
  for (size_t s = 0; s < p->steps; s++) hop_mhc_step(m, v, h, p->beta, p->dt, 0, w);
  if (h_out) memcpy(h_out, h, nh * sizeof *h);
  return hop_math_argmax_f(h, nh);
}

/* The batched Euler inference behind both public forms: labels after at[k] steps for
 * each of the n_at checkpoints (at increasing), labels[k * n + i]; final states of the
 * last checkpoint to v_out / h_out when not NULL. */
static void infer_batch_core(const hop_mhc *m, const float *x, size_t n, const hop_mhc_params *p,
                             gsl_rng *r, const size_t *at, size_t n_at, size_t *labels,
                             float *v_out, float *h_out, hop_mhc_work *w) {
  size_t nf = m->nf, nh = m->nh, last = at[n_at - 1];
  float kv = (float)(p->dt / m->tau_v), kh = (float)(p->dt / m->tau_h);
  for (size_t b0 = 0; b0 < n; b0 += HOP_MHC_BATCH) {
    size_t nb = n - b0 < HOP_MHC_BATCH ? n - b0 : HOP_MHC_BATCH, k = 0;
    float *v = v_out ? v_out + b0 * nf : w->bv;
    memcpy(v, x + b0 * nf, nb * nf * sizeof *v);
    for (size_t b = 0; b < nb; b++) init_h(r, p->h0, w->bh + b * nh, nh); /* as image by image */
    for (size_t s = 0; s <= last; s++) {
      for (; k < n_at && at[k] == s; k++)
        for (size_t b = 0; b < nb; b++)
          labels[k * n + b0 + b] = hop_math_argmax_f(w->bh + b * nh, nh);
      if (s == last) break;
      for (size_t b = 0; b < nb; b++) softmax_f(w->bh + b * nh, nh, p->beta, w->bf + b * nh);
      hop_math_gemm_f(nb, nh, nf, 1.0f, v, m->w, 1, 0.0f, w->bs);    /* S = V W     (B, nh) */
      hop_math_gemm_f(nb, nf, nh, kv, w->bf, m->w, 0, 1.0f - kv, v); /* V = (1-kv) V + kv F W^T */
      for (size_t q = 0; q < nb * nh; q++) w->bh[q] += kh * (-w->bh[q] + w->bs[q]);
    }
    if (h_out) memcpy(h_out + b0 * nh, w->bh, nb * nh * sizeof *w->bh);
  }
}

void hop_mhc_infer_batch(const hop_mhc *m, const float *x, size_t n, const hop_mhc_params *p,
                         gsl_rng *r, size_t *labels, float *v_out, float *h_out, hop_mhc_work *w) {
  size_t at = p->steps;
  infer_batch_core(m, x, n, p, r, &at, 1, labels, v_out, h_out, w);
}

int hop_mhc_infer_batch_at(const hop_mhc *m, const float *x, size_t n, const hop_mhc_params *p,
                           gsl_rng *r, const size_t *at, size_t n_at, size_t *labels,
                           hop_mhc_work *w) {
  if (work_check(m, w)) return HOP_EBADLEN;
  if (n_at == 0) HOP_ERROR(HOP_EINVAL, "no checkpoints given");
  for (size_t k = 1; k < n_at; k++)
    if (at[k] <= at[k - 1])
      HOP_ERROR(HOP_EINVAL, "checkpoints must increase (%zu after %zu)", at[k], at[k - 1]);
  infer_batch_core(m, x, n, p, r, at, n_at, labels, NULL, NULL, w);
  return HOP_OK;
}

int hop_mhc_readout(const hop_mhc *m, const float *x, size_t n, size_t *labels, hop_mhc_work *w) {
  if (work_check(m, w)) return HOP_EBADLEN;
  size_t nf = m->nf, nh = m->nh;
  for (size_t b0 = 0; b0 < n; b0 += HOP_MHC_BATCH) {
    size_t nb = n - b0 < HOP_MHC_BATCH ? n - b0 : HOP_MHC_BATCH;
    hop_math_gemm_f(nb, nh, nf, 1.0f, x + b0 * nf, m->w, 1, 0.0f, w->bs); /* S = X W (B, nh) */
    for (size_t b = 0; b < nb; b++) labels[b0 + b] = hop_math_argmax_f(w->bs + b * nh, nh);
  }
  return HOP_OK;
}

int hop_mhc_infer_ode(const hop_mhc *m, const float *x, const hop_mhc_params *p, gsl_rng *r,
                      double epsabs, double epsrel, float *v_out, float *h_out, size_t *label,
                      hop_mhc_work *w) {
  size_t nf = m->nf, nh = m->nh;
  if (work_check(m, w)) return HOP_EBADLEN;
  float h[HOP_MHC_MAX_H];
  init_h(r, p->h0, h, nh);
  for (size_t i = 0; i < nf; i++) w->y[i] = x[i];
  for (size_t j = 0; j < nh; j++) w->y[nf + j] = h[j];
  w->ode.m = m;
  w->ode.beta = p->beta;
  if (!(epsabs >= 0) || !(epsrel >= 0) || epsabs + epsrel <= 0)
    HOP_ERROR(HOP_EINVAL, "odeiv2: bad tolerances %g, %g", epsabs, epsrel);
  if (!w->driver || w->epsabs != epsabs || w->epsrel != epsrel) {
    if (w->driver) gsl_odeiv2_driver_free(w->driver);
    w->driver =
        gsl_odeiv2_driver_alloc_y_new(&w->sys, gsl_odeiv2_step_rkf45, p->dt, epsabs, epsrel);
    if (!w->driver) HOP_ERROR(HOP_ENOMEM, "cannot allocate an odeiv2 driver");
    w->epsabs = epsabs;
    w->epsrel = epsrel;
  }
  if (gsl_odeiv2_driver_reset_hstart(w->driver, p->dt))
    HOP_ERROR(HOP_EINVAL, "odeiv2: bad initial step %g", p->dt);
  double t = 0.0;
  int s = gsl_odeiv2_driver_apply(w->driver, &t, p->dt * (double)p->steps, w->y);
  if (s != GSL_SUCCESS)
    HOP_ERROR(HOP_EMAXITER, "odeiv2 rkf45 stopped at t = %g: %s", t, gsl_strerror(s));
  for (size_t j = 0; j < nh; j++) h[j] = (float)w->y[nf + j];
  if (v_out)
    for (size_t i = 0; i < nf; i++) v_out[i] = (float)w->y[i];
  if (h_out) memcpy(h_out, h, nh * sizeof *h);
  *label = hop_math_argmax_f(h, nh);
  return HOP_OK;
}

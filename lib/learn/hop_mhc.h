/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_mhc.h: the Modern Hopfield Classifier (Joshi, Krishnan & Bazhenov,
 * NeurIPS 2023 Workshop on Associative Memory & Hopfield Networks), a two-layer continuous Hopfield
 * network in the form of Krotov & Hopfield (2021).
 *
 * Feature neurons v (nf), memory neurons h (nh = number of classes), weights W (nf, nh)
 * used in both directions (symmetric coupling):
 *     tau_v dv/dt = -v + W f(h)                       (eq. 1)
 *     tau_h dh/dt = -h + W^T g(v)                     (eq. 2)
 *     f(h) = softmax(beta h),  g(v) = v
 * Energy (supplement eq. 4-6, with L_h = (1/beta) log sum_j exp(beta h_j) so that
 * f = dL_h/dh holds for every beta; L_v = |v|^2 / 2):
 *     E = 1/2 |v|^2 + h.f - (1/beta) logsumexp(beta h) - v^T W f
 * dE/dt = -tau_v |dv/dt|^2 - tau_h (dh/dt)^T H (dh/dt) <= 0 with H = beta (diag f - f f^T)
 * positive semidefinite: E never increases along the exact inference dynamics, and along
 * explicit Euler steps with dt small against tau_h / (1 + beta |W|^2) (tests check it).
 *
 * Training (eq. 3, Algorithm 1): v clamped to the image x, h from small random values;
 * for `steps` Euler steps, from the same state,
 *     W_ij += dt eta x_i (t_j - f_j) phi(W_ij),   h += dt/tau_h (-h + W^T x)
 * with t the one-hot label and phi(W) = exp(+|W|) as printed (a division by
 * exp(-|W|)) or exp(-|W|) (the reading that matches the stated purpose of limiting
 * weight growth); see hop_mhc_reading.
 *
 * The caller owns epoch and image loops and the beta / eta schedules. Nothing here
 * allocates except *_alloc; randomness comes from the gsl_rng passed in. */
#ifndef HOP_MHC_H
#define HOP_MHC_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

typedef enum {
  HOP_MHC_PRINTED = 0, /* dW ~ exp(+|W|): eq. 3 as printed */
  HOP_MHC_DAMPED = 1   /* dW ~ exp(-|W|): damps large weights, as the text intends */
} hop_mhc_reading;

typedef struct {
  size_t nf, nh;       /* feature and memory neurons */
  double tau_v, tau_h; /* time constants (paper: 1.0 and 0.1) */
  float *w;            /* (nh, nf) row-major: w[j * nf + i] = W_ij (a class's weights contiguous) */
} hop_mhc;

typedef struct {
  double beta;             /* inverse temperature of f = softmax(beta h) */
  double dt;               /* Euler step */
  size_t steps;            /* Euler steps per image (paper: 100) */
  double eta;              /* learning rate (training only) */
  hop_mhc_reading reading; /* weight factor of eq. 3 (training only) */
  double h0;               /* h starts uniform in [-h0, h0] */
  int exact;               /* hop_mhc_train_image: 1 = one expf per weight per step;
                               0 = exp(+-|W|) carried along multiplicatively (see there) */
} hop_mhc_params;

/* Largest number of memory neurons: the dynamics keep h in arrays of this size on the
 * stack; hop_mhc_alloc refuses more with HOP_EBADLEN. */
#define HOP_MHC_MAX_H 64

/* Scratch of one thread for a network of (nf, nh), including a GSL odeiv2 driver.
 * Functions that return a status refuse a scratch made for another (nf, nh) with
 * HOP_EBADLEN. */
typedef struct hop_mhc_work hop_mhc_work;

hop_mhc *hop_mhc_alloc(size_t nf, size_t nh, double tau_v, double tau_h);
void hop_mhc_free(hop_mhc *m);
/* W_ij ~ N(0, scale^2) (gaussian = 1) or U(-scale, scale) (gaussian = 0). */
void hop_mhc_init(hop_mhc *m, gsl_rng *r, int gaussian, double scale);
/* Checks a parameter set: beta, dt, eta > 0 finite, steps >= 1, h0 >= 0. */
int hop_mhc_params_check(const hop_mhc_params *p);

/* A network as bytes, to move it between the processes of one run (hop_jobs codecs, MPI):
 * nf, nh, tau_v, tau_h, then W, in this machine's byte order (not a file format).
 * decode checks the length against what the header announces (HOP_EFORMAT). */
size_t hop_mhc_encoded_size(const hop_mhc *m);
void hop_mhc_encode(const hop_mhc *m, unsigned char *out);
hop_mhc *hop_mhc_decode(const unsigned char *in, size_t len);

hop_mhc_work *hop_mhc_work_alloc(size_t nf, size_t nh);
void hop_mhc_work_free(hop_mhc_work *w);

/* E of the state (v (nf), h (nh)) at inverse temperature beta. */
double hop_mhc_energy(const hop_mhc *m, const float *v, const float *h, double beta,
                      hop_mhc_work *w);

/* One explicit Euler step of eqs. 1-2 from the current state (both layers from the same
 * state). clamp: bit 1 keeps v fixed, bit 2 keeps h fixed. */
#define HOP_MHC_CLAMP_V 1
#define HOP_MHC_CLAMP_H 2
void hop_mhc_step(const hop_mhc *m, float *v, float *h, double beta, double dt, int clamp,
                  hop_mhc_work *w);

/* One training step (v clamped to x (nf)): the weight update of eq. 3 and the h update
 * of eq. 2, both from the current state. label < nh. */
void hop_mhc_train_step(hop_mhc *m, const float *x, float *h, size_t label, const hop_mhc_params *p,
                        hop_mhc_work *w);

/* Present one image for p->steps training steps, h drawn from r. Returns HOP_EDOM if a
 * weight became non-finite (the printed reading can diverge).
 * With p->exact = 0 the factor phi = exp(s|W|) (s = +-1) is computed once per image and
 * then updated per step as phi *= exp(s sgn(W) dW), the exponential of the small step
 * taken by its 4th-order series (relative error < |x|^5 / 120 < 3e-9 for |x| <= 0.05,
 * below float resolution), and recomputed with expf wherever |x| > 0.05 or W crosses
 * zero. It follows the exact path to float rounding (tests/test_mhc.c) at a fraction of
 * the cost. */
int hop_mhc_train_image(hop_mhc *m, const float *x, size_t label, const hop_mhc_params *p,
                        gsl_rng *r, hop_mhc_work *w);

/* Inference by p->steps Euler steps from v = x, h drawn from r. Returns argmax h; the
 * final states go to v_out (nf) and h_out (nh) when not NULL. */
size_t hop_mhc_infer(const hop_mhc *m, const float *x, const hop_mhc_params *p, gsl_rng *r,
                     float *v_out, float *h_out, hop_mhc_work *w);

/* Inference of n images x (n, nf) at once, HOP_MHC_BATCH at a time, the steps as
 * matrix products through CBLAS (S = V W, V = (1 - kv) V + kv F W^T, kv = dt / tau_v):
 * the same dynamics and the same draws of h as n calls of hop_mhc_infer, up to float
 * rounding. labels (n) gets argmax h; v_out (n, nf) and h_out (n, nh) the final states
 * when not NULL. */
#define HOP_MHC_BATCH 256
void hop_mhc_infer_batch(const hop_mhc *m, const float *x, size_t n, const hop_mhc_params *p,
                         gsl_rng *r, size_t *labels, float *v_out, float *h_out, hop_mhc_work *w);

/* The same trajectories as hop_mhc_infer_batch (same draws of h, same operations), read
 * out at several times: labels[k * n + i] = argmax h of image i after at[k] Euler steps,
 * for the n_at checkpoints at (strictly increasing; 0 reads the initial random h).
 * p->steps is not used: the run stops at the last checkpoint. HOP_EINVAL for checkpoints
 * out of order, HOP_EBADLEN for a scratch of another size. */
int hop_mhc_infer_batch_at(const hop_mhc *m, const float *x, size_t n, const hop_mhc_params *p,
                           gsl_rng *r, const size_t *at, size_t n_at, size_t *labels,
                           hop_mhc_work *w);

/* The linear read-out of the same weights, no dynamics: labels[i] = argmax_j (W^T x_i)_j,
 * the fixed point of eq. 2 with v clamped to x_i. With dt = tau_h one Euler step of
 * inference sets h = W^T x exactly (up to rounding), so it reads out the same label. */
int hop_mhc_readout(const hop_mhc *m, const float *x, size_t n, size_t *labels, hop_mhc_work *w);

/* The same time span (p->steps * p->dt) integrated by GSL's adaptive rkf45 with the
 * given tolerances. *label = argmax h. HOP_EMAXITER if the driver gives up. */
int hop_mhc_infer_ode(const hop_mhc *m, const float *x, const hop_mhc_params *p, gsl_rng *r,
                      double epsabs, double epsrel, float *v_out, float *h_out, size_t *label,
                      hop_mhc_work *w);

#endif

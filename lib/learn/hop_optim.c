/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_optim.c: see hop_optim.h. */
#include "hop_optim.h"
#include "hop_error.h"

#include <math.h>
#include <stdlib.h>

int hop_optim_check(const hop_optim_params *p) {
  if (!(isfinite(p->lr) && p->lr > 0))
    HOP_ERROR(HOP_EINVAL, "learning rate %g: must be finite and > 0", p->lr);
  if (!(isfinite(p->weight_decay) && p->weight_decay >= 0))
    HOP_ERROR(HOP_EINVAL, "weight decay %g: must be finite and >= 0", p->weight_decay);
  if (p->kind == HOP_OPTIM_SGD) {
    if (!(p->momentum >= 0 && p->momentum < 1))
      HOP_ERROR(HOP_EINVAL, "momentum %g outside [0, 1)", p->momentum);
  } else if (p->kind == HOP_OPTIM_ADAM) {
    if (!(p->beta1 >= 0 && p->beta1 < 1 && p->beta2 >= 0 && p->beta2 < 1))
      HOP_ERROR(HOP_EINVAL, "Adam betas (%g, %g) outside [0, 1)", p->beta1, p->beta2);
    if (!(isfinite(p->eps) && p->eps > 0))
      HOP_ERROR(HOP_EINVAL, "Adam eps %g: must be finite and > 0", p->eps);
  } else {
    HOP_ERROR(HOP_EINVAL, "unknown optimiser %d", (int)p->kind);
  }
  return HOP_OK;
}

hop_optim *hop_optim_alloc(const hop_optim_params *p, size_t n) {
  if (hop_optim_check(p)) return NULL;
  if (n == 0) HOP_ERROR_NULL(HOP_EINVAL, "optimiser over 0 parameters");
  hop_optim *o = calloc(1, sizeof *o);
  if (!o || !(o->m = calloc(n, sizeof(float))) ||
      (p->kind == HOP_OPTIM_ADAM && !(o->v = calloc(n, sizeof(float))))) {
    hop_optim_free(o);
    HOP_ERROR_NULL(HOP_ENOMEM, "optimiser state of %zu parameters", n);
  }
  o->p = *p;
  o->n = n;
  return o;
}

void hop_optim_free(hop_optim *o) {
  if (!o) return;
  free(o->m);
  free(o->v);
  free(o);
}

void hop_optim_step(hop_optim *o, float *x, const float *g, const unsigned char *mask) {
  const float lr = (float)o->p.lr, wd = (float)o->p.weight_decay;
  const size_t n = o->n;
  o->t++;
  if (o->p.kind == HOP_OPTIM_SGD) {
    const float mu = (float)o->p.momentum;
    for (size_t i = 0; i < n; i++) {
      float gi = g[i] + (!mask || mask[i] ? wd * x[i] : 0.0f);
      o->m[i] = mu * o->m[i] + gi;
      x[i] -= lr * o->m[i];
    }
  } else {
    const float b1 = (float)o->p.beta1, b2 = (float)o->p.beta2, eps = (float)o->p.eps;
    const float c1 = (float)(1.0 - pow(o->p.beta1, (double)o->t)),
                c2 = (float)(1.0 - pow(o->p.beta2, (double)o->t));
    const float sc2 = sqrtf(c2);
    for (size_t i = 0; i < n; i++) {
      float gi = g[i] + (!mask || mask[i] ? wd * x[i] : 0.0f);
      o->m[i] = b1 * o->m[i] + (1.0f - b1) * gi;
      o->v[i] = b2 * o->v[i] + (1.0f - b2) * gi * gi;
      x[i] -= lr * (o->m[i] / c1) / (sqrtf(o->v[i]) / sc2 + eps);
    }
  }
}

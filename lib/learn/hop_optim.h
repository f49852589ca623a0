/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_optim.h: optimisers over one flat parameter block (hop_cnn's layout, or any).
 *
 * SGD with momentum, PyTorch's form (torch.optim.SGD, dampening 0, not Nesterov):
 *     g' = g + wd p,   v = mu v + g',   p -= lr v
 * Adam (Kingma & Ba 2015, arXiv:1412.6980), with bias correction:
 *     m = b1 m + (1 - b1) g',  u = b2 u + (1 - b2) g'^2,
 *     p -= lr (m / (1 - b1^t)) / (sqrt(u / (1 - b2^t)) + eps)
 * Weight decay applies where mask is NULL or mask[i] is nonzero (e.g. weights but not
 * biases). No allocation except hop_optim_alloc. */
#ifndef HOP_OPTIM_H
#define HOP_OPTIM_H

#include <stddef.h>

typedef enum { HOP_OPTIM_SGD = 0, HOP_OPTIM_ADAM = 1 } hop_optim_kind;

typedef struct {
  hop_optim_kind kind;
  double lr;           /* learning rate, > 0 */
  double momentum;     /* SGD: mu in [0, 1) */
  double beta1, beta2; /* Adam: in [0, 1) */
  double eps;          /* Adam: > 0 */
  double weight_decay; /* >= 0 */
} hop_optim_params;

typedef struct {
  hop_optim_params p;
  size_t n;
  long t;       /* steps taken */
  float *m, *v; /* SGD: m = velocity; Adam: first and second moments */
} hop_optim;

/* HOP_EINVAL (with the reason) if a parameter is out of range or not finite. */
int hop_optim_check(const hop_optim_params *p);
hop_optim *hop_optim_alloc(const hop_optim_params *p, size_t n); /* state zero */
void hop_optim_free(hop_optim *o);
/* One step: params (n) updated from grad (n); mask (n) may be NULL. */
void hop_optim_step(hop_optim *o, float *params, const float *grad, const unsigned char *mask);

#endif

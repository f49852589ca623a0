/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_classical.c: Hebbian storage, energy, asynchronous and synchronous updates. */
#include "hop_classical.h"
#include "hop_error.h"
#include "hop_math.h"

#include <stdlib.h>
#include <string.h>

hop_classical *hop_classical_alloc(size_t n) {
  if (n == 0 || n > 46340) HOP_ERROR_NULL(HOP_EINVAL, "classical network of %zu neurons", n);
  hop_classical *net = malloc(sizeof *net);
  if (!net) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a network");
  net->n = n;
  net->p = 0;
  net->c = calloc(n * n, sizeof *net->c);
  if (!net->c) {
    free(net);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate %zu x %zu couplings", n, n);
  }
  return net;
}

void hop_classical_free(hop_classical *net) {
  if (!net) return;
  free(net->c);
  free(net);
}

int hop_classical_store(hop_classical *net, const float *xi, size_t p) {
  size_t n = net->n;
  if (p == 0) HOP_ERROR(HOP_EINVAL, "no patterns to store");
  if ((double)p * (double)n >= 16777216.0)
    HOP_ERROR(HOP_ERANGE, "p*n = %zu*%zu >= 2^24: float fields would no longer be exact", p, n);
  for (size_t k = 0; k < p * n; k++)
    if (xi[k] != 1.0f && xi[k] != -1.0f)
      HOP_ERROR(HOP_EINVAL, "pattern %zu, neuron %zu is %g, not +-1", k / n, k % n, xi[k]);
  hop_math_gram_f(p, n, 1.0f, xi, net->c);
  for (size_t i = 0; i < n; i++) net->c[i * n + i] = 0.0f;
  net->p = p;
  return HOP_OK;
}

void hop_classical_fields(const hop_classical *net, const float *s, size_t m, float *h) {
  hop_math_gemm_f(m, net->n, net->n, 1.0f, s, net->c, 0, 0.0f, h);
}

double hop_classical_energy_h(size_t n, const float *s, const float *h) {
  double e = 0.0;
  for (size_t i = 0; i < n; i++) e += (double)s[i] * (double)h[i];
  return -0.5 * e / (double)n;
}

double hop_classical_energy(const hop_classical *net, const float *s) {
  size_t n = net->n;
  double e = 0.0;
  for (size_t i = 0; i < n; i++) {
    double hi = 0.0;
    for (size_t j = 0; j < n; j++) hi += (double)net->c[i * n + j] * (double)s[j];
    e += (double)s[i] * hi;
  }
  return -0.5 * e / (double)n;
}

/* h += d * C[i, :] (C symmetric, so this is column i too). */
static void field_axpy(size_t n, float d, const float *restrict ci, float *restrict h) {
  for (size_t j = 0; j < n; j++) h[j] += d * ci[j];
}

int hop_classical_async_update(const hop_classical *net, float *s, float *h, size_t i) {
  float hi = h[i];
  float next = hi > 0.0f ? 1.0f : hi < 0.0f ? -1.0f : s[i];
  if (next == s[i]) return 0;
  s[i] = next;
  field_axpy(net->n, 2.0f * next, net->c + i * net->n, h);
  return 1;
}

size_t hop_classical_async_sweep(const hop_classical *net, float *s, float *h,
                                 const size_t *order) {
  size_t flips = 0;
  for (size_t k = 0; k < net->n; k++)
    flips += (size_t)hop_classical_async_update(net, s, h, order[k]);
  return flips;
}

size_t hop_classical_sync_step(const hop_classical *net, const float *s, float *s_next, float *h) {
  size_t n = net->n, changed = 0;
  for (size_t i = 0; i < n; i++) s_next[i] = h[i] > 0.0f ? 1.0f : h[i] < 0.0f ? -1.0f : s[i];
  for (size_t i = 0; i < n; i++)
    if (s_next[i] != s[i]) {
      field_axpy(n, s_next[i] - s[i], net->c + i * n, h);
      changed++;
    }
  return changed;
}

double hop_classical_overlap(const float *a, const float *b, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; i++) m += (double)a[i] * (double)b[i];
  return m / (double)n;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_mlp.c: MLP forward, backward (softmax cross-entropy), SGD. */
#include "hop_mlp.h"
#include "hop_math.h"
#include "hop_error.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct hop_mlp_work {
  size_t max_batch;
  double *act[HOP_MLP_MAX_LAYERS + 1]; /* (max_batch, sizes[l]) activations; act[L] = probs */
  double *delta[2];                    /* (max_batch, widest layer) back-propagated errors */
};

hop_mlp *hop_mlp_alloc(const size_t *sizes, size_t n_sizes) {
  if (n_sizes < 2 || n_sizes > HOP_MLP_MAX_LAYERS + 1)
    HOP_ERROR_NULL(HOP_EINVAL, "an MLP needs 2..%d layer sizes, got %zu", HOP_MLP_MAX_LAYERS + 1,
                   n_sizes);
  hop_mlp *m = calloc(1, sizeof *m);
  if (!m) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate an MLP");
  m->n_layers = n_sizes - 1;
  for (size_t l = 0; l < n_sizes; l++) {
    if (sizes[l] == 0) {
      free(m);
      HOP_ERROR_NULL(HOP_EINVAL, "layer %zu has no neurons", l);
    }
    m->sizes[l] = sizes[l];
  }
  if (sizes[n_sizes - 1] < 2 || sizes[n_sizes - 1] > 255) {
    free(m);
    HOP_ERROR_NULL(HOP_EINVAL, "2..255 classes, got %zu", sizes[n_sizes - 1]);
  }
  for (size_t l = 0; l < m->n_layers; l++) {
    m->w[l] = calloc(sizes[l + 1] * sizes[l], sizeof *m->w[l]);
    m->b[l] = calloc(sizes[l + 1], sizeof *m->b[l]);
    if (!m->w[l] || !m->b[l]) {
      hop_mlp_free(m);
      HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate layer %zu", l);
    }
  }
  return m;
}

/* The header: layer count, then HOP_MLP_MAX_LAYERS + 1 sizes. */
#define MLP_HEAD ((HOP_MLP_MAX_LAYERS + 2) * sizeof(uint64_t))

static size_t mlp_params(const size_t *sizes, size_t n_layers) {
  size_t n = 0;
  for (size_t l = 0; l < n_layers; l++) n += sizes[l + 1] * sizes[l] + sizes[l + 1];
  return n;
}

size_t hop_mlp_encoded_size(const hop_mlp *m) {
  return MLP_HEAD + mlp_params(m->sizes, m->n_layers) * sizeof(double);
}

void hop_mlp_encode(const hop_mlp *m, unsigned char *out) {
  uint64_t h[HOP_MLP_MAX_LAYERS + 2] = {m->n_layers};
  for (size_t l = 0; l <= m->n_layers; l++) h[l + 1] = m->sizes[l];
  memcpy(out, h, sizeof h);
  out += sizeof h;
  for (size_t l = 0; l < m->n_layers; l++) {
    size_t nw = m->sizes[l + 1] * m->sizes[l] * sizeof(double),
           nb = m->sizes[l + 1] * sizeof(double);
    memcpy(out, m->w[l], nw);
    memcpy(out + nw, m->b[l], nb);
    out += nw + nb;
  }
}

hop_mlp *hop_mlp_decode(const unsigned char *in, size_t len) {
  uint64_t h[HOP_MLP_MAX_LAYERS + 2];
  size_t sizes[HOP_MLP_MAX_LAYERS + 1];
  if (len < sizeof h) HOP_ERROR_NULL(HOP_EFORMAT, "an encoded MLP of %zu bytes", len);
  memcpy(h, in, sizeof h);
  if (h[0] < 1 || h[0] > HOP_MLP_MAX_LAYERS)
    HOP_ERROR_NULL(HOP_EFORMAT, "an encoded MLP of %llu layers", (unsigned long long)h[0]);
  for (size_t l = 0; l <= h[0]; l++) {
    if (h[l + 1] == 0 || h[l + 1] > (1u << 24))
      HOP_ERROR_NULL(HOP_EFORMAT, "an encoded MLP layer of %llu neurons",
                     (unsigned long long)h[l + 1]);
    sizes[l] = (size_t)h[l + 1];
  }
  if (len != MLP_HEAD + mlp_params(sizes, (size_t)h[0]) * sizeof(double))
    HOP_ERROR_NULL(HOP_EFORMAT, "an encoded MLP of %zu bytes does not match its sizes", len);
  hop_mlp *m = hop_mlp_alloc(sizes, (size_t)h[0] + 1);
  in += sizeof h;
  for (size_t l = 0; m && l < m->n_layers; l++) {
    size_t nw = sizes[l + 1] * sizes[l] * sizeof(double), nb = sizes[l + 1] * sizeof(double);
    memcpy(m->w[l], in, nw);
    memcpy(m->b[l], in + nw, nb);
    in += nw + nb;
  }
  return m;
}

void hop_mlp_free(hop_mlp *m) {
  if (!m) return;
  for (size_t l = 0; l < HOP_MLP_MAX_LAYERS; l++) {
    free(m->w[l]);
    free(m->b[l]);
  }
  free(m);
}

void hop_mlp_init(hop_mlp *m, gsl_rng *r) {
  for (size_t l = 0; l < m->n_layers; l++) {
    size_t fi = m->sizes[l], fo = m->sizes[l + 1];
    double a = sqrt(6.0 / (double)(fi + fo));
    for (size_t k = 0; k < fi * fo; k++) m->w[l][k] = a * (2.0 * gsl_rng_uniform(r) - 1.0);
    memset(m->b[l], 0, fo * sizeof *m->b[l]);
  }
}

hop_mlp_work *hop_mlp_work_alloc(const hop_mlp *m, size_t max_batch) {
  if (max_batch == 0) HOP_ERROR_NULL(HOP_EINVAL, "batch size 0");
  hop_mlp_work *w = calloc(1, sizeof *w);
  if (!w) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate MLP scratch");
  w->max_batch = max_batch;
  size_t widest = 0;
  int bad = 0;
  for (size_t l = 0; l <= m->n_layers; l++) {
    widest = m->sizes[l] > widest ? m->sizes[l] : widest;
    bad |= !(w->act[l] = malloc(max_batch * m->sizes[l] * sizeof *w->act[l]));
  }
  for (int k = 0; k < 2; k++)
    bad |= !(w->delta[k] = malloc(max_batch * widest * sizeof *w->delta[k]));
  if (bad) {
    hop_mlp_work_free(w);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate MLP scratch for batch %zu", max_batch);
  }
  return w;
}

void hop_mlp_work_free(hop_mlp_work *w) {
  if (!w) return;
  for (size_t l = 0; l <= HOP_MLP_MAX_LAYERS; l++) free(w->act[l]);
  free(w->delta[0]);
  free(w->delta[1]);
  free(w);
}

/* Forward pass: act[L] = softmax probabilities (batch, classes). */
static void forward(const hop_mlp *m, const float *x, size_t batch, hop_mlp_work *w) {
  size_t n0 = m->sizes[0], L = m->n_layers;
  for (size_t k = 0; k < batch * n0; k++) w->act[0][k] = x[k];
  for (size_t l = 0; l < L; l++) {
    size_t fi = m->sizes[l], fo = m->sizes[l + 1];
    double *z = w->act[l + 1];
    for (size_t n = 0; n < batch; n++) memcpy(z + n * fo, m->b[l], fo * sizeof *z);
    /* z (batch, fo) += a (batch, fi) W^T */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)batch, (int)fo, (int)fi, 1.0,
                w->act[l], (int)fi, m->w[l], (int)fi, 1.0, z, (int)fo);
    if (l + 1 < L) {
      for (size_t k = 0; k < batch * fo; k++) z[k] = tanh(z[k]);
    } else {
      for (size_t n = 0; n < batch; n++) {
        double *row = z + n * fo, mx = row[0], s = 0.0;
        for (size_t j = 1; j < fo; j++) mx = row[j] > mx ? row[j] : mx;
        for (size_t j = 0; j < fo; j++) s += (row[j] = exp(row[j] - mx));
        for (size_t j = 0; j < fo; j++) row[j] /= s;
      }
    }
  }
}

double hop_mlp_loss(const hop_mlp *m, const float *x, const unsigned char *y, size_t batch,
                    hop_mlp *grad, hop_mlp_work *w) {
  size_t L = m->n_layers, nc = m->sizes[L];
  if (batch == 0) {
    HOP_RAISE(HOP_EINVAL, "MLP loss of an empty batch");
    return NAN;
  }
  if (batch > w->max_batch) {
    HOP_RAISE(HOP_EBADLEN, "MLP batch of %zu does not fit the scratch made for %zu", batch,
              w->max_batch);
    return NAN;
  }
  forward(m, x, batch, w);
  const double *p = w->act[L];
  double loss = 0.0;
  for (size_t n = 0; n < batch; n++) {
    double pn = p[n * nc + y[n]];
    loss -= log(pn > 1e-300 ? pn : 1e-300);
  }
  loss /= (double)batch;
  if (!grad) return loss;
  /* delta_L = (p - onehot(y)) / batch */
  double *d = w->delta[0], *dprev = w->delta[1];
  for (size_t n = 0; n < batch; n++)
    for (size_t j = 0; j < nc; j++)
      d[n * nc + j] = (p[n * nc + j] - (j == y[n] ? 1.0 : 0.0)) / (double)batch;
  for (size_t l = L; l-- > 0;) {
    size_t fi = m->sizes[l], fo = m->sizes[l + 1];
    /* dW (fo, fi) = d^T (fo, batch) a (batch, fi);  db = column sums of d */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)fo, (int)fi, (int)batch, 1.0, d,
                (int)fo, w->act[l], (int)fi, 0.0, grad->w[l], (int)fi);
    for (size_t j = 0; j < fo; j++) {
      double s = 0.0;
      for (size_t n = 0; n < batch; n++) s += d[n * fo + j];
      grad->b[l][j] = s;
    }
    if (l == 0) break;
    /* dprev (batch, fi) = d W, times tanh' = 1 - a^2 */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)batch, (int)fi, (int)fo, 1.0, d,
                (int)fo, m->w[l], (int)fi, 0.0, dprev, (int)fi);
    const double *a = w->act[l];
    for (size_t k = 0; k < batch * fi; k++) dprev[k] *= 1.0 - a[k] * a[k];
    double *t = d;
    d = dprev;
    dprev = t;
  }
  return loss;
}

void hop_mlp_sgd(hop_mlp *m, const hop_mlp *grad, double lr) {
  for (size_t l = 0; l < m->n_layers; l++) {
    size_t fi = m->sizes[l], fo = m->sizes[l + 1];
    cblas_daxpy((int)(fi * fo), -lr, grad->w[l], 1, m->w[l], 1);
    cblas_daxpy((int)fo, -lr, grad->b[l], 1, m->b[l], 1);
  }
}

int hop_mlp_predict(const hop_mlp *m, const float *x, size_t batch, double *probs,
                    unsigned char *pred, hop_mlp_work *w) {
  size_t L = m->n_layers, nc = m->sizes[L];
  if (batch == 0) HOP_ERROR(HOP_EINVAL, "MLP prediction of an empty batch");
  if (batch > w->max_batch)
    HOP_ERROR(HOP_EBADLEN, "MLP batch of %zu does not fit the scratch made for %zu", batch,
              w->max_batch);
  forward(m, x, batch, w);
  const double *p = w->act[L];
  if (probs) memcpy(probs, p, batch * nc * sizeof *probs);
  for (size_t n = 0; n < batch; n++) pred[n] = (unsigned char)hop_math_argmax(p + n * nc, nc);
  return HOP_OK;
}

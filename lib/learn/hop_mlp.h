/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_mlp.h: a small multilayer perceptron trained by backpropagation with softmax
 * cross-entropy: the baseline of the MHC experiment (spec mhc.md: "2-layer MLP with the
 * same neuron counts", i.e. n_in -> n_classes with no hidden layer, or with hidden
 * layers when asked).
 *
 * Layers l = 0..L-1: a_0 = x, z_{l+1} = W_l a_l + b_l, a_{l+1} = tanh(z_{l+1}) for
 * hidden layers, p = softmax(z_L); loss = -mean_n log p[y_n]. Double precision (so that
 * gradients can be checked by finite differences to 1e-7); batches through cblas_dgemm.
 * W_l is (sizes[l+1], sizes[l]) row-major. */
#ifndef HOP_MLP_H
#define HOP_MLP_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#define HOP_MLP_MAX_LAYERS 4

typedef struct {
  size_t n_layers;                      /* weight layers, 1..HOP_MLP_MAX_LAYERS */
  size_t sizes[HOP_MLP_MAX_LAYERS + 1]; /* neurons per layer, sizes[0] = inputs */
  double *w[HOP_MLP_MAX_LAYERS];        /* (sizes[l+1], sizes[l]) */
  double *b[HOP_MLP_MAX_LAYERS];        /* (sizes[l+1]) */
} hop_mlp;

/* Scratch for batches of up to max_batch examples. */
typedef struct hop_mlp_work hop_mlp_work;

hop_mlp *hop_mlp_alloc(const size_t *sizes, size_t n_sizes); /* n_sizes = layers + 1 */
void hop_mlp_free(hop_mlp *m);
/* Glorot-uniform weights U(-sqrt(6/(fan_in+fan_out)), +...), zero biases. */
void hop_mlp_init(hop_mlp *m, gsl_rng *r);
/* A network as bytes, to move it between the processes of one run (hop_jobs codecs, MPI):
 * the layer count and sizes, then each layer's weights and biases, in this machine's byte
 * order (not a file format). decode checks the length (HOP_EFORMAT). */
size_t hop_mlp_encoded_size(const hop_mlp *m);
void hop_mlp_encode(const hop_mlp *m, unsigned char *out);
hop_mlp *hop_mlp_decode(const unsigned char *in, size_t len);

hop_mlp_work *hop_mlp_work_alloc(const hop_mlp *m, size_t max_batch);
void hop_mlp_work_free(hop_mlp_work *w);

/* Mean cross-entropy of a batch x (batch, sizes[0]) with labels y (batch); when grad is
 * not NULL (same shape as m) it receives d loss / d parameters. A probability below
 * 1e-300 counts as 1e-300 (a loss of at most 690.8 per example); the gradient is exact.
 * NaN if batch is 0 (HOP_EINVAL recorded) or larger than the scratch was made for
 * (HOP_EBADLEN recorded). */
double hop_mlp_loss(const hop_mlp *m, const float *x, const unsigned char *y, size_t batch,
                    hop_mlp *grad, hop_mlp_work *w);

/* Parameters -= lr * grad. */
void hop_mlp_sgd(hop_mlp *m, const hop_mlp *grad, double lr);

/* Class probabilities (batch, classes) into probs (may be NULL); predicted labels into
 * pred (batch). HOP_EBADLEN if batch > max_batch of w, HOP_EINVAL if it is 0. */
int hop_mlp_predict(const hop_mlp *m, const float *x, size_t batch, double *probs,
                    unsigned char *pred, hop_mlp_work *w);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_cnn.h: a small convolutional network for 28x28 gray images, trained by
 * backpropagation with softmax cross-entropy: the feature extractor of the cnn_wells
 * experiment (Farooq, arXiv:2507.08766, reconstructed from its abstract).
 *
 * Architecture (valid 5x5 convolutions, stride 1; 2x2 max-pool, stride 2):
 *     x (1, 28, 28)
 *     -> conv c1 5x5, ReLU, pool  -> (c1, 12, 12)
 *     -> conv c2 5x5, ReLU, pool  -> (c2, 4, 4), flattened in (channel, row, column) order
 *     -> fully connected to feat, ReLU    -> the features s (feat)
 *     -> fully connected to classes       -> logits z, p = softmax(z)
 *     loss = -(1/B) sum_b log p_b[y_b]
 * (The layer order and the flattening are PyTorch's nn.Conv2d / MaxPool2d / Flatten /
 * Linear, so a network of the same shape computes the same function: tests/test_reference.c
 * compares logits, loss, every gradient and three SGD steps with PyTorch's in float64.)
 *
 * Layout (llm.c's style: one flat block of parameters, one of gradients, offsets into
 * it). Parameters in this order, each row-major:
 *     w1 (c1, 25)   b1 (c1)   w2 (c2, c1*25)   b2 (c2)
 *     w3 (feat, c2*16)   b3 (feat)   w4 (classes, feat)   b4 (classes)
 * Activations of a batch are kept channel-major across the batch, (C, B, H, W), so that
 * a convolution of the whole batch is one sgemm on its im2col matrix:
 *     conv:  A (c_out, B*Ho*Wo) = W (c_out, c_in*25) x col (c_in*25, B*Ho*Wo)
 *     back:  dW = dA col^T,  dcol = W^T dA, folded back into dX (col2im)
 * Max-pool keeps the position of each maximum (and whether ReLU passed it), so the
 * backward pass routes each gradient to the one input that produced it.
 *
 * Nothing here allocates except *_alloc; the caller owns batches, epochs and the
 * optimiser (hop_optim.h). Randomness comes from the gsl_rng passed in. */
#ifndef HOP_CNN_H
#define HOP_CNN_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#define HOP_CNN_SIDE      28   /* input images are HOP_CNN_SIDE x HOP_CNN_SIDE, one channel */
#define HOP_CNN_K         5    /* convolution kernel side */
#define HOP_CNN_MAX_WIDTH 1024 /* largest c1, c2, feat or classes hop_cnn_alloc accepts */

typedef struct {
  uint32_t c1, c2;  /* channels of the two convolutions */
  uint32_t feat;    /* feature (penultimate) layer width */
  uint32_t classes; /* output classes */
} hop_cnn_arch;

typedef struct {
  hop_cnn_arch a;
  size_t n_params;                              /* length of params */
  float *params;                                /* the flat block (layout above) */
  float *w1, *b1, *w2, *b2, *w3, *b3, *w4, *b4; /* views into params */
} hop_cnn;

/* Scratch of one network shape for batches of up to max_batch images. */
typedef struct hop_cnn_work hop_cnn_work;

/* Number of parameters of an architecture, 0 if a width is 0 or above HOP_CNN_MAX_WIDTH
 * (HOP_EINVAL recorded). */
size_t hop_cnn_param_count(const hop_cnn_arch *a);
/* Offset of each of the 8 parameter tensors (w1, b1, ..., b4) in the flat block, and
 * their lengths (for per-layer gradient checks and for the optimiser's decay mask). */
void hop_cnn_layout(const hop_cnn_arch *a, size_t offset[8], size_t length[8]);

hop_cnn *hop_cnn_alloc(const hop_cnn_arch *a); /* parameters zero */
void hop_cnn_free(hop_cnn *n);
/* PyTorch's default initialisation: every weight and bias U(-1/sqrt(fan_in), +1/sqrt(fan_in)). */
void hop_cnn_init(hop_cnn *n, gsl_rng *r);

hop_cnn_work *hop_cnn_work_alloc(const hop_cnn_arch *a, size_t max_batch);
void hop_cnn_work_free(hop_cnn_work *w);

/* Forward pass of a batch x (batch, 28*28) in [0, 1] or any scale. Fills, when not NULL,
 * features (batch, feat) and logits (batch, classes). The work keeps the activations
 * the next hop_cnn_backward needs. HOP_EBADLEN if batch is 0 or exceeds the work's
 * max_batch, or if the work was made for another architecture. */
int hop_cnn_forward(const hop_cnn *n, const float *x, size_t batch, float *features, float *logits,
                    hop_cnn_work *w);

/* Mean cross-entropy of the batch just passed forward with labels y (batch), each
 * < classes; correct (may be NULL) receives the number of argmax hits. When grad (length
 * n_params) is not NULL it is overwritten with d loss / d params. Must follow a
 * hop_cnn_forward of the same batch with the same work. NaN on a bad label (HOP_EINVAL). */
double hop_cnn_backward(const hop_cnn *n, const unsigned char *y, size_t batch, float *grad,
                        size_t *correct, hop_cnn_work *w);

/* ---- batches on several threads --------------------------------------------------
 * A batch is cut into `chunks` fixed chunks (ceil(batch / chunks) images each, the last
 * one shorter), each run by one work on one OpenMP thread with OpenBLAS set to one
 * thread for the duration of the call (its previous thread count is restored). The
 * chunks' mean gradients are summed in chunk order, weighted by their sizes, so the
 * result is the batch's mean gradient and does not depend on the number of threads. */
typedef struct hop_cnn_par hop_cnn_par;

hop_cnn_par *hop_cnn_par_alloc(const hop_cnn_arch *a, size_t max_batch, size_t chunks);
void hop_cnn_par_free(hop_cnn_par *p);
/* Mean cross-entropy of (x (batch, 784), y (batch)); grad (n_params; may be NULL)
 * receives its gradient; correct (may be NULL) the argmax hits. NaN on error. */
double hop_cnn_par_grad(const hop_cnn *n, const float *x, const unsigned char *y, size_t batch,
                        float *grad, size_t *correct, hop_cnn_par *p);
/* Forward pass of any number of images, in rounds of at most chunks x chunk size:
 * features (count, feat) and logits (count, classes), each may be NULL. */
int hop_cnn_par_forward(const hop_cnn *n, const float *x, size_t count, float *features,
                        float *logits, hop_cnn_par *p);

/* Floating-point operations of one forward + backward pass of one image (multiply-adds
 * counted as 2, the im2col copies and element-wise work not counted): the numerator of
 * a FLOP rate. */
double hop_cnn_flops(const hop_cnn_arch *a);

/* ---- weights file ----------------------------------------------------------------
 * Little-endian:
 *     "HOPCNN\r\n" (8 bytes), format version (u32 = HOP_CNN_FORMAT), c1, c2, feat,
 *     classes (u32 each), recipe (u64: the caller's fingerprint of how the network was
 *     trained), n_params (u64), params (n_params float32), CRC-32 (u32, zlib's crc32 of
 *     every byte before it).
 * hop_cnn_encode writes it to memory (the run/ layer writes the bytes to a file);
 * hop_cnn_decode and hop_cnn_load check every field, the length and the CRC, and name
 * the problem (and the file) in the error: HOP_EFORMAT for a malformed or damaged file,
 * HOP_EINVAL for a well-formed file of another architecture than `expect` (when not
 * NULL). */
#define HOP_CNN_FORMAT 1u
size_t hop_cnn_encoded_size(const hop_cnn *n);
/* Writes hop_cnn_encoded_size(n) bytes into buf; HOP_EBADLEN if cap is smaller. */
int hop_cnn_encode(const hop_cnn *n, uint64_t recipe, unsigned char *buf, size_t cap);
hop_cnn *hop_cnn_decode(const unsigned char *buf, size_t len, const hop_cnn_arch *expect,
                        uint64_t *recipe, const char *name);
hop_cnn *hop_cnn_load(const char *path, const hop_cnn_arch *expect, uint64_t *recipe);

#endif

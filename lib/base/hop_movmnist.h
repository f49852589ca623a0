/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_movmnist.h: Moving MNIST, generated from MNIST digits by the recipe of
 * Srivastava, Mansimov & Salakhutdinov, "Unsupervised Learning of Video Representations
 * using LSTMs", ICML 2015, arXiv:1502.04681: two 28x28 digits on a 64x64 black canvas,
 * each starting at a uniform position in [0, 36]^2 and moving with a constant speed of
 * 3.6 pixels a frame in a uniform direction, reflected at the canvas edges; the frame is
 * the pixelwise maximum of the two. Positions are rounded to whole pixels.
 *
 * To reach N = 784 neurons (Chaudhry et al. 2023 do not say how), a frame is brought to
 * 28x28 by area averaging: output pixel (r, c) is the mean of the 64x64 frame over the
 * square [16r/7, 16(r+1)/7) x [16c/7, 16(c+1)/7), each input pixel weighted by its
 * covered area (exact rational weights), rounded to the nearest byte. */
#ifndef HOP_MOVMNIST_H
#define HOP_MOVMNIST_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

enum { HOP_MOVMNIST_SIDE = 64, HOP_MOVMNIST_SMALL = 28 };

/* One clip of `frames` 64x64 frames into out (frames, 64, 64), from the digits
 * (count, 28, 28) bytes; the two digits drawn are written to which[2] (may be NULL).
 * HOP_EINVAL for no digits or no frames. */
int hop_movmnist_clip(const unsigned char *digits, size_t count, size_t frames, gsl_rng *r,
                      unsigned char *out, size_t which[2]);
/* A 64x64 frame to 28x28 by area averaging (see above). */
void hop_movmnist_downscale(const unsigned char *in, unsigned char *out);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_corrupt.h: corruptions of images for recall experiments.
 * An image is (c, h, w) floats, channel planes, row-major (the CIFAR-10 layout).
 * A mask marks the components retrieval must keep: 1 = known (clamped), 0 = corrupted. */
#ifndef HOP_CORRUPT_H
#define HOP_CORRUPT_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

/* x (len) += N(0, sigma^2), then clipped to [lo, hi]. sigma >= 0, lo <= hi. */
int hop_corrupt_noise(float *x, size_t len, gsl_rng *r, double sigma, float lo, float hi);

/* Rows h/2 .. h-1 of every channel set to value (the CIFAR students' half mask: rows
 * 16-31 of 32). mask (c*h*w, may be NULL) gets 1 for the kept upper half. */
void hop_corrupt_half(float *x, size_t c, size_t h, size_t w, float value, unsigned char *mask);

/* round(fraction * h*w) pixel positions, drawn without replacement, set to value in
 * every channel. fraction in [0, 1]. mask (c*h*w, may be NULL) as above. */
int hop_corrupt_pixels(float *x, size_t c, size_t h, size_t w, gsl_rng *r, double fraction,
                       float value, unsigned char *mask, size_t *scratch /* (h*w) */);

/* Gaussian blur of every channel: separable kernel exp(-k^2 / 2 sigma^2), |k| <= ceil(3 sigma),
 * normalised to sum 1, edges replicated. sigma > 0; tmp is (h*w) scratch. */
int hop_corrupt_blur(float *x, size_t c, size_t h, size_t w, double sigma, float *tmp);

#endif

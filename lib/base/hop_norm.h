/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_norm.h: normalisation of image data (x is (n, dim) floats). */
#ifndef HOP_NORM_H
#define HOP_NORM_H

#include <stddef.h>
#include "hop_data.h"

/* out (n, dim) = pixels / 255. */
void hop_norm_scale01(const hop_dataset *ds, float *out);

/* Mean and standard deviation of x (n, dim): per_feature = 1 gives dim values each
 * (mean, sd are (dim)), 0 gives one global value each (mean, sd are (1)). sd is
 * floored at eps so constant features do not divide by zero. */
int hop_norm_stats(const float *x, size_t n, size_t dim, int per_feature, double eps, float *mean,
                   float *sd);
/* x = (x - mean) / sd in place with statistics from hop_norm_stats (e.g. of the
 * training set, applied to the test set). */
void hop_norm_apply(float *x, size_t n, size_t dim, int per_feature, const float *mean,
                    const float *sd);

/* x (len) -> +1 where x > threshold, else -1. */
void hop_norm_binarize(float *x, size_t len, float threshold);

/* Grayscale from RGB planes: out (n, h*w) = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601),
 * scaled to [0, 1]. ds must have 3 channels. */
int hop_norm_gray(const hop_dataset *ds, float *out);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_kmeans.h: k-means clustering, k-means++ seeding (Arthur & Vassilvitskii 2007)
 * followed by Lloyd iterations.
 *
 * Seeding: the first centre is a uniformly drawn point; each next one is a point drawn
 * with probability proportional to D(x)^2, its squared distance to the nearest centre so
 * far. Lloyd: assign every point to its nearest centre (squared distances
 * |x|^2 - 2 x.c + |c|^2 through cblas_sgemm, in row blocks), move every centre to the
 * mean of its points (accumulated in double); a centre left without points moves to the
 * point farthest from its own centre (the lowest index on ties). Stops when no
 * assignment changes or after max_iter iterations. Deterministic for a given gsl_rng
 * state and input; the result does not depend on the thread count. */
#ifndef HOP_KMEANS_H
#define HOP_KMEANS_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

typedef struct {
  size_t iterations; /* Lloyd iterations done */
  int converged;     /* 1 if the last iteration changed no assignment */
  double inertia;    /* sum of squared distances to the assigned centres (double) */
  size_t reseeded;   /* empty clusters moved to a far point */
} hop_kmeans_info;

/* x (n, d); centres (k, d) out; assign (n) out, may be NULL; info may be NULL.
 * HOP_EINVAL if k is 0 or larger than n, or d is 0; HOP_EDOM if x holds a non-finite
 * value; HOP_ENOMEM. Allocates its scratch (O((n + k) d)) per call. */
int hop_kmeans(const float *x, size_t n, size_t d, size_t k, size_t max_iter, gsl_rng *r,
               float *centres, size_t *assign, hop_kmeans_info *info);

/* Nearest centre of each of n points (assign (n)) and the sum of squared distances in
 * double, by the same sgemm route; dist2 (n) may be NULL. */
int hop_kmeans_assign(const float *x, size_t n, size_t d, const float *centres, size_t k,
                      size_t *assign, double *dist2, double *inertia);

#endif

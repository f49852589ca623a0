/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_rng.h: seeded, independent gsl_rng streams.
 *
 * All randomness in libhopfield comes from a gsl_rng * passed in by the caller.
 * hop_rng_alloc(seed, stream) gives the generator for one stream of one seed;
 * streams are keyed by integers (e.g. a trial index) so that results do not
 * depend on the number of threads or the order in which streams are used. */
#ifndef HOP_RNG_H
#define HOP_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* 64-bit mix of (seed, stream) (SplitMix64 finaliser; Steele et al. 2014). */
uint64_t hop_rng_derive(uint64_t seed, uint64_t stream);

/* What a random stream is for. The purpose is always the last argument of hop_rng_key,
 * so that streams of different purposes never coincide whatever the other arguments.
 * The values are part of every result's definition: changing one changes the draws of
 * the results that use it (the mhc and cifar_recall purposes keep the numbers they had
 * as bare literals, so that their results of record keep their draws). */
typedef enum {
  HOP_RNG_DRAW_GRAY = 1,       /* cifar_recall: stored set, queries and corruption, gray */
  HOP_RNG_DRAW_RGB = 3,        /* the same, RGB */
  HOP_RNG_CLASSICAL = 7,       /* cifar_recall: draws of the classical baseline */
  HOP_RNG_PATTERNS = 0x101,    /* capacity: the patterns of one trial */
  HOP_RNG_FLIPS = 0x102,       /* capacity: the bits flipped in the starts of one trial */
  HOP_RNG_START = 0x103,       /* capacity: the update order of one start */
  HOP_RNG_TRACE = 0x104,       /* capacity: the traced start of the energy figure */
  HOP_RNG_SPLIT = 0x5711,      /* mhc: validation split and image order of a dataset */
  HOP_RNG_TIMECOURSE = 0x44,   /* mhc: Fig. 4 initial state, then the Fig. 2a noise */
  HOP_RNG_MASK = 0x2b,         /* mhc: initial states of the masked-completion inference */
  HOP_RNG_ODE = 0x0de,         /* mhc: initial states of the Euler / rkf45 comparison */
  HOP_RNG_TRAIN = 0x7a,        /* mhc: an MHC training run (order, weights, states) */
  HOP_RNG_TRAIN_MLP = 0x3f,    /* mhc: an MLP training run */
  HOP_RNG_EVAL = 0xe1,         /* mhc: initial states of an evaluation */
  HOP_RNG_EVAL_NOISE = 0x401,  /* mhc: the noise added to evaluation inputs */
  HOP_RNG_EXAMPLE = 0x106,     /* example: the flips and update order of one job */
  HOP_RNG_CW_GRADIENT = 0x201, /* context_wells: keys, states and betas of the gradient check */
  HOP_RNG_CW_DESCENT = 0x202,  /* context_wells: keys, starts and betas of the descent runs */
  HOP_RNG_CW_KEYS = 0x203,     /* context_wells: the key sets of the well counts */
  HOP_RNG_CW_STARTS = 0x204,   /* context_wells: the starts of one beta of the well counts */
  HOP_RNG_CW_TOKENS = 0x205,   /* context_wells: embedding and projections of the token check */
  HOP_RNG_CW_RECALL = 0x206,   /* context_wells: memory and queries of one recall run */
  HOP_RNG_DENSE = 0x301,       /* capacity_dense: patterns, flips and orders of one trial */
  HOP_RNG_COMPLEX = 0x302,     /* capacity_dense: the random simplicial complex of one seed */
  HOP_RNG_DENSE_TRACE = 0x303, /* capacity_dense: the traced start of each model */
  HOP_RNG_SEQ_FIG1 = 0x501,    /* sequence_memory: the patterns of one Fig. 1 draw */
  HOP_RNG_SEQ_CAP = 0x502,     /* sequence_memory: the sequences of one capacity attempt */
  HOP_RNG_SEQ_MOVMNIST = 0x503, /* sequence_memory: the Moving MNIST clips */
  HOP_RNG_SEQ_NOISE = 0x504,   /* sequence_memory: the noise frame of the kernel runs */
  HOP_RNG_CNN_SPLIT = 0x601,   /* cnn_wells: the validation split of the training images */
  HOP_RNG_CNN_TRAIN = 0x602,   /* cnn_wells: initial weights and batch order of one network */
  HOP_RNG_CNN_KMEANS = 0x603   /* cnn_wells: k-means++ seeding of one class's wells */
} hop_rng_purpose;

/* A stream key from three integers (e.g. dataset, seed, size) and the purpose:
 * hop_rng_derive applied in a chain, the purpose last; except four mhc streams that
 * predate the purposes and had theirs elsewhere in the chain (HOP_RNG_SPLIT first,
 * HOP_RNG_TIMECOURSE, HOP_RNG_MASK and HOP_RNG_ODE third): they keep that place, so that
 * the MHC results of record keep their draws (a new split flips the validation sweep's
 * near-tie between standardisations, and with it several of the paper's verdicts). */
uint64_t hop_rng_key(uint64_t a, uint64_t b, uint64_t c, hop_rng_purpose purpose);

/* A Mersenne Twister (gsl_rng_mt19937) seeded with hop_rng_derive(seed, stream). */
gsl_rng *hop_rng_alloc(uint64_t seed, uint64_t stream);

/* Re-seed an existing generator to (seed, stream): no allocation. */
void hop_rng_reseed(gsl_rng *r, uint64_t seed, uint64_t stream);

/* Fill x (n) with independent +1/-1 values of equal probability. */
void hop_rng_pm1(gsl_rng *r, float *x, size_t n);

#endif

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

/* A stream key from three integers (e.g. dataset, seed, size) and a purpose, what the
 * stream is for: hop_rng_derive applied in a chain, the purpose last. Each program
 * declares its own purposes (an enum of RNG_* values); the values are part of every
 * result's definition, so changing one changes the draws of the results that use it. */
uint64_t hop_rng_key(uint64_t a, uint64_t b, uint64_t c, uint64_t purpose);

/* The chain itself: derive(derive(derive(a, b), c), d). hop_rng_key(a, b, c, p) is
 * hop_rng_chain(a, b, c, p); mhc's four oldest streams keep their purpose elsewhere in
 * the chain (first, or third), so that its results of record keep their draws. */
uint64_t hop_rng_chain(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* A Mersenne Twister (gsl_rng_mt19937) seeded with hop_rng_derive(seed, stream). */
gsl_rng *hop_rng_alloc(uint64_t seed, uint64_t stream);

/* Re-seed an existing generator to (seed, stream): no allocation. */
void hop_rng_reseed(gsl_rng *r, uint64_t seed, uint64_t stream);

/* Fill x (n) with independent +1/-1 values of equal probability. */
void hop_rng_pm1(gsl_rng *r, float *x, size_t n);

#endif

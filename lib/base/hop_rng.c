/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_rng.c: seeded gsl_rng streams. */
#include "hop_rng.h"
#include "hop_error.h"

static uint64_t splitmix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t hop_rng_derive(uint64_t seed, uint64_t stream) {
  return splitmix64(splitmix64(seed) ^ splitmix64(stream + 0x632be59bd9b4e019ULL));
}

static unsigned long seed_word(uint64_t seed, uint64_t stream) {
  /* mt19937 uses 32 bits of its seed; 0 is remapped by GSL to its default. */
  uint64_t d = hop_rng_derive(seed, stream);
  return (unsigned long)((d ^ (d >> 32)) & 0xffffffffUL);
}

uint64_t hop_rng_chain(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  return hop_rng_derive(hop_rng_derive(hop_rng_derive(a, b), c), d);
}

uint64_t hop_rng_key(uint64_t a, uint64_t b, uint64_t c, uint64_t purpose) {
  return hop_rng_chain(a, b, c, purpose);
}

gsl_rng *hop_rng_alloc(uint64_t seed, uint64_t stream) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a gsl_rng");
  gsl_rng_set(r, seed_word(seed, stream));
  return r;
}

void hop_rng_reseed(gsl_rng *r, uint64_t seed, uint64_t stream) {
  gsl_rng_set(r, seed_word(seed, stream));
}

void hop_rng_pm1(gsl_rng *r, float *x, size_t n) {
  for (size_t i = 0; i < n; i++) x[i] = gsl_rng_uniform_int(r, 2) ? 1.0f : -1.0f;
}

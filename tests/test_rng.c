/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/base/hop_rng (seeded, independent streams). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include "hop_rng.h"

Test(rng, same_seed_and_stream_repeat) {
  gsl_rng *a = hop_rng_alloc(2385, 7), *b = hop_rng_alloc(2385, 7);
  for (int i = 0; i < 1000; i++) cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b));
  hop_rng_reseed(a, 2385, 7);
  gsl_rng *c = hop_rng_alloc(2385, 7);
  for (int i = 0; i < 10; i++) cr_assert_eq(gsl_rng_get(a), gsl_rng_get(c));
  gsl_rng_free(a);
  gsl_rng_free(b);
  gsl_rng_free(c);
}

Test(rng, streams_and_seeds_differ) {
  gsl_rng *a = hop_rng_alloc(1, 0), *b = hop_rng_alloc(1, 1), *c = hop_rng_alloc(2, 0);
  int same_ab = 0, same_ac = 0;
  for (int i = 0; i < 100; i++) {
    unsigned long x = gsl_rng_get(a), y = gsl_rng_get(b), z = gsl_rng_get(c);
    same_ab += x == y;
    same_ac += x == z;
  }
  cr_assert_lt(same_ab, 2);
  cr_assert_lt(same_ac, 2);
  cr_assert_neq(hop_rng_derive(0, 0), hop_rng_derive(0, 1));
  cr_assert_neq(hop_rng_derive(0, 1), hop_rng_derive(1, 0));
  gsl_rng_free(a);
  gsl_rng_free(b);
  gsl_rng_free(c);
}

Test(rng, pm1_is_balanced_plus_minus_one) {
  enum { N = 20000 };
  static float x[N];
  gsl_rng *r = hop_rng_alloc(99, 3);
  hop_rng_pm1(r, x, N);
  double s = 0.0;
  int plus = 0;
  for (int i = 0; i < N; i++) {
    cr_assert(x[i] == 1.0f || x[i] == -1.0f);
    s += x[i];
    plus += x[i] > 0;
  }
  cr_assert(plus > 0 && plus < N);
  /* mean of N fair +-1 has sd 1/sqrt(N) = 0.0071: 5 sd bound */
  cr_assert_lt(fabs(s / N), 5.0 / sqrt((double)N));
  gsl_rng_free(r);
}

Test(rng, four_part_keys) {
  /* the chained derivation, and every part matters (including order); 0x104 and 0x103
   * are capacity's trace and start purposes */
  cr_assert_eq(hop_rng_key(1, 2, 3, 0x104),
               hop_rng_derive(hop_rng_derive(hop_rng_derive(1, 2), 3), 0x104));
  uint64_t k = hop_rng_key(1, 2, 3, 0x104);
  cr_assert_neq(k, hop_rng_key(1, 2, 3, 0x103));
  cr_assert_neq(k, hop_rng_key(1, 3, 2, 0x104));
  cr_assert_neq(k, hop_rng_key(0, 2, 3, 0x104));
  /* mhc's four older streams put the purpose first or third through hop_rng_chain */
  cr_assert_eq(hop_rng_chain(0x5711, 4, 0, 0),
               hop_rng_derive(hop_rng_derive(hop_rng_derive(0x5711, 4), 0), 0));
  cr_assert_eq(hop_rng_chain(0, 0, 0x0de, 0),
               hop_rng_derive(hop_rng_derive(hop_rng_derive(0, 0), 0x0de), 0));
  cr_assert_neq(hop_rng_chain(0, 0, 0x0de, 0), hop_rng_key(0, 0, 0, 0x0de));
}

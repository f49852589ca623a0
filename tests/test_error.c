/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/base/hop_error (the one error mechanism). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <string.h>
#include "hop_error.h"

static int fail_line;
static int fails(int k) {
  fail_line = __LINE__ + 1;
  HOP_ERROR(HOP_EINVAL, "k = %d is bad", k);
}

Test(error, records_code_reason_file_and_line) {
  hop_error_clear();
  cr_assert_eq(hop_error_code(), HOP_OK);
  cr_assert_str_empty(hop_error_message());
  cr_assert_eq(fails(42), HOP_EINVAL);
  cr_assert_eq(hop_error_code(), HOP_EINVAL);
  cr_assert_str_eq(hop_error_message(), "k = 42 is bad");
  cr_assert(strstr(hop_error_file(), "test_error.c"));
  cr_assert_eq(hop_error_line(), fail_line);
}

Test(error, long_reason_is_truncated_not_overflowed) {
  char big[2000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  HOP_RAISE(HOP_EIO, "%s", big);
  cr_assert_eq(strlen(hop_error_message()), 511);
}

Test(error, every_code_has_a_name) {
  for (int c = HOP_OK; c <= HOP_EMAXITER; c++)
    cr_assert_str_neq(hop_error_name(c), "unknown error");
  cr_assert_str_eq(hop_error_name(999), "unknown error");
}

/* A reason that quotes the previous one (a caller adding context) reads it whole. */
Test(error, a_reason_may_quote_the_last_one) {
  hop_error_raise(HOP_EIO, "f.c", 1, "inner %s", "reason");
  hop_error_raise(HOP_EINVAL, "g.c", 2, "outer: %s", hop_error_message());
  cr_assert_str_eq(hop_error_message(), "outer: inner reason");
}

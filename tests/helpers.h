/* SPDX-License-Identifier: GPL-3.0-or-later */
/* helpers.h: shared test helpers (temporary directory, file writing). */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh temporary directory (mkdtemp) for one test; path in buf. */
static inline void tmpdir_make(char *buf, size_t n) {
  snprintf(buf, n, "/tmp/hoptest-XXXXXX");
  if (!mkdtemp(buf)) abort();
}

/* Write len bytes to dir/name; returns the path in out. */
static inline void file_write(const char *dir, const char *name, const void *data, size_t len,
                              char *out, size_t n) {
  snprintf(out, n, "%s/%s", dir, name);
  FILE *f = fopen(out, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f)) abort();
}

/* Read a whole small text file into buf (NUL-terminated); returns its length or -1. */
static inline long file_read(const char *path, char *buf, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t r = fread(buf, 1, n - 1, f);
  buf[r] = '\0';
  fclose(f);
  return (long)r;
}

static inline int file_exists(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f) fclose(f);
  return f != NULL;
}

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_file.c: atomic results files. */
#define _POSIX_C_SOURCE 200809L
#include "hop_file.h"
#include "hop_error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct hop_file {
  FILE *f;          /* the temporary file */
  char *tmp, *dst;  /* temporary and final paths */
  int failed;       /* a write failed (sticky) */
};

int hop_file_mkdirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) HOP_ERROR(HOP_EINVAL, "bad directory name '%s'", path);
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0777) && errno != EEXIST)
        HOP_ERROR(HOP_EIO, "cannot create directory '%s': %s", buf, strerror(errno));
      buf[i] = c;
    }
  }
  return HOP_OK;
}

static char *join(const char *dir, const char *prefix, const char *name, const char *suffix) {
  size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s%s%s", dir, prefix, name, suffix);
  return p;
}

hop_file *hop_file_open(const char *dir, const char *name, const char *header) {
  if (hop_file_mkdirs(dir)) return NULL;
  hop_file *f = calloc(1, sizeof *f);
  if (!f) HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a file record");
  f->tmp = join(dir, ".", name, ".tmp");
  f->dst = join(dir, "", name, "");
  if (!f->tmp || !f->dst) {
    hop_file_discard(f);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a path");
  }
  f->f = fopen(f->tmp, "w");
  if (!f->f) {
    HOP_RAISE(HOP_EIO, "cannot create '%s': %s", f->tmp, strerror(errno));
    hop_file_discard(f);
    return NULL;
  }
  if (header && fprintf(f->f, "%s\n", header) < 0) f->failed = 1;
  return f;
}

int hop_file_printf(hop_file *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfprintf(f->f, fmt, ap);
  va_end(ap);
  if (r < 0) f->failed = 1;
  return r < 0 ? HOP_EIO : HOP_OK;
}

FILE *hop_file_stream(hop_file *f) { return f->f; }

int hop_file_csv_field(hop_file *f, const char *s) {
  if (!strpbrk(s, ",\"\n")) return hop_file_printf(f, "%s", s);
  if (fputc('"', f->f) == EOF) f->failed = 1;
  for (const char *p = s; *p; p++) {
    if (*p == '"' && fputc('"', f->f) == EOF) f->failed = 1;
    if (fputc(*p, f->f) == EOF) f->failed = 1;
  }
  if (fputc('"', f->f) == EOF) f->failed = 1;
  return f->failed ? HOP_EIO : HOP_OK;
}

static void file_free(hop_file *f) {
  free(f->tmp);
  free(f->dst);
  free(f);
}

int hop_file_finish(hop_file *const *f, size_t n, int status) {
  for (size_t k = 0; k < n; k++) {
    if (status) hop_file_discard(f[k]);
    else status = hop_file_close(f[k]);
  }
  return status;
}

void hop_file_discard(hop_file *f) {
  if (!f) return;
  if (f->f) {
    fclose(f->f);
    remove(f->tmp);
  }
  file_free(f);
}

int hop_file_close(hop_file *f) {
  int bad = f->failed || ferror(f->f);
  if (fclose(f->f)) bad = 1;
  f->f = NULL;
  if (bad) {
    remove(f->tmp);
    HOP_RAISE(HOP_EIO, "write to '%s' failed", f->tmp);
    file_free(f);
    return HOP_EIO;
  }
  if (rename(f->tmp, f->dst)) {
    int e = errno;
    remove(f->tmp);
    HOP_RAISE(HOP_EIO, "cannot rename '%s' to '%s': %s", f->tmp, f->dst, strerror(e));
    file_free(f);
    return HOP_EIO;
  }
  file_free(f);
  return HOP_OK;
}


/* hop_out.c: atomic results files, claims and manifest. */
#define _POSIX_C_SOURCE 200809L
#include "hop_out.h"
#include "hop_error.h"
#include "hop_math.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct hop_file {
  FILE *f;          /* the temporary file */
  char *tmp, *dst;  /* temporary and final paths */
  int failed;       /* a write failed (sticky) */
};

int hop_mkdirs(const char *path) {
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
  if (hop_mkdirs(dir)) return NULL;
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

/* ---- claims ---------------------------------------------------------------- */

struct hop_claims {
  char *experiment; /* name written in the first column */
  char **fields;    /* (n, 6) strings: id, description, paper, measured, tolerance, verdict */
  size_t n, cap;    /* rows held, rows allocated */
};

hop_claims *hop_claims_new(const char *experiment) {
  hop_claims *c = calloc(1, sizeof *c);
  if (!c || !(c->experiment = strdup(experiment))) {
    free(c);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate claims");
  }
  return c;
}

int hop_claims_add(hop_claims *c, const char *id, const char *description,
                   const char *paper_value, const char *measured_value, const char *tolerance,
                   const char *verdict) {
  if (strcmp(verdict, "reproduced") && strcmp(verdict, "not reproduced") &&
      strcmp(verdict, "beyond paper"))
    HOP_ERROR(HOP_EINVAL, "claim %s: verdict '%s' is not one of reproduced, not reproduced, "
                          "beyond paper", id, verdict);
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 8;
    char **p = realloc(c->fields, cap * 6 * sizeof *p);
    if (!p) HOP_ERROR(HOP_ENOMEM, "cannot grow claims");
    c->fields = p;
    c->cap = cap;
  }
  const char *src[6] = {id, description, paper_value, measured_value, tolerance, verdict};
  char **row = c->fields + 6 * c->n;
  for (int k = 0; k < 6; k++) {
    row[k] = strdup(src[k]);
    if (!row[k]) {
      while (k--) free(row[k]);
      HOP_ERROR(HOP_ENOMEM, "cannot copy a claim");
    }
  }
  c->n++;
  return HOP_OK;
}

int hop_claims_write(const hop_claims *c, const char *dir) {
  hop_file *f = hop_file_open(dir, "claims.csv", HOP_CLAIMS_HEADER);
  if (!f) return hop_error_code();
  for (size_t i = 0; i < c->n; i++) {
    hop_file_csv_field(f, c->experiment);
    for (int k = 0; k < 6; k++) {
      hop_file_printf(f, ",");
      hop_file_csv_field(f, c->fields[6 * i + k]);
    }
    hop_file_printf(f, "\n");
  }
  return hop_file_close(f);
}

void hop_claims_free(hop_claims *c) {
  if (!c) return;
  for (size_t i = 0; i < 6 * c->n; i++) free(c->fields[i]);
  free(c->fields);
  free(c->experiment);
  free(c);
}

const char *hop_verdict(double measured, double paper, double tol) {
  return fabs(measured - paper) <= tol ? "reproduced" : "not reproduced";
}

/* ---- manifest -------------------------------------------------------------- */

/* First line printed by a shell command, or "unknown". */
static void command_line_of(const char *cmd, char *buf, size_t n) {
  snprintf(buf, n, "unknown");
  FILE *p = popen(cmd, "r");
  if (!p) return;
  if (fgets(buf, (int)n, p)) buf[strcspn(buf, "\n")] = '\0';
  else snprintf(buf, n, "unknown");
  if (pclose(p) != 0 || !buf[0]) snprintf(buf, n, "unknown");
}

int hop_manifest_write(const hop_cli *cli, const char *const *datasets, size_t n_datasets) {
  hop_file *f = hop_file_open(cli->out, "manifest.txt", NULL);
  if (!f) return hop_error_code();
  char buf[512];
  hop_file_printf(f, "experiment: %s\ncommand:", cli->name);
  for (int i = 0; i < cli->argc; i++) hop_file_printf(f, " %s", cli->argv[i]);
  hop_file_printf(f, "\nseed: %lu\nquick: %s\nthreads: %ld\n", cli->seed,
                  cli->quick ? "yes" : "no", cli->threads);
  /* the code's revision: generated, tracked outputs (results/, paper/paper.md) being
   * rewritten by this very run do not make it "dirty" */
  command_line_of("r=$(git describe --always --abbrev=12 2>/dev/null) && { git diff --quiet HEAD "
                  "-- . ':(exclude)results' ':(exclude)paper/paper.md' 2>/dev/null && echo \"$r\" "
                  "|| echo \"$r-dirty\"; }", buf, sizeof buf);
  hop_file_printf(f, "git revision: %s\n", buf);
#ifdef __VERSION__
  hop_file_printf(f, "compiler: cc %s\n", __VERSION__);
#endif
  hop_file_printf(f, "blas: %s\nlibhopfield: %s\n", hop_blas_config(), HOP_VERSION);
  for (size_t i = 0; i < n_datasets; i++) {
    char cmd[4200];
    if (strpbrk(datasets[i], "'\\")) {
      hop_file_printf(f, "dataset: %s sha256=unknown (unsafe name)\n", datasets[i]);
      continue;
    }
    snprintf(cmd, sizeof cmd, "sha256sum '%s' 2>/dev/null", datasets[i]);
    command_line_of(cmd, buf, sizeof buf);
    buf[strcspn(buf, " ")] = '\0';
    hop_file_printf(f, "dataset: %s sha256=%s\n", datasets[i], buf);
  }
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  hop_file_printf(f, "finished: %s\nwall time: %.1f s\n", buf, hop_now() - cli->t_start);
  return hop_file_close(f);
}

/* ---- image grids ------------------------------------------------------------ */

int hop_grid_write(const char *dir, const char *name, const float *images, size_t k,
                   size_t channels, size_t h, size_t w, size_t ncols, size_t pad) {
  if (!(channels == 1 || channels == 3) || k == 0 || ncols == 0 || h == 0 || w == 0)
    HOP_ERROR(HOP_EINVAL, "grid %s: k=%zu channels=%zu h=%zu w=%zu ncols=%zu", name, k, channels,
              h, w, ncols);
  size_t nrows = (k + ncols - 1) / ncols;
  size_t width = ncols * w + (ncols + 1) * pad, height = nrows * h + (nrows + 1) * pad;
  hop_file *f = hop_file_open(dir, name, channels == 1 ? "x,y,v" : "x,y,r,g,b");
  if (!f) return hop_error_code();
  for (size_t y = 0; y < height; y++) {
    for (size_t x = 0; x < width; x++) {
      size_t tr = y / (h + pad), tc = x / (w + pad);
      size_t iy = y % (h + pad), ix = x % (w + pad);
      size_t t = tr * ncols + tc;
      int inside = iy >= pad && ix >= pad && tc < ncols && t < k;
      hop_file_printf(f, "%zu,%zu", x, y);
      for (size_t c = 0; c < channels; c++) {
        float v = 1.0f;
        if (inside) v = images[((t * channels + c) * h + (iy - pad)) * w + (ix - pad)];
        v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        hop_file_printf(f, ",%d", (int)lrintf(255.0f * v));
      }
      hop_file_printf(f, "\n");
    }
  }
  return hop_file_close(f);
}

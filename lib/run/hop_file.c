/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_file.c: atomic results files and the staging directory of a run.
 *
 * Linux specifics (Debian is the target): renameat2(RENAME_EXCHANGE) swaps a finished
 * staging directory with the previous run in one step (a plain two-rename fallback
 * where the file system refuses it), and getdents64 lets the signal handler remove a
 * directory tree with async-signal-safe calls only. */
#define _GNU_SOURCE
#include "hop_file.h"
#include "hop_error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct hop_file {
  FILE *f;         /* the temporary file */
  char *tmp, *dst; /* temporary and final paths */
  int failed;      /* a write failed (sticky) */
  int err;         /* errno of the first failure */
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
  /* O_EXCL | O_NOFOLLOW: a file or link planted at the temporary name is refused,
   * never followed or overwritten */
  int fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0 || !(f->f = fdopen(fd, "w"))) {
    int e = errno;
    if (fd >= 0) close(fd);
    HOP_RAISE(HOP_EIO, "cannot create '%s': %s%s", f->tmp, strerror(e),
              e == EEXIST ? " (left by another run, or planted; not overwritten)" : "");
    free(f->tmp), free(f->dst), free(f);
    return NULL;
  }
  if (header && fprintf(f->f, "%s\n", header) < 0) f->failed = 1, f->err = errno;
  return f;
}

int hop_file_printf(hop_file *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfprintf(f->f, fmt, ap);
  va_end(ap);
  if (r < 0 && !f->failed) f->failed = 1, f->err = errno;
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
    if (status)
      hop_file_discard(f[k]);
    else
      status = hop_file_close(f[k]);
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
  if (!f) return hop_error_code() ? hop_error_code() : HOP_RAISE(HOP_EINVAL, "no file to close");
  int bad = f->failed || ferror(f->f), e = f->err;
  errno = 0;
  if (fflush(f->f) && !bad) bad = 1, e = errno;
  if (fclose(f->f) && !bad) bad = 1, e = errno;
  f->f = NULL;
  if (bad) {
    remove(f->tmp);
    HOP_RAISE(HOP_EIO, "cannot write '%s': %s", f->dst, e ? strerror(e) : "write error");
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

/* ---- the staging directory of a run ------------------------------------------------ */

/* One run per process. Paths are fixed before the handlers are installed, so the
 * handler reads only finished strings. */
static struct {
  volatile sig_atomic_t active;
  char stage[PATH_MAX], final[PATH_MAX];
} run;

/* Remove a directory tree with async-signal-safe calls (open, getdents64, unlinkat,
 * close): usable from a signal handler. Depth is limited; what is left stays under
 * the hidden staging name. */
static void remove_tree_at(int parent, const char *name, int depth) {
  if (unlinkat(parent, name, 0) == 0 || (errno != EISDIR && errno != EPERM)) return;
  int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  char buf[4096];
  for (;;) {
    ssize_t n = depth < 8 ? getdents64(fd, buf, sizeof buf) : 0;
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      struct dirent64 *d = (struct dirent64 *)(buf + off);
      off += d->d_reclen;
      if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
        remove_tree_at(fd, d->d_name, depth + 1);
    }
  }
  close(fd);
  unlinkat(parent, name, AT_REMOVEDIR);
}

static void remove_tree(const char *path) { remove_tree_at(AT_FDCWD, path, 0); }

/* The handled signals are blocked while the handler runs (a second SIGTERM, as
 * timeout(1) sends to the process group, waits); the default action is restored only
 * after the cleanup, and the re-raised signal, pending until the handler returns,
 * ends the process with the conventional status. */
static void on_signal(int sig) {
  if (run.active) remove_tree(run.stage);
  run.active = 0;
  signal(sig, SIG_DFL);
  raise(sig);
}

static void at_exit(void) {
  if (run.active) remove_tree(run.stage);
  run.active = 0;
}

/* Stale staging directories of runs that died without cleaning up (SIGKILL, power):
 * .NAME.staging-PID-XXXXXX in the same parent whose PID is gone. */
static void remove_stale(const char *parent) {
  DIR *d = opendir(parent);
  if (!d) return;
  char path[PATH_MAX];
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *tag = strstr(e->d_name, ".staging-");
    if (e->d_name[0] != '.' || !tag || tag == e->d_name) continue;
    char *end;
    long pid = strtol(tag + 9, &end, 10);
    if (*end != '-' || strlen(end) != 7) continue;
    if (pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) continue;
    if (snprintf(path, sizeof path, "%s/%s", parent, e->d_name) < (int)sizeof path)
      remove_tree(path);
  }
  closedir(d);
}

int hop_file_stage_begin(const char *final_dir, const char **stage) {
  if (run.active) HOP_ERROR(HOP_EINVAL, "a staging directory is already open (%s)", run.stage);
  size_t n = strlen(final_dir);
  while (n > 1 && final_dir[n - 1] == '/') n--;
  if (n == 0 || n + 40 >= sizeof run.final)
    HOP_ERROR(HOP_ERANGE, "output directory name is empty or longer than %zu bytes",
              sizeof run.final - 40);
  char final[PATH_MAX], parent[PATH_MAX];
  memcpy(final, final_dir, n);
  final[n] = '\0';
  const char *slash = strrchr(final, '/'), *base = slash ? slash + 1 : final;
  if (!strcmp(base, ".") || !strcmp(base, "..") || !strcmp(final, "/"))
    HOP_ERROR(HOP_EINVAL,
              "output directory '%s' names no directory a run can replace; give a new or a results "
              "directory",
              final_dir);
  if (slash == final)
    snprintf(parent, sizeof parent, "/");
  else if (slash)
    snprintf(parent, sizeof parent, "%.*s", (int)(slash - final), final);
  else
    snprintf(parent, sizeof parent, ".");
  struct stat st;
  if (lstat(final, &st) == 0 && !S_ISDIR(st.st_mode))
    HOP_ERROR(HOP_EINVAL, "output directory '%s' exists and is %s", final,
              S_ISLNK(st.st_mode) ? "a symbolic link (give the directory it points to)"
                                  : "not a directory");
  if (hop_file_mkdirs(parent)) return hop_error_code();
  remove_stale(parent);
  if (snprintf(run.stage, sizeof run.stage, "%s/.%s.staging-%ld-XXXXXX", parent, base,
               (long)getpid()) >= (int)sizeof run.stage)
    HOP_ERROR(HOP_ERANGE, "output directory name '%s' is too long", final);
  if (!mkdtemp(run.stage))
    HOP_ERROR(HOP_EIO, "cannot write in '%s' (the staging directory of '%s'): %s", parent, final,
              strerror(errno));
  memcpy(run.final, final, n + 1);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = 0;
  const int sigs[6] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXCPU, SIGXFSZ};
  sigemptyset(&sa.sa_mask);
  for (int k = 0; k < 6; k++) sigaddset(&sa.sa_mask, sigs[k]);
  static int installed;
  if (!installed) atexit(at_exit), installed = 1;
  run.active = 1;
  for (int k = 0; k < 6;
       k++) { /* a signal ignored by the caller (nohup, a background job) stays ignored */
    struct sigaction old;
    if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaction(sigs[k], &sa, NULL);
  }
  *stage = run.stage;
  return HOP_OK;
}

int hop_file_stage_commit(void) {
  if (!run.active) HOP_ERROR(HOP_EINVAL, "no staging directory is open");
  mode_t mask = umask(0);
  umask(mask);
  if (chmod(run.stage, 0777 & ~mask))
    HOP_ERROR(HOP_EIO, "cannot set the mode of '%s': %s", run.stage, strerror(errno));
  struct stat st;
  int e = 0;
  if (lstat(run.final, &st) == 0) {
    /* one atomic swap: the previous run stays whole until this moment */
    if (renameat2(AT_FDCWD, run.stage, AT_FDCWD, run.final, RENAME_EXCHANGE) == 0) {
      remove_tree(run.stage); /* now the previous run */
      run.active = 0;
      return HOP_OK;
    }
    e = errno;
    if (e != EINVAL && e != ENOSYS && e != ENOTSUP)
      HOP_ERROR(HOP_EIO, "cannot move '%s' into place of '%s': %s", run.stage, run.final,
                strerror(e));
    /* no RENAME_EXCHANGE here: the previous run goes aside first */
    char old[PATH_MAX + 8];
    snprintf(old, sizeof old, "%s.old", run.stage);
    if (rename(run.final, old))
      HOP_ERROR(HOP_EIO, "cannot move the previous '%s' aside: %s", run.final, strerror(errno));
    if (rename(run.stage, run.final)) {
      e = errno;
      rename(old, run.final); /* if even this fails, the previous run stays whole under old */
      HOP_ERROR(HOP_EIO, "cannot move '%s' into place of '%s': %s", run.stage, run.final,
                strerror(e));
    }
    remove_tree(old);
  } else if (rename(run.stage, run.final))
    HOP_ERROR(HOP_EIO, "cannot move '%s' into place of '%s': %s", run.stage, run.final,
              strerror(errno));
  run.active = 0;
  return HOP_OK;
}

void hop_file_stage_abort(void) { at_exit(); }

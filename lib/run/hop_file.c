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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct hop_file {
  FILE *f;         /* the temporary file */
  char *tmp, *dst; /* temporary and final paths */
  int failed;      /* a write failed (sticky) */
  int err;         /* errno of the first failure */
  int sink;        /* a non-writer's file (hop_file_sink): written to /dev/null, never kept */
};

static int sink_all;

void hop_file_sink(int on) { sink_all = on; }

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
  if (sink_all) { /* the same calls, the same errors of its own, nothing on disk */
    hop_file *f = calloc(1, sizeof *f);
    if (!f || !(f->f = fopen("/dev/null", "w"))) {
      free(f);
      HOP_ERROR_NULL(HOP_EIO, "cannot open /dev/null for '%s/%s'", dir, name);
    }
    f->sink = 1;
    return f;
  }
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
    if (!f->sink) remove(f->tmp);
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
  if (f->sink) return file_free(f), HOP_OK;
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
  char stage[PATH_MAX], final[PATH_MAX], owner[128];
  int force, lock, locked;  /* --force; the lock file's descriptor, while held */
  char kept[PATH_MAX + 32]; /* where a --force commit kept what it replaced ("" if nothing) */
} run;

/* The lock file of a staging directory (below, "liveness"). */
#define LOCK_NAME ".lock"

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
      if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
          (depth || strcmp(d->d_name, LOCK_NAME)))
        remove_tree_at(fd, d->d_name, depth + 1);
    }
  }
  unlinkat(fd, LOCK_NAME, 0); /* last: a removal cut short stays known by its lock */
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

static int watch_fd = -1;    /* the watcher's pipe (below), while a staging directory is open */
static pid_t watch_pid = -1; /* and the watcher */

/* The staging directory is gone (committed or removed): its lock goes too, and its
 * watcher, told by EOF, finds nothing to do. */
static void unlock(void) {
  if (run.locked) close(run.lock);
  run.locked = 0;
  if (watch_fd >= 0) close(watch_fd);
  watch_fd = -1;
  /* it exits at once; reaped here, waited for 0.2 s at most (a forked child of ours may
   * still hold the pipe) */
  const struct timespec ms = {0, 1000000};
  for (int k = 0; watch_pid > 0 && k < 200; k++) {
    pid_t r = waitpid(watch_pid, NULL, WNOHANG);
    if (r == watch_pid || (r < 0 && errno != EINTR)) break;
    nanosleep(&ms, NULL);
  }
  watch_pid = -1;
}

static void at_exit(void) {
  if (run.active) remove_tree(run.stage);
  run.active = 0;
  unlock();
}

/* ---- liveness: a lock held for the whole run ---------------------------------------- */

/* The lock file of a staging directory. A run takes an open-file-description lock
 * (F_OFD_SETLK; a plain POSIX lock where the kernel has none) on it before the name
 * ".lock" exists (it is locked under ".lock.new", then renamed), so whoever finds
 * ".lock" finds it locked while the run lives; the kernel drops the lock when the run
 * ends, however it ends. */

static int lock_fd(int fd) {
  struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
#ifdef F_OFD_SETLK
  if (fcntl(fd, F_OFD_SETLK, &l) == 0) return 0;
  if (errno != EINVAL) return -1;
#endif
  return fcntl(fd, F_SETLK, &l);
}

/* Remove the staging directory stage if its lock file is there and its lock is free (its
 * run is dead): 1 when removed, 0 when the lock is held or cannot be tested, -1 when there
 * is no lock file (committed, removed, or not a run's: kept). Async-signal-safe. */
static int remove_if_dead(const char *stage) {
  char lock[PATH_MAX + 16];
  size_t n = strlen(stage);
  if (n + sizeof "/" LOCK_NAME > sizeof lock) return -1;
  memcpy(lock, stage, n), memcpy(lock + n, "/" LOCK_NAME, sizeof "/" LOCK_NAME);
  int fd = open(lock, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  int r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? lock_fd(fd) == 0 : -1;
  if (r == 1) remove_tree(stage);
  close(fd); /* the lock, if taken, goes with it */
  return r;
}

/* ---- the watcher: removal after a death no handler sees -------------------------- */

/* A run killed outright (SIGKILL; mpirun sends it milliseconds after SIGTERM, before the
 * handler is done) cannot clean up, so begin starts a watcher: a child process in a
 * session of its own (signals to the run's process group miss it), with every descriptor
 * closed but the read end of a pipe whose write end only the run holds. When that end
 * reads EOF the run has closed it (committed or removed, then nothing is left to do) or
 * died. The watcher then removes the staging directory under the same rule as the sweep
 * of stale ones: only when its lock file is there and its lock can be taken, which it can
 * once the run's descriptors are closed (tried for up to 2 s). A result directory has no
 * lock file, so what a commit swapped in or out is never touched. It calls only
 * async-signal-safe functions, as a child of a threaded process must. */
static void watcher(int rd, const char *stage) {
  setsid();
  signal(SIGINT, SIG_IGN), signal(SIGHUP, SIG_IGN), signal(SIGPIPE, SIG_IGN);
  if (close_range(0, (unsigned)rd - 1, 0) || close_range((unsigned)rd + 1, ~0u, 0))
    for (int fd = 0; fd < 1024; fd++)
      if (fd != rd) close(fd);
  char c;
  while (read(rd, &c, 1) != 0 && errno == EINTR) continue;
  const struct timespec pause = {0, 10000000};
  for (int k = 0; k < 200 && remove_if_dead(stage) == 0; k++) nanosleep(&pause, NULL);
  _exit(0);
}

/* Start the watcher of run.stage (best effort: without one, the next run's sweep still
 * removes what a killed run left). */
static void watch(void) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC)) return;
  pid_t pid = fork();
  if (pid == 0) watcher(fds[0], run.stage);
  close(fds[0]);
  if (pid < 0) {
    close(fds[1]);
    return;
  }
  watch_fd = fds[1], watch_pid = pid;
}

/* This host's name, reduced to [A-Za-z0-9-] (at most 32 bytes), for staging names. */
static void host_tag(char *buf, size_t n) {
  char h[256] = "";
  if (gethostname(h, sizeof h - 1) || !h[0]) snprintf(h, sizeof h, "host");
  size_t k = 0;
  for (const char *p = h; *p && k + 1 < n && k < 32; p++)
    buf[k++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
                   ? *p
                   : '-';
  buf[k] = '\0';
}

/* 1 when tag is ".staging-HOST-PID-XXXXXX" for this host exactly (prefix
 * ".staging-HOST-"): the host "node" never takes "node-2"'s directories. */
static int own_name(const char *tag, const char *prefix) {
  size_t n = strlen(prefix), k = n;
  if (strncmp(tag, prefix, n)) return 0;
  while (tag[k] >= '0' && tag[k] <= '9') k++;
  return k > n && tag[k] == '-' && strlen(tag + k + 1) == 6 && !strchr(tag + k + 1, '-');
}

/* Stale staging directories of runs that died without cleaning up (SIGKILL, power):
 * .NAME.staging-HOST-PID-XXXXXX in the same parent, of this host, whose lock nobody
 * holds. A directory with no lock file, of another host (whose lock a file system
 * without shared locks would show free), or whose lock cannot be tested is kept: when
 * in doubt, nothing is deleted. */
static void remove_stale(const char *parent, const char *host) {
  DIR *d = opendir(parent);
  if (!d) return;
  char path[PATH_MAX], prefix[64];
  snprintf(prefix, sizeof prefix, ".staging-%s-", host);
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *tag = strstr(e->d_name, ".staging-");
    if (e->d_name[0] != '.' || !tag || tag == e->d_name) continue;
    if (!own_name(tag, prefix)) continue; /* another host's, or an old name */
    if (snprintf(path, sizeof path, "%s/%s", parent, e->d_name) < (int)sizeof path)
      remove_if_dead(path);
  }
  closedir(d);
}

/* ---- what --out may name ------------------------------------------------------------- */

/* 1 when dir holds a manifest.txt of a run of owner ("experiment: OWNER" first). */
static int manifest_of(const char *dir, const char *owner) {
  char path[PATH_MAX], head[256];
  if (snprintf(path, sizeof path, "%s/manifest.txt", dir) >= (int)sizeof path) return 0;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st;
  ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head - 1) : -1;
  close(fd);
  if (n <= 0) return 0;
  head[n] = '\0';
  char want[200];
  snprintf(want, sizeof want, "experiment: %s\n", owner);
  return strncmp(head, want, strlen(want)) == 0;
}

/* What is in dir: 0 when empty; else the count of entries and the first name. */
static long dir_entries(const char *dir, char *first, size_t n) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  long k = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      if (k++ == 0) snprintf(first, n, "%s", e->d_name);
  closedir(d);
  return k;
}

/* 1 when dir may be replaced without --force: empty, or a result directory of owner. */
static int ours(const char *dir, const char *owner) {
  char first[8];
  return dir_entries(dir, first, sizeof first) == 0 || manifest_of(dir, owner);
}

/* HOP_OK when the existing directory final (st) may be replaced by a run of owner: it
 * is empty or a result directory of owner, it can be written, and it can be renamed
 * (not a mount point); anything not ours only under force. */
static int may_replace(const char *final, const char *parent, const struct stat *st,
                       const char *owner, int force) {
  struct stat ps;
  int mount_root = stat(parent, &ps) == 0 && ps.st_dev != st->st_dev;
#ifdef STATX_ATTR_MOUNT_ROOT /* a bind mount on the same device */
  struct statx sx;
  if (statx(AT_FDCWD, final, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
      (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
    mount_root |= (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
#endif
  if (mount_root)
    HOP_ERROR(HOP_EINVAL,
              "output directory '%s' is a mount point, which a finished run cannot be moved "
              "onto; give a directory inside it",
              final);
  /* not writable by this user, or by nobody at all (a read-only mode that root could
   * override is still the owner's word) */
  if (access(final, W_OK | X_OK) || (st->st_mode & 0222) == 0)
    HOP_ERROR(HOP_EINVAL, "output directory '%s' is read-only (mode %03o)%s; it is never replaced",
              final, (unsigned)(st->st_mode & 0777), access(final, W_OK) ? " for you" : "");
  char first[256] = "";
  long k = dir_entries(final, first, sizeof first);
  if (k < 0)
    HOP_ERROR(HOP_EINVAL, "output directory '%s' cannot be read: %s", final, strerror(errno));
  if (!force && k > 0 && !manifest_of(final, owner)) /* not ours(): the entries are counted */
    HOP_ERROR(HOP_EINVAL,
              "output directory '%s' holds %ld entr%s ('%s'%s) and is not a result directory of "
              "%s (no manifest.txt of one); give a new or empty directory, or --force to keep "
              "its contents beside it as '%s.replaced-*'",
              final, k, k == 1 ? "y" : "ies", first, k > 1 ? ", ..." : "", owner, final);
  return HOP_OK;
}

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = 0;
  const int sigs[6] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXCPU, SIGXFSZ};
  sigemptyset(&sa.sa_mask);
  for (int k = 0; k < 6; k++) sigaddset(&sa.sa_mask, sigs[k]);
  static int installed;
  if (!installed) atexit(at_exit), installed = 1;
  for (int k = 0; k < 6; k++) { /* a signal ignored by the caller (nohup) stays ignored */
    struct sigaction old;
    if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaction(sigs[k], &sa, NULL);
  }
}

/* Make the staging directory and take its lock (run.stage, run.lock). */
static int make_stage(const char *parent, const char *base, const char *host) {
  if (snprintf(run.stage, sizeof run.stage, "%s/.%s.staging-%s-%ld-XXXXXX", parent, base, host,
               (long)getpid()) >= (int)sizeof run.stage)
    HOP_ERROR(HOP_ERANGE, "output directory name '%s/%s' is too long", parent, base);
  if (!mkdtemp(run.stage))
    HOP_ERROR(HOP_EIO, "cannot write in '%s' (the staging directory of '%s/%s'): %s", parent,
              parent, base, strerror(errno));
  /* the watcher first: forked after the lock, it would hold a copy of the lock's open file
   * until it ran, and a run killed meanwhile would look alive to the sweep (seen under
   * ASan, where the watcher was not yet scheduled) */
  watch();
  char fresh[PATH_MAX + 16], lock[PATH_MAX + 16];
  snprintf(fresh, sizeof fresh, "%s/" LOCK_NAME ".new", run.stage);
  snprintf(lock, sizeof lock, "%s/" LOCK_NAME, run.stage);
  int fd = open(fresh, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || lock_fd(fd) || rename(fresh, lock)) {
    int e = errno;
    if (fd >= 0) close(fd);
    remove_tree(run.stage);
    unlock(); /* the watcher, which finds nothing */
    HOP_ERROR(HOP_EIO, "cannot lock the staging directory '%s': %s", run.stage, strerror(e));
  }
  run.lock = fd, run.locked = 1; /* held, open, until the run ends */
  return HOP_OK;
}

int hop_file_stage_begin(const char *final_dir, const char *owner, int force, const char **stage) {
  if (run.active) HOP_ERROR(HOP_EINVAL, "a staging directory is already open (%s)", run.stage);
  size_t n = strlen(final_dir);
  while (n > 1 && final_dir[n - 1] == '/') n--;
  if (n == 0 || n + 80 >= sizeof run.final)
    HOP_ERROR(HOP_ERANGE, "output directory name is empty or longer than %zu bytes",
              sizeof run.final - 80);
  for (size_t k = 0; k < n; k++)
    if ((unsigned char)final_dir[k] < 0x20 || final_dir[k] == 0x7f)
      HOP_ERROR(HOP_EINVAL, "output directory name holds a control character (byte %zu)", k);
  char final[PATH_MAX], parent[PATH_MAX], host[40];
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
  int exists = lstat(final, &st) == 0;
  if (exists && !S_ISDIR(st.st_mode))
    HOP_ERROR(HOP_EINVAL, "output directory '%s' exists and is %s", final,
              S_ISLNK(st.st_mode) ? "a symbolic link (give the directory it points to)"
                                  : "not a directory");
  if (exists && may_replace(final, parent, &st, owner, force)) return hop_error_code();
  if (hop_file_mkdirs(parent)) return hop_error_code();
  host_tag(host, sizeof host);
  remove_stale(parent, host);
  if (make_stage(parent, base, host)) return hop_error_code();
  memcpy(run.final, final, n + 1);
  snprintf(run.owner, sizeof run.owner, "%s", owner);
  run.kept[0] = '\0';
  run.force = force;
  run.active = 1;
  install_handlers();
  *stage = run.stage;
  return HOP_OK;
}

/* A free visible name beside final for what a --force run replaces: FINAL.replaced-N. */
static int aside_name(char *buf, size_t n) {
  struct stat st;
  for (int k = 1; k < 1000; k++) {
    snprintf(buf, n, "%s.replaced-%d", run.final, k);
    if (lstat(buf, &st) && errno == ENOENT) return HOP_OK;
  }
  HOP_ERROR(HOP_EIO, "no free name '%s.replaced-N' for the previous contents", run.final);
}

int hop_file_stage_commit(void) {
  if (!run.active) HOP_ERROR(HOP_EINVAL, "no staging directory is open");
  mode_t mask = umask(0);
  umask(mask);
  if (chmod(run.stage, 0777 & ~mask))
    HOP_ERROR(HOP_EIO, "cannot set the mode of '%s': %s", run.stage, strerror(errno));
  char lock[PATH_MAX + 16], aside[PATH_MAX + 32];
  snprintf(lock, sizeof lock, "%s/" LOCK_NAME, run.stage);
  unlink(lock); /* the result carries no lock file; the lock stays held on the open file */
  struct stat st;
  if (lstat(run.final, &st) == 0) {
    /* what is there now (it may have changed during the run) is deleted only when it is
     * ours: empty or a result of this program; anything else is kept aside, visibly */
    int keep = !(S_ISDIR(st.st_mode) && ours(run.final, run.owner));
    if (keep && !run.force) {
      run.active = 0; /* the finished run stays, named in the message */
      HOP_ERROR(HOP_EIO,
                "'%s' changed during the run and is no longer a result directory of %s; it is "
                "kept, and the finished run is left in '%s'",
                run.final, run.owner, run.stage);
    }
    if (keep && aside_name(aside, sizeof aside)) return hop_error_code();
    /* one atomic swap: the previous run stays whole until this moment */
    if (renameat2(AT_FDCWD, run.stage, AT_FDCWD, run.final, RENAME_EXCHANGE) == 0) {
      run.active = 0; /* run.stage now holds the previous contents */
      unlock();
      if (!keep)
        remove_tree(run.stage); /* the previous run of this program */
      else if (rename(run.stage, aside))
        HOP_ERROR(HOP_EIO, "the previous contents of '%s' are kept in '%s' (not renamed: %s)",
                  run.final, run.stage, strerror(errno));
      else
        snprintf(run.kept, sizeof run.kept, "%s", aside);
      return HOP_OK;
    }
    int e = errno;
    if (e != EINVAL && e != ENOSYS && e != ENOTSUP)
      HOP_ERROR(HOP_EIO, "cannot move '%s' into place of '%s': %s", run.stage, run.final,
                strerror(e));
    /* no RENAME_EXCHANGE here: the previous run goes aside first */
    if (!keep) snprintf(aside, sizeof aside, "%s.old", run.stage);
    if (rename(run.final, aside))
      HOP_ERROR(HOP_EIO, "cannot move the previous '%s' aside: %s", run.final, strerror(errno));
    if (rename(run.stage, run.final)) {
      e = errno;
      rename(aside, run.final); /* if even this fails, the previous run stays whole aside */
      HOP_ERROR(HOP_EIO, "cannot move '%s' into place of '%s': %s", run.stage, run.final,
                strerror(e));
    }
    if (!keep) remove_tree(aside);
    if (keep) snprintf(run.kept, sizeof run.kept, "%s", aside);
  } else if (rename(run.stage, run.final))
    HOP_ERROR(HOP_EIO, "cannot move '%s' into place of '%s': %s", run.stage, run.final,
              strerror(errno));
  run.active = 0;
  unlock();
  return HOP_OK;
}

const char *hop_file_stage_kept(void) { return run.kept[0] ? run.kept : NULL; }

void hop_file_stage_abort(void) { at_exit(); }

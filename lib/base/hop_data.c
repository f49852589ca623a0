/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_data.c: IDX and CIFAR-10 loaders with full validation; normalisation helpers. */
#define _POSIX_C_SOURCE 200809L
#include "hop_data.h"

#include <gsl/gsl_randist.h>
#include "hop_error.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

void (*hop_data_after_size_check)(const char *path) = NULL;

static void after_size_check(const char *path) {
  if (hop_data_after_size_check) hop_data_after_size_check(path);
}

int hop_data_open_file(const char *path, struct stat *st) {
  /* O_NONBLOCK: opening a FIFO (or a device) never waits for a writer */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return HOP_RAISE(HOP_EIO, "%s: cannot open: %s", path, strerror(errno)), -1;
  struct stat s;
  int got = fstat(fd, &s) == 0, e = errno;
  if (!got || !S_ISREG(s.st_mode)) {
    close(fd);
    if (got) return HOP_RAISE(HOP_EIO, "%s: not a regular file", path), -1;
    return HOP_RAISE(HOP_EIO, "%s: cannot stat: %s", path, strerror(e)), -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  if (st) *st = s;
  return fd;
}

int hop_data_fits(double bytes, double fraction, const char *what) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  double phys = pages > 0 && size > 0 ? (double)pages * (double)size : INFINITY;
  if (!(bytes <= phys * fraction))
    HOP_ERROR(HOP_ETOOBIG,
              "%s needs %.1f GiB, more than %.0f %% of this machine's %.1f GiB of memory", what,
              bytes / 1073741824.0, 100 * fraction, phys / 1073741824.0);
  /* an address-space limit (ulimit -v): OpenBLAS spins instead of failing when its
   * buffers do not fit, so the process's present size and its reserve count too */
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    double now = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long vm;
    if (f && fscanf(f, "%lu", &vm) == 1 && size > 0) now = (double)vm * (double)size;
    if (f) fclose(f);
    double need = bytes + fmax(now + HOP_DATA_VM_RESERVE, HOP_DATA_VM_FLOOR),
           lim = (double)rl.rlim_cur;
    if (need > lim)
      HOP_ERROR(HOP_ETOOBIG,
                "%s needs about %.0f MiB of address space (%.0f MiB of data; the process holds "
                "%.0f MiB and OpenBLAS "
                "and its threads take %.0f MiB more, at least %.0f MiB in all), above this "
                "process's limit of %.0f MiB "
                "(ulimit -v)",
                what, need / 1048576.0, bytes / 1048576.0, now / 1048576.0,
                HOP_DATA_VM_RESERVE / 1048576.0, HOP_DATA_VM_FLOOR / 1048576.0, lim / 1048576.0);
  }
  return HOP_OK;
}

static FILE *open_stream(const char *path, struct stat *st) {
  int fd = hop_data_open_file(path, st);
  if (fd < 0) return NULL;
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    close(fd);
    HOP_ERROR_NULL(HOP_EIO, "%s: cannot open: %s", path, strerror(errno));
  }
  return f;
}

/* Read exactly want bytes from g into a buffer grown as data arrives.
 * Returns the buffer (NULL with an error recorded if short, unreadable or
 * followed by trailing bytes). */
static unsigned char *read_exact(gzFile g, const char *path, size_t want, const char *what) {
  size_t cap = want < (1u << 20) ? want : (1u << 20), got = 0;
  unsigned char *buf = malloc(cap ? cap : 1);
  if (!buf) HOP_ERROR_NULL(HOP_ENOMEM, "%s: cannot allocate %zu bytes", path, cap);
  while (got < want) {
    if (got == cap) {
      size_t ncap = cap * 2 < want ? cap * 2 : want;
      unsigned char *nb = realloc(buf, ncap);
      if (!nb) {
        free(buf);
        HOP_ERROR_NULL(HOP_ENOMEM, "%s: cannot allocate %zu bytes", path, ncap);
      }
      buf = nb;
      cap = ncap;
    }
    size_t chunk = cap - got < (1u << 30) ? cap - got : (1u << 30);
    int r = gzread(g, buf + got, (unsigned)chunk);
    if (r < 0) {
      int err;
      const char *msg = gzerror(g, &err);
      free(buf);
      HOP_ERROR_NULL(HOP_EIO, "%s: read error (%s)", path, msg);
    }
    if (r == 0) {
      free(buf);
      HOP_ERROR_NULL(HOP_EFORMAT, "%s: truncated: %s needs %zu bytes, file has %zu", path, what,
                     want, got);
    }
    got += (size_t)r;
  }
  return buf;
}

static int expect_eof(gzFile g, const char *path) {
  unsigned char extra;
  int r = gzread(g, &extra, 1);
  if (r < 0) {
    int err;
    HOP_ERROR(HOP_EIO, "%s: read error (%s)", path, gzerror(g, &err));
  }
  if (r > 0) HOP_ERROR(HOP_EFORMAT, "%s: wrong length: trailing bytes after the data", path);
  return HOP_OK;
}

int hop_data_idx_read(const char *path, hop_data_idx *out) {
  memset(out, 0, sizeof *out);
  struct stat st;
  int fd = hop_data_open_file(path, &st);
  if (fd < 0) return HOP_EIO;
  gzFile g = gzdopen(fd, "rb");
  if (!g) {
    close(fd);
    HOP_ERROR(HOP_EIO, "%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
  }
  int status = HOP_OK;
  unsigned char head[4], *data = NULL;
  int r = gzread(g, head, 4);
  if (r != 4) {
    status = HOP_RAISE(HOP_EFORMAT, "%s: truncated: no 4-byte IDX magic", path);
    goto done;
  }
  int is_plain = gzdirect(g); /* valid once something was read */
  if (head[0] != 0 || head[1] != 0) {
    status = HOP_RAISE(HOP_EFORMAT, "%s: bad magic %02x %02x %02x %02x (IDX starts with 00 00)",
                       path, head[0], head[1], head[2], head[3]);
    goto done;
  }
  if (head[2] != 0x08) {
    status = HOP_RAISE(HOP_EFORMAT,
                       "%s: data type 0x%02x not supported (only 0x08, unsigned "
                       "byte)",
                       path, head[2]);
    goto done;
  }
  if (head[3] < 1 || head[3] > HOP_DATA_IDX_MAX_RANK) {
    status =
        HOP_RAISE(HOP_EFORMAT, "%s: rank %u outside 1..%d", path, head[3], HOP_DATA_IDX_MAX_RANK);
    goto done;
  }
  out->rank = head[3];
  unsigned char dbytes[4 * HOP_DATA_IDX_MAX_RANK];
  r = gzread(g, dbytes, 4 * out->rank);
  if (r != (int)(4 * out->rank)) {
    status =
        HOP_RAISE(HOP_EFORMAT, "%s: truncated header: %u dimensions announced", path, out->rank);
    goto done;
  }
  size_t count = 1;
  for (unsigned k = 0; k < out->rank; k++) {
    uint32_t d = (uint32_t)dbytes[4 * k] << 24 | (uint32_t)dbytes[4 * k + 1] << 16 |
                 (uint32_t)dbytes[4 * k + 2] << 8 | dbytes[4 * k + 3];
    if (d == 0) {
      status = HOP_RAISE(HOP_EFORMAT, "%s: dimension %u is zero", path, k);
      goto done;
    }
    if (count > HOP_DATA_MAX_BYTES / d) {
      status = HOP_RAISE(HOP_ERANGE, "%s: absurd dimensions: the product exceeds %zu bytes", path,
                         HOP_DATA_MAX_BYTES);
      goto done;
    }
    out->dims[k] = d;
    count *= d;
  }
  /* A plain file's length is known before allocation. */
  if (is_plain && (uintmax_t)st.st_size != (uintmax_t)(4 + 4 * out->rank + count)) {
    status = HOP_RAISE(HOP_EFORMAT,
                       "%s: wrong length: header announces %zu data bytes, file "
                       "holds %jd",
                       path, count, (intmax_t)st.st_size - 4 - 4 * out->rank);
    goto done;
  }
  after_size_check(path);
  if ((status = hop_data_fits((double)count, 0.8, path))) goto done;
  data = read_exact(g, path, count, "the data");
  if (!data) {
    status = hop_error_code();
    goto done;
  }
  if ((status = expect_eof(g, path))) goto done;
  out->count = count;
  out->data = data;
  data = NULL;
done:
  free(data);
  gzclose(g);
  if (status) memset(out, 0, sizeof *out);
  return status;
}

void hop_data_idx_free(hop_data_idx *idx) {
  free(idx->data);
  memset(idx, 0, sizeof *idx);
}

void hop_data_free(hop_dataset *ds) {
  free(ds->x);
  free(ds->y);
  memset(ds, 0, sizeof *ds);
}

int hop_data_mnist_load(const char *images_path, const char *labels_path, hop_dataset *out) {
  memset(out, 0, sizeof *out);
  hop_data_idx im, lb;
  int s = hop_data_idx_read(images_path, &im);
  if (s) return s;
  if (im.rank != 3) {
    unsigned rank = im.rank;
    hop_data_idx_free(&im);
    HOP_ERROR(HOP_EFORMAT, "%s: images need rank 3 (n, rows, cols), file has rank %u", images_path,
              rank);
  }
  if ((s = hop_data_idx_read(labels_path, &lb))) {
    hop_data_idx_free(&im);
    return s;
  }
  if (lb.rank != 1 || lb.dims[0] != im.dims[0]) {
    size_t nl = lb.dims[0], ni = im.dims[0];
    unsigned rl = lb.rank;
    hop_data_idx_free(&im);
    hop_data_idx_free(&lb);
    HOP_ERROR(HOP_EFORMAT, "%s: labels (rank %u, %zu items) do not match %zu images of %s",
              labels_path, rl, nl, ni, images_path);
  }
  for (size_t i = 0; i < lb.count; i++)
    if (lb.data[i] > 9) {
      unsigned v = lb.data[i];
      hop_data_idx_free(&im);
      hop_data_idx_free(&lb);
      HOP_ERROR(HOP_EFORMAT, "%s: label %u of item %zu is not in 0..9", labels_path, v, i);
    }
  out->n = im.dims[0];
  out->channels = 1;
  out->height = im.dims[1];
  out->width = im.dims[2];
  out->dim = im.dims[1] * im.dims[2];
  out->x = im.data;
  out->y = lb.data;
  out->n_classes = 10;
  return HOP_OK;
}

#define CIFAR_RECORD 3073u

int hop_data_cifar_load(const char *const *paths, size_t n_paths, size_t max_n, hop_dataset *out) {
  memset(out, 0, sizeof *out);
  if (n_paths == 0) HOP_ERROR(HOP_EINVAL, "CIFAR-10: no batch files given");
  size_t total = 0;
  off_t sizes[64];
  if (n_paths > 64) HOP_ERROR(HOP_EINVAL, "CIFAR-10: %zu batch files, at most 64", n_paths);
  for (size_t k = 0; k < n_paths; k++) {
    struct stat st;
    int fd = hop_data_open_file(paths[k], &st);
    if (fd < 0) return HOP_EIO;
    close(fd);
    if (st.st_size == 0 || st.st_size % CIFAR_RECORD)
      HOP_ERROR(HOP_EFORMAT,
                "%s: wrong length: %jd bytes is not a positive multiple of the "
                "%u-byte record",
                paths[k], (intmax_t)st.st_size, CIFAR_RECORD);
    if ((size_t)st.st_size > HOP_DATA_MAX_BYTES)
      HOP_ERROR(HOP_ERANGE, "%s: larger than %zu bytes", paths[k], HOP_DATA_MAX_BYTES);
    sizes[k] = st.st_size;
    total += (size_t)st.st_size / CIFAR_RECORD;
  }
  size_t n = max_n && max_n < total ? max_n : total;
  for (size_t k = 0; k < n_paths; k++) after_size_check(paths[k]);
  if (hop_data_fits((double)n * 3073.0, 0.8, paths[0])) return HOP_ETOOBIG;
  out->x = malloc(n * 3072u);
  out->y = malloc(n);
  if (!out->x || !out->y) {
    hop_data_free(out);
    HOP_ERROR(HOP_ENOMEM, "CIFAR-10: cannot allocate %zu images", n);
  }
  size_t i = 0;
  unsigned char rec[CIFAR_RECORD];
  for (size_t k = 0; k < n_paths && i < n; k++) {
    FILE *f = open_stream(paths[k], NULL);
    if (!f) {
      hop_data_free(out);
      return HOP_EIO;
    }
    size_t r, first = i, in_file = (size_t)sizes[k] / CIFAR_RECORD;
    while (i < n && (r = fread(rec, 1, CIFAR_RECORD, f)) > 0) {
      if (r != CIFAR_RECORD || rec[0] > 9) {
        fclose(f);
        hop_data_free(out);
        if (r != CIFAR_RECORD)
          HOP_ERROR(HOP_EFORMAT, "%s: truncated record %zu (file changed while read?)", paths[k],
                    i);
        HOP_ERROR(HOP_EFORMAT, "%s: label %u of record %zu is not in 0..9", paths[k], rec[0], i);
      }
      out->y[i] = rec[0];
      memcpy(out->x + i * 3072u, rec + 1, 3072u);
      i++;
    }
    /* the file must hold what its size promised when checked: read to the end (or to
     * max_n) and compare, so a file changed in between never yields unread records */
    int bad = ferror(f) ? (errno ? errno : EIO) : 0,
        grew = i < n ? 0 : (i - first == in_file && fgetc(f) != EOF);
    fclose(f);
    if (bad) {
      hop_data_free(out);
      HOP_ERROR(HOP_EIO, "%s: read error: %s", paths[k], strerror(bad));
    }
    if ((i < n && i - first != in_file) ||
        (i == n && i - first < in_file && k + 1 == n_paths && !max_n) || grew) {
      size_t got = i - first;
      hop_data_free(out);
      HOP_ERROR(
          HOP_EFORMAT,
          "%s: read %zu records where its size promised %zu%s: the file changed while being read",
          paths[k], got, in_file, grew ? " (and it grew)" : "");
    }
  }
  if (i != n) {
    hop_data_free(out);
    HOP_ERROR(
        HOP_EFORMAT,
        "CIFAR-10: read %zu of the %zu records the files promised: a file changed while being read",
        i, n);
  }
  out->n = n;
  out->channels = 3;
  out->height = out->width = 32;
  out->dim = 3072;
  out->n_classes = 10;
  return HOP_OK;
}

int hop_data_expect(const hop_dataset *ds, const char *path, size_t channels, size_t height,
                    size_t width, size_t min_n, const char *why) {
  if (ds->channels != channels || ds->height != height || ds->width != width)
    HOP_ERROR(HOP_EFORMAT,
              "%s: images of %zu x %zu x %zu (channels x height x width); this experiment needs "
              "%zu x %zu x %zu",
              path, ds->channels, ds->height, ds->width, channels, height, width);
  if (ds->n < min_n)
    HOP_ERROR(HOP_EINVAL, "%s: %zu records, but %s needs %zu", path, ds->n,
              why ? why : "the experiment", min_n);
  return HOP_OK;
}

const char *hop_data_dir(void) {
  const char *d = getenv("HOPFIELD_DATA_DIR");
  return d && *d ? d : "data";
}

int hop_data_path(char *buf, size_t n, const char *relative) {
  int r = snprintf(buf, n, "%s/%s", hop_data_dir(), relative);
  if (r < 0 || (size_t)r >= n) HOP_ERROR(HOP_ERANGE, "data path too long: %s", relative);
  return HOP_OK;
}

int hop_data_frames_load(const char *path, size_t width, size_t height, size_t max_frames,
                         hop_dataset *out) {
  memset(out, 0, sizeof *out);
  if (width == 0 || height == 0 || width > 4096 || height > 4096)
    HOP_ERROR(HOP_EINVAL, "%s: frame size %zu x %zu outside 1..4096", path, width, height);
  size_t frame = width * height;
  struct stat st;
  FILE *f = open_stream(path, &st);
  if (!f) return HOP_EIO;
  size_t bytes = (size_t)st.st_size;
  if (bytes == 0 || bytes % frame || bytes > HOP_DATA_MAX_BYTES) {
    fclose(f);
    if (bytes > HOP_DATA_MAX_BYTES)
      HOP_ERROR(HOP_ERANGE, "%s: %zu bytes exceed the loader's limit of %zu", path, bytes,
                HOP_DATA_MAX_BYTES);
    HOP_ERROR(HOP_EFORMAT,
              "%s: %zu bytes is not a whole number of %zu x %zu frames (%zu bytes each): truncated "
              "or another size",
              path, bytes, width, height, frame);
  }
  size_t n = bytes / frame;
  if (max_frames && n > max_frames) n = max_frames;
  after_size_check(path);
  if (hop_data_fits((double)(n * frame), 0.8, path)) return fclose(f), HOP_ETOOBIG;
  unsigned char *x = malloc(n * frame);
  if (!x) {
    fclose(f);
    HOP_ERROR(HOP_ENOMEM, "%s: cannot allocate %zu frames", path, n);
  }
  size_t got = fread(x, frame, n, f);
  int extra = max_frames == 0 && got == n && fgetc(f) != EOF; /* the file grew since stat */
  int err = ferror(f) ? (errno ? errno : EIO) : 0;
  fclose(f);
  if (err) {
    free(x);
    HOP_ERROR(HOP_EIO, "%s: read error: %s", path, strerror(err));
  }
  if (got != n || extra) {
    free(x);
    HOP_ERROR(
        HOP_EFORMAT,
        "%s: read %zu of the %zu frames its size promised%s: the file changed while being read",
        path, got, n, extra ? " and then more" : "");
  }
  out->n = n, out->channels = 1, out->height = height, out->width = width, out->dim = frame,
  out->x = x;
  return HOP_OK;
}

/* The catalogue (hop_data.h). */
static const struct {
  const char *dir, *suffix; /* under the data directory; IDX files: a suffix (".gz") */
  int cifar;                /* 1: CIFAR-10 binary batches, 0: IDX images and labels */
  size_t channels, side;
  const char *train[5], *test; /* CIFAR: the training batches in order, the test batch */
} catalogue[HOP_DATA_N_SETS] = {
    {"mnist", "", 0, 1, 28, {NULL}, NULL},
    {"fashion-mnist", ".gz", 0, 1, 28, {NULL}, NULL},
    {"cifar-10",
     "",
     1,
     3,
     32,
     {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
      "data_batch_5.bin"},
     "test_batch.bin"},
    {"cifar-10-jpeg75",
     "",
     1,
     3,
     32,
     {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
      "data_batch_5.bin"},
     "test_batch.bin"},
    {"cifar-10-subset", "", 1, 3, 32, {"data_batch_1_first4000.bin"}, "test_batch_first1000.bin"},
};

static int add_file(hop_data_part *p, const char *dir, const char *name, const char *suffix) {
  char rel[256];
  snprintf(rel, sizeof rel, "%s/%s%s", dir, name, suffix);
  return hop_data_path(p->files[p->n_files++], sizeof p->files[0], rel);
}

int hop_data_open(hop_data_set set, int part, size_t max_n, size_t min_n, const char *why,
                  hop_data_part *out) {
  memset(out, 0, sizeof *out);
  if ((unsigned)set >= HOP_DATA_N_SETS || (part != HOP_DATA_TRAIN && part != HOP_DATA_TEST))
    HOP_ERROR(HOP_EINVAL, "no dataset %d, part %d in the catalogue", (int)set, part);
  const char *dir = catalogue[set].dir;
  int st = HOP_OK;
  if (!catalogue[set].cifar) {
    const char *stem = part == HOP_DATA_TRAIN ? "train" : "t10k";
    char img[64], lab[64];
    snprintf(img, sizeof img, "%s-images-idx3-ubyte", stem);
    snprintf(lab, sizeof lab, "%s-labels-idx1-ubyte", stem);
    if (!(st = add_file(out, dir, img, catalogue[set].suffix)) &&
        !(st = add_file(out, dir, lab, catalogue[set].suffix)))
      st = hop_data_mnist_load(out->files[0], out->files[1], &out->d);
  } else {
    size_t nb = 0;
    if (part == HOP_DATA_TEST)
      st = add_file(out, dir, catalogue[set].test, "");
    else /* the batches max_n needs (10,000 records each), or all */
      for (; nb < 5 && catalogue[set].train[nb] && !st && (max_n == 0 || nb * 10000 < max_n); nb++)
        st = add_file(out, dir, catalogue[set].train[nb], "");
    const char *paths[HOP_DATA_MAX_FILES];
    for (size_t k = 0; k < out->n_files; k++) paths[k] = out->files[k];
    if (!st) st = hop_data_cifar_load(paths, out->n_files, max_n, &out->d);
  }
  if (!st && !catalogue[set].cifar && max_n && out->d.n > max_n) out->d.n = max_n;
  if (!st)
    st = hop_data_expect(&out->d, out->files[0], catalogue[set].channels, catalogue[set].side,
                         catalogue[set].side, min_n, why);
  if (st) hop_data_part_free(out);
  return st;
}

void hop_data_part_free(hop_data_part *p) { hop_data_free(&p->d); }

int hop_data_present(hop_data_set set) {
  hop_data_part p = {0};
  if ((unsigned)set >= HOP_DATA_N_SETS ||
      add_file(&p, catalogue[set].dir,
               catalogue[set].cifar ? catalogue[set].train[0] : "train-images-idx3-ubyte",
               catalogue[set].suffix))
    return 0;
  int fd = hop_data_open_file(p.files[0], NULL);
  if (fd >= 0) close(fd);
  hop_error_clear();
  return fd >= 0;
}

int hop_data_split(size_t n, size_t n_val, size_t n_train, gsl_rng *r, size_t *perm) {
  if (n_val > n || n_train > n - n_val)
    HOP_ERROR(HOP_EINVAL, "%zu records: too few for %zu validation and %zu training records", n,
              n_val, n_train);
  for (size_t i = 0; i < n; i++) perm[i] = i;
  if (r) gsl_ran_shuffle(r, perm, n, sizeof *perm);
  return HOP_OK;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/base/hop_data (IDX and CIFAR-10 loaders on files written here, including
 * corrupted ones that must fail cleanly; normalisation helpers). */
#include "helpers.h"
#include <criterion/criterion.h>
#include <math.h>
#include <unistd.h>
#include <zlib.h>
#include "hop_data.h"
#include "hop_norm.h"
#include "hop_error.h"

static char dir[64];
static void setup(void) { tmpdir_make(dir, sizeof dir); }
TestSuite(data, .init = setup);

/* An IDX file: magic 00 00 08 rank, big-endian dims, then payload. */
static size_t idx_bytes(unsigned char *buf, unsigned rank, const unsigned *dims,
                        const unsigned char *payload, size_t len) {
  size_t k = 0;
  buf[k++] = 0;
  buf[k++] = 0;
  buf[k++] = 0x08;
  buf[k++] = (unsigned char)rank;
  for (unsigned d = 0; d < rank; d++) {
    buf[k++] = (unsigned char)(dims[d] >> 24);
    buf[k++] = (unsigned char)(dims[d] >> 16);
    buf[k++] = (unsigned char)(dims[d] >> 8);
    buf[k++] = (unsigned char)dims[d];
  }
  memcpy(buf + k, payload, len);
  return k + len;
}

static void gz_write(const char *path, const unsigned char *data, size_t len) {
  gzFile g = gzopen(path, "wb");
  if (!g || gzwrite(g, data, (unsigned)len) != (int)len || gzclose(g) != Z_OK) abort();
}

/* 3 images of 2x3 and their labels. */
static unsigned char pix[18], lab[3] = {7, 0, 9};
static void images_and_labels(char *ip, char *lp, int gz) {
  unsigned char buf[128];
  unsigned d3[3] = {3, 2, 3}, d1[1] = {3};
  for (int i = 0; i < 18; i++) pix[i] = (unsigned char)(13 * i + 5);
  size_t n = idx_bytes(buf, 3, d3, pix, 18);
  if (gz) {
    snprintf(ip, 256, "%s/img.gz", dir);
    gz_write(ip, buf, n);
  } else
    file_write(dir, "img", buf, n, ip, 256);
  n = idx_bytes(buf, 1, d1, lab, 3);
  file_write(dir, "lab", buf, n, lp, 256);
}

Test(data, idx_plain_and_gz_read_back) {
  for (int gz = 0; gz <= 1; gz++) {
    char ip[256], lp[256];
    images_and_labels(ip, lp, gz);
    hop_dataset ds;
    cr_assert_eq(hop_data_mnist_load(ip, lp, &ds), HOP_OK, "%s", hop_error_message());
    cr_assert_eq(ds.n, 3);
    cr_assert_eq(ds.height, 2);
    cr_assert_eq(ds.width, 3);
    cr_assert_eq(ds.dim, 6);
    cr_assert_eq(ds.channels, 1);
    cr_assert_arr_eq(ds.x, pix, 18);
    cr_assert_arr_eq(ds.y, lab, 3);
    hop_data_free(&ds);
  }
}

/* Each corrupted file must fail with the given status and a message naming the file. */
static void expect_idx_error(const unsigned char *bytes, size_t len, int gz, int code,
                             const char *words) {
  char path[256];
  if (gz) {
    snprintf(path, sizeof path, "%s/bad.gz", dir);
    gz_write(path, bytes, len);
  } else
    file_write(dir, "bad", bytes, len, path, sizeof path);
  hop_data_idx idx;
  int s = hop_data_idx_read(path, &idx);
  cr_assert_eq(s, code, "expected %d got %d: %s", code, s, hop_error_message());
  cr_assert_null(idx.data);
  cr_assert(strstr(hop_error_message(), path), "message '%s' names no file", hop_error_message());
  cr_assert(strstr(hop_error_message(), words), "message '%s' lacks '%s'", hop_error_message(),
            words);
}

Test(data, idx_corrupted_files_fail_cleanly) {
  unsigned char buf[256], payload[64] = {0};
  unsigned d2[2] = {4, 4};
  for (int gz = 0; gz <= 1; gz++) {
    size_t n = idx_bytes(buf, 2, d2, payload, 16);
    buf[0] = 0x12; /* bad magic */
    expect_idx_error(buf, n, gz, HOP_EFORMAT, "bad magic");
    n = idx_bytes(buf, 2, d2, payload, 16);
    buf[2] = 0x0D; /* float type */
    expect_idx_error(buf, n, gz, HOP_EFORMAT, "not supported");
    n = idx_bytes(buf, 2, d2, payload, 16);
    buf[3] = 0; /* rank 0 */
    expect_idx_error(buf, n, gz, HOP_EFORMAT, "rank");
    buf[3] = 9; /* rank 9 */
    expect_idx_error(buf, n, gz, HOP_EFORMAT, "rank");
    n = idx_bytes(buf, 2, d2, payload, 10); /* truncated payload */
    expect_idx_error(buf, n, gz, HOP_EFORMAT, gz ? "truncated" : "wrong length");
    n = idx_bytes(buf, 2, d2, payload, 20); /* trailing bytes */
    expect_idx_error(buf, n, gz, HOP_EFORMAT, "wrong length");
    expect_idx_error(buf, 6, gz, HOP_EFORMAT, "truncated header"); /* header cut */
    expect_idx_error(buf, 2, gz, HOP_EFORMAT, "truncated");        /* not even a magic */
    unsigned zero[2] = {4, 0};
    n = idx_bytes(buf, 2, zero, payload, 0);
    expect_idx_error(buf, n, gz, HOP_EFORMAT, "zero");
    unsigned absurd[3] = {4000000000u, 4000000000u, 28}; /* product overflows */
    n = idx_bytes(buf, 3, absurd, payload, 16);
    expect_idx_error(buf, n, gz, HOP_ERANGE, "absurd");
    unsigned big[1] = {1u << 30}; /* 1 GiB claimed, 16 bytes present: no 1 GiB allocation */
    n = idx_bytes(buf, 1, big, payload, 16);
    expect_idx_error(buf, n, gz, HOP_EFORMAT, gz ? "truncated" : "wrong length");
  }
}

Test(data, idx_missing_file_and_directory) {
  hop_data_idx idx;
  char p[300];
  snprintf(p, sizeof p, "%s/none", dir);
  cr_assert_eq(hop_data_idx_read(p, &idx), HOP_EIO);
  cr_assert(strstr(hop_error_message(), "none"));
  cr_assert_eq(hop_data_idx_read(dir, &idx), HOP_EIO);
}

Test(data, mnist_mismatched_or_bad_labels_fail) {
  char ip[256], lp[256];
  images_and_labels(ip, lp, 0);
  unsigned char buf[64], l4[4] = {1, 2, 3, 4}, bad[3] = {1, 10, 3};
  unsigned d1[1] = {4};
  size_t n = idx_bytes(buf, 1, d1, l4, 4);
  file_write(dir, "lab4", buf, n, lp, sizeof lp);
  hop_dataset ds;
  cr_assert_eq(hop_data_mnist_load(ip, lp, &ds), HOP_EFORMAT);
  cr_assert(strstr(hop_error_message(), "do not match"));
  d1[0] = 3;
  n = idx_bytes(buf, 1, d1, bad, 3);
  file_write(dir, "labbad", buf, n, lp, sizeof lp);
  cr_assert_eq(hop_data_mnist_load(ip, lp, &ds), HOP_EFORMAT);
  cr_assert(strstr(hop_error_message(), "label 10"));
  cr_assert_eq(hop_data_mnist_load(lp, lp, &ds), HOP_EFORMAT); /* rank 1 as images */
  cr_assert(strstr(hop_error_message(), "rank 3"));
  cr_assert_null(ds.x);
}

static unsigned char rec[3 * 3073];
static void cifar_records(void) {
  for (int r = 0; r < 3; r++) {
    rec[r * 3073] = (unsigned char)(r * 4 + 1);
    for (int j = 0; j < 3072; j++) rec[r * 3073 + 1 + j] = (unsigned char)((j * 7 + r * 31) & 255);
  }
}

Test(data, cifar_reads_batches_in_order) {
  cifar_records();
  char p1[256], p2[256];
  file_write(dir, "b1.bin", rec, 2 * 3073, p1, sizeof p1);
  file_write(dir, "b2.bin", rec + 2 * 3073, 3073, p2, sizeof p2);
  const char *paths[2] = {p1, p2};
  hop_dataset ds;
  cr_assert_eq(hop_data_cifar_load(paths, 2, 0, &ds), HOP_OK, "%s", hop_error_message());
  cr_assert_eq(ds.n, 3);
  cr_assert_eq(ds.dim, 3072);
  for (int r = 0; r < 3; r++) {
    cr_assert_eq(ds.y[r], r * 4 + 1);
    cr_assert_arr_eq(ds.x + r * 3072, rec + r * 3073 + 1, 3072);
  }
  hop_data_free(&ds);
  cr_assert_eq(hop_data_cifar_load(paths, 2, 2, &ds), HOP_OK);
  cr_assert_eq(ds.n, 2);
  hop_data_free(&ds);
}

Test(data, cifar_bad_files_fail_cleanly) {
  cifar_records();
  char p[256];
  const char *paths[1] = {p};
  hop_dataset ds;
  file_write(dir, "short.bin", rec, 3073 + 100, p, sizeof p);
  cr_assert_eq(hop_data_cifar_load(paths, 1, 0, &ds), HOP_EFORMAT);
  cr_assert(strstr(hop_error_message(), "wrong length") &&
            strstr(hop_error_message(), "short.bin"));
  file_write(dir, "empty.bin", rec, 0, p, sizeof p);
  cr_assert_eq(hop_data_cifar_load(paths, 1, 0, &ds), HOP_EFORMAT);
  rec[3073] = 200; /* label of record 1 */
  file_write(dir, "label.bin", rec, 2 * 3073, p, sizeof p);
  cr_assert_eq(hop_data_cifar_load(paths, 1, 0, &ds), HOP_EFORMAT);
  cr_assert(strstr(hop_error_message(), "label 200"));
  cr_assert_null(ds.x);
  snprintf(p, sizeof p, "%s/missing.bin", dir);
  cr_assert_eq(hop_data_cifar_load(paths, 1, 0, &ds), HOP_EIO);
  cr_assert_eq(hop_data_cifar_load(paths, 0, 0, &ds), HOP_EINVAL);
}

/* A file that changes between the size check and the read (the loaders' hook runs in
 * that window): the load fails naming the file, and never returns unread records. */
static long change_to; /* new length in bytes; -1: append a record */
static void change_file(const char *path) {
  if (change_to >= 0) {
    if (truncate(path, change_to)) abort();
  } else {
    FILE *f = fopen(path, "ab");
    if (!f || fwrite(rec, 1, 3073, f) != 3073) abort();
    fclose(f);
  }
}

Test(data, a_file_that_changes_between_check_and_read_is_refused) {
  cifar_records();
  char p[256];
  const char *paths[1] = {p};
  hop_dataset ds;
  hop_data_after_size_check = change_file;
  long cases[3] = {3073, 0, -1}; /* shrinks to one record, to nothing, grows by one */
  for (int c = 0; c < 3; c++) {
    file_write(dir, "changing.bin", rec, 2 * 3073, p, sizeof p);
    change_to = cases[c];
    cr_assert_eq(hop_data_cifar_load(paths, 1, 0, &ds), HOP_EFORMAT, "case %d", c);
    cr_assert(strstr(hop_error_message(), "changing.bin") && strstr(hop_error_message(), "changed"),
              "%s", hop_error_message());
    cr_assert_null(ds.x);
  }
  /* the raw video frames, and a plain IDX file larger than zlib's buffer */
  file_write(dir, "frames.raw", rec, 2 * 3073, p, sizeof p); /* 2 frames of 3073 bytes */
  change_to = 3073;
  cr_assert_eq(hop_data_frames_load(p, 3073, 1, 0, &ds), HOP_EFORMAT);
  cr_assert(strstr(hop_error_message(), "changed"), "%s", hop_error_message());
  static unsigned char idx[16 + 100 * 784], zeros[100 * 784];
  unsigned dims[3] = {100, 28, 28};
  size_t n = idx_bytes(idx, 3, dims, zeros, sizeof zeros);
  file_write(dir, "big-idx", idx, n, p, sizeof p);
  change_to = 20000;
  hop_data_idx im;
  cr_assert_eq(hop_data_idx_read(p, &im), HOP_EFORMAT);
  cr_assert(strstr(hop_error_message(), "truncated"), "%s", hop_error_message());
  cr_assert_null(im.data);
  hop_data_after_size_check = NULL;
}

Test(data, what_an_experiment_needs_is_checked_with_named_files) {
  hop_dataset ds = {.n = 50, .channels = 1, .height = 28, .width = 28, .dim = 784};
  cr_assert_eq(hop_data_expect(&ds, "train.idx", 1, 28, 28, 50, NULL), HOP_OK);
  cr_assert_eq(hop_data_expect(&ds, "train.idx", 3, 32, 32, 1, NULL), HOP_EFORMAT);
  cr_assert(strstr(hop_error_message(), "train.idx: images of 1 x 28 x 28") &&
                strstr(hop_error_message(), "needs 3 x 32 x 32"),
            "%s", hop_error_message());
  ds.width = 20; /* not square: never read as 28 x 28 */
  cr_assert_eq(hop_data_expect(&ds, "t10k.idx", 1, 28, 28, 1, NULL), HOP_EFORMAT);
  ds.width = 28;
  cr_assert_eq(hop_data_expect(&ds, "batch.bin", 1, 28, 28, 100, "the students' P = 100"),
               HOP_EINVAL);
  cr_assert(
      strstr(hop_error_message(), "batch.bin: 50 records, but the students' P = 100 needs 100"),
      "%s", hop_error_message());
}

Test(data, normalisation_helpers) {
  unsigned char px[6] = {0, 51, 255, 102, 204, 153};
  hop_dataset ds = {.n = 2, .channels = 1, .height = 1, .width = 3, .dim = 3, .x = px};
  float x[6], mean[3], sd[3], gm, gs;
  hop_norm_scale01(&ds, x);
  cr_assert_float_eq(x[1], 0.2f, 1e-7);
  cr_assert_float_eq(x[2], 1.0f, 1e-7);
  /* per feature: column 0 = {0, 0.4} mean 0.2 sd 0.2 */
  cr_assert_eq(hop_norm_stats(x, 2, 3, 1, 1e-8, mean, sd), HOP_OK);
  cr_assert_float_eq(mean[0], 0.2f, 1e-7);
  cr_assert_float_eq(sd[0], 0.2f, 1e-7);
  cr_assert_float_eq(mean[2], 0.8f, 1e-7);
  cr_assert_float_eq(sd[2], 0.2f, 1e-7);
  /* global: values 0,.2,1,.4,.8,.6: mean .5, population sd sqrt(0.35/3) */
  cr_assert_eq(hop_norm_stats(x, 2, 3, 0, 1e-8, &gm, &gs), HOP_OK);
  cr_assert_float_eq(gm, 0.5f, 1e-7);
  cr_assert_float_eq(gs, (float)sqrt(0.35 / 3.0), 1e-7);
  hop_norm_apply(x, 2, 3, 1, mean, sd);
  cr_assert_float_eq(x[0], -1.0f, 1e-6);
  cr_assert_float_eq(x[3], 1.0f, 1e-6);
  float c[4] = {3, 3, 3, 3}, cm, cs; /* a constant feature: sd floored at eps */
  cr_assert_eq(hop_norm_stats(c, 4, 1, 1, 0.5, &cm, &cs), HOP_OK);
  cr_assert_float_eq(cs, 0.5f, 1e-7);
  cr_assert_eq(hop_norm_stats(c, 0, 1, 1, 0.5, &cm, &cs), HOP_EINVAL);
  float b[4] = {-0.5f, 0.0f, 0.25f, 3.0f};
  hop_norm_binarize(b, 4, 0.0f);
  cr_assert(b[0] == -1.0f && b[1] == -1.0f && b[2] == 1.0f && b[3] == 1.0f);
  unsigned char rgb[3] = {255, 0, 0}; /* one red pixel */
  hop_dataset cd = {.n = 1, .channels = 3, .height = 1, .width = 1, .dim = 3, .x = rgb};
  float g;
  cr_assert_eq(hop_norm_gray(&cd, &g), HOP_OK);
  cr_assert_float_eq(g, 0.299f, 1e-6);
  cr_assert_eq(hop_norm_gray(&ds, &g), HOP_EINVAL);
}

Test(data, data_dir_honours_environment) {
  char buf[64];
  unsetenv("HOPFIELD_DATA_DIR");
  cr_assert_eq(hop_data_path(buf, sizeof buf, "mnist/x"), HOP_OK);
  cr_assert_str_eq(buf, "data/mnist/x");
  setenv("HOPFIELD_DATA_DIR", "/srv/d", 1);
  cr_assert_eq(hop_data_path(buf, sizeof buf, "mnist/x"), HOP_OK);
  cr_assert_str_eq(buf, "/srv/d/mnist/x");
  cr_assert_eq(hop_data_path(buf, 8, "mnist/x"), HOP_ERANGE);
  unsetenv("HOPFIELD_DATA_DIR");
}

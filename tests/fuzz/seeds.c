/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Seed corpora of the fuzz targets: small valid files of every format, written into
 * DIR/<target>/ (usage: seeds DIR). Built against libhopfield like the tests. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "hop_cnn.h"

static void put(const char *dir, const char *target, const char *name, const void *data,
                size_t len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, target);
  mkdir(path, 0777);
  snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
    perror(path);
    exit(1);
  }
}

/* An IDX file of unsigned bytes: magic 00 00 08 rank, big-endian dims, payload. */
static size_t idx(unsigned char *b, unsigned rank, const uint32_t *dims) {
  size_t k = 0, n = 1;
  b[k++] = 0, b[k++] = 0, b[k++] = 8, b[k++] = (unsigned char)rank;
  for (unsigned d = 0; d < rank; d++, n *= dims[d - 1])
    for (int s = 24; s >= 0; s -= 8) b[k++] = (unsigned char)(dims[d] >> s);
  for (size_t i = 0; i < n; i++) b[k++] = (unsigned char)(i * 37 % 10);
  return k;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: seeds DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  mkdir(dir, 0777);
  unsigned char b[4096];
  uint32_t img[3] = {3, 4, 4}, lab[1] = {3};
  size_t n = idx(b, 3, img);
  put(dir, "fuzz_idx", "images.idx", b, n);
  put(dir, "fuzz_idx_gz", "images.idx", b, n);
  uLongf zn = sizeof b / 2; /* a gzip stream of the same file */
  unsigned char z[2048];
  z_stream s;
  memset(&s, 0, sizeof s);
  if (deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 1;
  s.next_in = b, s.avail_in = (uInt)n, s.next_out = z, s.avail_out = (uInt)zn;
  if (deflate(&s, Z_FINISH) != Z_STREAM_END) return 1;
  put(dir, "fuzz_idx", "images.idx.gz", z, s.total_out);
  deflateEnd(&s);
  n = idx(b, 1, lab);
  put(dir, "fuzz_idx", "labels.idx", b, n);
  put(dir, "fuzz_idx_gz", "labels.idx", b, n);
  unsigned char rec[2 * 3073]; /* two CIFAR-10 records */
  for (size_t i = 0; i < sizeof rec; i++)
    rec[i] = (unsigned char)(i % 3073 == 0 ? (i / 3073) * 7 : i * 13);
  put(dir, "fuzz_cifar", "two.bin", rec, sizeof rec);
  unsigned char fr[2 + 24] = {4, 3}; /* 4 x 3 frames, no limit: two frames */
  for (size_t i = 2; i < sizeof fr; i++) fr[i] = (unsigned char)(i * 29);
  put(dir, "fuzz_frames", "two.raw", fr, sizeof fr);
  const hop_cnn_arch a = {1, 1, 1, 2};
  hop_cnn *net = hop_cnn_alloc(&a);
  if (!net) return 1;
  for (size_t i = 0; i < net->n_params; i++) net->params[i] = (float)i / 100.0f;
  size_t len = hop_cnn_encoded_size(net);
  unsigned char *w = malloc(len);
  if (!w || hop_cnn_encode(net, 42, w, len)) return 1;
  put(dir, "fuzz_cnn", "tiny.bin", w, len);
  free(w), hop_cnn_free(net);
  return 0;
}

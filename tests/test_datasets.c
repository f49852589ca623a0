/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Integration tests: the loaders on the real datasets placed by `make data`, checked
 * against independent published facts (counts, label histograms) and, for the JPEG-75
 * CIFAR-10 copy, against the exact subset (labels equal, mean pixel error 5.81 levels,
 * as measured when the copy was made; see data/README.md). Skipped, saying so, without the data. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hop_data.h"
#include "hop_error.h"

static int have(const char *rel) {
  char p[512];
  if (hop_data_path(p, sizeof p, rel)) return 0;
  FILE *f = fopen(p, "rb");
  if (f) fclose(f);
  return f != NULL;
}

#define NEED(rel)                                                             \
  do {                                                                        \
    if (!have(rel)) cr_skip_test("dataset %s missing: run `make data`", rel); \
  } while (0)

static void load_idx_pair(const char *img, const char *lab, hop_dataset *ds) {
  char ip[512], lp[512];
  hop_data_path(ip, sizeof ip, img);
  hop_data_path(lp, sizeof lp, lab);
  cr_assert_eq(hop_data_mnist_load(ip, lp, ds), HOP_OK, "%s", hop_error_message());
}

Test(datasets, mnist_counts_and_test_label_histogram) {
  NEED("mnist/t10k-images-idx3-ubyte");
  hop_dataset tr, te;
  load_idx_pair("mnist/train-images-idx3-ubyte", "mnist/train-labels-idx1-ubyte", &tr);
  load_idx_pair("mnist/t10k-images-idx3-ubyte", "mnist/t10k-labels-idx1-ubyte", &te);
  cr_assert(tr.n == 60000 && te.n == 10000 && tr.height == 28 && tr.width == 28);
  /* MNIST test label counts (LeCun et al.; also torchvision's documentation) */
  const size_t want[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
  size_t got[10] = {0};
  for (size_t i = 0; i < te.n; i++) got[te.y[i]]++;
  for (int c = 0; c < 10; c++) cr_assert_eq(got[c], want[c], "class %d", c);
  hop_data_free(&tr);
  hop_data_free(&te);
}

Test(datasets, fashion_mnist_gz_balanced_classes) {
  NEED("fashion-mnist/t10k-images-idx3-ubyte.gz");
  hop_dataset te;
  load_idx_pair("fashion-mnist/t10k-images-idx3-ubyte.gz",
                "fashion-mnist/t10k-labels-idx1-ubyte.gz", &te);
  cr_assert(te.n == 10000 && te.dim == 784);
  size_t got[10] = {0};
  for (size_t i = 0; i < te.n; i++) got[te.y[i]]++;
  for (int c = 0; c < 10; c++) cr_assert_eq(got[c], 1000);
  hop_data_free(&te);
}

Test(datasets, cifar_jpeg75_copy_agrees_with_exact_subset) {
  NEED("cifar-10-jpeg75/data_batch_1.bin");
  NEED("cifar-10-subset/data_batch_1_first4000.bin");
  char a[512], b[512];
  hop_data_path(a, sizeof a, "cifar-10-jpeg75/data_batch_1.bin");
  hop_data_path(b, sizeof b, "cifar-10-subset/data_batch_1_first4000.bin");
  const char *pa[1] = {a}, *pb[1] = {b};
  hop_dataset approx, exact;
  cr_assert_eq(hop_data_cifar_load(pa, 1, 4000, &approx), HOP_OK, "%s", hop_error_message());
  cr_assert_eq(hop_data_cifar_load(pb, 1, 0, &exact), HOP_OK, "%s", hop_error_message());
  cr_assert_eq(exact.n, 4000);
  double err = 0.0;
  for (size_t i = 0; i < 4000; i++) {
    cr_assert_eq(approx.y[i], exact.y[i], "label of image %zu", i);
    for (size_t j = 0; j < 3072; j++)
      err += fabs((double)approx.x[i * 3072 + j] - exact.x[i * 3072 + j]);
  }
  err /= 4000.0 * 3072.0;
  cr_assert(fabs(err - 5.81) < 0.01, "mean absolute pixel error %.3f, SOURCE.md says 5.81", err);
  hop_data_free(&approx);
  hop_data_free(&exact);
}

Test(datasets, cifar_all_batches_load_balanced) {
  NEED("cifar-10-jpeg75/test_batch.bin");
  const char *names[6] = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                          "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
  char paths[6][512];
  const char *p[6];
  for (int k = 0; k < 6; k++) {
    char rel[64];
    snprintf(rel, sizeof rel, "cifar-10-jpeg75/%s", names[k]);
    hop_data_path(paths[k], sizeof paths[k], rel);
    p[k] = paths[k];
  }
  hop_dataset tr, te;
  cr_assert_eq(hop_data_cifar_load(p, 5, 0, &tr), HOP_OK, "%s", hop_error_message());
  cr_assert_eq(hop_data_cifar_load(p + 5, 1, 0, &te), HOP_OK);
  cr_assert(tr.n == 50000 && te.n == 10000);
  size_t got[10] = {0};
  for (size_t i = 0; i < tr.n; i++) got[tr.y[i]]++;
  for (int c = 0; c < 10; c++) cr_assert_eq(got[c], 5000);
  hop_data_free(&tr);
  hop_data_free(&te);
}

/* The catalogue names the same files, checks the shapes and counts, and reads only the
 * CIFAR batches a record limit needs. */
Test(datasets, catalogue_opens_parts_and_checks_them) {
  NEED("mnist/t10k-images-idx3-ubyte");
  hop_data_part p;
  cr_assert_eq(hop_data_open(HOP_DATA_MNIST, HOP_DATA_TEST, 0, 10000, "all", &p), HOP_OK, "%s",
               hop_error_message());
  cr_assert(p.d.n == 10000 && p.d.channels == 1 && p.d.width == 28 && p.n_files == 2);
  cr_assert(strstr(p.files[0], "mnist/t10k-images-idx3-ubyte") &&
            strstr(p.files[1], "mnist/t10k-labels-idx1-ubyte"));
  hop_data_part_free(&p);
  cr_assert_eq(hop_data_open(HOP_DATA_MNIST, HOP_DATA_TEST, 0, 10001, "--many", &p), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "--many"), "%s", hop_error_message());
  cr_assert_eq(hop_data_open(HOP_DATA_MNIST, 7, 0, 1, NULL, &p), HOP_EINVAL);
  cr_assert(hop_data_present(HOP_DATA_MNIST));
  if (!have("cifar-10-jpeg75/data_batch_1.bin")) return;
  cr_assert_eq(hop_data_open(HOP_DATA_CIFAR_JPEG75, HOP_DATA_TRAIN, 10000, 1, NULL, &p), HOP_OK);
  cr_assert(p.n_files == 1 && p.d.n == 10000 && p.d.channels == 3 && p.d.height == 32,
            "a limit of one batch reads one file (%zu files, %zu records)", p.n_files, p.d.n);
  hop_data_part_free(&p);
  cr_assert_eq(hop_data_open(HOP_DATA_CIFAR_JPEG75, HOP_DATA_TRAIN, 10001, 1, NULL, &p), HOP_OK);
  cr_assert(p.n_files == 2 && p.d.n == 10001);
  hop_data_part_free(&p);
}

Test(datasets, validation_split) {
  size_t perm[10];
  cr_assert_eq(hop_data_split(10, 4, 7, NULL, perm), HOP_EINVAL, "4 + 7 rows of 10");
  cr_assert_eq(hop_data_split(10, 4, 6, NULL, perm), HOP_OK);
  for (size_t i = 0; i < 10; i++) cr_assert_eq(perm[i], i, "no generator: the identity");
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  cr_assert_eq(hop_data_split(10, 4, 6, r, perm), HOP_OK);
  size_t seen = 0, moved = 0;
  for (size_t i = 0; i < 10; i++) seen |= (size_t)1 << perm[i], moved += perm[i] != i;
  cr_assert(seen == 0x3ff && moved > 0, "a permutation that moves something");
  gsl_rng_free(r);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_data.h: dataset loaders (IDX through zlib, CIFAR-10 binary).
 *
 * Loaders validate every header field before allocating (magic, type, rank,
 * dimensions, counts, overflow of their product, file length); a bad file gives
 * HOP_EFORMAT / HOP_EIO / HOP_ERANGE with a message naming the file and the
 * problem. Memory grows with the data actually read, never with a header's claim. */
#ifndef HOP_DATA_H
#define HOP_DATA_H

#include <stddef.h>

#define HOP_DATA_IDX_MAX_RANK 4
/* Largest payload a loader accepts (bytes): far above MNIST (47 MB), a guard
 * against absurd headers. */
#define HOP_DATA_MAX_BYTES ((size_t)1 << 31)

/* One IDX file (LeCun et al.; unsigned-byte type 0x08 only). */
typedef struct {
  unsigned rank;                      /* number of dimensions, 1..HOP_DATA_IDX_MAX_RANK */
  size_t dims[HOP_DATA_IDX_MAX_RANK]; /* dimension sizes, dims[0] = item count */
  size_t count;                       /* product of dims */
  unsigned char *data;                /* (count) bytes, row-major */
} hop_data_idx;

/* Read an IDX file, gzip-compressed or plain (zlib's gz functions read both). */
int hop_data_idx_read(const char *path, hop_data_idx *out);
void hop_data_idx_free(hop_data_idx *idx);

/* A labelled image set. */
typedef struct {
  size_t n;        /* images */
  size_t channels; /* 1 (gray) or 3 (RGB) */
  size_t height, width;
  size_t dim;       /* channels * height * width */
  unsigned char *x; /* (n, channels, height, width) pixel bytes, channel planes */
  unsigned char *y; /* (n) labels, each < n_classes */
  size_t n_classes; /* 10 for MNIST, Fashion-MNIST, CIFAR-10 */
} hop_dataset;

/* MNIST / Fashion-MNIST: images (rank 3, n x rows x cols) and labels (rank 1, n);
 * counts must agree and labels be < 10. */
int hop_data_mnist_load(const char *images_path, const char *labels_path, hop_dataset *out);

/* CIFAR-10 binary batches (records of 1 label byte + 3072 pixel bytes), concatenated
 * in the order given; max_n > 0 keeps only the first max_n images (0: all). */
int hop_data_cifar_load(const char *const *paths, size_t n_paths, size_t max_n, hop_dataset *out);

/* Raw 8-bit gray video frames (width x height bytes each, row-major, as ffmpeg's
 * `-f rawvideo -vf format=gray` writes them). The file must hold a whole number of
 * frames; it is read to the end and the count compared with its size. max_frames > 0
 * keeps the first max_frames. No labels (y = NULL, n_classes = 0). */
int hop_data_frames_load(const char *path, size_t width, size_t height, size_t max_frames,
                         hop_dataset *out);

void hop_data_free(hop_dataset *ds);

/* What an experiment needs from a loaded dataset, checked right after loading and
 * before anything is allocated from its sizes: channels x height x width per image
 * (HOP_EFORMAT naming path, what was expected and what was found) and at least min_n
 * records (HOP_EINVAL: the data are well-formed, but `why`, a fixed setting or an
 * option, asks for more). */
int hop_data_expect(const hop_dataset *ds, const char *path, size_t channels, size_t height,
                    size_t width, size_t min_n, const char *why);

/* For tests only: when set, the loaders call it with the path between checking a
 * file's size and reading its data, so a test can change the file in that window. */
extern void (*hop_data_after_size_check)(const char *path);

/* The data directory: $HOPFIELD_DATA_DIR if set, else "data". Path of a file in it
 * (HOP_ERANGE when it does not fit n). Programs refuse a directory name longer than
 * HOP_DATA_DIR_MAX up front, so their 512-byte path buffers always hold it. */
#define HOP_DATA_DIR_MAX 256
const char *hop_data_dir(void);
int hop_data_path(char *buf, size_t n, const char *relative);

#endif

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
#include <gsl/gsl_rng.h>

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

/* Whether bytes fit the machine: at most fraction of its physical memory and, under an
 * address-space limit (ulimit -v), the request plus the process's present size plus
 * HOP_DATA_VM_RESERVE (and at least HOP_DATA_VM_FLOOR) within that limit. HOP_ETOOBIG
 * with the numbers when they do not ("WHAT needs 3.1 GiB, more than 80 % of ...").
 * Every loader checks what a header announces with it before allocating. Measured on
 * the 2-core machines: a tiny run holds ~181 MiB of address space at the check and
 * peaks near 325 MiB; under `ulimit -v 300000` OpenBLAS spins, under 350000 it runs. */
#define HOP_DATA_VM_RESERVE (160.0 * 1048576.0)
#define HOP_DATA_VM_FLOOR   (340.0 * 1048576.0)
int hop_data_fits(double bytes, double fraction, const char *what);

/* Open path for reading as every loader does: only a regular file (O_NONBLOCK on the
 * open, so a FIFO or device never blocks; then fstat), its stat into st (may be NULL).
 * Returns the descriptor, or -1 with HOP_EIO recorded ("cannot open: strerror", "not a
 * regular file"). */
struct stat;
int hop_data_open_file(const char *path, struct stat *st);

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

/* ---- the catalogue: every dataset the experiments read, with its files and shape ----
 * One place for the file names under the data directory (data/fetch.sh puts them there)
 * and for what each image must be. A part is HOP_DATA_TRAIN or HOP_DATA_TEST. */
typedef enum {
  HOP_DATA_MNIST,        /* mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte, 1 x 28 x 28 */
  HOP_DATA_FASHION,      /* fashion-mnist/ the same names + .gz, 1 x 28 x 28 */
  HOP_DATA_CIFAR,        /* cifar-10/data_batch_{1..5}.bin, test_batch.bin, 3 x 32 x 32 */
  HOP_DATA_CIFAR_JPEG75, /* cifar-10-jpeg75/ the same names (the approximate copy) */
  HOP_DATA_CIFAR_SUBSET, /* cifar-10-subset/{data_batch_1_first4000,test_batch_first1000}.bin */
  HOP_DATA_N_SETS
} hop_data_set;
enum { HOP_DATA_TRAIN = 0, HOP_DATA_TEST = 1 };
#define HOP_DATA_MAX_FILES 5

/* A part of a catalogued dataset as loaded: the images and labels, and the files read. */
typedef struct {
  hop_dataset d;
  size_t n_files;
  char files[HOP_DATA_MAX_FILES][512];
} hop_data_part;

/* Load part (HOP_DATA_TRAIN or HOP_DATA_TEST) of dataset set: its files under the data
 * directory, read by the loader of its format (a CIFAR training part reads only the
 * batches that max_n needs), max_n > 0 keeping the first max_n records; then checked by
 * hop_data_expect against the set's image shape and at least min_n records (why: what
 * asks for them). The errors are those of the loaders and of hop_data_expect. */
int hop_data_open(hop_data_set set, int part, size_t max_n, size_t min_n, const char *why,
                  hop_data_part *out);
void hop_data_part_free(hop_data_part *p);
/* Whether the first file of set's training part can be opened for reading. */
int hop_data_present(hop_data_set set);

/* A validation split: perm (n) becomes a permutation of 0..n-1 drawn from r (the
 * identity when r is NULL); rows perm[0..n_val) are the validation split and the next
 * n_train rows the training split. HOP_EINVAL, naming the counts, when they do not fit. */
int hop_data_split(size_t n, size_t n_val, size_t n_train, gsl_rng *r, size_t *perm);

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

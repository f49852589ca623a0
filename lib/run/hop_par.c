/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* hop_par.c: the process group (hop_par.h): MPI under -DHOP_MPI, else one process. */
#include "hop_par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hop_error.h"

static int shared_error = 1;

int hop_par_shared_error(void) { return shared_error; }
void hop_par_shared(int shared) { shared_error = shared; }

#ifndef HOP_MPI

int hop_par_init(int *argc, char ***argv) {
  (void)argc, (void)argv;
  return HOP_OK;
}
void hop_par_end(void) {}
int hop_par_rank(void) { return 0; }
int hop_par_size(void) { return 1; }
int hop_par_local(void) { return 1; }
int hop_par_hosts(char *out, size_t cap) {
  if (cap) out[0] = '\0';
  return HOP_OK;
}
int hop_par_agree(int status, int *extra) {
  (void)extra;
  return status;
}
void hop_par_abort(int code, const char *message) {
  fprintf(stderr, "%s\n", message);
  exit(code);
}
int hop_par_bcast(void *buf, size_t len) {
  (void)buf, (void)len;
  return HOP_OK;
}

#else /* HOP_MPI */

#include <fcntl.h>
#include <limits.h>
#include <mpi.h>
#include <unistd.h>

static int rank, size = 1, local = 1, err_fd = 2;

int hop_par_init(int *argc, char ***argv) {
  int provided;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    HOP_ERROR(HOP_EIO, "MPI_Init_thread failed");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &local);
  MPI_Comm_free(&node);
  if (provided < MPI_THREAD_FUNNELED)
    HOP_ERROR(HOP_EIO, "this MPI library gives no MPI_THREAD_FUNNELED (level %d)", provided);
  if (rank == 0) return HOP_OK;
  /* A non-writer prints nothing: its stdout and stderr go to /dev/null; its own stderr is
   * kept for hop_par_abort. */
  int null = open("/dev/null", O_WRONLY);
  err_fd = dup(2);
  fflush(stdout), fflush(stderr);
  if (null < 0 || err_fd < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
    HOP_ERROR(HOP_EIO, "rank %d cannot silence its output", rank);
  close(null);
  return HOP_OK;
}

void hop_par_end(void) {
  int done = 0;
  MPI_Finalized(&done);
  if (!done) MPI_Finalize();
}

int hop_par_rank(void) { return rank; }
int hop_par_size(void) { return size; }
int hop_par_local(void) { return local; }

int hop_par_hosts(char *out, size_t cap) {
  char me[MPI_MAX_PROCESSOR_NAME] = {0};
  int len = 0;
  MPI_Get_processor_name(me, &len);
  char *all = rank == 0 ? malloc((size_t)size * MPI_MAX_PROCESSOR_NAME) : NULL;
  if (rank == 0 && !all) HOP_ERROR(HOP_ENOMEM, "host names of %d ranks", size);
  MPI_Gather(me, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0,
             MPI_COMM_WORLD);
  if (rank != 0) return HOP_OK;
  size_t used = 0;
  out[0] = '\0';
  for (int r = 0; r < size; r++) { /* ranks of one host are counted once, first seen first */
    const char *h = all + (size_t)r * MPI_MAX_PROCESSOR_NAME;
    int seen = 0, count = 0;
    for (int q = 0; q < size; q++) {
      const char *g = all + (size_t)q * MPI_MAX_PROCESSOR_NAME;
      if (!strcmp(g, h)) seen |= q < r, count++;
    }
    if (seen) continue;
    int n = snprintf(out + used, cap - used, "%s%s:%d", used ? "," : "", h, count);
    if (n < 0 || (size_t)n >= cap - used) break;
    used += (size_t)n;
  }
  free(all);
  return HOP_OK;
}

int hop_par_agree(int status, int *extra) {
  int mine = status ? rank : size, first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  shared_error = 1;
  if (first == size) return HOP_OK;
  struct {
    int code, extra;
    char message[512];
  } m = {0};
  if (rank == first) {
    m.code = status;
    m.extra = extra ? *extra : 0;
    snprintf(m.message, sizeof m.message, "%s", hop_error_message());
  }
  MPI_Bcast(&m, (int)sizeof m, MPI_BYTE, first, MPI_COMM_WORLD);
  if (extra) *extra = m.extra;
  if (rank != first) HOP_RAISE(m.code, "%s", m.message);
  return m.code;
}

void hop_par_abort(int code, const char *message) {
  if (message && *message) {
    char line[1024];
    int n = snprintf(line, sizeof line, "%s\n", message);
    if (n > 0 && write(err_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0)
      n = 0;
  }
  MPI_Abort(MPI_COMM_WORLD, code);
  exit(code);
}

int hop_par_bcast(void *buf, size_t len) {
  unsigned char *p = buf;
  while (len) { /* MPI counts are int: 1 GiB at a time */
    int n = len > (1u << 30) ? 1 << 30 : (int)len;
    if (MPI_Bcast(p, n, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
      HOP_ERROR(HOP_EIO, "MPI_Bcast of %d bytes failed", n);
    p += n, len -= (size_t)n;
  }
  return HOP_OK;
}

#endif

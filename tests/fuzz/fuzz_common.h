/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_common.h: the loaders read files, so each libFuzzer harness writes its input to
 * one memory file per process (memfd_create) and loads it through /proc/self/fd/N: no
 * file in /tmp to clean up, and no name there that a planted link could redirect. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *fuzz_file(const uint8_t *data, size_t size) {
  static char path[64];
  static int fd = -1;
  if (fd < 0) {
    if ((fd = memfd_create("hopfuzz", MFD_CLOEXEC)) < 0) abort();
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (ftruncate(fd, 0)) abort();
  for (size_t done = 0; done < size;) {
    ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
    if (w <= 0) abort();
    done += (size_t)w;
  }
  return path;
}

#endif
